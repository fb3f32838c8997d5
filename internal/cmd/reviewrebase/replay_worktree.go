package reviewrebase

// Replay in a worktree, the command side: the reviewer resolves the
// conflicts of a replay themselves, then compares their resolution with
// the author's. The worktrees' lifecycle is internal/replay's; this file
// says what happened and what to do next.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/replay"
)

// replayWorktree checks the replay of o.Args out in a fresh worktree,
// conflicts in place, and says where and what next.
func replayWorktree(ctx context.Context, o *ReplayOptions, repo *git.Repo) error {
	w, err := replay.AddWorktree(ctx, repo, o.Args[0], o.Args[1])
	if errors.Is(err, replay.ErrWorktreeExists) {
		return fmt.Errorf("%s already exists: resolve there, or remove it with git review-rebase replay --clean", w.Path)
	}
	if err != nil {
		return explainReplay(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "replay of %s onto the parent of %s checked out in\n  %s\n", git.Short(w.Old), git.Short(w.New), w.Path)
	if len(w.Conflicts) > 0 {
		fmt.Fprintf(&b, "conflicts:\n")
		for _, f := range w.Conflicts {
			fmt.Fprintf(&b, "  %s\n", f)
		}
		b.WriteString("resolve them there, then compare with the author's resolution:\n")
	} else {
		b.WriteString("the replay applied cleanly; compare it with the author's commit:\n")
	}
	fmt.Fprintf(&b, "  git review-rebase replay --compare %s %s\nremove replay worktrees with: git review-rebase replay --clean\n", cliutil.ShellQuote(w.Path), git.Short(w.New))
	_, err = fmt.Fprint(o.IO.Out, b.String())
	return err
}

// replayCompare diffs the reviewer's resolution in o.Compare against
// o.Args[0]: exit 0 when they agree.
func replayCompare(ctx context.Context, o *ReplayOptions) error {
	dir := o.Compare
	if !filepath.IsAbs(dir) && o.IO.Dir != "" {
		dir = filepath.Join(o.IO.Dir, dir) // relative to where the command runs
	}
	wt, err := git.Open(ctx, dir)
	if err != nil {
		return fmt.Errorf("--compare wants a replay worktree: %w", err)
	}
	wt.Env = append(wt.Env, o.IO.GitEnv...)
	if !o.Force && !replay.IsReplayWorktree(ctx, wt) {
		return cliutil.Usagef("%s is not a replay worktree (made by replay --worktree); compare it anyway with --force", o.Compare)
	}
	nw, diff, err := replay.CompareWorktree(ctx, wt, o.Args[0])
	if err != nil {
		return explainReplay(err)
	}
	if len(diff) == 0 {
		fmt.Fprintf(o.IO.Out, "your resolution in %s is identical to %s\n", o.Compare, git.Short(nw))
		return nil
	}
	// The commit is "-", the work tree "+".
	fmt.Fprintf(o.IO.Out, "%s (-) and your resolution (+) differ:\n%s", git.Short(nw), diff)
	return cliutil.ErrSilent
}

// replayClean removes the replay worktrees of the repository, keeping
// those changed since the replay unless o.Force, and says which it kept.
func replayClean(ctx context.Context, o *ReplayOptions, repo *git.Repo) error {
	res, err := replay.CleanWorktrees(ctx, repo, o.Force)
	for _, k := range res.Kept {
		fmt.Fprintf(o.IO.Out, "kept %s: %s (remove it with --clean --force)\n", k.Path, k.Reason)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "removed %d replay worktree(s)\n", res.Removed)
	if len(res.Kept) > 0 {
		return cliutil.ErrSilent
	}
	return nil
}
