package cliutil

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// Style says how Style.Reorder treats the points where the commands'
// command lines differ; the zero Style is GitStyle's.
type Style struct {
	// LeadingOptionsToCommand moves the options written before a
	// subcommand's word behind it, so they reach the subcommand's flags
	// ("git review-rebase --format json replay a b"). Without it they stay
	// in front of the word, the app's options.
	LeadingOptionsToCommand bool
	// NegativeNumbers keeps words like "-5" in a subcommand's arguments
	// positional (import-srpm renumber's offset) instead of reading them
	// as (unknown) options.
	NegativeNumbers bool
	// Paths splits off, on the default action, the words after the user's
	// "--": they are returned as paths instead of staying positional
	// arguments behind the "--" GitStyle writes.
	Paths bool
}

// GitStyle rewrites a command line (args[0] is the program name) so that
// urfave/cli, which stops parsing options at the first positional argument,
// accepts options anywhere as git does: the options of the subcommand
// named by the first positional word (or, when that word names none, of
// the app's default action) go first, then "--", then the positional
// arguments in order, so none of them is read as an option. Words after a
// user's "--" stay positional whatever they look like. A command line with
// no positional argument, or already in that order, is returned as it is.
func GitStyle(app *cli.App, args []string) []string {
	ordered, _ := Style{}.Reorder(app, args)
	return ordered
}

// isNegativeNumber reports a word like -3 (git log's -<n>).
func isNegativeNumber(a string) bool {
	return len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "0123456789") == ""
}

// Reorder is GitStyle with the choices of s; paths are the words after the
// user's "--" on the default action when s.Paths is set.
func (s Style) Reorder(app *cli.App, args []string) (ordered, paths []string) {
	if len(args) < 2 {
		return args, nil
	}
	appValue := ValueFlags(app.Flags)
	// The first positional word, skipping the app's options and their
	// values ("--onto replay" is not the replay subcommand).
	at := -1
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if isOption(a) {
			if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && appValue(name) {
				i++
			}
			continue
		}
		at = i
		break
	}
	var cmd *cli.Command
	if at >= 0 {
		cmd = app.Command(args[at])
	}
	if cmd == nil {
		return s.defaultAction(args, appValue, at)
	}
	head := slices.Clone(args[:at+1])
	rest := args[at+1:]
	if s.LeadingOptionsToCommand {
		head = []string{args[0], args[at]}
		rest = append(slices.Clone(args[1:at]), args[at+1:]...)
	}
	// Reorder would take "-5" for an option: hide negative numbers.
	const mark = "\x00neg"
	marked := make([]string, 0, len(rest))
	dashDash := false
	for _, a := range rest {
		if a == "--" {
			dashDash = true
		}
		if s.NegativeNumbers && !dashDash && isNegativeNumber(a) {
			a = mark + a
		}
		marked = append(marked, a)
	}
	all, positional, after, dd := Reorder(marked, ValueFlags(cmd.Flags))
	out := head
	for _, o := range all[:len(all)-len(positional)] {
		// A negative number may also be an option's value (--jobs -1):
		// it is unmarked there too, for the option to refuse itself.
		out = append(out, strings.TrimPrefix(o, mark))
	}
	if len(positional) > 0 || dd {
		out = append(out, "--")
	}
	for _, p := range append(positional, after...) {
		out = append(out, strings.TrimPrefix(p, mark))
	}
	return out, nil
}

// defaultAction reorders the arguments of the app's own action; at is the
// first positional word, -1 if none.
func (s Style) defaultAction(args []string, appValue func(string) bool, at int) (ordered, paths []string) {
	if at < 0 && !s.Paths {
		return args, nil
	}
	all, positional, after, dashDash := Reorder(args[1:], appValue)
	out := append([]string{args[0]}, all[:len(all)-len(positional)]...)
	if s.Paths {
		if len(positional) > 0 {
			out = append(out, "--")
		}
		return append(out, positional...), after
	}
	if !dashDash && slices.Equal(all, args[1:]) {
		return args, nil // options already come first
	}
	out = append(out, "--")
	return append(append(out, positional...), after...), nil
}

// isOption reports whether a word is written as an option ("-" alone is
// stdin, a positional argument).
func isOption(a string) bool { return len(a) > 1 && a[0] == '-' }
