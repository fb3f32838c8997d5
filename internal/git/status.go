package git

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		out, err := r.output(ctx, args...)
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
	out, err := r.output(ctx, "diff", "--name-only", "-z", "--diff-filter=U")
	if err != nil {
		return nil, err
	}
	return SplitNUL(out), nil
}

// CherryPickNoCommit applies commit to the work tree and index with the
// ort strategy, committing nothing. Conflicts are not an error: they stay
// in place and conflicted is true.
func (r *Repo) CherryPickNoCommit(ctx context.Context, commit string) (conflicted bool, err error) {
	if err := CheckRev(commit); err != nil {
		return false, err
	}
	_, err = r.run(ctx, nil, "cherry-pick", "--no-commit", "--strategy=ort", commit)
	var ge *Error
	if err != nil && errors.As(err, &ge) && ge.ExitCode == 1 {
		return true, nil // exit 1: conflicts left in place
	}
	return false, err
}

// DiffWorktreeSnapshot diffs the commit rev against the work tree as it is
// (tracked and untracked files, ignored ones left out), as "git diff rev"
// would with every untracked file added, but read-only: the work tree is
// written as a tree through a copy of the index into a scratch object
// directory (the repository's objects as its alternate), so neither the
// index (conflict stages stay), nor the object store, nor any ref changes.
func (r *Repo) DiffWorktreeSnapshot(ctx context.Context, rev string) ([]byte, error) {
	if err := CheckRev(rev); err != nil {
		return nil, err
	}
	// This work tree's own git dir (its index) and the common one (its
	// objects), whichever worktree r is.
	out, err := r.output(ctx, "rev-parse", "--path-format=absolute", "--show-toplevel", "--absolute-git-dir", "--git-common-dir")
	if err != nil {
		return nil, err
	}
	dirs := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(dirs) != 3 {
		return nil, fmt.Errorf("snapshot of %s: no work tree", r.Dir)
	}
	top, gitDir, commonDir := dirs[0], dirs[1], dirs[2]
	tmp, err := os.MkdirTemp("", "pq-snapshot-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	objects := filepath.Join(tmp, "objects")
	if err := os.Mkdir(objects, 0o700); err != nil {
		return nil, err
	}
	index := filepath.Join(tmp, "index")
	// A copy of the index lets add skip the files whose stat data says
	// they did not change (a kernel tree has 70,000).
	if b, err := os.ReadFile(filepath.Join(gitDir, "index")); err == nil {
		if err := os.WriteFile(index, b, 0o600); err != nil {
			return nil, err
		}
	}
	s := *r
	s.Env = append(append([]string(nil), r.Env...),
		"GIT_INDEX_FILE="+index,
		"GIT_OBJECT_DIRECTORY="+objects,
		"GIT_ALTERNATE_OBJECT_DIRECTORIES="+filepath.Join(commonDir, "objects"))
	s.Dir = top
	if _, err := s.run(ctx, nil, "add", "--all", "--", "."); err != nil {
		return nil, fmt.Errorf("snapshot of the work tree: %w", err)
	}
	tree, err := s.run(ctx, nil, "write-tree")
	if err != nil {
		return nil, fmt.Errorf("snapshot of the work tree: %w", err)
	}
	return s.output(ctx, "diff-tree", "-p", "--no-color", "--no-ext-diff", "--no-textconv", "--end-of-options", rev, strings.TrimSpace(string(tree)))
}
