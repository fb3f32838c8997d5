package importsrpm

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/safetext"
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
	BaseTag      string // the tag template mapping a tag to a version
	Release      string
	NoChangelog  bool
	// AllowUnexplained comments out dropped commits without a note.
	AllowUnexplained bool
	OldTip           string
	NewTip           string
}

func syncCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "sync",
		Usage:     "update the spec and SOURCES/ after the patch queue was rebased",
		ArgsUsage: "<old>..<new>",
		Description: "Reviews the rebase of the queue <old> onto <new> (bases inferred as git review-rebase\n" +
			"does, or --old-base/--new-base), maps each patch file to its commit by the file's own\n" +
			"patch-id, and edits the spec in place so that it applies the new queue, in order: a patch\n" +
			"now upstream is commented out as \"# PatchN: <file>: <sha12> <title>\"; a dropped one as\n" +
			"\"# PatchN: <file>: dropped: <first line of its git note>\" (a dropped commit without a\n" +
			"note stops sync, unless --allow-unexplained); a changed patch is regenerated into\n" +
			"SOURCES/<file>-rebase-to-<tag>.patch; an added commit becomes a new PatchN: between its\n" +
			"neighbours, later patches of its layer renumbered when there is no free number. The\n" +
			"release is bumped, Version follows the tag, a %changelog entry is added, patch files\n" +
			"nothing declares any more are removed (git rm), and the new Source0 tarball is written\n" +
			"from the tag. Running sync again on its result changes nothing. Run in the SRPM work tree.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "spec", Usage: "the spec to edit (default: the single SPECS/*.spec of the work tree)"},
			&cli.StringFlag{Name: "sources", Usage: "where patch files are (default: SOURCES/ beside SPECS/)"},
			&cli.StringFlag{Name: "code-repo", Usage: "the code repository holding <old> and <new> (default: ../linux for a kernel, else ../<Name>, beside the SRPM repository)"},
			&cli.StringFlag{Name: "onto-tag", Usage: "the new upstream tag, for the -rebase-to-<tag> suffix (default: the tag at the new base)"},
			&cli.StringFlag{Name: "old-base", Usage: "base of the old queue (default: inferred)"},
			&cli.StringFlag{Name: "new-base", Usage: "base of the new queue (default: inferred)"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the spec diff and the files it would write, change nothing"},
			&cli.StringFlag{Name: "vendor-marker", Value: spec.DefaultVendorMarker, Usage: "comment line that starts the vendor block"},
			&cli.StringFlag{Name: "new-version", Usage: "set Version (and the old version written in Source0) to this (default: the version the onto tag names, per --base-tag)"},
			&cli.StringFlag{Name: "base-tag", Value: srpm.DefaultBaseTag, Usage: "the tag template that maps the onto tag to a version, as import reads it"},
			&cli.StringFlag{Name: "release", Usage: "the new release (default: the last number of Release bumped)"},
			&cli.BoolFlag{Name: "no-changelog", Usage: "do not add a %changelog entry"},
			&cli.BoolFlag{Name: "allow-unexplained", Usage: "comment out dropped commits without a git note too"},
		},
		Action: action(run, func(c *cli.Context) *SyncOptions {
			return &SyncOptions{
				IO:       stdio,
				SpecPath: c.String("spec"), SourcesDir: c.String("sources"), CodeRepo: c.String("code-repo"),
				OntoTag: c.String("onto-tag"), OldBase: c.String("old-base"), NewBase: c.String("new-base"),
				DryRun: c.Bool("dry-run"), VendorMarker: c.String("vendor-marker"), NewVersion: c.String("new-version"),
				BaseTag: c.String("base-tag"), Release: c.String("release"), NoChangelog: c.Bool("no-changelog"),
				AllowUnexplained: c.Bool("allow-unexplained"),
			}
		}),
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
	if strings.ContainsAny(o.Release, " \t\n%-") {
		return cliutil.Usagef("--release %q is not an RPM release", o.Release)
	}
	if !strings.Contains(o.BaseTag, "%{version}") {
		return cliutil.Usagef("--base-tag %q does not name %%{version}", o.BaseTag)
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
	srpmRepo, code, err := o.openCode(ctx, specPath, name)
	if err != nil {
		return err
	}
	res, newBase, err := o.review(ctx, code)
	if err != nil {
		return err
	}
	fileIDs, lfs, err := readFileIDs(sources, applied)
	if err != nil {
		return err
	}
	in := srpm.SyncInput{Rows: res.Rows, Src: src, Spec: sp, Options: sopts, FileIDs: fileIDs,
		NewVersion: o.NewVersion, Release: o.Release, NoChangelog: o.NoChangelog, AllowUnexplained: o.AllowUnexplained}
	// One listing of the tags serves the onto tag and the old one.
	tags, tagsErr := code.Tags(ctx)
	in.OntoTag = o.ontoTag(newBase, res.New.Base, tags)
	switch {
	case in.OntoTag != "":
		in.Tag = strings.ReplaceAll(in.OntoTag, "/", "-")
	case tagsErr != nil:
		in.TagErr = tagsErr
	default:
		in.TagErr = cliutil.Usagef("no single tag at the new base %s to name regenerated patches after; give --onto-tag", git.Short(res.New.Base))
	}
	if in.TagErr == nil {
		in.OldTag = singleTag(tags, res.Old.Base)
		if in.NewVersion == "" {
			in.NewVersion = srpm.VersionOfTag(o.BaseTag, in.OntoTag)
		}
	}
	in.Name, in.Email, in.Date = o.identity(ctx, srpmRepo)
	plan, err := srpm.PlanSync(in)
	if err != nil {
		return o.planError(specPath, err)
	}
	files, err := o.patchFiles(ctx, code, sources, plan)
	if err != nil {
		return err
	}
	tarball, err := o.tarball(ctx, code, sources, sp, plan, in.OntoTag)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.DryRun {
		// Named as in the SRPM tree: SPECS/<name>.spec.
		rel := filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(specPath)), filepath.Base(specPath)))
		if _, err := io.WriteString(o.IO.Out, unifiedDiff("a/"+rel, "b/"+rel, src, plan.Out)); err != nil {
			return err
		}
	} else if err := o.write(ctx, srpmRepo, specPath, sources, src, plan, files, tarball); err != nil {
		return err
	}
	o.report(specPath, sources, plan, files, tarball, lfs)
	return nil
}

// newFile is a file sync writes in SOURCES/.
type newFile struct {
	name string
	data []byte
}

// readFileIDs computes the patch-id of each applied patch file from its
// own text; a Git LFS pointer where a patch is needed stops sync.
func readFileIDs(sources string, applied []spec.Patch) ([]patchid.ID, bool, error) {
	ids := make([]patchid.ID, len(applied))
	for i, p := range applied {
		data, err := os.ReadFile(filepath.Join(sources, p.File))
		if err != nil {
			return nil, false, fmt.Errorf("patch %d: %w; check --sources", p.Num, err)
		}
		if srpm.IsLFSPointer(data) {
			return nil, true, fmt.Errorf("patch %d: %s is a Git LFS pointer, not the patch; run git lfs pull in the SRPM repository", p.Num, filepath.Join(sources, p.File))
		}
		ids[i] = srpm.FilePatchID(data)
	}
	return ids, false, nil
}

// planError phrases PlanSync's refusals for the user.
func (o *SyncOptions) planError(specPath string, err error) error {
	var ue *srpm.UnmatchedError
	var xe *srpm.UnexplainedError
	var re *srpm.ReorderError
	var ee *srpm.EditError
	switch {
	case errors.As(err, &xe):
		var b strings.Builder
		fmt.Fprintf(&b, "sync: %d dropped commit(s) without a note:\n", len(xe.Rows))
		for _, r := range xe.Rows {
			fmt.Fprintf(&b, "  %s %s\n", git.Short(r.Old.SHA), safetext.Line(r.Old.Title))
		}
		b.WriteString("Say why with git notes add <sha> in the code repository (the first line goes into the spec), or give --allow-unexplained.\n")
		_, _ = io.WriteString(o.IO.ErrOut, b.String())
		return cliutil.ErrSilent
	case errors.As(err, &ue):
		return fmt.Errorf("%w; nothing was changed, edit that patch by hand", ue)
	case errors.As(err, &re):
		return fmt.Errorf("%w; nothing was changed, reorder the spec's lines by hand", re)
	case errors.As(err, &ee):
		return fmt.Errorf("%s: %w; nothing was changed", specPath, ee.Err)
	}
	return fmt.Errorf("%s: %w; nothing was changed", specPath, err)
}

// patchFiles formats the commits of the plan's files, leaving out those
// SOURCES/ already holds as they are; a different file of the same name
// stops sync.
func (o *SyncOptions) patchFiles(ctx context.Context, code *git.Repo, sources string, plan *srpm.SyncPlan) ([]newFile, error) {
	var out []newFile
	for _, f := range plan.Files {
		data, err := code.FormatPatch(ctx, f.Commit)
		if err != nil {
			return nil, fmt.Errorf("format-patch %s: %w", git.Short(f.Commit), err)
		}
		old, err := os.ReadFile(filepath.Join(sources, f.Name))
		switch {
		case err == nil && bytes.Equal(old, data):
			continue
		case err == nil:
			return nil, fmt.Errorf("%s already exists with other contents; nothing was changed, move it away and run sync again", filepath.Join(sources, f.Name))
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
		out = append(out, newFile{f.Name, data})
	}
	return out, nil
}

// tarball writes the Source0 tarball of a new version from the onto tag,
// when SOURCES/ held the old one (a real file or a Git LFS pointer) and
// not yet the one the synced spec names.
func (o *SyncOptions) tarball(ctx context.Context, code *git.Repo, sources string, old *spec.Spec, plan *srpm.SyncPlan, tag string) (*newFile, error) {
	if tag == "" {
		return nil, nil
	}
	oldSrcs, err := old.Sources()
	if err != nil {
		return nil, nil
	}
	held := false
	for _, so := range oldSrcs {
		if _, err := os.Stat(filepath.Join(sources, so.File)); so.Num == 0 && err == nil {
			held = true
		}
	}
	if !held {
		return nil, nil // import --prep builds it from the code repository
	}
	s := plan.Spec
	srcs, err := s.Sources()
	if err != nil {
		return nil, nil // a Source computed by macros: left to the user
	}
	name, _ := s.Name()
	version, _ := s.Version()
	for _, so := range srcs {
		if so.Num != 0 || !strings.Contains(so.File, ".tar") || !strings.Contains(so.File, version) {
			continue
		}
		if _, err := os.Stat(filepath.Join(sources, so.File)); err == nil {
			return nil, nil
		}
		if !strings.HasSuffix(so.File, ".tar.gz") && !strings.HasSuffix(so.File, ".tgz") {
			fmt.Fprintf(o.IO.ErrOut, "sync: Source0 %s is not a .tar.gz; write it by hand\n", so.File)
			return nil, nil
		}
		date, err := code.TagDate(ctx, tag)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := code.WriteTarball(ctx, "refs/tags/"+tag, name+"-"+version+"/", date, &b); err != nil {
			return nil, fmt.Errorf("write Source0 %s from %s: %w", so.File, tag, err)
		}
		return &newFile{so.File, b.Bytes()}, nil
	}
	return nil, nil
}

// write puts the new files in place, then the spec, then removes the
// patch files nothing declares any more: a failure before the spec is
// written leaves the spec as it was.
func (o *SyncOptions) write(ctx context.Context, srpmRepo *git.Repo, specPath, sources string, src []byte, plan *srpm.SyncPlan, files []newFile, tarball *newFile) error {
	all := files
	if tarball != nil {
		all = append(append([]newFile(nil), files...), *tarball)
	}
	for _, f := range all {
		if err := atomicfile.Write(filepath.Join(sources, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w; the spec was not changed", f.name, err)
		}
	}
	if !bytes.Equal(plan.Out, src) {
		if err := writeAtomic(specPath, plan.Out); err != nil {
			return fmt.Errorf("write spec: %w", err)
		}
	}
	var paths []string
	for _, name := range plan.Remove {
		paths = append(paths, filepath.Join(sources, name))
	}
	if srpmRepo != nil && len(paths) > 0 {
		abs := make([]string, len(paths))
		for i, p := range paths {
			a, err := filepath.Abs(p)
			if err != nil {
				return err
			}
			abs[i] = a
		}
		if err := srpmRepo.RemoveFiles(ctx, abs); err != nil {
			return fmt.Errorf("git rm: %w; the spec was written, remove the files by hand", err)
		}
	}
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w; the spec was written", p, err)
		}
	}
	return nil
}

// report prints what sync did (or would do).
func (o *SyncOptions) report(specPath, sources string, plan *srpm.SyncPlan, files []newFile, tarball *newFile, lfs bool) {
	out := o.IO.Out
	verb, rm := "wrote", "removed"
	if o.DryRun {
		verb, rm = "would write", "would remove"
	}
	if tarball != nil {
		files = append(append([]newFile(nil), files...), *tarball)
	}
	for _, f := range files {
		fmt.Fprintf(out, "%s %s (%d bytes)\n", verb, filepath.Join(sources, f.name), len(f.data))
	}
	for _, name := range plan.Remove {
		fmt.Fprintf(out, "%s %s\n", rm, filepath.Join(sources, name))
	}
	for _, l := range plan.Summary {
		fmt.Fprintln(out, l)
	}
	fmt.Fprintf(out, "%s: %d upstream, %d changed, %d added, %d dropped, %d unchanged", specPath,
		plan.Upstream, plan.Changed, plan.Added, plan.Dropped, plan.Unchanged)
	if plan.Renumbered > 0 {
		fmt.Fprintf(out, ", %d renumbered", plan.Renumbered)
	}
	if plan.Already > 0 {
		fmt.Fprintf(out, ", %d already done", plan.Already)
	}
	if plan.ByPosition > 0 {
		fmt.Fprintf(out, " (%d patch file(s) whose patch-id matches no commit paired by position)", plan.ByPosition)
	}
	fmt.Fprintln(out)
	for _, w := range plan.Warnings {
		fmt.Fprintf(o.IO.ErrOut, "sync: warning: %s\n", w)
	}
	if lfs || lfsPointers(sources) {
		fmt.Fprintf(o.IO.ErrOut, "sync: %s holds Git LFS pointers: run git lfs pull before rpmbuild, and git lfs track new tarballs (import --prep builds Source0 from the code repository)\n", sources)
	}
}

// lfsPointers reports whether SOURCES/ holds a Git LFS pointer (a small
// file only: pointers are under 200 bytes).
func lfsPointers(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || info.Size() > 1024 {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && srpm.IsLFSPointer(data) {
			return true
		}
	}
	return false
}

// identity is who signs the changelog entry (user.name and user.email of
// the SRPM repository) and when (git's committer date, so
// GIT_COMMITTER_DATE applies).
func (o *SyncOptions) identity(ctx context.Context, srpmRepo *git.Repo) (name, email string, date time.Time) {
	date = time.Now().UTC()
	if srpmRepo == nil {
		return "", "", date
	}
	name, _, _ = srpmRepo.ConfigGet(ctx, "user.name")
	email, _, _ = srpmRepo.ConfigGet(ctx, "user.email")
	if ident, err := srpmRepo.Var(ctx, "GIT_COMMITTER_IDENT"); err == nil {
		if i := strings.LastIndexByte(ident, '>'); i >= 0 {
			if f := strings.Fields(ident[i+1:]); len(f) >= 1 {
				if sec, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					date = time.Unix(sec, 0).UTC()
				}
			}
			if name == "" || email == "" {
				n, e, _ := strings.Cut(ident[:i], "<")
				name, email = cmp.Or(name, strings.TrimSpace(n)), cmp.Or(email, e)
			}
		}
	}
	return name, email, date
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
func (o *SyncOptions) openCode(ctx context.Context, specPath, name string) (srpmRepo, code *git.Repo, err error) {
	imp := &ImportOptions{IO: o.IO, CodeRepo: o.CodeRepo}
	srpmRepo, err = git.Open(ctx, filepath.Dir(specPath))
	if err != nil {
		if o.CodeRepo == "" {
			return nil, nil, cliutil.Usagef("%s is not in a git repository; give --code-repo", specPath)
		}
		srpmRepo = nil
	} else {
		srpmRepo.Env = o.IO.GitEnv
	}
	code, err = imp.openCode(ctx, srpmRepo, name)
	return srpmRepo, code, err
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
// one tag at the new base (sha) among tags (git.Repo.Tags), as named; ""
// when there is none.
func (o *SyncOptions) ontoTag(newBase, sha string, tags map[string][]string) string {
	switch {
	case o.OntoTag != "":
		return o.OntoTag
	case strings.HasPrefix(newBase, "refs/tags/"):
		return strings.TrimPrefix(newBase, "refs/tags/")
	}
	return singleTag(tags, sha)
}

// singleTag is the one tag at a commit, "" when there is none or several.
func singleTag(tags map[string][]string, sha string) string {
	if names := tags[sha]; len(names) == 1 {
		return names[0]
	}
	return ""
}
