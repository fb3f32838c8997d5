// Package cliutil holds what the three commands share at the command-line
// layer: exit statuses, the mapping from errors to what the user reads, and
// git-style argument handling (options anywhere, "--" before paths) on top of
// urfave/cli v2, which on its own stops parsing options at the first
// positional argument.
package cliutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/git"
)

// Exit statuses shared by every command.
const (
	ExitOK       = 0
	ExitProblems = 1 // checked and found problems, or the operation failed
	ExitUsage    = 2 // the command line was wrong
)

// UsageError is a mistake in how the command was invoked.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, a...)}
}

// ErrSilent reports failure whose explanation was already written to the
// output (for example the offenders of a --check run): exit 1, print nothing.
var ErrSilent = errors.New("problems found")

// Run executes app with args (args[0] is the program name) and maps the
// outcome to an exit status, writing one line for errors to stderr.
func Run(ctx context.Context, app *cli.App, args []string, stderr io.Writer) int {
	app.ExitErrHandler = func(*cli.Context, error) {} // we decide exit codes
	app.Writer = firstNonNil(app.Writer, io.Discard)
	app.ErrWriter = stderr
	app.HideHelpCommand = true
	var code = ExitOK
	app.OnUsageError = func(c *cli.Context, err error, isSubcommand bool) error {
		return &UsageError{Msg: err.Error()}
	}
	err := app.RunContext(ctx, args)
	if err == nil {
		return code
	}
	if _, ok := InterruptedBy(ctx); ok {
		// What failed was cut short by the signal ("signal: interrupt",
		// "is not a revision"): Finish says it once.
		return ExitProblems
	}
	var ue *UsageError
	switch {
	case errors.Is(err, ErrSilent):
		return ExitProblems
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %s (see '%s -h')\n", app.Name, ue.Msg, helpOf(app, args))
		return ExitUsage
	case errors.Is(err, git.ErrNotRepository), errors.Is(err, git.ErrUnknownRevision):
		// The command ran in the wrong place, or was given a revision
		// that does not exist: a usage error in every command, so
		// scripts never read it as "problems found".
		fmt.Fprintf(stderr, "%s: %s\n", app.Name, oneLine(err.Error()))
		return ExitUsage
	case isFlagError(err):
		fmt.Fprintf(stderr, "%s: %s (see '%s -h')\n", app.Name, err, helpOf(app, args))
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "%s: %s\n", app.Name, oneLine(err.Error()))
		return ExitProblems
	}
}

func firstNonNil(w, def io.Writer) io.Writer {
	if w != nil {
		return w
	}
	return def
}

func isFlagError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "flag provided but not defined") ||
		strings.HasPrefix(s, "invalid value") ||
		strings.Contains(s, "flag needs an argument") ||
		strings.HasPrefix(s, "Required flag")
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Reorder moves options in front of positional arguments, the way git's
// option parser accepts them anywhere, and splits off the arguments after a
// literal "--" (paths). takesValue reports whether an option name (without
// dashes) consumes the next argument when written without "=".
// args must not include the program or subcommand name.
func Reorder(args []string, takesValue func(name string) bool) (ordered, positional, afterDashDash []string, dashDash bool) {
	var opts []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(opts, positional...), positional, args[i+1:], true
		case len(a) > 1 && a[0] == '-':
			opts = append(opts, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue(name) && i+1 < len(args) {
				i++
				opts = append(opts, args[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	return append(opts, positional...), positional, nil, false
}

// ValueFlags returns a takesValue function for Reorder from a flag list:
// every flag that is not boolean takes a value.
func ValueFlags(flags []cli.Flag) func(string) bool {
	names := map[string]bool{}
	for _, f := range flags {
		if _, isBool := f.(*cli.BoolFlag); isBool {
			continue
		}
		for _, n := range f.Names() {
			names[n] = true
		}
	}
	return func(n string) bool { return names[n] }
}

// helpOf names the command whose -h explains a usage error: the
// subcommand args run, if any, else the app.
func helpOf(app *cli.App, args []string) string {
	for _, a := range args[min(1, len(args)):] {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		if cmd := app.Command(a); cmd != nil {
			return app.Name + " " + cmd.Name
		}
		break
	}
	return app.Name
}
