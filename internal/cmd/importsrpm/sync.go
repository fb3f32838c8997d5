package importsrpm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/spec"
)

// syncOptions is everything git import-srpm sync needs.
type syncOptions struct {
	Stdout, Stderr io.Writer

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

func syncCommand(io *streams) *cli.Command {
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
			o := &syncOptions{
				Stdout: io.Stdout, Stderr: io.Stderr,
				SpecPath: c.String("spec"), SourcesDir: c.String("sources"), CodeRepo: c.String("code-repo"),
				OntoTag: c.String("onto-tag"), OldBase: c.String("old-base"), NewBase: c.String("new-base"),
				DryRun: c.Bool("dry-run"), VendorMarker: c.String("vendor-marker"), NewVersion: c.String("new-version"),
			}
			if err := o.setArgs(c.Args().Slice()); err != nil {
				return err
			}
			return runSync(c.Context, o)
		},
	}
}

func (o *syncOptions) setArgs(args []string) error {
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

func runSync(ctx context.Context, o *syncOptions) error {
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

	var olds []*review.Row
	var added []*review.Row
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Old != nil {
			olds = append(olds, r)
		} else if r.Status == review.StatusAdded && r.New != nil {
			added = append(added, r)
		}
	}
	sort.SliceStable(olds, func(i, j int) bool { return olds[i].Old.Index < olds[j].Old.Index })
	fileIDs := make([]patchid.ID, len(applied))
	for i, p := range applied {
		data, err := os.ReadFile(filepath.Join(sources, p.File))
		if err != nil {
			return fmt.Errorf("patch %d: %w; check --sources", p.Num, err)
		}
		fileIDs[i] = filePatchID(data)
	}
	olderIDs := make([]patchid.ID, len(olds))
	for i, r := range olds {
		olderIDs[i] = r.Old.PatchID
	}
	mapping, byPosition := mapPatches(olderIDs, fileIDs)

	// What an earlier sync did is recognised, so that running it again
	// changes nothing: a commented line naming the upstream commit, a
	// patch file whose id is the new commit's.
	fileOf := map[patchid.ID]int{}
	for _, id := range fileIDs {
		if !id.IsZero() {
			fileOf[id]++
		}
	}
	done := func(r *review.Row, what string) bool {
		if what == "upstream" {
			for _, c := range sp.Commented() {
				if len(c.Commit) >= 7 && strings.HasPrefix(r.New.SHA, strings.ToLower(c.Commit)) {
					return true
				}
			}
			return false
		}
		return !r.New.PatchID.IsZero() && fileOf[r.New.PatchID] > 0
	}
	already := 0

	tag, tagErr := o.ontoTag(ctx, code, newBase, res.New.Base)
	var edits spec.Edits
	type newFile struct {
		name string
		data []byte
	}
	var files []newFile
	var summary []string
	var dropped []string
	unchanged := 0
	for i, r := range olds {
		pi, mapped := mapping[i]
		what := ""
		switch {
		case r.Upstream:
			what = "upstream"
		case r.Status == review.StatusTitle || r.Status == review.StatusSimilar:
			what = "changed"
		case r.Status == review.StatusDropped:
			where := "no patch file matched"
			if mapped {
				where = fmt.Sprintf("Patch%d %s", applied[pi].Num, applied[pi].File)
			}
			dropped = append(dropped, fmt.Sprintf("dropped, needs a decision: %s %s (%s)", short(r.Old.SHA), r.Old.Title, where))
			continue
		default:
			unchanged++
			continue
		}
		// A changed patch whose new version is already a file of the
		// spec, or an upstream patch no file matches any more but a
		// comment names: done by an earlier sync.
		if (what == "changed" || !mapped) && done(r, what) {
			already++
			continue
		}
		if !mapped {
			return fmt.Errorf("old commit %s (%s) is %s, but no patch file of the spec has its patch-id; nothing was changed, edit that patch by hand",
				short(r.Old.SHA), r.Old.Title, what)
		}
		p := applied[pi]
		if what == "upstream" {
			edits.Upstream = append(edits.Upstream, spec.UpstreamEdit{Num: p.Num, Commit: short(r.New.SHA), Title: r.New.Title})
			summary = append(summary, fmt.Sprintf("Patch%d %s: upstream as %s %s, commented out", p.Num, p.File, short(r.New.SHA), r.New.Title))
			continue
		}
		if tagErr != nil {
			return tagErr
		}
		data, err := formatPatch(ctx, code, r.New.SHA)
		if err != nil {
			return err
		}
		file := spec.RebaseFileName(p.File, tag)
		edits.Replace = append(edits.Replace, spec.ReplaceEdit{Num: p.Num, File: file})
		files = append(files, newFile{file, data})
		summary = append(summary, fmt.Sprintf("Patch%d %s: %s, now %s (from %s %s)", p.Num, p.File, r.Status, file, short(r.New.SHA), r.New.Title))
	}
	var toAdd []*review.Row
	for _, r := range added {
		if done(r, "added") {
			already++
			continue
		}
		toAdd = append(toAdd, r)
	}
	added = toAdd
	addedData := make([][]byte, len(added))
	for i, r := range added {
		edits.Add = append(edits.Add, r.New.SHA)
		if addedData[i], err = formatPatch(ctx, code, r.New.SHA); err != nil {
			return err
		}
	}
	edits.Version = o.NewVersion
	edits.AddName = func(i, num int) string { return spec.PatchFileName(num, added[i].New.Title) }
	er, err := spec.Edit(src, edits, sopts)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was changed", specPath, err)
	}
	for i, a := range er.Added {
		files = append(files, newFile{a.File, addedData[i]})
		summary = append(summary, fmt.Sprintf("Patch%d %s: added (from %s %s)", a.Num, a.File, short(added[i].New.SHA), added[i].New.Title))
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
		if _, err := io.WriteString(o.Stdout, unifiedDiff("a/"+rel, "b/"+rel, src, er.Out)); err != nil {
			return err
		}
	} else {
		for _, f := range toWrite {
			if err := atomicfile.Write(filepath.Join(sources, f.name), f.data, 0o644); err != nil {
				return fmt.Errorf("write patch: %w; the spec was not changed", err)
			}
		}
		if !bytes.Equal(er.Out, src) {
			if err := writeAtomic(specPath, er.Out); err != nil {
				return fmt.Errorf("write spec: %w", err)
			}
		}
	}
	for _, f := range toWrite {
		fmt.Fprintf(o.Stdout, "%s %s (%d bytes)\n", verb, filepath.Join(sources, f.name), len(f.data))
	}
	if oldVersion, _ := sp.Version(); o.NewVersion != "" && oldVersion != o.NewVersion {
		summary = append([]string{fmt.Sprintf("Version: %s, now %s", oldVersion, o.NewVersion)}, summary...)
	}
	for _, l := range append(summary, dropped...) {
		fmt.Fprintln(o.Stdout, l)
	}
	fmt.Fprintf(o.Stdout, "%s: %d upstream, %d changed, %d added, %d dropped, %d unchanged", specPath,
		len(edits.Upstream), len(edits.Replace), len(er.Added), len(dropped), unchanged)
	if already > 0 {
		fmt.Fprintf(o.Stdout, ", %d already done", already)
	}
	if byPosition > 0 {
		fmt.Fprintf(o.Stdout, " (%d patch file(s) matched to commits by position)", byPosition)
	}
	fmt.Fprintln(o.Stdout)
	return nil
}

// paths finds the spec and the SOURCES directory.
func (o *syncOptions) paths(ctx context.Context) (specPath, sources string, err error) {
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
		if out, err := (&git.Repo{Dir: "."}).Output(ctx, "rev-parse", "--show-toplevel"); err == nil && strings.TrimSpace(string(out)) != "" {
			root = strings.TrimSpace(string(out))
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
func (o *syncOptions) openCode(ctx context.Context, specPath, name string) (*git.Repo, error) {
	imp := &importOptions{CodeRepo: o.CodeRepo}
	srpmRepo, err := git.Open(ctx, filepath.Dir(specPath))
	if err != nil {
		if o.CodeRepo == "" {
			return nil, cliutil.Usagef("%s is not in a git repository; give --code-repo", specPath)
		}
		srpmRepo = nil
	}
	return imp.openCode(ctx, srpmRepo, name)
}

// review runs the review engine on the rebase; it also returns the new
// base as given or inferred (a tag name, when it was inferred from one).
func (o *syncOptions) review(ctx context.Context, code *git.Repo) (*review.Result, string, error) {
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
func (o *syncOptions) ontoTag(ctx context.Context, code *git.Repo, newBase, sha string) (string, error) {
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
		return "", cliutil.Usagef("no single tag at the new base %s to name regenerated patches after; give --onto-tag", short(sha))
	}
	return strings.ReplaceAll(tag, "/", "-"), nil
}

// formatPatch writes commit sha as a mail, with options that make the
// result depend on the commit only: no signature, an all-zero From line,
// 12-digit blob ids, no rename detection (so that its patch-id is the
// commit's and the next sync finds it), and the default prefixes whatever
// the user's configuration says.
func formatPatch(ctx context.Context, code *git.Repo, sha string) ([]byte, error) {
	out, err := code.Output(ctx, "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
		"format-patch", "-1", "--stdout", "--no-signature", "--zero-commit", "--abbrev=12",
		"--no-renames", "--no-numbered", "--no-thread", "--no-attach", "--no-relative", sha)
	if err != nil {
		return nil, fmt.Errorf("format-patch %s: %w", short(sha), err)
	}
	return out, nil
}

// zeroCommit starts the stream filePatchID hands to the patch-id scanner.
const zeroCommit = "0000000000000000000000000000000000000000\n"

// filePatchID is the patch-id of a patch file, zero when it has none or
// holds more than one patch (a series). A format-patch mail's id is its
// commit's.
func filePatchID(data []byte) patchid.ID {
	s := patchid.NewScanner(io.MultiReader(strings.NewReader(zeroCommit), bytes.NewReader(data)))
	var found []patchid.ID
	for s.Scan() {
		if id := s.Result().ID; !id.IsZero() {
			found = append(found, id)
		}
	}
	if s.Err() != nil || len(found) != 1 {
		return patchid.ID{}
	}
	return found[0]
}

// mapPatches pairs old commits (their patch-ids, in queue order) with patch
// files (theirs, in the order %prep applies them): equal, non-zero ids whose
// match is unique on both sides. When there are as many commits as files,
// at least one pair was found and every pair sits at the same position (the
// old queue is the import of this spec), the rest are paired by position:
// a plain diff without "diff" lines or a patch applied with fuzz has no
// usable patch-id. It returns commit index -> file index and how many were
// paired by position.
func mapPatches(commits, files []patchid.ID) (map[int]int, int) {
	count := func(ids []patchid.ID) map[patchid.ID]int {
		m := map[patchid.ID]int{}
		for _, id := range ids {
			m[id]++
		}
		return m
	}
	nc, nf := count(commits), count(files)
	fileAt := map[patchid.ID]int{}
	for i, id := range files {
		fileAt[id] = i
	}
	m := map[int]int{}
	aligned := true
	for i, id := range commits {
		if id.IsZero() || nc[id] != 1 || nf[id] != 1 {
			continue
		}
		m[i] = fileAt[id]
		aligned = aligned && fileAt[id] == i
	}
	byPosition := 0
	if len(commits) == len(files) && len(m) > 0 && aligned {
		for i := range commits {
			if _, ok := m[i]; !ok {
				m[i] = i
				byPosition++
			}
		}
	}
	return m, byPosition
}
