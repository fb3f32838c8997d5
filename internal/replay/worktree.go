package replay

// Replay worktrees: unlike Replay, which touches nothing, these check a
// replay out in a worktree of its own, conflicts in place, so the reviewer
// can resolve them and compare the resolution with the author's. Their
// lifecycle: AddWorktree creates one and records what the replay left
// there; CompareWorktree diffs a resolution against the author's commit;
// CleanWorktrees removes them, keeping any changed since the replay.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// ErrWorktreeExists is returned by AddWorktree when the pair already has a
// replay worktree (a resolution may be in progress there).
var ErrWorktreeExists = errors.New("replay worktree already exists")

// markerSuffix names the file beside a replay worktree that holds the
// fingerprint of what the replay left there.
const markerSuffix = ".replayed"

// WorktreeRoot is where replay worktrees live: inside the repository's
// common git dir, so CleanWorktrees finds exactly ours and nothing else.
func WorktreeRoot(repo *git.Repo) string {
	return filepath.Join(repo.CommonDir, "review-rebase", "worktrees")
}

// Worktree is a replay checked out by AddWorktree.
type Worktree struct {
	Path      string
	Old, New  string   // full commit ids
	Conflicts []string // paths left with conflicts; empty when the replay applied cleanly
}

// AddWorktree checks out new's parent in a fresh worktree under
// WorktreeRoot and cherry-picks old there without committing, leaving any
// conflicts in place. When the pair already has a worktree the error is
// ErrWorktreeExists and the returned Worktree names its Path.
func AddWorktree(ctx context.Context, repo *git.Repo, old, new string) (*Worktree, error) {
	shas, err := repo.ResolveCommits(ctx, old, new)
	if err != nil {
		return nil, err
	}
	w := &Worktree{Old: shas[0], New: shas[1]}
	w.Path = filepath.Join(WorktreeRoot(repo), git.Short(w.Old)+"-"+git.Short(w.New))
	if _, err := os.Stat(w.Path); err == nil {
		return w, fmt.Errorf("%s: %w", w.Path, ErrWorktreeExists)
	}
	if err := os.MkdirAll(filepath.Dir(w.Path), 0o755); err != nil {
		return nil, err
	}
	if err := repo.AddWorktree(ctx, w.Path, w.New+"^", git.WorktreeAddOptions{}); err != nil {
		return nil, fmt.Errorf("create the worktree: %w", err)
	}
	wt := &git.Repo{Dir: w.Path, Env: repo.Env}
	conflicted, err := wt.CherryPickNoCommit(ctx, w.Old)
	if err != nil {
		_ = repo.RemoveWorktree(ctx, w.Path, true)
		return nil, fmt.Errorf("replay in the worktree: %w", err)
	}
	// What the replay left, so that CleanWorktrees can tell a worktree
	// someone has worked in since.
	if fp, err := wt.WorktreeFingerprint(ctx); err == nil {
		_ = os.WriteFile(w.Path+markerSuffix, []byte(fp), 0o644)
	}
	if conflicted {
		w.Conflicts, _ = wt.UnmergedPaths(ctx)
	}
	return w, nil
}

// CompareWorktree diffs the reviewer's resolution in the work tree of wt
// (nothing staged or committed needed; untracked files count) against the
// commit rev names. It returns that commit's id and the diff, with the
// commit as "-" and the work tree as "+"; an empty diff means they agree.
// It writes nothing: not the index (conflict stages stay for the
// reviewer and for CleanWorktrees' fingerprint), nor objects, nor refs.
func CompareWorktree(ctx context.Context, wt *git.Repo, rev string) (string, []byte, error) {
	nw, err := wt.ResolveCommit(ctx, rev)
	if err != nil {
		return "", nil, err
	}
	diff, err := wt.DiffWorktreeSnapshot(ctx, nw)
	if err != nil {
		return "", nil, err
	}
	return nw, diff, nil
}

// ErrNotReplayWorktree is returned by IsReplayWorktree's callers for a
// directory CompareWorktree was not meant for.
var ErrNotReplayWorktree = errors.New("not a replay worktree")

// IsReplayWorktree reports whether wt is a worktree AddWorktree made: it
// lives under WorktreeRoot and has the record AddWorktree wrote beside it.
func IsReplayWorktree(ctx context.Context, wt *git.Repo) bool {
	top, err := wt.TopLevel(ctx)
	if err != nil {
		return false
	}
	root := WorktreeRoot(wt) + string(filepath.Separator)
	if !strings.HasPrefix(top, root) {
		return false
	}
	_, err = os.Stat(top + markerSuffix)
	return err == nil
}

// KeptWorktree is a replay worktree CleanWorktrees left in place, and why.
type KeptWorktree struct{ Path, Reason string }

// CleanResult is what CleanWorktrees did.
type CleanResult struct {
	Removed int // worktrees removed, or forgotten because deleted by hand
	Kept    []KeptWorktree
}

// CleanWorktrees removes the replay worktrees of the repository. One that
// changed since the replay, or has no record of it, holds a resolution in
// progress: it stays unless force. On error the result says what was done
// so far.
func CleanWorktrees(ctx context.Context, repo *git.Repo, force bool) (CleanResult, error) {
	var res CleanResult
	wts, err := repo.Worktrees(ctx)
	if err != nil {
		return res, err
	}
	root := WorktreeRoot(repo) + string(filepath.Separator)
	for _, w := range wts {
		path := w.Path
		if !strings.HasPrefix(path, root) {
			continue
		}
		if _, err := os.Stat(path); os.IsNotExist(err) {
			res.Removed++ // deleted by hand: the prune below forgets it
			continue
		}
		if why := keepReason(ctx, repo, path); why != "" && !force {
			res.Kept = append(res.Kept, KeptWorktree{Path: path, Reason: why})
			continue
		}
		if err := repo.RemoveWorktree(ctx, path, true); err != nil {
			return res, fmt.Errorf("remove %s: %w", path, err)
		}
		os.Remove(path + markerSuffix)
		res.Removed++
	}
	if err := repo.PruneWorktrees(ctx); err != nil {
		return res, err
	}
	// Records whose worktree is gone (deleted by hand, then pruned).
	markers, _ := filepath.Glob(filepath.Join(WorktreeRoot(repo), "*"+markerSuffix))
	for _, m := range markers {
		if _, err := os.Stat(strings.TrimSuffix(m, markerSuffix)); os.IsNotExist(err) {
			os.Remove(m)
		}
	}
	return res, nil
}

// keepReason says why CleanWorktrees should keep a replay worktree, or "":
// its fingerprint differs from the one the replay recorded, or there is no
// record to compare with.
func keepReason(ctx context.Context, repo *git.Repo, path string) string {
	want, err := os.ReadFile(path + markerSuffix)
	if err != nil {
		return "no record of the replay to compare it with"
	}
	got, err := (&git.Repo{Dir: path, Env: repo.Env}).WorktreeFingerprint(ctx)
	if err != nil || got != string(want) {
		return "changed since the replay"
	}
	return ""
}
