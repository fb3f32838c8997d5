package git

import (
	"context"
	"strings"
)

// Worktree is one entry of `git worktree list --porcelain -z`.
type Worktree struct {
	Path     string
	Head     string // commit id; empty for a bare entry
	Branch   string // full ref name; empty when detached
	Bare     bool
	Detached bool
	Locked   bool
	Prunable bool
}

// WorktreeAddOptions tune AddWorktree.
type WorktreeAddOptions struct {
	// NoCheckout leaves the work tree empty (the caller checks out later,
	// outside any lock it holds around the administrative part).
	NoCheckout bool
	// Config are "key=value" settings given as -c to this git call.
	Config []string
}

// AddWorktree adds a detached worktree at path on commit.
func (r *Repo) AddWorktree(ctx context.Context, path, commit string, o WorktreeAddOptions) error {
	if err := CheckRev(commit); err != nil {
		return err
	}
	var args []string
	for _, kv := range o.Config {
		args = append(args, "-c", kv)
	}
	args = append(args, "worktree", "add", "--detach", "--quiet")
	if o.NoCheckout {
		args = append(args, "--no-checkout")
	}
	_, err := r.run(ctx, nil, append(args, "--", path, commit)...)
	return err
}

// RemoveWorktree removes the worktree at path, even with changes in it
// when force is set.
func (r *Repo) RemoveWorktree(ctx context.Context, path string, force bool) error {
	args := []string{"worktree", "remove"}
	if force {
		args = append(args, "--force")
	}
	_, err := r.run(ctx, nil, append(args, "--", path)...)
	return err
}

// PruneWorktrees forgets worktrees whose directory is gone.
func (r *Repo) PruneWorktrees(ctx context.Context) error {
	_, err := r.run(ctx, nil, "worktree", "prune")
	return err
}

// Worktrees lists the repository's worktrees, the main one first.
func (r *Repo) Worktrees(ctx context.Context) ([]Worktree, error) {
	out, err := r.output(ctx, "worktree", "list", "--porcelain", "-z")
	if err != nil {
		return nil, err
	}
	return ParseWorktrees(out), nil
}

// ParseWorktrees reads `git worktree list --porcelain -z`: attribute
// fields separated by NUL, entries by an empty field (worktree.c).
func ParseWorktrees(out []byte) []Worktree {
	var res []Worktree
	var cur *Worktree
	for _, f := range strings.Split(string(out), "\x00") {
		if f == "" {
			cur = nil
			continue
		}
		key, val, _ := strings.Cut(f, " ")
		if key == "worktree" {
			res = append(res, Worktree{Path: val})
			cur = &res[len(res)-1]
			continue
		}
		if cur == nil {
			continue
		}
		switch key {
		case "HEAD":
			cur.Head = val
		case "branch":
			cur.Branch = val
		case "bare":
			cur.Bare = true
		case "detached":
			cur.Detached = true
		case "locked":
			cur.Locked = true
		case "prunable":
			cur.Prunable = true
		}
	}
	return res
}

// Short abbreviates an object id to the 12 hex digits the kernel's
// Fixes: convention and our outputs use.
func Short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
