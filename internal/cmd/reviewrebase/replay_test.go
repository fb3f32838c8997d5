package reviewrebase

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// Layer 1: the command line reaches the right command with its options.
func TestReplayArgs(t *testing.T) {
	for _, c := range []struct {
		args, want, paths []string
	}{
		{[]string{"replay", "a", "b", "--format=json"}, []string{"replay", "--format=json", "--", "a", "b"}, nil},
		{[]string{"replay", "a", "--format", "json", "b"}, []string{"replay", "--format", "json", "--", "a", "b"}, nil},
		{[]string{"--format", "json", "replay", "a", "b"}, []string{"replay", "--format", "json", "--", "a", "b"}, nil},
		{[]string{"replay", "--check", "a", "b"}, []string{"replay", "--check", "--", "a", "b"}, nil},
		{[]string{"replay", "a", "b", "--", "p"}, []string{"replay", "--", "a", "b", "p"}, nil},
		// The review is untouched: options first, paths after "--".
		{[]string{"a..b", "--format=json", "c..d", "--", "replay"}, []string{"--format=json", "--", "a..b", "c..d"}, []string{"replay"}},
		// "replay" as the value of an option is not the subcommand.
		{[]string{"--onto", "replay", "a..b"}, []string{"--onto", "replay", "--", "a..b"}, nil},
	} {
		got, paths := reorderArgs(c.args)
		if !slices.Equal(got, c.want) || !slices.Equal(paths, c.paths) {
			t.Errorf("reorderArgs(%q) = %q, %q; want %q, %q", c.args, got, paths, c.want, c.paths)
		}
	}
}

type replayJSON struct {
	Verdict   string   `json:"verdict"`
	Old       string   `json:"old"`
	New       string   `json:"new"`
	Conflicts []string `json:"conflicts"`
	Diff      *string  `json:"diff"`
	Regions   []struct {
		Path       string   `json:"path"`
		Upstream   []string `json:"upstream"`
		Patch      []string `json:"patch"`
		Resolution []string `json:"resolution"`
		Resolved   bool     `json:"resolved"`
	} `json:"regions"`
}

func decodeReplay(t *testing.T, r result) replayJSON {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	var j replayJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if j.Diff == nil || j.Conflicts == nil {
		t.Errorf("diff and conflicts must always be present: %s", r.stdout)
	}
	return j
}

func TestReplayOnFixture(t *testing.T) {
	fx := newFixture(t)
	c := fx.Commits
	r := runIn(t, fx, fx.Dir, "replay", "--format=json", c["old:unchanged"], c["new:unchanged"])
	if j := decodeReplay(t, r); j.Verdict != "identical" || *j.Diff != "" || len(j.Conflicts) != 0 || j.Old != c["old:unchanged"] {
		t.Errorf("patch-id match: %s", r.stdout)
	}
	// Options after the arguments.
	r = runIn(t, fx, fx.Dir, "replay", c["old:reworded"], c["new:reworded"], "--format", "json")
	if j := decodeReplay(t, r); j.Verdict != "changed" || !strings.Contains(*j.Diff, "+\t\tret = foo") || !strings.Contains(*j.Diff, "_quirk_fixed(dev, arg);") {
		t.Errorf("reworded: %s", r.stdout)
	}
	r = runIn(t, fx, fx.Dir, "replay", c["old:reworded"], c["new:reworded"])
	if r.code != 0 || !strings.HasPrefix(r.stdout, "replay of "+git.Short(c["old:reworded"])+" onto the parent of "+git.Short(c["new:reworded"])+": changed\n") {
		t.Errorf("text: %d %s%s", r.code, r.stdout, r.stderr)
	}
	// Only the context moved: identical (see internal/replay's
	// TestGeneratedFixture for why, checked against git cherry-pick).
	r = runIn(t, fx, fx.Dir, "replay", "--format=json", c["old:context"], c["new:context"])
	if j := decodeReplay(t, r); j.Verdict != "identical" {
		t.Errorf("context: %s", r.stdout)
	}
}

// conflictRepo builds a queue commit whose rebase conflicted in two files
// and was resolved by hand.
func conflictRepo(t *testing.T) (*repos.Fixture, string, string) {
	t.Helper()
	root := t.TempDir()
	env, err := repos.NewEnv(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "repo")
	fx := &repos.Fixture{Dir: dir, Env: env}
	git := func(args ...string) string {
		t.Helper()
		out, err := env.Git(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	write := func(files map[string]string) {
		t.Helper()
		for name, data := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		git("add", "-A")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	git("init", "-q")
	write(map[string]string{"a.c": "a1\na2\na3\na4\na5\n", "sub/b.c": "b1\nb2\nb3\n"})
	git("commit", "-q", "-m", "base")
	git("tag", "base")
	write(map[string]string{"a.c": "a1\na2\nUP\na4\na5\n", "sub/b.c": "b1\nUP\nb3\n"})
	git("commit", "-q", "-m", "upstream")
	git("tag", "up")
	git("checkout", "-q", "-b", "queue-old", "base")
	write(map[string]string{"a.c": "a1\na2\nPATCH\na4\na5\n", "sub/b.c": "b1\nPATCH\nb3\n"})
	git("commit", "-q", "-m", "the patch")
	git("checkout", "-q", "-b", "queue-new", "up")
	write(map[string]string{"a.c": "a1\na2\nUP+PATCH\na4\na5\n", "sub/b.c": "b1\nUP\nPATCH\nb3\n"})
	git("commit", "-q", "-m", "the patch")
	return fx, git("rev-parse", "queue-old"), git("rev-parse", "queue-new")
}

func TestReplayConflict(t *testing.T) {
	fx, old, new := conflictRepo(t)
	state := func() string {
		out, err := fx.Env.Git(fx.Dir, "for-each-ref")
		if err != nil {
			t.Fatal(err)
		}
		st, err := fx.Env.Git(fx.Dir, "--no-optional-locks", "status", "--porcelain", "-z")
		if err != nil {
			t.Fatal(err)
		}
		head, err := fx.Env.Git(fx.Dir, "rev-parse", "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		return out + "\x00" + st + "\x00" + head
	}
	before := state()
	r := runIn(t, fx, filepath.Join(fx.Dir, "sub"), "replay", "--format=json", "queue-old", "queue-new")
	j := decodeReplay(t, r)
	if j.Verdict != "conflicted" || !slices.Equal(j.Conflicts, []string{"a.c", "sub/b.c"}) || j.Old != old || j.New != new {
		t.Fatalf("%s", r.stdout)
	}
	if len(j.Regions) != 2 || !j.Regions[1].Resolved || !slices.Equal(j.Regions[1].Resolution, []string{"UP", "PATCH"}) ||
		!slices.Equal(j.Regions[1].Upstream, []string{"UP"}) || !slices.Equal(j.Regions[1].Patch, []string{"PATCH"}) {
		t.Errorf("regions: %s", r.stdout)
	}
	if !strings.Contains(*j.Diff, "+UP+PATCH") {
		t.Errorf("diff: %s", *j.Diff)
	}
	r = runIn(t, fx, fx.Dir, "replay", "queue-old", "queue-new")
	for _, s := range []string{": conflicted\n", "a.c (contents)", "author (new commit)   | UP+PATCH"} {
		if r.code != 0 || !strings.Contains(r.stdout, s) {
			t.Errorf("text lacks %q (exit %d):\n%s", s, r.code, r.stdout)
		}
	}
	if after := state(); after != before {
		t.Errorf("replay changed refs, status or HEAD:\n%q\n%q", before, after)
	}
}

func TestReplayBadInput(t *testing.T) {
	fx, _, _ := conflictRepo(t)
	// queue-new becomes a merge, which has no single patch to replay.
	if _, err := fx.Env.Git(fx.Dir, "merge", "-q", "--no-ff", "-s", "ours", "-m", "merge", "queue-old"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		dir  string
		args []string
		code int
		msg  string
	}{
		{"no commits", fx.Dir, []string{"replay"}, 2, "needs two commits"},
		{"one commit", fx.Dir, []string{"replay", "queue-old"}, 2, "needs two commits"},
		{"three", fx.Dir, []string{"replay", "a", "b", "c"}, 2, "no paths"},
		{"paths", fx.Dir, []string{"replay", "a", "b", "--", "x"}, 2, "no paths"},
		{"bad format", fx.Dir, []string{"replay", "--format=xml", "a", "b"}, 2, "--format"},
		{"review option", fx.Dir, []string{"replay", "--check", "a", "b"}, 2, "check"},
		{"unknown revision", fx.Dir, []string{"replay", "nope", "queue-new"}, 2, "unknown revision"},
		{"option-like revision", fx.Dir, []string{"replay", "--", "-x", "queue-new"}, 2, "'-'"},
		{"merge", fx.Dir, []string{"replay", "queue-new", "queue-new~1"}, 1, "merge"},
		{"not a repository", t.TempDir(), []string{"replay", "a", "b"}, 2, "not a git repository"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runIn(t, fx, c.dir, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.msg) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("want one line mentioning %q, got %q", c.msg, r.stderr)
			}
		})
	}
	if r := runIn(t, fx, fx.Dir, "replay", "-h"); r.code != 0 || !strings.Contains(r.stdout, "replay [--format=text|json] [--worktree] <old> <new>") {
		t.Errorf("replay -h: %d %s%s", r.code, r.stdout, r.stderr)
	}
}

// --replay adds the verdict to title and similar rows, and --check then
// accepts a title match that replays identical.
func TestReviewWithReplay(t *testing.T) {
	fx := newFixture(t)
	ranges := []string{fx.OldTag + "..queue-old", fx.NewTag + "..queue-new"}
	r := runIn(t, fx, fx.Dir, append([]string{"--replay", "--format=json"}, ranges...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Rows []struct {
			Status string                `json:"status"`
			Old    *struct{ SHA string } `json:"old"`
			Replay *string               `json:"replay"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		fx.Commits["old:context"]:     "identical",
		fx.Commits["old:dup-title-2"]: "identical",
		fx.Commits["old:reworded"]:    "changed",
	}
	replayed := 0
	for _, row := range out.Rows {
		matched := row.Status == "title" || row.Status == "similar"
		if matched != (row.Replay != nil) {
			t.Errorf("%s row: replay %v", row.Status, row.Replay)
		}
		if row.Replay == nil {
			continue
		}
		replayed++
		if w, ok := want[row.Old.SHA]; ok && *row.Replay != w {
			t.Errorf("%s: replay %s, want %s", git.Short(row.Old.SHA), *row.Replay, w)
		}
	}
	if replayed < len(want) {
		t.Errorf("%d rows replayed", replayed)
	}
	r = runIn(t, fx, fx.Dir, append([]string{"--replay", "--color=never"}, ranges...)...)
	if !strings.Contains(r.stdout, git.Short(fx.Commits["old:reworded"])) ||
		!strings.Contains(r.stdout, "[replay: changed]") || !strings.Contains(r.stdout, "[replay: identical]") {
		t.Errorf("text:\n%s", r.stdout)
	}
	// Without --replay, --check wants three reasons (TestCheck); with it
	// the unexplained dup-title-2 replays identical and passes.
	r = runIn(t, fx, fx.Dir, append([]string{"--check", "--replay"}, ranges...)...)
	if r.code != 1 || !strings.Contains(r.stdout, "2 commit(s) need a written reason") ||
		strings.Contains(r.stdout, git.Short(fx.Commits["old:dup-title-2"])) ||
		!strings.Contains(r.stdout, git.Short(fx.Commits["old:reworded"])) {
		t.Errorf("--check --replay: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// End to end through git's dispatch, from a subdirectory.
func TestReplayGitDispatch(t *testing.T) {
	fx, _, _ := conflictRepo(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin, "github.com/patchqueue/pqtools/cmd/git-review-rebase")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command("git", "review-rebase", "replay", "queue-old", "queue-new", "--format=json")
	cmd.Dir = filepath.Join(fx.Dir, "sub")
	cmd.Env = append(fx.Env.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"verdict": "conflicted"`) {
		t.Errorf("%s", stdout.String())
	}
}
