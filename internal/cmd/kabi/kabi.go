// Package kabi implements `git kabi`: the commit templates that neutralise
// kABI breaks (commit, revert, list) and the genksyms Symtypes tooling
// (collect, consolidate, compare, check, report) built on
// internal/symtypes. Every subcommand has an options struct, the urfave/cli
// wiring that fills it, and a run function that does the work through the
// injected cliutil.IO. What a !kabi commit is, and what blame looks for,
// is internal/kabi; git runs through internal/git.
package kabi

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/urfave/cli/v2"
)

// Main runs `git kabi` with args (args[0] is the program name) on stdio
// and returns the exit status.
func Main(ctx context.Context, args []string, stdio *cliutil.IO) int {
	app := newApp(stdio, runOptions)
	args = commitShorthand(ctx, app, args, stdio)
	return cliutil.Run(ctx, app, cliutil.GitStyle(app, args), stdio.ErrOut)
}

// commitShorthand turns `git kabi <rev> ...` into `git kabi commit <rev>
// ...`, the alias habit of the hypervisor-dev README, when the first
// argument is no subcommand, option or help but names a commit of the
// repository. Anything else is left for the usual "unknown command".
func commitShorthand(ctx context.Context, app *cli.App, args []string, stdio *cliutil.IO) []string {
	if len(args) < 2 {
		return args
	}
	first := args[1]
	if first == "" || strings.HasPrefix(first, "-") || first == "help" || app.Command(first) != nil {
		return args
	}
	repo, err := git.Open(ctx, stdio.Dir)
	if err != nil {
		return args
	}
	repo.Env = stdio.GitEnv
	if _, err := repo.ResolveCommit(ctx, first); err != nil {
		return args
	}
	return append([]string{args[0], commitName}, args[1:]...)
}

// runOptions runs the subcommand whose options the command line filled.
func runOptions(ctx context.Context, opts any) error {
	switch o := opts.(type) {
	case *CommitOptions:
		return runCommit(ctx, o)
	case *ListOptions:
		return o.IO.Paged(ctx, "kabi", func() error { return runList(ctx, o) })
	case *CollectOptions:
		return runCollect(ctx, o)
	case *ConsolidateOptions:
		return runConsolidate(ctx, o)
	case *CompareOptions:
		return o.IO.Paged(ctx, "kabi", func() error { return runCompare(ctx, o) })
	case *CheckOptions:
		return runCheck(ctx, o)
	case *ReportOptions:
		return o.IO.Paged(ctx, "kabi", func() error { return runReport(ctx, o) })
	case *BlameOptions:
		return o.IO.Paged(ctx, "kabi", func() error { return runBlame(ctx, o) })
	case *LayoutOptions:
		return runLayout(ctx, o)
	case *SmokeOptions:
		return runSmoke(ctx, o)
	case *LockedListOptions:
		return runLockedList(ctx, o)
	case *DebugOptions:
		return o.IO.Paged(ctx, "kabi", func() error { return runDebug(ctx, o) })
	case *TUIOptions:
		return runTUI(ctx, o)
	}
	return fmt.Errorf("no run function for %T", opts)
}

// newApp wires the command line into the options of each subcommand and
// hands them to run (runOptions; the flag-parsing tests capture them).
func newApp(stdio *cliutil.IO, run func(context.Context, any) error) *cli.App {
	app := &cli.App{
		Name:      "git kabi",
		Usage:     "keep a kernel's kABI: !kabi commit templates and genksyms Symtypes tooling",
		UsageText: "git kabi <command> [options] [args]",
		Writer:    stdio.Out,
		Commands: []*cli.Command{
			commitCommand(stdio, run), revertCommand(stdio, run), listCommand(stdio, run),
			collectCommand(stdio, run), consolidateCommand(stdio, run), compareCommand(stdio, run),
			checkCommand(stdio, run), reportCommand(stdio, run), blameCommand(stdio, run),
			layoutCommand(stdio, run),
			smokeCommand(stdio, run), lockedListCommand(stdio, run), debugCommand(stdio, run),
			tuiCommand(stdio, run),
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

// wantOptions checks a subcommand that takes only options: no positional
// argument (what says what is expected instead) and every option of
// required given.
func wantOptions(c *cli.Context, what string, required ...string) error {
	if err := wantArgs(c, 0, what); err != nil {
		return err
	}
	return requireFlags(c, required...)
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
