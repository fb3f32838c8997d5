package git

import (
	"errors"
	"strings"
)

// stderrMatch maps a fragment of git's untranslated stderr (every call runs
// with LC_ALL=C) to the sentinel error it means. The fragments are quoted
// from git's sources, next to the command that prints them.
type stderrMatch struct {
	text string
	err  error
}

// stderrError is a failed git call whose stderr was recognised: errors.Is
// finds the sentinel, errors.As the *Error, and the message stays git's.
type stderrError struct {
	kind error
	err  error
}

func (e *stderrError) Error() string   { return e.err.Error() }
func (e *stderrError) Unwrap() []error { return []error{e.kind, e.err} }

// classify returns err wrapped with the sentinel of the first entry of
// table whose text git's stderr contains; other errors come back as they
// are. This is the one place where git's messages are read.
func classify(err error, table []stderrMatch) error {
	var ge *Error
	if !errors.As(err, &ge) || ge.ExitCode <= 0 {
		return err
	}
	for _, m := range table {
		if strings.Contains(ge.Stderr, m.text) {
			return &stderrError{kind: m.err, err: err}
		}
	}
	return err
}

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
