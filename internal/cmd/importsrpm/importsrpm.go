// Package importsrpm is the command layer of git import-srpm: it turns the
// command line into options, runs the subcommand and phrases what the user
// reads. The spec work itself is in internal/spec.
package importsrpm

import (
	"context"
	"io"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// streams are the injected input and outputs every subcommand writes to.
type streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Main runs git import-srpm with args (args[0] is the program name) and
// returns the exit status.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(&streams{Stdin: stdin, Stdout: stdout, Stderr: stderr})
	return cliutil.Run(ctx, app, gitStyle(app, args), stderr)
}

func newApp(io *streams) *cli.App {
	return &cli.App{
		Name:  "git import-srpm",
		Usage: "import an SRPM's patch queue into git, and keep its spec in step",
		UsageText: "git import-srpm [options] <srpm-rev>\ngit import-srpm [options] --all\n" +
			"git import-srpm verify [options] <branch> <srpm-rev>\n" +
			"git import-srpm renumber [--dry-run] [--vendor-marker=<text>] <spec> <start> <offset>\n" +
			"git import-srpm sync [options] <old>..<new>",
		Writer:   io.Stdout,
		Commands: commands(io),
		Flags:    importFlags(),
		Action:   importAction(io),
	}
}

// commands lists the subcommands; new ones are added here.
func commands(io *streams) []*cli.Command {
	cmds := []*cli.Command{
		renumberCommand(io),
		syncCommand(io),
		verifyCommand(io),
	}
	for _, c := range cmds {
		// Without this urfave/cli prints its own message and the whole
		// help; cliutil.Run prints one line and exits 2.
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return cliutil.Usagef("%s", err.Error())
		}
	}
	return cmds
}

var negativeNumber = regexp.MustCompile(`^-[0-9]+$`)

// gitStyle rewrites a subcommand's arguments so that options may follow
// positional arguments, as git allows, and a negative number (an offset)
// stays a positional argument: options first, then "--", then positionals.
func gitStyle(app *cli.App, args []string) []string {
	at := -1
	takesValue := cliutil.ValueFlags(app.Flags)
	for i := 1; i < len(args); i++ {
		if args[i] == "--" {
			break
		}
		if !strings.HasPrefix(args[i], "-") {
			at = i
			break
		}
		if name := strings.TrimLeft(args[i], "-"); !strings.Contains(name, "=") && takesValue(name) {
			i++ // the value of an option of the default action
		}
	}
	if at < 0 {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(args[at]) {
			cmd = c
		}
	}
	if cmd == nil {
		// The default action (import): its options may follow the
		// revision too.
		ordered, positional, after, dashDash := cliutil.Reorder(args[1:], takesValue)
		if !dashDash && strings.Join(ordered, "\x00") == strings.Join(args[1:], "\x00") {
			return args // options already come first
		}
		out := append([]string{args[0]}, ordered[:len(ordered)-len(positional)]...)
		return append(append(out, "--"), append(positional, after...)...)
	}
	// Reorder would take "-5" for an option: hide negative numbers from it.
	const mark = "\x00neg"
	rest := make([]string, 0, len(args)-at-1)
	dashDash := false
	for _, a := range args[at+1:] {
		if a == "--" {
			dashDash = true
		}
		if !dashDash && negativeNumber.MatchString(a) {
			a = mark + a
		}
		rest = append(rest, a)
	}
	ordered, positional, after, _ := cliutil.Reorder(rest, cliutil.ValueFlags(cmd.Flags))
	opts := ordered[:len(ordered)-len(positional)]
	out := append(append([]string(nil), args[:at+1]...), opts...)
	out = append(out, "--")
	for _, p := range append(positional, after...) {
		out = append(out, strings.TrimPrefix(p, mark))
	}
	return out
}
