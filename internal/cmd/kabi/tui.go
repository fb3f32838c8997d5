package kabi

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/kabitui"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/urfave/cli/v2"
)

// TUIOptions are the dependencies and arguments of `git kabi tui`, and of
// `git kabi compare` on a terminal.
type TUIOptions struct {
	IO             *cliutil.IO
	Old, New       string // Symtypes files, baseline then comparison
	LockedList     string // -l: its [module] sections are the modules
	Range          string // --range <a>..<b>: enables the blame panel
	Repo           string // --repo: the kernel work tree, "" for IO.Dir
	OldObj, NewObj string // --old-obj/--new-obj: enable the layout panel
	// ExitDiffer: the UI is git kabi compare's on a terminal, which exits
	// 1 when an export's CRC differs, as it does piped.
	ExitDiffer bool
}

func tuiCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "tui",
		Usage:     "triage a kABI break in a terminal UI: changed types by impact, diff, modules, layout, blame",
		ArgsUsage: "-l <lockedlist> <old-symtypes> <new-symtypes> | -l <lockedlist> -K <Symtypes.kabi> -S <Symtypes.build>",
		Description: "The entry point of XCP-ng's Python kabi tool, with its options (--locked-file, --repository,\n" +
			"--rev-list, --old-vmlinux and --new-vmlinux are its names); git kabi compare opens the\n" +
			"same UI on a terminal. --range (with --repo) fills the blame panel, --old-obj and --new-obj\n" +
			"(objects built with debug info) the layout panel.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "lockedlist", Aliases: []string{"l", "locked-file"}, Usage: "locked list `FILE` whose [module] sections are the modules"},
			&cli.StringFlag{Name: "symtypes-kabi", Aliases: []string{"K"}, Usage: "baseline `Symtypes.kabi` (instead of the first argument)"},
			&cli.StringFlag{Name: "symtypes-build", Aliases: []string{"S"}, Usage: "comparison `Symtypes.build` (instead of the second argument)"},
			&cli.StringFlag{Name: "range", Aliases: []string{"rev-list"}, Usage: "`<from>..<to>`: the commits the blame panel searches"},
			&cli.StringFlag{Name: "repo", Aliases: []string{"r", "repository"}, Usage: "kernel work tree `DIR` for --range (default: the current directory)"},
			&cli.StringFlag{Name: "old-obj", Aliases: []string{"old-vmlinux"}, Usage: "baseline `OBJECT` with debug info (vmlinux or .o) for the layout panel"},
			&cli.StringFlag{Name: "new-obj", Aliases: []string{"new-vmlinux"}, Usage: "comparison `OBJECT` with debug info for the layout panel"},
		},
		Action: func(c *cli.Context) error {
			o := &TUIOptions{IO: stdio, LockedList: c.String("lockedlist"), Range: c.String("range"), Repo: c.String("repo"),
				OldObj: c.String("old-obj"), NewObj: c.String("new-obj")}
			switch k, s := c.String("symtypes-kabi"), c.String("symtypes-build"); {
			case k == "" && s == "":
				if err := wantArgs(c, 2, "two Symtypes files, baseline then comparison (or -K and -S)"); err != nil {
					return err
				}
				o.Old, o.New = c.Args().Get(0), c.Args().Get(1)
			case k == "" || s == "":
				return cliutil.Usagef("tui: -K and -S go together")
			default:
				if err := wantArgs(c, 0, "no Symtypes arguments besides -K and -S"); err != nil {
					return err
				}
				o.Old, o.New = k, s
			}
			if (o.OldObj == "") != (o.NewObj == "") {
				return cliutil.Usagef("tui: --old-obj and --new-obj go together")
			}
			if o.Repo != "" && o.Range == "" {
				return cliutil.Usagef("tui: --repo goes with --range")
			}
			return run(c.Context, o)
		},
	}
}

// runTUI reads and compares the files off the UI goroutine, showing
// progress, and runs the UI until the user quits; with o.ExitDiffer, a
// comparison that found a differing CRC, or that the user quit before it
// finished, then ends in exit 1.
func runTUI(ctx context.Context, o *TUIOptions) error {
	if !o.IO.OutTTY {
		return errors.New("the kABI UI needs a terminal: use git kabi compare --format text or --format json")
	}
	blame, err := blameSetup(ctx, o)
	if err != nil {
		return err
	}
	var old, new *symtypes.Set
	opts := kabitui.Options{Title: filepath.Base(o.Old) + " vs " + filepath.Base(o.New), Layout: layoutHook(o)}
	if blame != nil {
		opts.Blame = func(ctx context.Context, ch symtypes.TypeChange) (string, error) { return blame(ctx, old, new, ch) }
	}
	ui := kabitui.New(ctx, opts)
	// Set on the loading goroutine, read once the UI has returned (the
	// user may quit while it loads: Ctrl-C on the loading page).
	var compared, differ atomic.Bool
	err = ui.Run(func(ctx context.Context, progress func(string)) (*kabitui.Data, error) {
		o1, n1, c, err := compareFiles(o.Old, o.New, progress)
		if err != nil {
			return nil, err
		}
		differ.Store(len(c.Differ) > 0)
		compared.Store(true)
		impacts, err := impactOf(o.LockedList, o1, n1, c)
		if err != nil {
			return nil, err
		}
		// The blame hook runs only once the table is shown, after this.
		old, new = o1, n1
		return kabitui.NewData(o1, n1, c, impacts, o.LockedList != "")
	})
	switch {
	case err != nil || !o.ExitDiffer:
		return err
	case !compared.Load():
		// compare A B && ship: no verdict is not a pass.
		return errors.New("quit before the comparison finished")
	case differ.Load():
		return cliutil.ErrSilent
	}
	return nil
}

// blameFunc blames one changed type between two sets.
type blameFunc func(ctx context.Context, old, new *symtypes.Set, ch symtypes.TypeChange) (string, error)

// blameSetup checks --range and the repository before the UI starts, so
// a typo is one error line, and returns the blame panel's function (nil
// without --range).
func blameSetup(ctx context.Context, o *TUIOptions) (blameFunc, error) {
	if o.Range == "" {
		return nil, nil
	}
	from, to, err := splitRange(o.Range, "tui")
	if err != nil {
		return nil, err
	}
	repo, revs, err := openRange(ctx, o.IO, o.Repo, "tui", from, to)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, old, new *symtypes.Set, ch symtypes.TypeChange) (string, error) {
		return blameType(ctx, repo, revs, o.Range, old, new, ch)
	}, nil
}

// blameType is what git kabi blame prints for one changed type.
func blameType(ctx context.Context, repo *git.Repo, revs []string, rng string, old, new *symtypes.Set, ch symtypes.TypeChange) (string, error) {
	b, err := blameChange(ctx, repo, revs, rng, old, new, ch)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	writeBlame(&out, b)
	return out.String(), nil
}

// layoutHook is the layout panel's function: nil without objects (the
// panel then says how to get them).
func layoutHook(o *TUIOptions) kabitui.LayoutFunc {
	if o.OldObj == "" {
		return nil
	}
	width := 0 // pahole's default of 100 columns; the page scrolls sideways
	if o.IO.Width > 62 {
		width = o.IO.Width - 2 // the page's border
	}
	return func(ctx context.Context, typeName string) (string, error) {
		return layoutText(ctx, typeName, o.OldObj, o.NewObj, width)
	}
}

// layoutText is what git kabi layout prints for a type of the UI ("struct
// foo", "typedef foo" of a struct): both layouts side by side, the holes,
// and where an added member fits without moving an offset.
func layoutText(ctx context.Context, typeName, oldObj, newObj string, width int) (string, error) {
	d, err := compareLayouts(ctx, strings.TrimPrefix(typeName, "typedef "), oldObj, newObj)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := d.WriteText(&b, width); err != nil {
		return "", err
	}
	return b.String(), nil
}
