package reviewrebase

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// What replay --worktree, --compare and --clean print and their exit
// statuses; the worktrees' lifecycle itself is tested in internal/replay
// (TestWorktreeLifecycle), the usage errors in flags_test.go.
func TestReplayWorktreeCompareClean(t *testing.T) {
	sc := repos.NewScratch(t)
	dir, env, work, g := filepath.Dir(sc.Dir), sc.Env, sc.Dir, sc.Git
	oldSHA, newSHA := sc.ReplayConflict()

	fx := &repos.Fixture{Env: env}
	wt := filepath.Join(work, ".git", "review-rebase", "worktrees", oldSHA[:12]+"-"+newSHA[:12])
	r := runIn(t, fx, work, "replay", "--worktree", oldSHA, newSHA)
	want := "replay of " + oldSHA[:12] + " onto the parent of " + newSHA[:12] + " checked out in\n  " + wt + "\n" +
		"conflicts:\n  f.c\nresolve them there, then compare with the author's resolution:\n" +
		"  git review-rebase replay --compare " + wt + " " + newSHA[:12] + "\nremove replay worktrees with: git review-rebase replay --clean\n"
	if r.code != 0 || !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, "conflicted") {
		t.Fatalf("--worktree: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Unresolved: the comparison shows the difference and fails.
	r = runIn(t, fx, work, "replay", "--compare", wt, newSHA)
	if r.code != 1 || !strings.HasPrefix(r.stdout, newSHA[:12]+" (-) and your resolution (+) differ:\n") || !strings.Contains(r.stdout, "+<<<<<<<") {
		t.Fatalf("compare before resolving: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Resolved as the author did: identical.
	if err := os.WriteFile(filepath.Join(wt, "f.c"), []byte("a\nX and B1\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, fx, work, "replay", "--compare", wt, newSHA)
	if r.code != 0 || r.stdout != "your resolution in "+wt+" is identical to "+newSHA[:12]+"\n" {
		t.Fatalf("compare after resolving: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A relative directory is read from where the command runs.
	rel, err := filepath.Rel(filepath.Join(work, ".git"), wt)
	if err != nil {
		t.Fatal(err)
	}
	if r = runIn(t, fx, filepath.Join(work, ".git"), "replay", "--compare", rel, newSHA); r.code != 0 || r.stdout != "your resolution in "+rel+" is identical to "+newSHA[:12]+"\n" {
		t.Errorf("compare with a relative directory: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = runIn(t, fx, work, "replay", "--compare", filepath.Join(dir, "nowhere"), newSHA); r.code != 2 || !strings.Contains(r.stderr, "--compare wants a replay worktree") {
		t.Errorf("compare outside a worktree: exit %d %s", r.code, r.stderr)
	}
	if r = runIn(t, fx, work, "replay", "--compare", wt, "nope"); r.code != 2 || !strings.Contains(r.stderr, "unknown revision") {
		t.Errorf("compare with an unknown revision: exit %d %s", r.code, r.stderr)
	}
	// A second checkout of the same pair is refused, not overwritten.
	if r = runIn(t, fx, work, "replay", "--worktree", oldSHA, newSHA); r.code != 1 || !strings.Contains(r.stderr, wt+" already exists: resolve there, or remove it with git review-rebase replay --clean") {
		t.Errorf("second --worktree: exit %d %s", r.code, r.stderr)
	}
	// Another replay, clean, left as it was checked out.
	upSHA := g("rev-parse", newSHA+"^")
	if r = runIn(t, fx, work, "replay", "--worktree", oldSHA, upSHA); r.code != 0 || !strings.Contains(r.stdout, "the replay applied cleanly; compare it with the author's commit:\n") || strings.Contains(r.stdout, "conflicts:") {
		t.Fatalf("--worktree of a second pair: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	// --clean removes that one and keeps the resolution in progress.
	r = runIn(t, fx, work, "replay", "--clean")
	if r.code != 1 || r.stdout != "kept "+wt+": changed since the replay (remove it with --clean --force)\nremoved 1 replay worktree(s)\n" {
		t.Fatalf("--clean: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runIn(t, fx, work, "replay", "--clean", "--force")
	if r.code != 0 || r.stdout != "removed 1 replay worktree(s)\n" {
		t.Fatalf("--clean --force: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(wt); !os.IsNotExist(err) {
		t.Errorf("worktree still there: %v", err)
	}
	if r = runIn(t, fx, t.TempDir(), "replay", "--clean"); r.code != 2 || !strings.Contains(r.stderr, "not a git repository") {
		t.Errorf("--clean outside a repository: exit %d %s", r.code, r.stderr)
	}
}
