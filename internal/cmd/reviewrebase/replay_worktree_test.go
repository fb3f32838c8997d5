package reviewrebase

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

func TestReplayWorktreeCompareClean(t *testing.T) {
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "repo")
	os.MkdirAll(work, 0o755)
	g := func(args ...string) string {
		t.Helper()
		out, err := env.Git(work, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(work, "f.c"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g("init", "-q")
	write("a\nb\nc\n")
	g("add", "f.c")
	g("commit", "-qm", "base")
	g("branch", "old-queue")
	write("a\nX\nc\n")
	g("commit", "-qam", "upstream: change b")
	write("a\nX and B1\nc\n")
	g("commit", "-qam", "queue: change b")
	newSHA := g("rev-parse", "HEAD")
	g("checkout", "-q", "old-queue")
	write("a\nB1\nc\n")
	g("commit", "-qam", "queue: change b")
	oldSHA := g("rev-parse", "HEAD")
	g("checkout", "-q", "main")
	refsBefore, headBefore := g("for-each-ref"), g("rev-parse", "HEAD")

	fx := &repos.Fixture{Env: env}
	r := runIn(t, fx, work, "replay", "--worktree", oldSHA, newSHA)
	if r.code != 0 || !strings.Contains(r.stdout, "conflicts:\n  f.c") || !strings.Contains(r.stdout, "conflicted") {
		t.Fatalf("--worktree: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wt := filepath.Join(work, ".git", "review-rebase", "worktrees", oldSHA[:12]+"-"+newSHA[:12])
	data, err := os.ReadFile(filepath.Join(wt, "f.c"))
	if err != nil || !strings.Contains(string(data), "<<<<<<<") {
		t.Fatalf("conflict not left in place: %q %v", data, err)
	}
	// Unresolved: the comparison shows the difference and fails.
	r = runIn(t, fx, work, "replay", "--compare", wt, newSHA)
	if r.code != 1 || !strings.Contains(r.stdout, "+<<<<<<<") {
		t.Fatalf("compare before resolving: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Resolved as the author did: identical.
	if err := os.WriteFile(filepath.Join(wt, "f.c"), []byte("a\nX and B1\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, fx, work, "replay", "--compare", wt, newSHA)
	if r.code != 0 || !strings.Contains(r.stdout, "identical") {
		t.Fatalf("compare after resolving: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A second checkout of the same pair is refused, not overwritten.
	if r = runIn(t, fx, work, "replay", "--worktree", oldSHA, newSHA); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second --worktree: exit %d %s", r.code, r.stderr)
	}
	// Another replay, left as it was checked out.
	upSHA := g("rev-parse", newSHA+"^")
	if r = runIn(t, fx, work, "replay", "--worktree", oldSHA, upSHA); r.code != 0 {
		t.Fatalf("--worktree of a second pair: exit %d %s", r.code, r.stderr)
	}
	untouched := filepath.Join(filepath.Dir(wt), oldSHA[:12]+"-"+upSHA[:12])
	// --clean removes that one and keeps the resolution in progress.
	r = runIn(t, fx, work, "replay", "--clean")
	if r.code != 1 || !strings.Contains(r.stdout, "kept "+wt+": changed since the replay") || !strings.Contains(r.stdout, "removed 1 replay worktree") {
		t.Fatalf("--clean: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(untouched); !os.IsNotExist(err) {
		t.Errorf("untouched worktree still there: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(wt, "f.c")); err != nil || string(data) != "a\nX and B1\nc\n" {
		t.Fatalf("--clean lost the resolution: %q %v", data, err)
	}
	// A replay worktree deleted by hand is forgotten, its record too.
	if r = runIn(t, fx, work, "replay", "--worktree", oldSHA, upSHA); r.code != 0 {
		t.Fatalf("--worktree again: exit %d %s", r.code, r.stderr)
	}
	if err := os.RemoveAll(untouched); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, fx, work, "replay", "--clean")
	if r.code != 1 || strings.Contains(r.stdout, "kept "+untouched) || !strings.Contains(r.stdout, "removed 1 replay worktree") {
		t.Fatalf("--clean after a worktree was deleted: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(untouched + ".replayed"); !os.IsNotExist(err) {
		t.Errorf("the deleted worktree's record is left: %v", err)
	}
	r = runIn(t, fx, work, "replay", "--clean", "--force")
	if r.code != 0 || !strings.Contains(r.stdout, "removed 1 replay worktree") {
		t.Fatalf("--clean --force: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(wt); !os.IsNotExist(err) {
		t.Errorf("worktree still there: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(wt)); len(ents) != 0 {
		t.Errorf("left in the worktree directory: %v", ents)
	}
	if list := g("worktree", "list", "--porcelain"); strings.Count(list, "worktree ") != 1 {
		t.Errorf("worktrees left:\n%s", list)
	}
	if g("for-each-ref") != refsBefore || g("rev-parse", "HEAD") != headBefore || g("status", "--porcelain") != "" {
		t.Error("the main work tree, HEAD or refs changed")
	}
	for _, bad := range [][]string{{"replay", "--clean", "x"}, {"replay", "--compare", wt}, {"replay", "--worktree", "--clean", "a", "b"}, {"replay", "--force", "a", "b"}} {
		if r := runIn(t, fx, work, bad...); r.code != 2 {
			t.Errorf("%v: exit %d %s", bad, r.code, r.stderr)
		}
	}
}
