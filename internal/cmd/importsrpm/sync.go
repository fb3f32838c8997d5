package importsrpm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/spec"
	"github.com/patchqueue/pqtools/internal/srpm"
)

// SyncOptions is everything git import-srpm sync needs.
type SyncOptions struct {
	IO *cliutil.IO

	SpecPath     string // "" is the single SPECS/*.spec of the work tree
	SourcesDir   string // "" is SOURCES/ beside SPECS/
	CodeRepo     string
	OntoTag      string
	OldBase      string
	NewBase      string
	DryRun       bool
	VendorMarker string
	NewVersion   string
	OldTip       string
	NewTip       string
}

func syncCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "sync",
		Usage:     "update the spec and SOURCES/ after the patch queue was rebased",
		ArgsUsage: "<old>..<new>",
		Description: "Reviews the rebase of the queue <old> onto <new> (bases inferred as git review-rebase\n" +
			"does, or --old-base/--new-base), maps each old commit to its PatchN by the patch-id\n" +
			"of the patch file, and edits the spec in place, changing only these lines: a patch now\n" +
			"upstream is commented out as \"# PatchN: <file>: <sha12> <title>\"; a changed patch is\n" +
			"regenerated into SOURCES/<file>-rebase-to-<tag>.patch and its line points at it; an\n" +
			"added commit becomes a new PatchN: after the last patch of the vendor block. Dropped\n" +
			"commits are only listed: they need a decision. Run in the SRPM work tree.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "spec", Usage: "the spec to edit (default: the single SPECS/*.spec of the work tree)"},
			&cli.StringFlag{Name: "sources", Usage: "where patch files are (default: SOURCES/ beside SPECS/)"},
			&cli.StringFlag{Name: "code-repo", Usage: "the code repository holding <old> and <new> (default: ../linux for a kernel, else ../<Name>, beside the SRPM repository)"},
			&cli.StringFlag{Name: "onto-tag", Usage: "the new upstream tag, for the -rebase-to-<tag> suffix (default: the tag at the new base)"},
			&cli.StringFlag{Name: "old-base", Usage: "base of the old queue (default: inferred)"},
			&cli.StringFlag{Name: "new-base", Usage: "base of the new queue (default: inferred)"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the spec diff and the files it would write, change nothing"},
			&cli.StringFlag{Name: "vendor-marker", Value: spec.DefaultVendorMarker, Usage: "comment line that starts the vendor block"},
			&cli.StringFlag{Name: "new-version", Usage: "also set Version (and the old version written in Source0) to this"},
		},
		Action: func(c *cli.Context) error {
			o := &SyncOptions{
				IO:       stdio,
				SpecPath: c.String("spec"), SourcesDir: c.String("sources"), CodeRepo: c.String("code-repo"),
				OntoTag: c.String("onto-tag"), OldBase: c.String("old-base"), NewBase: c.String("new-base"),
				DryRun: c.Bool("dry-run"), VendorMarker: c.String("vendor-marker"), NewVersion: c.String("new-version"),
			}
			if err := o.setArgs(c.Args().Slice()); err != nil {
				return err
			}
			return run(c.Context, o)
		},
	}
}

func (o *SyncOptions) setArgs(args []string) error {
	if len(args) != 1 {
		return cliutil.Usagef("sync takes one <old>..<new>, got %d argument(s)", len(args))
	}
	if strings.Contains(args[0], "...") {
		return cliutil.Usagef("give <old>..<new> with two dots, not %q", args[0])
	}
	old, nw, ok := strings.Cut(args[0], "..")
	if !ok || old == "" || nw == "" {
		return cliutil.Usagef("give the rebase as <old>..<new>, not %q", args[0])
	}
	o.OldTip, o.NewTip = old, nw
	for _, r := range []string{old, nw, o.OldBase, o.NewBase} {
		if r == "" {
			continue
		}
		if err := git.CheckRev(r); err != nil {
			return cliutil.Usagef("%v", err)
		}
	}
	if o.VendorMarker == "" {
		return cliutil.Usagef("--vendor-marker must not be empty")
	}
	if strings.ContainsAny(o.NewVersion, " \t\n%-") {
		return cliutil.Usagef("--new-version %q is not an RPM version", o.NewVersion)
	}
	if strings.ContainsAny(o.OntoTag, " \t\n%") {
		return cliutil.Usagef("--onto-tag %q cannot be part of a file name", o.OntoTag)
	}
	return nil
}

func runSync(ctx context.Context, o *SyncOptions) error {
	specPath, sources, err := o.paths(ctx)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	// Before any patch file is written: a sync that cannot edit the spec
	// must not leave new patch files behind.
	if fi, err := os.Stat(specPath); err == nil && !o.DryRun {
		if err := writable(specPath, fi); err != nil {
			return err
		}
	}
	sopts := &spec.Options{VendorMarker: o.VendorMarker}
	sp, err := spec.Parse(src, sopts)
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	applied, err := sp.Applied()
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	name, err := sp.Name()
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	code, err := o.openCode(ctx, specPath, name)
	if err != nil {
		return err
	}
	res, newBase, err := o.review(ctx, code)
	if err != nil {
		return err
	}
	fileIDs := make([]patchid.ID, len(applied))
	for i, p := range applied {
		data, err := os.ReadFile(filepath.Join(sources, p.File))
		if err != nil {
			return fmt.Errorf("patch %d: %w; check --sources", p.Num, err)
		}
		fileIDs[i] = srpm.FilePatchID(data)
	}
	in := srpm.SyncInput{Rows: res.Rows, Src: src, Spec: sp, Options: sopts, FileIDs: fileIDs, NewVersion: o.NewVersion}
	in.Tag, in.TagErr = o.ontoTag(ctx, code, newBase, res.New.Base)
	plan, err := srpm.PlanSync(in)
	var ue *srpm.UnmatchedError
	var ee *srpm.EditError
	switch {
	case errors.As(err, &ue):
		return fmt.Errorf("%w; nothing was changed, edit that patch by hand", ue)
	case errors.As(err, &ee):
		return fmt.Errorf("%s: %w; nothing was changed", specPath, ee.Err)
	case err != nil:
		return err
	}
	type newFile struct {
		name string
		data []byte
	}
	files := make([]newFile, len(plan.Files))
	for i, f := range plan.Files {
		data, err := code.FormatPatch(ctx, f.Commit)
		if err != nil {
			return fmt.Errorf("format-patch %s: %w", git.Short(f.Commit), err)
		}
		files[i] = newFile{f.Name, data}
	}
	// Never overwrite a different file of the same name.
	var toWrite []newFile
	for _, f := range files {
		old, err := os.ReadFile(filepath.Join(sources, f.name))
		switch {
		case err == nil && bytes.Equal(old, f.data):
			continue
		case err == nil:
			return fmt.Errorf("%s already exists with other contents; nothing was changed, move it away and run sync again", filepath.Join(sources, f.name))
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
		toWrite = append(toWrite, f)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	verb := "wrote"
	if o.DryRun {
		verb = "would write"
		// Named as in the SRPM tree: SPECS/<name>.spec.
		rel := filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(specPath)), filepath.Base(specPath)))
		if _, err := io.WriteString(o.IO.Out, unifiedDiff("a/"+rel, "b/"+rel, src, plan.Out)); err != nil {
			return err
		}
	} else {
		for _, f := range toWrite {
			if err := atomicfile.Write(filepath.Join(sources, f.name), f.data, 0o644); err != nil {
				return fmt.Errorf("write patch: %w; the spec was not changed", err)
			}
		}
		if !bytes.Equal(plan.Out, src) {
			if err := writeAtomic(specPath, plan.Out); err != nil {
				return fmt.Errorf("write spec: %w", err)
			}
		}
	}
	out := o.IO.Out
	for _, f := range toWrite {
		fmt.Fprintf(out, "%s %s (%d bytes)\n", verb, filepath.Join(sources, f.name), len(f.data))
	}
	for _, l := range plan.Summary {
		fmt.Fprintln(out, l)
	}
	fmt.Fprintf(out, "%s: %d upstream, %d changed, %d added, %d dropped, %d unchanged", specPath,
		plan.Upstream, plan.Changed, plan.Added, plan.Dropped, plan.Unchanged)
	if plan.Already > 0 {
		fmt.Fprintf(out, ", %d already done", plan.Already)
	}
	if plan.ByPosition > 0 {
		fmt.Fprintf(out, " (%d patch file(s) matched to commits by position)", plan.ByPosition)
	}
	fmt.Fprintln(out)
	return nil
}

// paths finds the spec and the SOURCES directory.
func (o *SyncOptions) paths(ctx context.Context) (specPath, sources string, err error) {
	specPath = o.SpecPath
	if specPath != "" {
		if fi, err := os.Stat(specPath); err != nil {
			return "", "", cliutil.Usagef("--spec %s: no such file", specPath)
		} else if !fi.Mode().IsRegular() {
			return "", "", cliutil.Usagef("--spec %s: not a regular file", specPath)
		}
	}
	if specPath == "" {
		root := "."
		if top, err := (&git.Repo{Dir: o.IO.Dir, Env: o.IO.GitEnv}).TopLevel(ctx); err == nil && top != "" {
			root = top
		}
		found, _ := filepath.Glob(filepath.Join(root, "SPECS", "*.spec"))
		switch len(found) {
		case 0:
			return "", "", cliutil.Usagef("no spec in %s; run in the SRPM work tree or give --spec", filepath.Join(root, "SPECS"))
		case 1:
			specPath = found[0]
		default:
			return "", "", cliutil.Usagef("more than one spec in %s; give --spec", filepath.Join(root, "SPECS"))
		}
	}
	sources = o.SourcesDir
	if sources == "" {
		sources = filepath.Join(filepath.Dir(filepath.Dir(specPath)), "SOURCES")
	}
	if fi, err := os.Stat(sources); err != nil || !fi.IsDir() {
		return "", "", cliutil.Usagef("%s is not a directory; give --sources", sources)
	}
	return specPath, sources, nil
}

// openCode opens the code repository as import does, from the SRPM
// repository holding the spec.
func (o *SyncOptions) openCode(ctx context.Context, specPath, name string) (*git.Repo, error) {
	imp := &ImportOptions{IO: o.IO, CodeRepo: o.CodeRepo}
	srpmRepo, err := git.Open(ctx, filepath.Dir(specPath))
	if err != nil {
		if o.CodeRepo == "" {
			return nil, cliutil.Usagef("%s is not in a git repository; give --code-repo", specPath)
		}
		srpmRepo = nil
	} else {
		srpmRepo.Env = o.IO.GitEnv
	}
	return imp.openCode(ctx, srpmRepo, name)
}

// review runs the review engine on the rebase; it also returns the new
// base as given or inferred (a tag name, when it was inferred from one).
func (o *SyncOptions) review(ctx context.Context, code *git.Repo) (*review.Result, string, error) {
	for _, r := range []string{o.OldTip, o.NewTip, o.OldBase, o.NewBase} {
		if r == "" {
			continue
		}
		if _, err := code.ResolveCommit(ctx, r); err != nil {
			return nil, "", cliutil.Usagef("%q is not a revision of the code repository %s", r, code.Dir)
		}
	}
	shallow := func() error {
		return fmt.Errorf("%s is a shallow clone; fetch its full history (git fetch --unshallow)", code.Dir)
	}
	ro := review.Options{OldBase: o.OldBase, OldTip: o.OldTip, NewBase: o.NewBase, NewTip: o.NewTip}
	if ro.OldBase == "" || ro.NewBase == "" {
		b, err := review.InferBases(ctx, code, o.OldTip, o.NewTip, review.Bases{OldBase: o.OldBase, NewBase: o.NewBase})
		switch {
		case errors.Is(err, review.ErrShallow):
			return nil, "", shallow()
		case errors.Is(err, review.ErrNoOldBase):
			return nil, "", cliutil.Usagef("%v; give --old-base", err)
		case errors.Is(err, review.ErrNoNewBase):
			return nil, "", cliutil.Usagef("%v; give --new-base", err)
		case err != nil:
			return nil, "", err
		}
		ro.OldBase, ro.NewBase = b.OldBase, b.NewBase
	}
	res, err := review.Run(ctx, code, ro)
	if errors.Is(err, review.ErrShallow) {
		return nil, "", shallow()
	}
	if err != nil {
		return nil, "", fmt.Errorf("review %s..%s: %w", o.OldTip, o.NewTip, err)
	}
	return res, ro.NewBase, nil
}

// ontoTag is --onto-tag, else the tag the new base was named by, else the
// one tag at the new base (sha).
func (o *SyncOptions) ontoTag(ctx context.Context, code *git.Repo, newBase, sha string) (string, error) {
	tag := o.OntoTag
	if tag == "" {
		if strings.HasPrefix(newBase, "refs/tags/") {
			tag = strings.TrimPrefix(newBase, "refs/tags/")
		} else {
			tags, err := code.Tags(ctx)
			if err != nil {
				return "", err
			}
			if names := tags[sha]; len(names) == 1 {
				tag = names[0]
			}
		}
	}
	if tag == "" {
		return "", cliutil.Usagef("no single tag at the new base %s to name regenerated patches after; give --onto-tag", git.Short(sha))
	}
	return strings.ReplaceAll(tag, "/", "-"), nil
}
