package spec

import (
	"errors"
	"fmt"
)

// Errors returned by this package, usually wrapped in a *LineError or an
// *OpaqueError; test for them with errors.Is.
var (
	ErrSyntax      = errors.New("syntax error")
	ErrConditional = errors.New("unbalanced conditional")
	ErrOpaque      = errors.New("value depends on code that is never run")
	ErrUnsupported = errors.New("unsupported macro")
	ErrRecursion   = errors.New("macro expansion too deep or too large")
	ErrDuplicate   = errors.New("duplicate patch number")
	ErrNegative    = errors.New("negative patch number")
	ErrNoPatch     = errors.New("no such patch")
	ErrNoTag       = errors.New("tag not found")
)

// LineError is an error at a line of the spec (1-based).
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

func lineErr(line int, err error) error {
	var le *LineError
	if errors.As(err, &le) {
		return err
	}
	var oe *OpaqueError
	if errors.As(err, &oe) {
		return err
	}
	return &LineError{Line: line, Err: err}
}

func lineErrf(line int, sentinel error, format string, a ...any) error {
	return &LineError{Line: line, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, a...)...)}
}

// OpaqueError says which %{lua:...} or %(...) a value depends on and where
// it is written.
type OpaqueError struct {
	Line      int    // line of the opaque construct
	Construct string // its text, shortened
}

func (e *OpaqueError) Error() string {
	return fmt.Sprintf("line %d: %s is never run by this tool, so a value depending on it is unknown", e.Line, e.Construct)
}

func (e *OpaqueError) Unwrap() error { return ErrOpaque }
