package reviewrebase

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

var update = flag.Bool("update", false, "rewrite golden files")

// newFixture builds a private small fixture (tests here write notes and
// caches into it).
func newFixture(t *testing.T) *repos.Fixture {
	t.Helper()
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

type result struct {
	code           int
	stdout, stderr string
}

// runIn runs the command in dir with the fixture's git environment.
func runIn(t *testing.T, fx *repos.Fixture, dir string, args ...string) result {
	t.Helper()
	for _, kv := range fx.Env.Vars {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_NOTES_REF"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"git review-rebase"}, args...), &cliutil.IO{
		Out: &out, ErrOut: &errb, Dir: dir, GitEnv: fx.Env.Vars, Getenv: func(string) string { return "" },
	})
	return result{code, out.String(), errb.String()}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", t.Name(), name), []byte(got), *update)
}

func TestTextAndJSONGolden(t *testing.T) {
	fx := newFixture(t)
	r := runIn(t, fx, fx.Dir, "--no-cache", fx.OldTag+"..queue-old", fx.NewTag+"..queue-new")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "review.txt", r.stdout)
	if !strings.Contains(r.stderr, "warning: skipping merge commit "+git.Short(fx.Merges[0])) {
		t.Errorf("no warning for the merge in the new range: %q", r.stderr)
	}
	j := runIn(t, fx, fx.Dir, "--format=json", "--no-cache", fx.OldTag+"..queue-old", fx.NewTag+"..queue-new")
	if j.code != 0 {
		t.Fatalf("exit %d: %s", j.code, j.stderr)
	}
	golden(t, "review.json", j.stdout)
}

// The JSON field names and status words are an interface (PRODUCT.md).
func TestJSONSchema(t *testing.T) {
	fx := newFixture(t)
	r := runIn(t, fx, fx.Dir, "--format=json", fx.OldTag+"..queue-old", fx.NewTag+"..queue-new")
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	if got := keys(doc); got != "new,old,rows,summary" {
		t.Errorf("top-level keys %s", got)
	}
	for _, side := range []string{"old", "new"} {
		if got := keys(doc[side].(map[string]any)); got != "base,tip" {
			t.Errorf("%s keys %s", side, got)
		}
	}
	if got := keys(doc["summary"].(map[string]any)); got != "added,dropped,patch-id,same,similar,title,upstream" {
		t.Errorf("summary keys %s", got)
	}
	statuses := map[string]bool{}
	sawAlso := false
	for _, x := range doc["rows"].([]any) {
		row := x.(map[string]any)
		k := keys(row)
		if k != "evidence,new,note,old,status,upstream" && k != "also_upstream,evidence,new,note,old,status,upstream" && k != "new,note,old,status,upstream" {
			t.Errorf("row keys %s", k)
		}
		sawAlso = sawAlso || row["also_upstream"] != nil
		statuses[row["status"].(string)] = true
		for _, side := range []string{"old", "new"} {
			if c, ok := row[side].(map[string]any); ok {
				if got := keys(c); got != "patch_id,sha,title" {
					t.Errorf("commit keys %s", got)
				}
				if len(c["sha"].(string)) != 40 {
					t.Errorf("sha %q is not 40 hex digits", c["sha"])
				}
			}
		}
	}
	for _, s := range []string{"patch-id", "title", "similar", "dropped", "added"} {
		if !statuses[s] {
			t.Errorf("status %q never appears", s)
		}
	}
	if !sawAlso {
		t.Error("no also_upstream in the fixture review")
	}
}

func TestCheck(t *testing.T) {
	fx := newFixture(t)
	args := []string{"--check", fx.OldTag + "..queue-old", fx.NewTag + "..queue-new"}
	r := runIn(t, fx, fx.Dir, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s%s", r.code, r.stdout, r.stderr)
	}
	want := map[string]string{
		fx.Commits["old:dropped"]:     "dropped without a note",
		fx.Commits["old:reworded"]:    "patch changed without a conflict explanation",
		fx.Commits["old:dup-title-2"]: "patch changed without a conflict explanation",
	}
	for sha, why := range want {
		if !strings.Contains(r.stdout, git.Short(sha)+" "+why) {
			t.Errorf("--check does not list %s (%s):\n%s", git.Short(sha), why, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "\n  "); n != len(want) {
		t.Errorf("%d offenders listed, want %d:\n%s", n, len(want), r.stdout)
	}
	// The JSON carries the same verdict, same exit status.
	j := runIn(t, fx, fx.Dir, append([]string{"--format=json"}, args...)...)
	var doc struct {
		Rows  []json.RawMessage `json:"rows"`
		Check *struct {
			OK       bool `json:"ok"`
			Problems []struct {
				Old  *struct{ SHA string } `json:"old"`
				New  *struct{ SHA string } `json:"new"`
				Kind string                `json:"kind"`
			} `json:"problems"`
		} `json:"check"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil || j.code != 1 || doc.Check == nil || doc.Check.OK || len(doc.Rows) == 0 {
		t.Fatalf("--check --format=json: exit %d, %v, %+v", j.code, err, doc.Check)
	}
	kinds := map[string]string{}
	for _, p := range doc.Check.Problems {
		kinds[p.Old.SHA] = p.Kind
	}
	wantKinds := map[string]string{
		fx.Commits["old:dropped"]:     "dropped-without-note",
		fx.Commits["old:reworded"]:    "changed-without-explanation",
		fx.Commits["old:dup-title-2"]: "changed-without-explanation",
	}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("JSON problems %v, want %v", kinds, wantKinds)
	}
	// Writing the missing reasons makes it pass: a note for the dropped
	// commit, explanations in the two rebased messages.
	if _, err := fx.Env.Git(fx.Dir, "notes", "add", "-m", "Dropped: the old firmware is gone.", fx.Commits["old:dropped"]); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, fx, fx.Dir, args...)
	if r.code != 1 || strings.Contains(r.stdout, git.Short(fx.Commits["old:dropped"])) {
		t.Fatalf("after the note: exit %d\n%s", r.code, r.stdout)
	}
	if _, err := fx.Env.Git(fx.Dir, "checkout", "-q", "queue-new"); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.Env.Git(fx.Dir, "rebase", "-q", "--exec",
		"git log -1 --format=%s | grep -qE 'enable acme|plug memory' && git commit -q --amend -m \"$(git log -1 --format=%B)\" -m '[Dev: rebase conflicts: - ctx moved]' || true", fx.NewTag); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, fx, fx.Dir, args...)
	if r.code != 0 {
		t.Fatalf("with every reason written: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	j = runIn(t, fx, fx.Dir, append([]string{"--format=json"}, args...)...)
	if j.code != 0 || !strings.Contains(j.stdout, "\"check\": {\n    \"ok\": true,\n    \"problems\": []") {
		t.Errorf("passing --check in JSON: exit %d\n%s", j.code, j.stdout)
	}
}

func TestInferredBases(t *testing.T) {
	fx := newFixture(t)
	explicit := runIn(t, fx, fx.Dir, "--format=json", fx.OldTag+"..queue-old", fx.NewTag+"..queue-new")
	for _, args := range [][]string{
		{"queue-old..queue-new"}, // merge base and nearest tag
		{"kernel-4.19.19/base..kernel-" + strings.TrimPrefix(fx.NewTag, "v") + "/base"}, // X/pre-base
		{"--old-base", fx.OldTag, "--onto", fx.NewTag, "queue-old..queue-new"},
		{"queue-old..queue-new", "--onto=" + fx.NewTag}, // options after arguments
	} {
		r := runIn(t, fx, fx.Dir, append([]string{"--format=json"}, args...)...)
		if r.code != 0 {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
			continue
		}
		if r.stdout != explicit.stdout {
			t.Errorf("%v: review differs from the explicit ranges", args)
		}
	}
	// Unrelated tips have no merge base, which a given old base makes
	// unnecessary: the new base is still inferred.
	root := strings.TrimSpace(gitIn(t, fx, "commit-tree", "-m", "root", fx.OldTag+"^{tree}"))
	tip := strings.TrimSpace(gitIn(t, fx, "commit-tree", "-p", root, "-m", "queue", "queue-old^{tree}"))
	if r := runIn(t, fx, fx.Dir, "--format=json", "--old-base", root, tip+"..queue-new"); r.code != 0 {
		t.Errorf("unrelated tips with --old-base: exit %d, stderr %q", r.code, r.stderr)
	}
	// No tag between the tips: the command says what to do.
	r := runIn(t, fx, fx.Dir, "queue-new~2..queue-new")
	if r.code != 2 || !strings.Contains(r.stderr, "--onto") {
		t.Errorf("no tag: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestSameAndPaths(t *testing.T) {
	fx := newFixture(t)
	// The queue grew by three commits without a rebase: all "same" + added.
	r := runIn(t, fx, fx.Dir, "--format=json", fx.NewTag+"..queue-new~3", fx.NewTag+"..queue-new")
	var doc struct {
		Rows []struct {
			Status string `json:"status"`
		} `json:"rows"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v: %s %s", err, r.stdout, r.stderr)
	}
	if doc.Summary["same"] == 0 || doc.Summary["added"] != 3 || doc.Summary["dropped"] != 0 {
		t.Errorf("summary %v, want only same and 3 added", doc.Summary)
	}
	// Paths limit both ranges.
	r = runIn(t, fx, fx.Dir, fx.OldTag+"..queue-old", fx.NewTag+"..queue-new", "--", "scripts/")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.Contains(r.stdout, "rename waldo") || !strings.Contains(r.stdout, "fred.sh executable") {
		t.Errorf("-- scripts/: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Paths are relative to where the command runs: from scripts/ itself,
	// "scripts/" names nothing, whatever the caches hold from the top.
	sub := filepath.Join(fx.Dir, "scripts")
	want := runIn(t, fx, sub, "--no-cache", fx.OldTag+"..queue-old", fx.NewTag+"..queue-new", "--", "scripts/")
	got := runIn(t, fx, sub, fx.OldTag+"..queue-old", fx.NewTag+"..queue-new", "--", "scripts/")
	if got.code != want.code || got.stdout != want.stdout || got.stderr != want.stderr || want.code != 2 {
		t.Errorf("from scripts/: exit %d\n%s%s\nwithout the caches: exit %d\n%s%s", got.code, got.stdout, got.stderr, want.code, want.stdout, want.stderr)
	}
}

func TestBadInput(t *testing.T) {
	fx := newFixture(t)
	notRepo := t.TempDir()
	shallow := filepath.Join(t.TempDir(), "shallow")
	if _, err := fx.Env.Git(fx.Dir, "clone", "-q", "--depth=3", "--branch=queue-new", "file://"+fx.Dir, shallow); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		dir  string
		args []string
		code int
		msg  string
	}{
		{"no args", fx.Dir, nil, 2, "missing ranges"},
		{"not a range", fx.Dir, []string{"queue-old"}, 2, "is not a range"},
		{"symmetric", fx.Dir, []string{"queue-old...queue-new"}, 2, "symmetric"},
		{"unknown revision", fx.Dir, []string{"v4.19.19..nope", "v4.19.25..queue-new"}, 2, "unknown revision"},
		{"option-like revision", fx.Dir, []string{"--format=text", "-x..queue-old", "a..b"}, 2, ""},
		{"too many", fx.Dir, []string{"a..b", "c..d", "e..f"}, 2, "too many"},
		{"bad format", fx.Dir, []string{"--format=xml", "a..b"}, 2, "--format"},
		{"unknown flag", fx.Dir, []string{"--frobnicate", "a..b"}, 2, "frobnicate"},
		{"both ranges empty", fx.Dir, []string{"queue-old..queue-old", "queue-new..queue-new"}, 2, "nothing to review"},
		{"not a repository", notRepo, []string{"a..b"}, 2, "not a git repository"},
		{"shallow", shallow, []string{"HEAD~1..HEAD", "HEAD~2..HEAD"}, 1, "shallow"},
		{"shallow, two tips", shallow, []string{"HEAD~2..HEAD"}, 1, "shallow"},
		{"paths nothing touches", fx.Dir, []string{fx.OldTag + "..queue-old", fx.NewTag + "..queue-new", "--", "no/such/path"}, 2, "no commit touches the given paths"},
		{"empty range and paths", fx.Dir, []string{"queue-old..queue-old", fx.NewTag + "..queue-new", "--", "no/such/path"}, 2, "empty range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runIn(t, fx, c.dir, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.msg) || strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("want one line mentioning %q, got %q", c.msg, r.stderr)
			}
		})
	}
}

// One empty side is a valid review: a queue gone wholly upstream shows
// every old row (upstream or dropped), a queue started afresh every new
// row as added, and both exit 0.
func TestEmptySides(t *testing.T) {
	fx := newFixture(t)
	up := runIn(t, fx, fx.Dir, "--format=json", fx.OldBase+".."+fx.OldTip, fx.NewBase+".."+fx.NewBase)
	fresh := runIn(t, fx, fx.Dir, "--format=json", fx.OldBase+".."+fx.OldBase, fx.NewBase+".."+fx.NewTip)
	for name, r := range map[string]result{"new side empty": up, "old side empty": fresh} {
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
	}
	var doc struct {
		Rows []struct {
			Status   string          `json:"status"`
			Upstream bool            `json:"upstream"`
			Old      json.RawMessage `json:"old"`
			New      json.RawMessage `json:"new"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(up.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	oldCount := len(strings.Fields(gitIn(t, fx, "rev-list", "--no-merges", fx.OldBase+".."+fx.OldTip)))
	upstream := 0
	for _, r := range doc.Rows {
		switch {
		case string(r.Old) == "null":
			t.Errorf("a row without an old commit when the new queue is empty: %+v", r)
		case r.Upstream:
			upstream++
		case r.Status != "dropped":
			t.Errorf("row %s, want upstream or dropped", r.Status)
		}
	}
	if len(doc.Rows) != oldCount || upstream == 0 {
		t.Errorf("%d rows (%d upstream) for %d old commits", len(doc.Rows), upstream, oldCount)
	}
	if err := json.Unmarshal([]byte(fresh.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	newCount := len(strings.Fields(gitIn(t, fx, "rev-list", "--no-merges", fx.NewBase+".."+fx.NewTip)))
	for _, r := range doc.Rows {
		if r.Status != "added" {
			t.Errorf("row %s, want added when the old queue is empty", r.Status)
		}
	}
	if len(doc.Rows) != newCount {
		t.Errorf("%d rows for %d new commits", len(doc.Rows), newCount)
	}
}

func TestCache(t *testing.T) {
	fx := newFixture(t)
	args := []string{"-v", "--format=json", fx.OldTag + "..queue-old", fx.NewTag + "..queue-new"}
	cache := filepath.Join(fx.Dir, ".git", review.CacheFile)
	first := runIn(t, fx, fx.Dir, args...)
	if !strings.Contains(first.stderr, "0 cached") {
		t.Errorf("cold run used a cache: %s", first.stderr)
	}
	second := runIn(t, fx, fx.Dir, args...)
	if !strings.Contains(second.stderr, "patch-ids: 0 computed") || second.stdout != first.stdout {
		t.Errorf("warm run recomputed or differs: %s", second.stderr)
	}
	if !strings.Contains(second.stderr, "review: the result of an earlier run") {
		t.Errorf("warm run did not reuse the whole result: %s", second.stderr)
	}
	// The stage caches, each on its own: without the whole result, which
	// would answer first.
	dropResults(t, fx.Dir)
	// Corrupt the cache: it is ignored, the result is the same, the file
	// is rewritten.
	if err := os.WriteFile(cache, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	third := runIn(t, fx, fx.Dir, args...)
	if third.stdout != first.stdout || strings.Contains(third.stderr, "patch-ids: 0 computed") {
		t.Errorf("corrupt cache was trusted: %s", third.stderr)
	}
	if data, _ := os.ReadFile(cache); bytes.Equal(data, []byte("garbage")) {
		t.Error("corrupt cache was not rebuilt")
	}
	// A damaged upstream digest is a miss, not a wrong answer.
	ups, _ := filepath.Glob(filepath.Join(fx.Dir, ".git", "review-rebase", "upstream-*"))
	if len(ups) != 1 {
		t.Fatalf("upstream digests: %v", ups)
	}
	data, _ := os.ReadFile(ups[0])
	data[len(data)/2] ^= 0x20
	if err := os.WriteFile(ups[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	dropResults(t, fx.Dir)
	if fourth := runIn(t, fx, fx.Dir, args...); fourth.stdout != first.stdout {
		t.Error("damaged upstream digest changed the review")
	}
	// --no-cache neither reads nor writes.
	os.RemoveAll(filepath.Join(fx.Dir, ".git", "review-rebase"))
	runIn(t, fx, fx.Dir, append([]string{"--no-cache"}, args...)...)
	if _, err := os.Stat(cache); err == nil {
		t.Error("--no-cache wrote the cache")
	}
	// Concurrent runs all succeed and leave a valid cache.
	var wg sync.WaitGroup
	outs := make([]string, 4)
	for i := range outs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=TestHelperRun", "--", fx.Dir, fx.OldTag+"..queue-old", fx.NewTag+"..queue-new")
			cmd.Env = append(fx.Env.Environ(), "PQ_HELPER=1")
			out, _ := cmd.Output()
			outs[i] = string(out)
		}(i)
	}
	wg.Wait()
	for i, o := range outs {
		if o != first.stdout {
			t.Errorf("concurrent run %d differs:\n%s", i, o)
		}
	}
	final := runIn(t, fx, fx.Dir, args...)
	if !strings.Contains(final.stderr, "patch-ids: 0 computed") {
		t.Errorf("cache after concurrent runs is not complete: %s", final.stderr)
	}
}

// dropResults removes the cached whole results of the reviews of the
// repository in dir (review.Options.ResultCache), so that a test of a
// stage cache goes through that stage.
func dropResults(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, ".git", "review-rebase", "result-*"))
	if len(files) == 0 {
		t.Fatal("no cached result to drop")
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHelperRun is the child process of the concurrency test.
func TestHelperRun(t *testing.T) {
	if os.Getenv("PQ_HELPER") == "" {
		t.Skip("helper process")
	}
	args := flag.Args()
	var out bytes.Buffer
	code := Main(context.Background(), append([]string{"git review-rebase", "--format=json"}, args[1:]...),
		&cliutil.IO{Out: &out, ErrOut: os.Stderr, Dir: args[0], Getenv: func(string) string { return "" }})
	os.Stdout.Write(out.Bytes())
	os.Exit(code)
}

// End to end: the binary on PATH, run through git's own dispatch from a
// subdirectory of the work tree.
func TestGitDispatch(t *testing.T) {
	fx := newFixture(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin, "github.com/patchqueue/pqtools/cmd/git-review-rebase")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command("git", "review-rebase", "--check", "queue-old..queue-new")
	cmd.Dir = filepath.Join(fx.Dir, "scripts")
	cmd.Env = append(fx.Env.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "3 commit(s) need a written reason") {
		t.Errorf("git review-rebase --check: %v\n%s", err, out)
	}
	help := exec.Command("git", "review-rebase", "-h")
	help.Env = cmd.Env
	if out, err := help.CombinedOutput(); err != nil || !strings.Contains(string(out), "<old-tip>..<new-tip>") {
		t.Errorf("-h: %v\n%s", err, out)
	}
}

func TestFixtureIsDeterministic(t *testing.T) {
	a, b := newFixture(t), newFixture(t)
	if a.OldTip != b.OldTip || a.NewTip != b.NewTip || a.NewBase != b.NewBase {
		t.Errorf("two builds differ: %s %s vs %s %s", a.OldTip, a.NewTip, b.OldTip, b.NewTip)
	}
}

// gitIn runs git in the fixture's repository.
func gitIn(t *testing.T, fx *repos.Fixture, args ...string) string {
	t.Helper()
	out, err := fx.Env.Git(fx.Dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
