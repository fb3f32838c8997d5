package git

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// WorktreeFingerprint digests the state of the work tree r.Dir is in: its
// status (untracked files included) and its content's difference from
// HEAD, conflict markers and binary changes included. Two fingerprints are
// equal when nobody touched the work tree in between.
func (r *Repo) WorktreeFingerprint(ctx context.Context) (string, error) {
	h := sha256.New()
	for _, args := range [][]string{
		{"status", "--porcelain=v2", "-z", "--untracked-files=all"},
		{"diff", "HEAD", "--binary", "--no-ext-diff", "--no-color", "--no-textconv"},
	} {
		out, err := r.Output(ctx, args...)
		if err != nil {
			return "", err
		}
		h.Write(out)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// UnmergedPaths lists the paths with unresolved conflicts in the work tree.
func (r *Repo) UnmergedPaths(ctx context.Context) ([]string, error) {
	out, err := r.Output(ctx, "diff", "--name-only", "-z", "--diff-filter=U")
	if err != nil {
		return nil, err
	}
	return SplitNUL(out), nil
}

// DiffWorktree is the patch from rev to the work tree's content (nothing
// needs to be staged), without colour, external diff drivers or the
// user's diff configuration beyond what `git diff` reads.
func (r *Repo) DiffWorktree(ctx context.Context, rev string) ([]byte, error) {
	if err := CheckRev(rev); err != nil {
		return nil, err
	}
	return r.Output(ctx, "diff", "--no-color", "--no-ext-diff", "--end-of-options", rev, "--")
}

// IntentToAddAll records every untracked file as intent-to-add, so that
// diffs of the work tree show them without their content being staged.
func (r *Repo) IntentToAddAll(ctx context.Context) error {
	_, err := r.Run(ctx, nil, "add", "--intent-to-add", "--all")
	return err
}

// CherryPickNoCommit applies commit to the work tree and index with the
// ort strategy, committing nothing. Conflicts are not an error: they stay
// in place and conflicted is true.
func (r *Repo) CherryPickNoCommit(ctx context.Context, commit string) (conflicted bool, err error) {
	if err := CheckRev(commit); err != nil {
		return false, err
	}
	_, err = r.Run(ctx, nil, "cherry-pick", "--no-commit", "--strategy=ort", commit)
	var ge *Error
	if err != nil && errors.As(err, &ge) && ge.ExitCode == 1 {
		return true, nil // exit 1: conflicts left in place
	}
	return false, err
}
