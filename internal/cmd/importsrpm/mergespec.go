package importsrpm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/spec"
)

// MergeSpecOptions is everything git import-srpm merge-spec needs.
type MergeSpecOptions struct {
	IO *cliutil.IO

	// TheirOld, TheirNew and Ours are files, or REV:path in the
	// repository the command runs in.
	TheirOld, TheirNew, Ours string
	Output                   string // "" writes Ours
	DryRun                   bool
	VendorMarker             string

	repo *git.Repo // opened by the first REV:path argument, for the others
}

func mergeSpecCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "merge-spec",
		Usage:     "merge what changed between two revisions of their spec into ours",
		ArgsUsage: "<their-old-spec> <their-new-spec> <our-spec>",
		Description: "A three-way merge that knows patch numbers: the patches they inserted, removed or\n" +
			"replaced land in their layer (before the vendor marker) at the same place, their\n" +
			"renumbering follows, and our layer is shifted up when their numbers reach it.\n" +
			"Other lines are merged as git merge-file does; a conflict is written with\n" +
			"git merge-file --diff3 markers and the command exits 1. Each spec is a file or\n" +
			"REV:path in the current repository; our spec is rewritten atomically unless\n" +
			"--output or --dry-run is given.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the change to our spec as a unified diff, write nothing"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` instead of our spec"},
			&cli.StringFlag{Name: "vendor-marker", Value: spec.DefaultVendorMarker, Usage: "comment line that starts our layer in our spec"},
		},
		Action: action(run, func(c *cli.Context) *MergeSpecOptions {
			return &MergeSpecOptions{
				IO:           stdio,
				DryRun:       c.Bool("dry-run"),
				Output:       c.String("output"),
				VendorMarker: c.String("vendor-marker"),
			}
		}),
	}
}

func (o *MergeSpecOptions) setArgs(args []string) error {
	if len(args) != 3 {
		return cliutil.Usagef("merge-spec takes <their-old-spec> <their-new-spec> <our-spec>, got %d argument(s)", len(args))
	}
	o.TheirOld, o.TheirNew, o.Ours = args[0], args[1], args[2]
	if o.VendorMarker == "" {
		return cliutil.Usagef("--vendor-marker must not be empty")
	}
	if o.DryRun && o.Output != "" {
		return cliutil.Usagef("--dry-run writes nothing: do not give --output with it")
	}
	return nil
}

// path is p relative to where the command runs.
func (o *MergeSpecOptions) path(p string) string {
	if o.IO.Dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(o.IO.Dir, p)
}

// read reads a spec given as a file or as REV:path; isFile says which.
func (o *MergeSpecOptions) read(ctx context.Context, arg string) (data []byte, isFile bool, err error) {
	b, err := os.ReadFile(o.path(arg))
	if err == nil {
		return b, true, nil
	}
	rev, _, isRev := strings.Cut(arg, ":")
	if !errors.Is(err, fs.ErrNotExist) || !isRev || rev == "" {
		return nil, false, fmt.Errorf("read spec %s: %w", arg, err)
	}
	if o.repo == nil {
		dir := o.IO.Dir
		if dir == "" {
			dir = "."
		}
		repo, err := git.Open(ctx, dir)
		if errors.Is(err, git.ErrNotRepository) {
			return nil, false, cliutil.Usagef("%s is neither a file nor REV:path (%s is not a git repository)", arg, dir)
		}
		if err != nil {
			return nil, false, err
		}
		repo.Env = o.IO.GitEnv
		o.repo = repo
	}
	repo := o.repo
	objs, err := repo.CatObjects(ctx, []string{arg}, git.ObjectOptions{})
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", arg, err)
	}
	if len(objs) != 1 || objs[0].Missing || objs[0].Type != "blob" {
		return nil, false, cliutil.Usagef("%s is neither a file nor a file of a revision (REV:path) of %s", arg, repo.Dir)
	}
	return objs[0].Data, false, nil
}

func runMergeSpec(ctx context.Context, o *MergeSpecOptions) error {
	base, _, err := o.read(ctx, o.TheirOld)
	if err != nil {
		return err
	}
	theirs, _, err := o.read(ctx, o.TheirNew)
	if err != nil {
		return err
	}
	ours, oursFile, err := o.read(ctx, o.Ours)
	if err != nil {
		return err
	}
	if !oursFile && o.Output == "" && !o.DryRun {
		return cliutil.Usagef("%s is not a file to rewrite: give --output FILE or --dry-run", o.Ours)
	}
	res, err := spec.MergeSpec(base, theirs, ours, &spec.MergeOptions{
		VendorMarker: o.VendorMarker,
		Labels:       spec.Labels{Ours: o.Ours, Base: o.TheirOld, Theirs: o.TheirNew},
	})
	switch {
	case errors.Is(err, spec.ErrNoMarker):
		return fmt.Errorf("%s: %w (or give --vendor-marker); nothing was written", o.Ours, err)
	case errors.Is(err, spec.ErrDuplicate):
		return fmt.Errorf("%s: %w; renumber one side (git import-srpm renumber) and merge again; nothing was written", o.Ours, err)
	case err != nil:
		return fmt.Errorf("merge into %s: %w; nothing was written", o.Ours, err)
	}
	for _, r := range res.PrepRefs {
		fmt.Fprintf(o.IO.ErrOut, "warning: result line %d: %q names a patch by number and was not changed\n", r.Line, r.Text)
	}
	target := o.Ours
	if o.Output != "" {
		target = o.Output
	}
	if o.DryRun {
		name := filepath.ToSlash(o.Ours)
		if _, err := io.WriteString(o.IO.Out, unifiedDiff("a/"+name, "b/"+name, ours, res.Out)); err != nil {
			return err
		}
	} else if o.Output != "" || !bytes.Equal(res.Out, ours) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := o.write(target, res.Out); err != nil {
			return err
		}
	}
	o.summary(target, res)
	if len(res.Conflicts) > 0 {
		return cliutil.ErrSilent
	}
	return nil
}

// write writes the result: over our spec as renumber does, or a new file.
func (o *MergeSpecOptions) write(target string, data []byte) error {
	p := o.path(target)
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return atomicfile.Write(p, data, 0o644)
	}
	return writeAtomic(p, data)
}

// summary says what the merge did: on stdout when it worked, on stderr
// the conflicts to resolve.
func (o *MergeSpecOptions) summary(target string, res *spec.MergeResult) {
	w := o.IO.Out
	if o.DryRun {
		w = o.IO.ErrOut
	}
	verb := "merged into"
	if o.DryRun {
		verb = "would merge into"
	}
	fmt.Fprintf(w, "%s %s: %d of their patches added, %d removed, %d patch line(s) renumbered",
		verb, target, len(res.Added), len(res.Removed), len(res.Renumbered))
	if res.OurShift != 0 {
		fmt.Fprintf(w, "; our layer moved up by %d to make room", res.OurShift)
	}
	fmt.Fprintln(w)
	for _, p := range res.Added {
		fmt.Fprintf(w, "  added   Patch%d: %s (line %d)\n", p.Num, p.File, p.Line)
	}
	for _, p := range res.Removed {
		fmt.Fprintf(w, "  removed Patch%d: %s (line %d of %s)\n", p.Num, p.File, p.Line, o.Ours)
	}
	if n := len(res.Conflicts); n > 0 {
		var at []string
		for _, l := range res.Conflicts {
			at = append(at, fmt.Sprint(l))
		}
		fmt.Fprintf(o.IO.ErrOut, "git import-srpm: %s: %d conflict(s), at line(s) %s: edit them (markers as git merge-file --diff3 writes them), then check with rpmspec -P\n",
			target, n, strings.Join(at, ", "))
	}
}
