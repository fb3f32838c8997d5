package git

import (
	"context"
	"strings"
)

// TopLevel is the absolute path of the work tree's top directory.
func (r *Repo) TopLevel(ctx context.Context) (string, error) {
	out, err := r.output(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Layout reports whether the repository is bare and whether git runs
// inside its work tree.
func (r *Repo) Layout(ctx context.Context) (bare, inWorkTree bool, err error) {
	out, err := r.output(ctx, "rev-parse", "--is-bare-repository", "--is-inside-work-tree")
	if err != nil {
		return false, false, err
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return false, false, nil
	}
	return f[0] == "true", f[1] == "true", nil
}

// GitPath is the absolute path of name inside the git directory, as git
// resolves it for this work tree (MERGE_MSG, rebase-merge...).
func (r *Repo) GitPath(ctx context.Context, name string) (string, error) {
	out, err := r.output(ctx, "rev-parse", "--path-format=absolute", "--git-path", name)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// HasAnyCommit reports whether any ref names a commit (an empty repository has none).
func (r *Repo) HasAnyCommit(ctx context.Context) (bool, error) {
	out, err := r.output(ctx, "rev-list", "-n", "1", "--all")
	if err != nil {
		return false, err
	}
	return len(out) > 0, nil
}
