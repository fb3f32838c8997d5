package git

import (
	"errors"
	"fmt"
	"testing"
)

func TestReason(t *testing.T) {
	exit := errors.New("exit status 1")
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"error line wins over hints and fatal", &Error{Stderr: "hint: after resolving the conflicts\nerror: could not revert 0123456789ab... base\nfatal: revert failed\n", Err: exit},
			"could not revert 0123456789ab... base"},
		{"error with a list after it", &Error{Stderr: "error: Your local changes to the following files would be overwritten by merge:\n\ta.h\nPlease commit your changes or stash them before you merge.\nAborting\n", Err: exit},
			"Your local changes to the following files would be overwritten by merge"},
		{"fatal", &Error{Stderr: "fatal: ambiguous argument 'nosuch..HEAD': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n", Err: exit},
			"ambiguous argument 'nosuch..HEAD': unknown revision or path not in the working tree."},
		{"no prefix: first line", &Error{Stderr: "Aborting commit due to empty commit message.\n", Err: exit},
			"Aborting commit due to empty commit message."},
		{"no stderr: the exec error", &Error{Err: exit}, "exit status 1"},
		{"wrapped", fmt.Errorf("commit: %w", &Error{Stderr: "fatal: not a git repository (or any of the parent directories): .git\n", Err: exit}),
			"not a git repository (or any of the parent directories): .git"},
		{"not git's", errors.New("something else"), "something else"},
	} {
		if got := Reason(c.err); got != c.want {
			t.Errorf("%s: Reason = %q, want %q", c.name, got, c.want)
		}
	}
}
