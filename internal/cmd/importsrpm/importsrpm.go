// Package importsrpm is the command layer of git import-srpm: it turns the
// command line into options, runs the subcommand and phrases what the user
// reads. The spec work itself is in internal/spec.
package importsrpm

import (
	"context"
	"io"

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

// gitStyle is cliutil's reorder with renumber's negative offsets kept
// positional.
func gitStyle(app *cli.App, args []string) []string {
	ordered, _ := cliutil.Style{NegativeNumbers: true}.Reorder(app, args)
	return ordered
}
