package git

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Var returns one of git's logical variables (`git var NAME`: GIT_EDITOR,
// GIT_PAGER...), as git itself would use it, without the final newline.
func (r *Repo) Var(ctx context.Context, name string) (string, error) {
	if name == "" || strings.HasPrefix(name, "-") {
		return "", fmt.Errorf("git var: bad variable name %q", name)
	}
	out, err := r.output(ctx, "var", name)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// Editor is the user's editor as git chooses it (GIT_EDITOR, core.editor,
// VISUAL, EDITOR, then vi): a shell snippet by git's definition, to be run
// with the file name as an argument, never spliced into it.
func (r *Repo) Editor(ctx context.Context) (string, error) {
	return r.Var(ctx, "GIT_EDITOR")
}

// ConfigGet returns the value of a configuration key, last one wins as
// with `git config --get`; ok is false when the key is not set.
func (r *Repo) ConfigGet(ctx context.Context, key string) (value string, ok bool, err error) {
	if key == "" || strings.HasPrefix(key, "-") {
		return "", false, fmt.Errorf("git config: bad key %q", key)
	}
	out, err := r.output(ctx, "config", "-z", "--get", key)
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && ge.ExitCode == 1 {
			return "", false, nil // not set
		}
		return "", false, err
	}
	return strings.TrimSuffix(string(out), "\x00"), true, nil
}
