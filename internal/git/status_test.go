package git_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWorktreeState(t *testing.T) {
	r, g := newWorkRepo(t)
	ctx := context.Background()
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(r.Dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("f.c", "a\nb\nc\n")
	g("add", "f.c")
	g("commit", "-qm", "base")
	g("branch", "other")
	write("f.c", "a\nX\nc\n")
	g("commit", "-qam", "main: change b")
	g("checkout", "-q", "other")
	write("f.c", "a\nY\nc\n")
	g("commit", "-qam", "other: change b")
	pick := g("rev-parse", "HEAD")
	g("checkout", "-q", "main")

	clean, err := r.WorktreeFingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := r.WorktreeFingerprint(ctx); again != clean || err != nil {
		t.Errorf("fingerprint changed by itself: %v", err)
	}
	if ps, err := r.UnmergedPaths(ctx); len(ps) != 0 || err != nil {
		t.Errorf("unmerged paths before the pick: %q %v", ps, err)
	}
	conflicted, err := r.CherryPickNoCommit(ctx, pick)
	if !conflicted || err != nil {
		t.Fatalf("cherry-pick: conflicted %v, %v", conflicted, err)
	}
	if ps, err := r.UnmergedPaths(ctx); !slices.Equal(ps, []string{"f.c"}) || err != nil {
		t.Errorf("unmerged paths: %q %v", ps, err)
	}
	picked, err := r.WorktreeFingerprint(ctx)
	if err != nil || picked == clean {
		t.Errorf("the conflict did not change the fingerprint: %v", err)
	}
	// An untracked file changes it too, and intent-to-add shows it to diff.
	write("new.c", "new\n")
	if fp, _ := r.WorktreeFingerprint(ctx); fp == picked {
		t.Error("an untracked file did not change the fingerprint")
	}
	write("f.c", "a\nX and Y\nc\n")
	// The snapshot diff shows the resolution and the untracked file and
	// writes nothing: the index keeps its conflict stages byte for byte,
	// no object or ref appears.
	gitDir := g("rev-parse", "--absolute-git-dir")
	index, _ := os.ReadFile(filepath.Join(gitDir, "index"))
	objects := g("count-objects", "-v")
	refs := g("for-each-ref")
	diff, err := r.DiffWorktreeSnapshot(ctx, "HEAD")
	if err != nil || !strings.Contains(string(diff), "+X and Y") || !strings.Contains(string(diff), "+++ b/new.c") {
		t.Errorf("diff of the work tree:\n%s%v", diff, err)
	}
	if after, _ := os.ReadFile(filepath.Join(gitDir, "index")); len(index) == 0 || !slices.Equal(after, index) {
		t.Error("the snapshot changed the index")
	}
	if ps, err := r.UnmergedPaths(ctx); !slices.Equal(ps, []string{"f.c"}) || err != nil {
		t.Errorf("conflict stages after the snapshot: %q %v", ps, err)
	}
	if g("count-objects", "-v") != objects || g("for-each-ref") != refs {
		t.Error("the snapshot wrote objects or refs")
	}
	if st := g("status", "--porcelain"); !strings.Contains(st, "?? new.c") {
		t.Errorf("the untracked file was added somewhere: %q", st)
	}
	if _, err := r.DiffWorktreeSnapshot(ctx, "--cached"); err == nil {
		t.Error("option-like revision accepted")
	}
	// A clean pick is not a conflict; a failing one is an error.
	g("reset", "-q", "--hard")
	g("clean", "-qfd")
	g("checkout", "-q", "--detach")
	write("g.c", "g\n")
	g("add", "g.c")
	g("commit", "-qm", "side")
	side := g("rev-parse", "HEAD")
	g("checkout", "-q", "main")
	if conflicted, err := r.CherryPickNoCommit(ctx, side); conflicted || err != nil {
		t.Errorf("clean pick: conflicted %v, %v", conflicted, err)
	}
	if st := g("status", "--porcelain"); st != "A  g.c" {
		t.Errorf("after a clean pick: status %q", st)
	}
	if conflicted, err := r.CherryPickNoCommit(ctx, "nope"); conflicted || err == nil {
		t.Errorf("unknown commit: conflicted %v, %v", conflicted, err)
	}
}
