package replay_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/replay"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// worktreeRepo builds a queue commit whose rebase conflicts in f.c: old
// changes b to B1 on the base, new (on upstream's change of b) resolves it
// as "X and B1". It returns the repository, its git runner, old and new.
func worktreeRepo(t *testing.T) (*git.Repo, func(args ...string) string, string, string) {
	t.Helper()
	sc := repos.NewScratch(t)
	work, g, env := sc.Dir, sc.Git, sc.Env
	oldSHA, newSHA := sc.ReplayConflict()
	repo, err := git.Open(context.Background(), work)
	if err != nil {
		t.Fatal(err)
	}
	repo.Env = env.Vars
	return repo, g, oldSHA, newSHA
}

// The lifecycle of replay worktrees: checked out with conflicts in place,
// compared before and after the reviewer resolves, refused twice, cleaned
// keeping what changed (or has no record), forgotten when deleted by hand,
// removed with force; the main work tree, HEAD and refs never move.
func TestWorktreeLifecycle(t *testing.T) {
	repo, g, oldSHA, newSHA := worktreeRepo(t)
	ctx := context.Background()
	refsBefore, headBefore := g("for-each-ref"), g("rev-parse", "HEAD")

	w, err := replay.AddWorktree(ctx, repo, oldSHA, "main")
	if err != nil {
		t.Fatal(err)
	}
	wt := filepath.Join(repo.CommonDir, "review-rebase", "worktrees", oldSHA[:12]+"-"+newSHA[:12])
	if w.Path != wt || w.Old != oldSHA || w.New != newSHA || !slices.Equal(w.Conflicts, []string{"f.c"}) {
		t.Fatalf("AddWorktree = %+v", w)
	}
	if filepath.Dir(wt) != replay.WorktreeRoot(repo) {
		t.Errorf("worktree %s is not under WorktreeRoot %s", wt, replay.WorktreeRoot(repo))
	}
	data, err := os.ReadFile(filepath.Join(wt, "f.c"))
	if err != nil || !strings.Contains(string(data), "<<<<<<<") {
		t.Fatalf("conflict not left in place: %q %v", data, err)
	}
	if _, err := os.Stat(wt + ".replayed"); err != nil {
		t.Errorf("no record of the replay: %v", err)
	}
	wtRepo, err := git.Open(ctx, wt)
	if err != nil {
		t.Fatal(err)
	}
	wtRepo.Env = repo.Env
	// Unresolved: the comparison shows the conflict as the reviewer's.
	nw, diff, err := replay.CompareWorktree(ctx, wtRepo, newSHA[:12])
	if err != nil || nw != newSHA || !strings.Contains(string(diff), "+<<<<<<<") {
		t.Fatalf("compare before resolving: %s %v\n%s", nw, err, diff)
	}
	// Resolved as the author did, plus a new file: the file counts.
	if err := os.WriteFile(filepath.Join(wt, "f.c"), []byte("a\nX and B1\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wt, "extra.c"), []byte("extra\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, diff, err := replay.CompareWorktree(ctx, wtRepo, newSHA); err != nil || !strings.Contains(string(diff), "+++ b/extra.c") || strings.Contains(string(diff), "f.c") {
		t.Fatalf("compare with an untracked file: %v\n%s", err, diff)
	}
	if err := os.Remove(filepath.Join(wt, "extra.c")); err != nil {
		t.Fatal(err)
	}
	if _, diff, err := replay.CompareWorktree(ctx, wtRepo, newSHA); err != nil || len(diff) != 0 {
		t.Fatalf("compare after resolving: %v\n%s", err, diff)
	}
	if _, _, err := replay.CompareWorktree(ctx, wtRepo, "nope"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("compare with an unknown revision: %v", err)
	}
	// A second checkout of the same pair is refused, not overwritten.
	if w, err := replay.AddWorktree(ctx, repo, oldSHA, newSHA); !errors.Is(err, replay.ErrWorktreeExists) || w == nil || w.Path != wt {
		t.Errorf("second AddWorktree: %+v %v", w, err)
	}
	if _, err := replay.AddWorktree(ctx, repo, "nope", newSHA); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("unknown revision: %v", err)
	}
	// Another replay, clean and left as it was checked out.
	upSHA := g("rev-parse", newSHA+"^")
	w2, err := replay.AddWorktree(ctx, repo, oldSHA, upSHA)
	if err != nil || len(w2.Conflicts) != 0 {
		t.Fatalf("AddWorktree of a second pair: %+v %v", w2, err)
	}
	untouched := w2.Path
	// Cleaning removes that one and keeps the resolution in progress.
	res, err := replay.CleanWorktrees(ctx, repo, false)
	if err != nil || res.Removed != 1 || !slices.Equal(res.Kept, []replay.KeptWorktree{{Path: wt, Reason: "changed since the replay"}}) {
		t.Fatalf("CleanWorktrees = %+v, %v", res, err)
	}
	if _, err := os.Stat(untouched); !os.IsNotExist(err) {
		t.Errorf("untouched worktree still there: %v", err)
	}
	if _, err := os.Stat(untouched + ".replayed"); !os.IsNotExist(err) {
		t.Errorf("the removed worktree's record is left: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(wt, "f.c")); err != nil || string(data) != "a\nX and B1\nc\n" {
		t.Fatalf("cleaning lost the resolution: %q %v", data, err)
	}
	// A replay worktree deleted by hand is forgotten, its record too.
	if _, err := replay.AddWorktree(ctx, repo, oldSHA, upSHA); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(untouched); err != nil {
		t.Fatal(err)
	}
	res, err = replay.CleanWorktrees(ctx, repo, false)
	if err != nil || res.Removed != 1 || len(res.Kept) != 1 || res.Kept[0].Path != wt {
		t.Fatalf("CleanWorktrees after a worktree was deleted: %+v, %v", res, err)
	}
	if _, err := os.Stat(untouched + ".replayed"); !os.IsNotExist(err) {
		t.Errorf("the deleted worktree's record is left: %v", err)
	}
	// Without a record there is nothing to compare with: kept too.
	if err := os.Remove(wt + ".replayed"); err != nil {
		t.Fatal(err)
	}
	res, err = replay.CleanWorktrees(ctx, repo, false)
	if err != nil || res.Removed != 0 || !slices.Equal(res.Kept, []replay.KeptWorktree{{Path: wt, Reason: "no record of the replay to compare it with"}}) {
		t.Fatalf("CleanWorktrees without a record: %+v, %v", res, err)
	}
	res, err = replay.CleanWorktrees(ctx, repo, true)
	if err != nil || res.Removed != 1 || len(res.Kept) != 0 {
		t.Fatalf("CleanWorktrees with force: %+v, %v", res, err)
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
}

// A replay that fails for another reason than a conflict leaves no
// worktree behind.
func TestWorktreeFailedReplay(t *testing.T) {
	repo, g, _, newSHA := worktreeRepo(t)
	ctx := context.Background()
	g("checkout", "-q", "-b", "merged", newSHA)
	g("merge", "-q", "--no-ff", "-s", "ours", "-m", "merge", "old-queue")
	merge := g("rev-parse", "HEAD")
	g("checkout", "-q", "main")
	_, err := replay.AddWorktree(ctx, repo, merge, newSHA)
	var ge *git.Error
	if err == nil || !errors.As(err, &ge) || !strings.Contains(err.Error(), "replay in the worktree") {
		t.Fatalf("replaying a merge: %v", err)
	}
	wt := filepath.Join(replay.WorktreeRoot(repo), git.Short(merge)+"-"+git.Short(newSHA))
	if _, err := os.Stat(wt); !os.IsNotExist(err) {
		t.Errorf("failed replay left %s: %v", wt, err)
	}
	if list := g("worktree", "list", "--porcelain"); strings.Count(list, "worktree ") != 1 {
		t.Errorf("worktrees left:\n%s", list)
	}
}
