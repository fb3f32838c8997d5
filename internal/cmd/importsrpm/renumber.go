package importsrpm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/spec"
)

// RenumberOptions is everything git import-srpm renumber needs.
type RenumberOptions struct {
	IO *cliutil.IO

	SpecPath     string
	Start        int
	Offset       int
	DryRun       bool
	VendorMarker string
}

func renumberCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "renumber",
		Usage:     "shift the numbers of PatchN lines (N >= start) before the vendor block by offset",
		ArgsUsage: "<spec> <start> <offset>",
		Description: "Every PatchN: line and every commented \"# PatchN:\" line with N >= start that comes\n" +
			"before the vendor block's marker comment becomes N+offset; no other byte changes.\n" +
			"The spec is rewritten atomically; nothing is written when the result would give two\n" +
			"patches the same number or a negative one.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the change as a unified diff, write nothing"},
			&cli.StringFlag{Name: "vendor-marker", Value: spec.DefaultVendorMarker, Usage: "comment line that starts the vendor block"},
		},
		Action: action(run, func(c *cli.Context) *RenumberOptions {
			return &RenumberOptions{
				IO:           stdio,
				DryRun:       c.Bool("dry-run"),
				VendorMarker: c.String("vendor-marker"),
			}
		}),
	}
}

func (o *RenumberOptions) setArgs(args []string) error {
	if len(args) != 3 {
		return cliutil.Usagef("renumber takes <spec> <start> <offset>, got %d argument(s)", len(args))
	}
	o.SpecPath = args[0]
	var err error
	if o.Start, err = strconv.Atoi(args[1]); err != nil || o.Start < 0 {
		return cliutil.Usagef("start must be a patch number (0 or more), not %q", args[1])
	}
	if o.Offset, err = strconv.Atoi(args[2]); err != nil {
		return cliutil.Usagef("offset must be a whole number, not %q", args[2])
	}
	if o.VendorMarker == "" {
		return cliutil.Usagef("--vendor-marker must not be empty")
	}
	return nil
}

func runRenumber(ctx context.Context, o *RenumberOptions) error {
	src, err := os.ReadFile(o.SpecPath)
	if err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	res, err := spec.Renumber(src, o.Start, o.Offset, &spec.Options{VendorMarker: o.VendorMarker})
	switch {
	case errors.Is(err, spec.ErrDuplicate), errors.Is(err, spec.ErrNegative):
		return fmt.Errorf("%s: %w; the spec was not changed, choose another start or offset", o.SpecPath, err)
	case err != nil:
		return fmt.Errorf("%s: %w; the spec was not changed", o.SpecPath, err)
	}
	if res.VendorLine == 0 && len(res.Changes) > 0 {
		// Without the marker there is no vendor block to keep: say what
		// moved, so a wrong or missing marker does not go unnoticed.
		first, last := res.Changes[0], res.Changes[len(res.Changes)-1]
		fmt.Fprintf(o.IO.ErrOut, "%s: no vendor marker %q: renumbered every patch from %d on (Patch%d..Patch%d became Patch%d..Patch%d); give --vendor-marker to keep a block as it is\n",
			o.SpecPath, o.VendorMarker, o.Start, first.Old, last.Old, first.New, last.New)
	}
	for _, r := range res.PrepRefs {
		fmt.Fprintf(o.IO.ErrOut, "warning: %s line %d: %q names a renumbered patch by number and was not changed\n",
			o.SpecPath, r.Line, r.Text)
	}
	if o.DryRun {
		_, err := io.WriteString(o.IO.Out, unifiedDiff("a/"+filepath.ToSlash(o.SpecPath), "b/"+filepath.ToSlash(o.SpecPath), src, res.Out))
		return err
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(o.IO.Out, "%s: no patch numbered %d or more before the vendor block; nothing to do\n", o.SpecPath, o.Start)
		return nil
	}
	if bytes.Equal(res.Out, src) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeAtomic(o.SpecPath, res.Out); err != nil {
		return err
	}
	first, last := res.Changes[0], res.Changes[len(res.Changes)-1]
	fmt.Fprintf(o.IO.Out, "%s: renumbered %d patch line(s), lines %d to %d\n", o.SpecPath, len(res.Changes), first.Line, last.Line)
	return nil
}

// writeAtomic replaces path by data through a temporary file in the same
// directory and a rename, so a reader sees the old or the new spec, never
// half of one; the file keeps its permissions, and a symbolic link is
// followed rather than replaced.
func writeAtomic(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return err
	}
	if err := writable(path, fi); err != nil {
		return err
	}
	return atomicfile.Write(target, data, fi.Mode().Perm())
}

// writable refuses a spec its owner made read-only: a rename would replace
// it regardless (as root, or in a writable directory), which is not what
// a read-only file asks for.
func writable(path string, fi os.FileInfo) error {
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("%s is read-only; make it writable (chmod u+w) to edit it", path)
	}
	return nil
}
