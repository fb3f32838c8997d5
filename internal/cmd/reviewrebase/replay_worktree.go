package reviewrebase

// Replay in a worktree: the reviewer resolves the conflicts of a replay
// themselves, then compares their resolution with the author's.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
)

// worktreeRoot is where replay worktrees live: inside the repository's
// common git dir, so --clean finds exactly ours and nothing else.
func worktreeRoot(repo *git.Repo) string {
	return filepath.Join(repo.CommonDir, "review-rebase", "worktrees")
}

// replayWorktree checks out new's parent in a fresh worktree and
// cherry-picks old there without committing, leaving any conflicts in
// place for the reviewer to resolve.
func replayWorktree(ctx context.Context, o *ReplayOptions, repo *git.Repo) error {
	shas, err := repo.ResolveCommits(ctx, o.Args[0], o.Args[1])
	if err != nil {
		return explainReplay(err)
	}
	old, nw := shas[0], shas[1]
	path := filepath.Join(worktreeRoot(repo), review.Short(old)+"-"+review.Short(nw))
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: resolve there, or remove it with git review-rebase replay --clean", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if _, err := repo.Run(ctx, nil, "worktree", "add", "--detach", "--quiet", path, nw+"^"); err != nil {
		return fmt.Errorf("create the worktree: %w", err)
	}
	wt := &git.Repo{Dir: path, Env: repo.Env}
	_, err = wt.Run(ctx, nil, "cherry-pick", "--no-commit", "--strategy=ort", old)
	conflicted := false
	if err != nil {
		var ge *git.Error
		if !errors.As(err, &ge) || ge.ExitCode != 1 {
			_, _ = repo.Run(ctx, nil, "worktree", "remove", "--force", path)
			return fmt.Errorf("replay in the worktree: %w", err)
		}
		conflicted = true // exit 1: conflicts left in place
	}
	// What the replay left, so that --clean can tell a worktree someone
	// has worked in since.
	if fp, err := fingerprint(ctx, wt); err == nil {
		_ = os.WriteFile(path+markerSuffix, []byte(fp), 0o644)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "replay of %s onto the parent of %s checked out in\n  %s\n", review.Short(old), review.Short(nw), path)
	if conflicted {
		out, _ := wt.Output(ctx, "diff", "--name-only", "--diff-filter=U")
		fmt.Fprintf(&b, "conflicts:\n")
		for _, f := range strings.Fields(string(out)) {
			fmt.Fprintf(&b, "  %s\n", f)
		}
		b.WriteString("resolve them there, then compare with the author's resolution:\n")
	} else {
		b.WriteString("the replay applied cleanly; compare it with the author's commit:\n")
	}
	fmt.Fprintf(&b, "  git review-rebase replay --compare %s %s\nremove replay worktrees with: git review-rebase replay --clean\n", path, review.Short(nw))
	_, err = fmt.Fprint(o.IO.Stdout, b.String())
	return err
}

// replayCompare diffs the reviewer's resolution in dir (its work tree,
// nothing staged or committed needed) against new: exit 0 when they agree.
func replayCompare(ctx context.Context, o *ReplayOptions) error {
	if len(o.Args) != 1 {
		return cliutil.Usagef("replay --compare <dir> takes one commit: <new>")
	}
	if err := git.CheckRev(o.Args[0]); err != nil {
		return cliutil.Usagef("%v", err)
	}
	wt, err := git.Open(ctx, o.Compare)
	if err != nil {
		return fmt.Errorf("--compare wants a replay worktree: %w", err)
	}
	nw, err := wt.ResolveCommit(ctx, o.Args[0])
	if err != nil {
		return explainReplay(err)
	}
	// Untracked files the reviewer added count too: intent-to-add makes
	// them visible to diff without staging their content.
	if _, err := wt.Run(ctx, nil, "add", "--intent-to-add", "--all"); err != nil {
		return err
	}
	diff, err := wt.Output(ctx, "diff", "--no-color", "--no-ext-diff", nw, "--")
	if err != nil {
		return err
	}
	if len(diff) == 0 {
		fmt.Fprintf(o.IO.Stdout, "your resolution in %s is identical to %s\n", o.Compare, review.Short(nw))
		return nil
	}
	// git diff <commit> shows the commit as "-" and the work tree as "+".
	fmt.Fprintf(o.IO.Stdout, "%s (-) and your resolution (+) differ:\n%s", review.Short(nw), diff)
	return cliutil.ErrSilent
}

// markerSuffix names the file beside a replay worktree that holds the
// fingerprint of what the replay left there.
const markerSuffix = ".replayed"

// fingerprint digests a worktree's state: its status, and its content's
// difference from HEAD (conflict markers included).
func fingerprint(ctx context.Context, wt *git.Repo) (string, error) {
	h := sha256.New()
	for _, args := range [][]string{
		{"status", "--porcelain=v2", "-z", "--untracked-files=all"},
		{"diff", "HEAD", "--binary", "--no-ext-diff", "--no-color", "--no-textconv"},
	} {
		out, err := wt.Output(ctx, args...)
		if err != nil {
			return "", err
		}
		h.Write(out)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// replayClean removes the replay worktrees of the repository. One that
// changed since the replay holds a resolution in progress: it stays
// unless o.Force.
func replayClean(ctx context.Context, o *ReplayOptions, repo *git.Repo) error {
	out, err := repo.Output(ctx, "worktree", "list", "--porcelain", "-z")
	if err != nil {
		return err
	}
	root := worktreeRoot(repo) + string(filepath.Separator)
	removed, kept := 0, 0
	for _, f := range git.SplitNUL(out) {
		path, ok := strings.CutPrefix(f, "worktree ")
		if !ok || !strings.HasPrefix(path, root) {
			continue
		}
		if _, err := os.Stat(path); os.IsNotExist(err) {
			removed++ // deleted by hand: the prune below forgets it
			continue
		}
		if why := keepReason(ctx, repo, path); why != "" && !o.Force {
			fmt.Fprintf(o.IO.Stdout, "kept %s: %s (remove it with --clean --force)\n", path, why)
			kept++
			continue
		}
		if _, err := repo.Run(ctx, nil, "worktree", "remove", "--force", path); err != nil {
			return fmt.Errorf("remove %s: %w", path, err)
		}
		os.Remove(path + markerSuffix)
		removed++
	}
	if _, err := repo.Run(ctx, nil, "worktree", "prune"); err != nil {
		return err
	}
	// Records whose worktree is gone (deleted by hand, then pruned).
	markers, _ := filepath.Glob(filepath.Join(worktreeRoot(repo), "*"+markerSuffix))
	for _, m := range markers {
		if _, err := os.Stat(strings.TrimSuffix(m, markerSuffix)); os.IsNotExist(err) {
			os.Remove(m)
		}
	}
	fmt.Fprintf(o.IO.Stdout, "removed %d replay worktree(s)\n", removed)
	if kept > 0 {
		return cliutil.ErrSilent
	}
	return nil
}

// keepReason says why --clean should keep a replay worktree, or "": its
// fingerprint differs from the one the replay recorded, or there is no
// record to compare with.
func keepReason(ctx context.Context, repo *git.Repo, path string) string {
	want, err := os.ReadFile(path + markerSuffix)
	if err != nil {
		return "no record of the replay to compare it with"
	}
	got, err := fingerprint(ctx, &git.Repo{Dir: path, Env: repo.Env})
	if err != nil || got != string(want) {
		return "changed since the replay"
	}
	return ""
}
