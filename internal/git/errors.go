package git

import (
	"errors"
	"strings"
)

// ErrConflict is returned (wrapped) by operations that stopped with
// conflicts left in the index for the user to resolve (RevertNoCommit).
var ErrConflict = errors.New("conflicts")

// Reason is what git said when err is a failed git command, in one line
// for the user: its first "error:" line, else its first "fatal:" line,
// without the prefix and a trailing colon; else git's first line of
// stderr; else the error itself. Git runs with LC_ALL=C, so these prefixes
// are the untranslated ones of usage.c (vreportf). Other errors give their
// own text.
func Reason(err error) string {
	var ge *Error
	if !errors.As(err, &ge) {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(ge.Stderr), "\n")
	for _, prefix := range []string{"error: ", "fatal: "} {
		for _, l := range lines {
			if rest, ok := strings.CutPrefix(l, prefix); ok {
				return strings.TrimSuffix(strings.TrimSpace(rest), ":")
			}
		}
	}
	if lines[0] == "" && ge.Err != nil {
		return ge.Err.Error()
	}
	return strings.TrimSuffix(strings.TrimSpace(lines[0]), ":")
}
