// Package kabi implements `git kabi`: the commit templates that neutralise
// kABI breaks (commit, revert, list) and the genksyms Symtypes tooling
// (collect, consolidate, compare, check, report) built on
// internal/symtypes. Every subcommand has an options struct, the urfave/cli
// wiring that fills it, and a run function that does the work through the
// injected streams.
package kabi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/urfave/cli/v2"
)

// env is what every subcommand depends on from the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// dir is where git runs and relative paths are resolved from git's
	// point of view; gitEnv is appended to git's environment (tests pin
	// HOME, dates and identities here).
	dir    string
	gitEnv []string
}

// Main runs `git kabi` with args (args[0] is the program name) and returns
// the exit status.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, dir: "."}, args)
}

func run(ctx context.Context, e *env, args []string) int {
	app := newApp(e)
	return cliutil.Run(ctx, app, cliutil.GitStyle(app, args), e.stderr)
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:      "git kabi",
		Usage:     "keep a kernel's kABI: !kabi commit templates and genksyms Symtypes tooling",
		UsageText: "git kabi <command> [options] [args]",
		Writer:    e.stdout,
		Commands: []*cli.Command{
			commitCommand(e), revertCommand(e), listCommand(e),
			collectCommand(e), consolidateCommand(e), compareCommand(e),
			checkCommand(e), reportCommand(e), blameCommand(e),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				_ = cli.ShowAppHelp(c)
				return cliutil.Usagef("missing command")
			}
			return cliutil.Usagef("unknown command %q", c.Args().First())
		},
	}
	for _, c := range app.Commands {
		// Subcommands would otherwise print their help on a bad flag and
		// bypass the single place where usage errors become exit 2.
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return &cliutil.UsageError{Msg: err.Error()}
		}
		c.HideHelpCommand = true
	}
	return app
}

// wantArgs checks the number of positional arguments.
func wantArgs(c *cli.Context, n int, what string) error {
	if c.NArg() != n {
		return cliutil.Usagef("%s: expected %s", c.Command.Name, what)
	}
	return nil
}

// readFile reads an input file, phrasing failure as "cannot read PATH:
// REASON" for the user.
func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("cannot read %s: %w", path, pe.Err)
	}
	return b, err
}

// requireFlags reports the first missing option as a usage error (urfave's
// Required would print the whole help to stdout).
func requireFlags(c *cli.Context, names ...string) error {
	for _, n := range names {
		if c.String(n) == "" {
			return cliutil.Usagef("%s: option --%s is required", c.Command.Name, n)
		}
	}
	return nil
}
