package kabi

import (
	"context"
	"errors"
	"fmt"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/pahole"
	"github.com/patchqueue/pqtools/internal/proc"
	"github.com/urfave/cli/v2"
)

// LayoutOptions are the dependencies and arguments of `git kabi layout`.
type LayoutOptions struct {
	IO       *cliutil.IO
	Type     string // "foo", "struct foo" or "union foo"
	Old, New string // objects with debug information
	Format   string // "text" or "json"
}

// howToGetObjects is what to do without objects with debug information.
const howToGetObjects = "give a vmlinux built with CONFIG_DEBUG_INFO=y, or a .o that uses the type, " +
	"built with debug information (make path/to/file.o with CONFIG_DEBUG_INFO=y, or gcc -g -c)"

func layoutCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "layout",
		Usage:     "show a struct's layout in two builds side by side, and where a new member fits without moving any offset",
		ArgsUsage: "<type> --old <obj> --new <obj>",
		Description: "Reads the layout of the struct or union <type> with pahole(1) from two objects built with\n" +
			"debug information (a vmlinux with CONFIG_DEBUG_INFO=y, or a .o built with -g), and shows them\n" +
			"side by side: members that moved (~), changed type or size (!), were added (+) or removed (-),\n" +
			"the holes and padding of each. For each member added at the outer level, it says whether the\n" +
			"old layout has a hole or tail padding that holds it, so that no old offset moves.\n" +
			"Exits 1 when an old member moved, changed size or went away, or the size changed.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "old", Usage: "baseline object `OBJ` with debug information (required)"},
			&cli.StringFlag{Name: "new", Usage: "comparison object `OBJ` with debug information (required)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
		},
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 1, "one struct or union name"); err != nil {
				return err
			}
			if c.String("old") == "" || c.String("new") == "" {
				return cliutil.Usagef("layout: options --old and --new are required: %s", howToGetObjects)
			}
			f := c.String("format")
			if f != "text" && f != "json" {
				return cliutil.Usagef("layout: --format must be text or json, not %q", f)
			}
			if _, err := pahole.TypeName(c.Args().First()); err != nil {
				return cliutil.Usagef("layout: %q is not a struct or union name", c.Args().First())
			}
			return run(c.Context, &LayoutOptions{IO: stdio, Type: c.Args().First(),
				Old: c.String("old"), New: c.String("new"), Format: f})
		},
	}
}

func runLayout(ctx context.Context, o *LayoutOptions) error {
	d, err := compareLayouts(ctx, o.Type, o.Old, o.New)
	if err != nil {
		return err
	}
	if o.Format == "json" {
		err = d.WriteJSON(o.IO.Out)
	} else {
		err = o.IO.Paged(ctx, "kabi", func() error { return d.WriteText(o.IO.Out, o.IO.Width) })
	}
	if err != nil {
		return err
	}
	if !d.Kept {
		return cliutil.ErrSilent
	}
	return nil
}

// compareLayouts loads typ from the objects oldObj and newObj and
// compares the two layouts.
func compareLayouts(ctx context.Context, typ, oldObj, newObj string) (*pahole.Diff, error) {
	old, err := loadLayout(ctx, oldObj, typ)
	if err != nil {
		return nil, err
	}
	new, err := loadLayout(ctx, newObj, typ)
	if err != nil {
		return nil, err
	}
	return pahole.Compare(old, new), nil
}

// loadLayout loads typ from obj, saying what to do when it cannot.
func loadLayout(ctx context.Context, obj, typ string) (*pahole.Layout, error) {
	l, err := pahole.Load(ctx, obj, typ)
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, proc.ErrNotInstalled):
		return nil, errors.New("pahole is not installed: install the pahole package (dwarves on Fedora)")
	case errors.Is(err, pahole.ErrNoDebugInfo):
		return nil, fmt.Errorf("%s has no debug information: %s", obj, howToGetObjects)
	case errors.Is(err, pahole.ErrNotObject):
		return nil, fmt.Errorf("%s is not an ELF object: %s", obj, howToGetObjects)
	case errors.Is(err, pahole.ErrTypeNotFound):
		return nil, fmt.Errorf("no struct or union %s in %s (an object's debug information holds only the types it uses)", typ, obj)
	}
	return nil, err
}
