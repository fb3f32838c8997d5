package srpm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	specpkg "github.com/patchqueue/pqtools/internal/spec"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func fixture(t *testing.T) *srpmtest.Fixture {
	t.Helper()
	f, err := srpmtest.Copy(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func repo(t *testing.T, f *srpmtest.Fixture, dir string) *git.Repo {
	t.Helper()
	r := &git.Repo{Dir: dir, Env: f.Env.Vars}
	o, err := git.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	r.GitDir, r.CommonDir = o.GitDir, o.CommonDir
	return r
}

// openRepo opens the repository in dir for git to run under env.
func openRepo(tb testing.TB, env *repos.Env, dir string) *git.Repo {
	tb.Helper()
	r, err := git.Open(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	r.Env = env.Vars
	return r
}

func gitOut(t *testing.T, f *srpmtest.Fixture, dir string, args ...string) string {
	t.Helper()
	return repos.Git(t, f.Env, dir, args...)
}

// noLeftovers checks that the code repository has only its own worktree
// and no import branch, and that no temporary directory was left.
func noLeftovers(t *testing.T, f *srpmtest.Fixture, dir string, wantRefs string) {
	t.Helper()
	wl := gitOut(t, f, dir, "worktree", "list", "--porcelain")
	if n := strings.Count(wl, "worktree "); n != 1 {
		t.Errorf("worktrees left behind:\n%s", wl)
	}
	if refs := gitOut(t, f, dir, "for-each-ref", "--format=%(refname)", "refs/heads/kernel"); refs != wantRefs {
		t.Errorf("import branches = %q, want %q", refs, wantRefs)
	}
	common := gitOut(t, f, dir, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if ents, _ := os.ReadDir(filepath.Join(common, "worktrees")); len(ents) != 0 {
		t.Errorf("worktree administrative directories left: %v", ents)
	}
}

// readFixture gives each test a fixture of its own, a TMPDIR that must be
// empty at the end, the code repository, and revision which (f.Good or
// f.Broken) read.
func readFixture(t *testing.T, which func(*srpmtest.Fixture) string) (*srpmtest.Fixture, *git.Repo, *Revision) {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	f := fixture(t)
	rev, err := Read(context.Background(), repo(t, f, f.SRPM), which(f), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f, repo(t, f, f.Code), rev
}

func good(f *srpmtest.Fixture) string   { return f.Good }
func broken(f *srpmtest.Fixture) string { return f.Broken }

func TestImportAllFormats(t *testing.T) {
	f, code, rev := readFixture(t, good)
	ctx := context.Background()
	if rev.BranchPrefix() != f.Prefix {
		t.Fatalf("prefix %q, want %q", rev.BranchPrefix(), f.Prefix)
	}
	if len(rev.Patches) != f.NumGood {
		t.Fatalf("%d patches, want %d (extra.patch is a Source)", len(rev.Patches), f.NumGood)
	}
	var log bytes.Buffer
	res, err := Import(ctx, code, rev, ImportOptions{Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	wantLog := strings.Join([]string{
		"patch 0 (0001-fs-a-alice.patch): " + ByAm,
		"patch 1 (quilt-b.patch): " + ByPatch,
		"patch 2 (0003-plain): " + ByPatch,
		"patch 3 (0004-restructure.patch): " + ByAm,
		"patch 4 (0007-fuzzy.patch): " + ByPatchAfter,
		"patch 5 (readme-no-newline.patch): " + ByPatch,
		"patch 6 (carol.patch): " + ByAm,
	}, "\n") + "\n"
	if log.String() != wantLog {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), wantLog)
	}
	if got := gitOut(t, f, f.Code, "rev-parse", res.Tip+"^{tree}"); got != f.GoodTree {
		t.Errorf("tree differs from the truth:\n%s", gitOut(t, f, f.Code, "diff", "--stat", f.GoodTree, res.Tip))
	}
	// Modes survive: the new script and the chmod.
	ls := gitOut(t, f, f.Code, "ls-tree", "-r", res.Tip, "--", "scripts")
	if strings.Count(ls, "100755") != 2 {
		t.Errorf("modes lost:\n%s", ls)
	}
	if got := gitOut(t, f, f.Code, "rev-parse", f.Prefix+"/pre-base"); got != gitOut(t, f, f.Code, "rev-parse", "v4.19.19^{commit}") {
		t.Errorf("pre-base %s is not v4.19.19", got)
	}
	if got := gitOut(t, f, f.Code, "rev-parse", f.Prefix+"/base"); got != res.Tip {
		t.Errorf("base %s, want %s", got, res.Tip)
	}
	fixed := GitDate(rev.Date)
	want := []string{
		"Alice Example <alice@example.com> 1546400000 +0100 | fs/a: return 55",
		"Bob Quilt <bob@example.com> 1546500000 +0000 | fs/b: return 33",
		CommitterName + " <" + CommitterEmail + "> " + fixed[1:] + " | 0003-plain",
		"Dave Mover <dave@example.com> 1546700000 -0500 | restructure: move b, add new.sh, drop old.txt",
		"Frank Fuzz <frank@example.com> 1547100000 +0000 | fs/a: fuzzy change",
		"Eve Docs <eve@example.com> " + fixed[1:] + " | readme: tweak",
		"Carol Mail <carol@example.com> " + fixed[1:] + " | drivers: carol's change",
	}
	got := strings.Split(gitOut(t, f, f.Code, "log", "--reverse", "--format=%an <%ae> %ad | %s", "--date=raw", "v4.19.19.."+res.Tip), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	committers := gitOut(t, f, f.Code, "log", "--format=%cn <%ce> %cd", "--date=raw", "v4.19.19.."+res.Tip)
	for _, l := range strings.Split(committers, "\n") {
		if l != CommitterName+" <"+CommitterEmail+"> "+fixed[1:] {
			t.Errorf("committer %q is not the fixed one", l)
		}
	}
	if body := gitOut(t, f, f.Code, "log", "-1", "--format=%b", res.Tip+"~5"); !strings.Contains(body, "Bob's body.") || strings.Contains(body, "From:") {
		t.Errorf("quilt body = %q", body)
	}
	noLeftovers(t, f, f.Code, "refs/heads/"+f.Prefix+"/base\nrefs/heads/"+f.Prefix+"/pre-base")
	if ents, _ := os.ReadDir(os.Getenv("TMPDIR")); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}

	// Reproducible: a second import into a fresh clone gives the same ids,
	// and an existing branch is an error unless forced.
	_, err = Import(ctx, code, rev, ImportOptions{})
	if !errors.Is(err, ErrBranchExists) {
		t.Fatalf("second import without force: %v", err)
	}
	res2, err := Import(ctx, code, rev, ImportOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Tip != res.Tip {
		t.Errorf("second import gave %s, first %s", res2.Tip, res.Tip)
	}
}

func TestImportFailingPatchLeavesNothing(t *testing.T) {
	f, code, rev := readFixture(t, broken)
	ctx := context.Background()
	before := gitOut(t, f, f.Code, "for-each-ref")
	_, err := Import(ctx, code, rev, ImportOptions{})
	var pe *PatchError
	if !errors.As(err, &pe) {
		t.Fatalf("want a PatchError, got %v", err)
	}
	if pe.Num != f.BrokenNum || pe.File != srpmtest.BrokenPatch || !errors.Is(err, ErrNoApply) {
		t.Errorf("error names patch %d (%s): %v", pe.Num, pe.File, err)
	}
	if !strings.Contains(err.Error(), "FAILED") || !strings.Contains(pe.Output, "git am -3") {
		t.Errorf("error lacks patch's reason or the details lack git am's: %v\n%s", err, pe.Output)
	}
	noLeftovers(t, f, f.Code, "")
	if after := gitOut(t, f, f.Code, "for-each-ref"); after != before {
		t.Errorf("refs changed:\n%s\nwas:\n%s", after, before)
	}
	if ents, _ := os.ReadDir(os.Getenv("TMPDIR")); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}

// cancelAfter cancels the import when the n-th patch has been applied,
// the way Ctrl-C would in the middle of an import.
type cancelAfter struct {
	n      int
	cancel func()
}

func (c *cancelAfter) Write(b []byte) (int, error) {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return len(b), nil
}

func TestImportCancelledLeavesNothing(t *testing.T) {
	f, code, rev := readFixture(t, good)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Import(ctx, code, rev, ImportOptions{Log: &cancelAfter{n: 2, cancel: cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	noLeftovers(t, f, f.Code, "")
	if ents, _ := os.ReadDir(os.Getenv("TMPDIR")); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestImportIntoBareRepository(t *testing.T) {
	f := fixture(t)
	ctx := context.Background()
	bare := filepath.Join(t.TempDir(), "linux.git")
	gitOut(t, f, f.Code, "clone", "-q", "--bare", f.Code, bare)
	srpm, code := repo(t, f, f.SRPM), repo(t, f, bare)
	rev, err := Read(ctx, srpm, f.Good, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, code, rev, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := gitOut(t, f, bare, "rev-parse", f.Prefix+"/base^{tree}"); got != f.GoodTree {
		t.Errorf("bare import tree %s, want %s", got, f.GoodTree)
	}
	// The same commits as in a non-bare repository: nothing depends on
	// where the import ran.
	res2, err := Import(ctx, repo(t, f, f.Code), rev, ImportOptions{NoRefs: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tip != res2.Tip {
		t.Errorf("bare import %s, non-bare %s", res.Tip, res2.Tip)
	}
	noLeftovers(t, f, bare, "refs/heads/"+f.Prefix+"/base\nrefs/heads/"+f.Prefix+"/pre-base")
}

func TestReadOptions(t *testing.T) {
	f := fixture(t)
	srpm := repo(t, f, f.SRPM)
	rev, err := Read(context.Background(), srpm, f.Good, ReadOptions{Dist: ".xs8", DistSet: true, Vendor: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rev.BranchPrefix(); got != "kernel/acme-4.19.19-1.2.xs8" {
		t.Errorf("prefix %q", got)
	}
	if got := rev.BaseTag("linux-%{version}%%"); got != "linux-4.19.19%" {
		t.Errorf("base tag %q", got)
	}
	if _, err := Read(context.Background(), srpm, "no-such-rev", ReadOptions{}); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("unknown revision: %v", err)
	}

	// A Version that names an undefined or self-referencing macro is
	// an error naming the macro, not a tag that is not found later.
	specPath := filepath.Join(f.SRPM, "SPECS", "kernel.spec")
	good, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ spec, macro string }{
		{"%global myver %{myver}\n", "%{myver}"},
		{"%define kversion %{undefined_macro}\n", "%{undefined_macro}"},
	} {
		var edited []byte
		for _, line := range strings.SplitAfter(string(good), "\n") {
			if strings.HasPrefix(line, "Version:") {
				name := strings.Trim(c.macro, "%{}")
				if name == "undefined_macro" {
					name = "kversion"
				}
				line = c.spec + "Version: %{" + name + "}\n"
			}
			edited = append(edited, line...)
		}
		if err := os.WriteFile(specPath, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		gitOut(t, f, f.SRPM, "commit", "-q", "-am", "bad version")
		_, err := Read(context.Background(), srpm, "HEAD", ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "macro "+c.macro+" is not defined") {
			t.Errorf("%q: %v", c.spec, err)
		}
	}
}

// TestImportRunOfMails covers a run of mails applied by one git am: the
// same commits, one per patch, with their authors and dates.
func TestImportRunOfMails(t *testing.T) {
	m, err := srpmtest.BuildMany(t.TempDir(), 24)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	open := func(d string) *git.Repo { return openRepo(t, m.Env, d) }
	rev, err := Read(ctx, open(m.SRPM), m.Rev, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := Import(ctx, open(m.Code), rev, ImportOptions{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), ": "+ByAm+"\n"); n != 24 {
		t.Errorf("%d patches by git am, want 24:\n%s", n, log.String())
	}
	out, err := m.Env.Git(m.Code, "log", "--format=%T %s", "-1", res.Tip)
	if err != nil {
		t.Fatal(err)
	}
	if want := m.Tree + " drivers/f07: change 23"; out != want {
		t.Errorf("tip %q, want %q", out, want)
	}
	if n, _ := m.Env.Git(m.Code, "rev-list", "--count", "v4.19.19.."+res.Tip); n != "24" {
		t.Errorf("%s commits, want 24", n)
	}
}

// TestReadRealSpec reads the vendor's kernel spec, kept in the shared data,
// for the branch name users already have.
func TestReadRealSpec(t *testing.T) {
	src, err := os.ReadFile(testenv.SharedData(t, "spec/kernel.spec"))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture(t)
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	gitOut(t, f, f.SRPM, "commit", "-q", "-am", "real spec")
	ctx := context.Background()
	rev, err := Read(ctx, repo(t, f, f.SRPM), "HEAD", ReadOptions{NoPatches: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := rev.BranchPrefix(); got != "kernel/xcpng-4.19.19-8.0.38.4" {
		t.Errorf("prefix %q", got)
	}
	// Without NoPatches the missing SOURCES are named.
	_, err = Read(ctx, repo(t, f, f.SRPM), "HEAD", ReadOptions{})
	if !errors.Is(err, ErrMissingSource) || !strings.Contains(err.Error(), "patch 0 (0001-Fix-net-ipv4") {
		t.Errorf("missing sources: %v", err)
	}
	// All of them at once, in the spec's order: one run names every
	// missing file.
	var missing *MissingSourcesError
	spec, _ := specpkg.Parse(src, nil)
	applied, _ := spec.Applied()
	if !errors.As(err, &missing) || len(missing.Missing) != len(applied) || len(applied) < 100 {
		t.Fatalf("missing sources: %v, %d patches applied", err, len(applied))
	}
	for i, p := range applied {
		if missing.Missing[i].Num != p.Num || missing.Missing[i].File != p.File {
			t.Errorf("missing %d: %+v, want patch %d (%s)", i, missing.Missing[i], p.Num, p.File)
		}
	}
}

// Imports running at once in one repository (import --all) each add and
// remove a worktree, and git dies on the administrative files of a worktree
// that another git is writing or deleting ("failed to read
// .../commondir"). The window is narrow: without the imports taking turns,
// about one run of this test in two fails. Most rounds apply nothing, to
// spend the test's time on adding and removing worktrees.
func TestApplyConcurrently(t *testing.T) {
	f, code, rev := readFixture(t, good)
	ctx := context.Background()
	bare := &Revision{Date: rev.Date}
	base := strings.TrimSpace(gitOut(t, f, f.Code, "rev-parse", "--verify", f.BaseTag+"^{commit}"))
	const workers, rounds = 4, 30
	tips := make(chan string, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				r := bare
				if i == w {
					r = rev
				}
				tip, _, err := Apply(ctx, code, base, r, nil, nil, nil)
				if err != nil {
					errs <- err
					return
				}
				if r == rev {
					tips <- tip
				} else if tip != base {
					errs <- fmt.Errorf("nothing applied on %s made %s", base, tip)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(tips)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := ""
	for tip := range tips {
		if want == "" {
			want = tip
		} else if tip != want {
			t.Errorf("imports of one revision made %s and %s", want, tip)
		}
	}
	noLeftovers(t, f, f.Code, "")
}

// A spec or patch committed as a symbolic link is read through the link
// when its target is in the revision, and named when it is not.
func TestReadSymlinks(t *testing.T) {
	f := fixture(t)
	ctx := context.Background()
	srpm := repo(t, f, f.SRPM)
	want, err := Read(ctx, srpm, f.Good, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gitOut(t, f, f.SRPM, "checkout", "-q", f.Good)
	specs := filepath.Join(f.SRPM, "SPECS")
	gitOut(t, f, f.SRPM, "mv", "SPECS/kernel.spec", "kernel.spec.real")
	if err := os.Symlink("../kernel.spec.real", filepath.Join(specs, "kernel.spec")); err != nil {
		t.Fatal(err)
	}
	patch := filepath.Join(f.SRPM, "SOURCES", srpmtest.GoodPatches[0])
	gitOut(t, f, f.SRPM, "mv", "SOURCES/"+srpmtest.GoodPatches[0], "first.patch")
	if err := os.Symlink("../first.patch", patch); err != nil {
		t.Fatal(err)
	}
	gitOut(t, f, f.SRPM, "add", "-A")
	gitOut(t, f, f.SRPM, "commit", "-q", "-m", "links inside the tree")
	got, err := Read(ctx, srpm, "HEAD", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version || len(got.Patches) != len(want.Patches) || !bytes.Equal(got.Patches[0].Data, want.Patches[0].Data) {
		t.Errorf("through links: version %s, %d patches; want %s, %d, and the same first patch", got.Version, len(got.Patches), want.Version, len(want.Patches))
	}

	os.Remove(patch)
	if err := os.Symlink("/etc/passwd", patch); err != nil {
		t.Fatal(err)
	}
	gitOut(t, f, f.SRPM, "commit", "-q", "-am", "a link out of the tree")
	_, err = Read(ctx, srpm, "HEAD", ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), srpmtest.GoodPatches[0]+" is a symbolic link to /etc/passwd") {
		t.Errorf("link out of the tree: %v", err)
	}
}
