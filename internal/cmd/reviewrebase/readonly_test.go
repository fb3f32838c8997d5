package reviewrebase

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// state is what a read-only command must leave as it found it.
type state struct{ index, refs, status, objects string }

func stateOf(t *testing.T, env *repos.Env, dir string) state {
	t.Helper()
	g := func(args ...string) string {
		out, err := env.Git(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	gitDir := g("rev-parse", "--absolute-git-dir")
	index, err := os.ReadFile(filepath.Join(gitDir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	return state{string(index), g("for-each-ref"), g("status", "--porcelain=v2", "--untracked-files=all"), g("count-objects", "-v")}
}

func (s state) diff(t *testing.T, what string, after state) {
	t.Helper()
	if s.index != after.index {
		t.Errorf("%s changed the index", what)
	}
	if s.refs != after.refs {
		t.Errorf("%s changed refs:\n%s\n->\n%s", what, s.refs, after.refs)
	}
	if s.status != after.status {
		t.Errorf("%s changed the status:\n%s\n->\n%s", what, s.status, after.status)
	}
	if s.objects != after.objects {
		t.Errorf("%s wrote objects:\n%s\n->\n%s", what, s.objects, after.objects)
	}
}

// Review, replay and compare leave the index bytes, refs, objects and
// status alone: in a replay worktree with conflicts (UU stays UU, and
// --clean still knows it for untouched), and in a main repository with
// untracked files (no "git add -N" of them).
func TestReadOnlyCommands(t *testing.T) {
	fx, oldSHA, newSHA := conflictRepo(t)
	work := fx.Dir
	if err := os.WriteFile(filepath.Join(work, "untracked.c"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "sub", "notes.txt"), []byte("mine too\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	before := stateOf(t, fx.Env, work)
	rng := []string{"base..queue-old", "up..queue-new"}
	for _, args := range [][]string{
		append([]string{"--format=text", "--replay"}, rng...),
		append([]string{"--format=json"}, rng...),
		{"replay", oldSHA, newSHA},
		{"replay", "--compare", work, newSHA, "--force"},
		append([]string{"explain", "--dry-run"}, rng...),
	} {
		r := runIn(t, fx, work, args...)
		if r.code > 1 {
			t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
		before.diff(t, strings.Join(args, " "), stateOf(t, fx.Env, work))
	}
	// explain for real writes only the notes ref: index, status and the
	// other refs stay.
	if r := runIn(t, fx, work, append([]string{"explain"}, rng...)...); r.code != 0 || !strings.Contains(r.stdout, "explained ") {
		t.Fatalf("explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	after := stateOf(t, fx.Env, work)
	if after.index != before.index || after.status != before.status {
		t.Error("explain changed the index or the status")
	}
	if got, want := withoutNotes(after.refs), withoutNotes(before.refs); got != want {
		t.Errorf("explain changed refs other than notes:\n%s\n->\n%s", want, got)
	}
	before = after
	// compare refuses a directory that is not a replay worktree.
	if r := runIn(t, fx, work, "replay", "--compare", work, newSHA); r.code != 2 || !strings.Contains(r.stderr, "is not a replay worktree") {
		t.Errorf("compare of the main work tree without --force: exit %d %s", r.code, r.stderr)
	}

	r := runIn(t, fx, work, "replay", "--worktree", oldSHA, newSHA)
	if r.code != 0 || !strings.Contains(r.stdout, "conflicts:") {
		t.Fatalf("--worktree: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wt := filepath.Join(work, ".git", "review-rebase", "worktrees", oldSHA[:12]+"-"+newSHA[:12])
	inWT := stateOf(t, fx.Env, wt)
	if !strings.Contains(inWT.status, "u UU") {
		t.Fatalf("the replay worktree has no conflict to protect:\n%s", inWT.status)
	}
	if r := runIn(t, fx, work, "replay", "--compare", wt, newSHA); r.code != 1 {
		t.Errorf("compare of the unresolved worktree: exit %d %s", r.code, r.stderr)
	}
	inWT.diff(t, "replay --compare in a replay worktree", stateOf(t, fx.Env, wt))
	// Untouched since the replay: --clean removes it without --force.
	if r := runIn(t, fx, work, "replay", "--clean"); r.code != 0 || strings.Contains(r.stdout, "kept") {
		t.Errorf("--clean after compare: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(wt); !os.IsNotExist(err) {
		t.Errorf("the replay worktree is still there: %v", err)
	}
}

// The command replay --worktree suggests can be pasted as printed, even
// when the repository's path has a space.
func TestSuggestedCommandIsQuoted(t *testing.T) {
	fx, oldSHA, newSHA := conflictRepo(t)
	spaced := filepath.Join(filepath.Dir(fx.Dir), "my repo")
	if err := os.Rename(fx.Dir, spaced); err != nil {
		t.Fatal(err)
	}
	fx.Dir = spaced
	r := runIn(t, fx, spaced, "replay", "--worktree", oldSHA, newSHA)
	wt := filepath.Join(spaced, ".git", "review-rebase", "worktrees", oldSHA[:12]+"-"+newSHA[:12])
	want := "  git review-rebase replay --compare '" + wt + "' " + newSHA[:12] + "\n"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("--worktree: exit %d, want %q in\n%s%s", r.code, want, r.stdout, r.stderr)
	}
}

func withoutNotes(refs string) string {
	var keep []string
	for _, l := range strings.Split(refs, "\n") {
		if !strings.Contains(l, "refs/notes/") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
