package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// cleanGitEnv keeps the caller's repository out of the tests (they also
// pass when run from a git hook).
func cleanGitEnv(t testing.TB) {
	t.Helper()
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// testRepo is a small repository built commit by commit in t.TempDir().
type testRepo struct {
	*repos.Scratch
	t    *testing.T
	repo *git.Repo
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	cleanGitEnv(t)
	sc := repos.NewScratch(t)
	return &testRepo{Scratch: sc, t: t, repo: &git.Repo{Dir: sc.Dir, Env: sc.Env.Vars}}
}

// deleted as a file's content in a change removes the file.
const deleted = "\x00deleted"

// commit makes a commit on top of from ("" for a root commit) with the
// given file contents and returns its id; it leaves HEAD detached there.
func (r *testRepo) commit(from, msg string, files map[string]string) string {
	r.t.Helper()
	if from == "" {
		r.Git("checkout", "-q", "--orphan", "tmp-root")
		r.Git("rm", "-q", "-r", "--cached", "--ignore-unmatch", ".")
	} else {
		r.Git("checkout", "-q", "--detach", from)
	}
	for _, name := range sortedKeys(files) {
		p := filepath.Join(r.Dir, name)
		if files[name] == deleted {
			r.Git("rm", "-q", "--", name)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.Git("add", "--", name)
	}
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	sha := r.Git("rev-parse", "HEAD")
	if from == "" {
		r.Git("checkout", "-q", "--detach", sha)
		r.Git("branch", "-D", "tmp-root")
	}
	return sha
}

func sortedKeys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// scenario builds base, upstream = base+up, old = base+patch and
// new = upstream+author, then leaves the repository on branch main at new
// with a staged change and an unstaged one, so that any write to the index
// or the work tree would show.
func scenario(t *testing.T, base, up, patch, author map[string]string) (r *testRepo, old, new string) {
	r = newTestRepo(t)
	b := r.commit("", "base", base)
	u := r.commit(b, "upstream", up)
	old = r.commit(b, "the patch", patch)
	new = r.commit(u, "the patch", author)
	r.Git("checkout", "-q", "-B", "main", new)
	if err := os.WriteFile(filepath.Join(r.Dir, "staged.txt"), []byte("staged\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.Git("add", "staged.txt")
	if err := os.WriteFile(filepath.Join(r.Dir, "staged.txt"), []byte("staged, then edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return r, old, new
}

// state is everything a replay must not change.
type state struct {
	refs, head, symref, status string
	cachedClean                bool
	index                      []byte
	indexMod                   int64
	objects                    []string // every file under .git/objects
	gitFiles                   []string // every file under .git outside objects/
}

func (r *testRepo) state() state {
	r.t.Helper()
	var s state
	// The index first, before any git command of ours could refresh it;
	// status runs without optional locks so it does not rewrite it either.
	idx := filepath.Join(r.Dir, ".git", "index")
	var err error
	if s.index, err = os.ReadFile(idx); err != nil {
		r.t.Fatal(err)
	}
	fi, err := os.Stat(idx)
	if err != nil {
		r.t.Fatal(err)
	}
	s.indexMod = fi.ModTime().UnixNano()
	s.refs = r.Git("for-each-ref", "--format=%(refname) %(objectname)")
	s.head = r.Git("rev-parse", "HEAD")
	s.symref = r.Git("symbolic-ref", "-q", "HEAD")
	s.status = r.Git("--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all")
	_, err = r.Env.Git(r.Dir, "--no-optional-locks", "diff", "--cached", "--quiet")
	s.cachedClean = err == nil
	gitDir := filepath.Join(r.Dir, ".git")
	err = filepath.WalkDir(gitDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(gitDir, p)
		if strings.HasPrefix(rel, "objects"+string(filepath.Separator)) {
			s.objects = append(s.objects, rel)
		} else {
			s.gitFiles = append(s.gitFiles, rel)
		}
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *testRepo) assertUntouched(before state) {
	r.t.Helper()
	after := r.state()
	check := func(what string, a, b any) {
		r.t.Helper()
		if fmt.Sprint(a) != fmt.Sprint(b) {
			r.t.Errorf("replay changed %s:\nbefore %v\nafter  %v", what, a, b)
		}
	}
	check("refs", before.refs, after.refs)
	check("HEAD", before.head, after.head)
	check("HEAD's branch", before.symref, after.symref)
	check("work tree status", before.status, after.status)
	check("git diff --cached", before.cachedClean, after.cachedClean)
	check("index mtime", before.indexMod, after.indexMod)
	check("objects", before.objects, after.objects)
	check("files in .git", before.gitFiles, after.gitFiles)
	if !bytes.Equal(before.index, after.index) {
		r.t.Errorf("replay changed the index file's bytes")
	}
}

// lines makes a file of numbered lines, with replacements.
func lines(n int, repl map[int]string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if s, ok := repl[i]; ok {
			if s != "" {
				b.WriteString(s + "\n")
			}
			continue
		}
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

func TestIdentical(t *testing.T) {
	// Upstream edits line 2, the patch line 15: the patch's context is
	// the same, the rebase trivial.
	r, old, new := scenario(t,
		map[string]string{"a.c": lines(20, nil)},
		map[string]string{"a.c": lines(20, map[int]string{2: "upstream 2"})},
		map[string]string{"a.c": lines(20, map[int]string{15: "patch 15"})},
		map[string]string{"a.c": lines(20, map[int]string{2: "upstream 2", 15: "patch 15"})})
	before := r.state()
	res, err := Replay(context.Background(), r.repo, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Identical || res.Diff != "" || len(res.Conflicts) != 0 {
		t.Errorf("verdict %s, diff %q, conflicts %v; want identical", res.Verdict, res.Diff, res.Conflicts)
	}
	if res.ReplayTree != res.NewTree || res.NewTree != r.Git("rev-parse", new+"^{tree}") {
		t.Errorf("trees: replay %s new %s", res.ReplayTree, res.NewTree)
	}
	r.assertUntouched(before)
}

func TestChanged(t *testing.T) {
	r, old, new := scenario(t,
		map[string]string{"a.c": lines(20, nil)},
		map[string]string{"a.c": lines(20, map[int]string{2: "upstream 2"})},
		map[string]string{"a.c": lines(20, map[int]string{15: "patch 15"})},
		map[string]string{"a.c": lines(20, map[int]string{2: "upstream 2", 15: "patch 15", 18: "author's extra"})})
	before := r.state()
	res, err := Replay(context.Background(), r.repo, "main", "main~0") // revisions, not only ids
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Identical {
		t.Errorf("a commit replayed onto its own parent: %s, want identical", res.Verdict)
	}
	res, err = Replay(context.Background(), r.repo, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Changed {
		t.Fatalf("verdict %s, want changed", res.Verdict)
	}
	if !strings.Contains(res.Diff, "-line 18\n+author's extra\n") || strings.Contains(res.Diff, "patch 15\n+") {
		t.Errorf("diff from replay to new commit:\n%s", res.Diff)
	}
	r.assertUntouched(before)
}

func TestConflictInSeveralFiles(t *testing.T) {
	r, old, new := scenario(t,
		map[string]string{"a.c": lines(20, nil), "dir/b.c": lines(10, nil), "c.c": lines(10, nil)},
		map[string]string{
			"a.c":     lines(20, map[int]string{5: "upstream 5", 16: "upstream 16"}),
			"dir/b.c": lines(10, map[int]string{3: "upstream 3"}),
		},
		map[string]string{
			"a.c":     lines(20, map[int]string{5: "patch 5", 16: "patch 16"}),
			"dir/b.c": lines(10, map[int]string{3: "patch 3"}),
			"c.c":     lines(10, map[int]string{9: "patch 9"}), // applies cleanly
		},
		map[string]string{
			"a.c":     lines(20, map[int]string{5: "upstream 5\npatch 5", 16: "resolved 16"}),
			"dir/b.c": lines(10, map[int]string{3: "patch 3 on upstream 3"}),
			"c.c":     lines(10, map[int]string{9: "patch 9"}),
		})
	before := r.state()
	res, err := Replay(context.Background(), r.repo, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Conflicted {
		t.Fatalf("verdict %s, want conflicted", res.Verdict)
	}
	if got := res.ConflictPaths(); !slices.Equal(got, []string{"a.c", "dir/b.c"}) {
		t.Errorf("conflicts %v", got)
	}
	// From a subdirectory, found by git or opened, paths stay relative to
	// the top (merge-tree itself prints them relative to the current
	// directory).
	sub := filepath.Join(r.Dir, "dir")
	opened, err := git.Open(context.Background(), sub)
	if err != nil {
		t.Fatal(err)
	}
	opened.Env = r.Env.Vars
	for _, repo := range []*git.Repo{{Dir: sub, Env: r.Env.Vars}, opened} {
		res2, err := Replay(context.Background(), repo, old, new)
		if err != nil {
			t.Fatal(err)
		}
		if got := res2.ConflictPaths(); !slices.Equal(got, []string{"a.c", "dir/b.c"}) || len(res2.Conflicts[1].Regions) != 1 {
			t.Errorf("from %s: conflicts %v, %+v", sub, got, res2.Conflicts)
		}
	}
	a := res.Conflicts[0]
	if !slices.Equal(a.Kinds, []string{"contents"}) || a.Binary || a.Base.OID == "" || a.Upstream.OID == "" || a.Patch.OID == "" {
		t.Errorf("a.c: %+v", a)
	}
	want := []Region{
		{Upstream: []string{"upstream 5"}, Base: []string{"line 5"}, Patch: []string{"patch 5"},
			Resolution: []string{"upstream 5", "patch 5"}, Resolved: true},
		{Upstream: []string{"upstream 16"}, Base: []string{"line 16"}, Patch: []string{"patch 16"},
			Resolution: []string{"resolved 16"}, Resolved: true},
	}
	if len(a.Regions) != len(want) {
		t.Fatalf("a.c regions: %+v", a.Regions)
	}
	for i, w := range want {
		g := a.Regions[i]
		w.Line = g.Line
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("a.c region %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if a.Regions[0].Line != 5 {
		t.Errorf("first region starts at line %d of the replay, want 5", a.Regions[0].Line)
	}
	b := res.Conflicts[1]
	if len(b.Regions) != 1 || !slices.Equal(b.Regions[0].Resolution, []string{"patch 3 on upstream 3"}) {
		t.Errorf("dir/b.c regions: %+v", b.Regions)
	}
	// The diff goes from the markers to the author's text.
	if !strings.Contains(res.Diff, "-<<<<<<< ") || !strings.Contains(res.Diff, "+resolved 16") {
		t.Errorf("diff:\n%s", res.Diff)
	}
	var text bytes.Buffer
	if err := WriteText(&text, res); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{": conflicted\n", "2 conflicted file(s)", "a.c (contents)", "upstream (new parent) | upstream 16",
		"patch (old commit)    | patch 16", "author (new commit)   | resolved 16"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, text.String())
		}
	}
	r.assertUntouched(before)
}

func TestDeletedUpstream(t *testing.T) {
	// Upstream removed the file the patch edits; the author dropped the
	// hunk. The replay must say modify/delete, not fail or pass.
	r, old, new := scenario(t,
		map[string]string{"a.c": lines(10, nil), "gone.c": lines(10, nil)},
		map[string]string{"gone.c": deleted},
		map[string]string{"a.c": lines(10, map[int]string{1: "patch 1"}), "gone.c": lines(10, map[int]string{4: "patch 4"})},
		map[string]string{"a.c": lines(10, map[int]string{1: "patch 1"})})
	before := r.state()
	res, err := Replay(context.Background(), r.repo, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Conflicted || !slices.Equal(res.ConflictPaths(), []string{"gone.c"}) {
		t.Fatalf("verdict %s, conflicts %v", res.Verdict, res.ConflictPaths())
	}
	c := res.Conflicts[0]
	if !slices.Equal(c.Kinds, []string{"modify/delete"}) || c.Upstream.OID != "" || c.Patch.OID == "" || c.Base.OID == "" ||
		c.Resolution.OID != "" || len(c.Regions) != 0 || len(c.Messages) == 0 {
		t.Errorf("gone.c: %+v", c)
	}
	if !strings.Contains(res.Diff, "deleted file mode") {
		t.Errorf("diff does not show the author deleting the replayed file:\n%s", res.Diff)
	}
	r.assertUntouched(before)
}

func TestBinaryConflict(t *testing.T) {
	blob := func(b byte) string { return "BIN\x00" + strings.Repeat(string([]byte{b}), 64) }
	r, old, new := scenario(t,
		map[string]string{"fw.bin": blob('a')},
		map[string]string{"fw.bin": blob('u')},
		map[string]string{"fw.bin": blob('p')},
		map[string]string{"fw.bin": blob('p')}) // the author kept the patch's blob
	before := r.state()
	res, err := Replay(context.Background(), r.repo, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Conflicted || !slices.Equal(res.ConflictPaths(), []string{"fw.bin"}) {
		t.Fatalf("verdict %s, conflicts %v", res.Verdict, res.ConflictPaths())
	}
	c := res.Conflicts[0]
	if !c.Binary || !slices.Contains(c.Kinds, "binary") || len(c.Regions) != 0 {
		t.Errorf("fw.bin: %+v", c)
	}
	if c.Resolution.OID != c.Patch.OID || c.Upstream.OID == c.Patch.OID {
		t.Errorf("stages: upstream %s patch %s author %s", c.Upstream.OID, c.Patch.OID, c.Resolution.OID)
	}
	r.assertUntouched(before)
}

func TestRootAndMerge(t *testing.T) {
	r := newTestRepo(t)
	root := r.commit("", "root", map[string]string{"a": "a\n"})
	other := r.commit("", "other root", map[string]string{"a": "a\n"})
	// Both are root commits adding the same file: replaying one onto the
	// other's (empty) parent gives the other.
	res, err := Replay(context.Background(), r.repo, root, other)
	if err != nil || res.Verdict != Identical {
		t.Errorf("root commits: %v %v", res, err)
	}
	r.Git("checkout", "-q", "--detach", root)
	r.Git("merge", "-q", "--allow-unrelated-histories", "-m", "merge", other)
	merge := r.Git("rev-parse", "HEAD")
	if _, err := Replay(context.Background(), r.repo, merge, root); !errors.Is(err, ErrMerge) {
		t.Errorf("replaying a merge: %v", err)
	}
	if _, err := Replay(context.Background(), r.repo, "no-such-rev", root); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("unknown revision: %v", err)
	}
}

// cherryPick is the reference: git's own cherry-pick of old onto new's
// parent in a throwaway clone, giving the resulting tree or "" when it
// conflicts.
func cherryPick(t *testing.T, fx *repos.Fixture, clone, old, new string) string {
	t.Helper()
	if _, err := fx.Env.Git(clone, "checkout", "-q", "--detach", new+"^"); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.Env.Git(clone, "cherry-pick", "--no-commit", old); err != nil {
		if _, err := fx.Env.Git(clone, "cherry-pick", "--abort"); err != nil {
			_, _ = fx.Env.Git(clone, "reset", "-q", "--hard")
		}
		return ""
	}
	tree, err := fx.Env.Git(clone, "write-tree")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.Env.Git(clone, "reset", "-q", "--hard"); err != nil {
		t.Fatal(err)
	}
	return tree
}

// On the generated repository: commits whose patch-id matched replay
// identical; every pair agrees with git cherry-pick; the batch agrees with
// one-by-one replays; nothing is left behind.
func TestGeneratedFixture(t *testing.T) {
	cleanGitEnv(t)
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	repo := &git.Repo{Dir: fx.Dir, Env: fx.Env.Vars}
	tr := &testRepo{Scratch: repos.ScratchAt(t, fx.Env, fx.Dir), t: t, repo: repo}
	before := tr.state()
	clone := filepath.Join(t.TempDir(), "clone")
	if _, err := fx.Env.Git(filepath.Dir(clone), "clone", "-q", "--no-checkout", fx.Dir, clone); err != nil {
		t.Fatal(err)
	}
	var pairs []Pair
	var cases []repos.Expected
	for _, e := range fx.Expected {
		if e.New != "" && e.Status != "same" {
			pairs = append(pairs, Pair{Old: e.Old, New: e.New})
			cases = append(cases, e)
		}
	}
	batch, err := Verdicts(context.Background(), repo, pairs)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[Verdict]int{}
	for i, e := range cases {
		v := batch[i].Verdict
		counts[v]++
		if e.Status == "patch-id" && v != Identical {
			t.Errorf("%s: patch-id match replays %s, want identical", e.Case, v)
		}
		one, err := Replay(context.Background(), repo, e.Old, e.New)
		if err != nil {
			t.Fatal(err)
		}
		if one.Verdict != v || one.ReplayTree != batch[i].ReplayTree {
			t.Errorf("%s: batch says %s, single replay %s", e.Case, v, one.Verdict)
		}
		want := Conflicted
		if tree := cherryPick(t, fx, clone, e.Old, e.New); tree == batch[i].NewTree {
			want = Identical
		} else if tree != "" {
			want = Changed
		}
		if v != want {
			t.Errorf("%s (%s): replay says %s, git cherry-pick %s", e.Case, e.Status, v, want)
		}
		t.Logf("%-20s %-8s upstream=%-5v %s", e.Case, e.Status, e.Upstream, v)
	}
	// The "context" cases: upstream edited a line two lines above the
	// patch's insertion, inside its diff context but not adjacent to the
	// change, so the patch-id changed while the three-way merge (git's own
	// cherry-pick and rebase too, checked above) is clean and gives the
	// new commit exactly: by the definition of the verdict this is the
	// "only the context moved" case. The reworded case changes a line.
	for i, e := range cases {
		switch e.Case {
		case "context", "dup-title-2":
			if batch[i].Verdict != Identical {
				t.Errorf("%s: %s", e.Case, batch[i].Verdict)
			}
		case "reworded":
			if batch[i].Verdict != Changed {
				t.Errorf("%s: %s, want changed", e.Case, batch[i].Verdict)
			}
		}
	}
	if counts[Identical] == 0 || counts[Changed] == 0 {
		t.Errorf("verdicts %v: the fixture should give identical and changed", counts)
	}
	tr.assertUntouched(before)
}

// A context change adjacent to the patch's lines conflicts: a changed
// patch whose rebase was not trivial never replays identical.
func TestAdjacentContextConflicts(t *testing.T) {
	r, old, new := scenario(t,
		map[string]string{"a.c": lines(20, nil)},
		map[string]string{"a.c": lines(20, map[int]string{10: "upstream 10"})},
		map[string]string{"a.c": lines(20, map[int]string{11: "patch 11"})},
		map[string]string{"a.c": lines(20, map[int]string{10: "upstream 10", 11: "patch 11"})})
	res, err := Replay(context.Background(), r.repo, old, new)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Conflicted || len(res.Conflicts) != 1 || len(res.Conflicts[0].Regions) != 1 {
		t.Fatalf("verdict %s: %+v", res.Verdict, res.Conflicts)
	}
	g := res.Conflicts[0].Regions[0]
	if !g.Resolved || !slices.Equal(g.Resolution, []string{"upstream 10", "patch 11"}) {
		t.Errorf("region %+v", g)
	}
}

// The scratch object store is removed, whatever happened.
func TestNoScratchLeft(t *testing.T) {
	r, old, new := scenario(t,
		map[string]string{"a.c": lines(5, nil)},
		map[string]string{"a.c": lines(5, map[int]string{1: "u"})},
		map[string]string{"a.c": lines(5, map[int]string{1: "p"})},
		map[string]string{"a.c": lines(5, map[int]string{1: "u"})})
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	if _, err := Replay(context.Background(), r.repo, old, new); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("left in TMPDIR: %v", ents)
	}
}
