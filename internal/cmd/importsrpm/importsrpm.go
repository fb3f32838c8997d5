// Package importsrpm is the command layer of git import-srpm: it turns the
// command line into options, runs the subcommand and phrases what the user
// reads. Every subcommand has an options struct holding the injected
// cliutil.IO and its flags, the urfave/cli wiring that fills it, and a run
// function. The spec work itself is in internal/spec, the import and the
// planning of a sync in internal/srpm; git runs through internal/git.
package importsrpm

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// Main runs git import-srpm with args (args[0] is the program name) on
// stdio and returns the exit status.
func Main(ctx context.Context, args []string, stdio *cliutil.IO) int {
	app := newApp(stdio, runOptions)
	return cliutil.Run(ctx, app, gitStyle(app, args), stdio.ErrOut)
}

// runOptions runs the subcommand whose options the command line filled.
func runOptions(ctx context.Context, opts any) error {
	switch o := opts.(type) {
	case *ImportOptions:
		return runImport(ctx, o)
	case *VerifyOptions:
		return runVerify(ctx, o)
	case *RenumberOptions:
		if o.DryRun {
			return o.IO.Paged(ctx, "import-srpm", func() error { return runRenumber(ctx, o) })
		}
		return runRenumber(ctx, o)
	case *MergeSpecOptions:
		if o.DryRun {
			return o.IO.Paged(ctx, "import-srpm", func() error { return runMergeSpec(ctx, o) })
		}
		return runMergeSpec(ctx, o)
	case *SyncOptions:
		if o.DryRun {
			return o.IO.Paged(ctx, "import-srpm", func() error { return runSync(ctx, o) })
		}
		return runSync(ctx, o)
	}
	return fmt.Errorf("no run function for %T", opts)
}

// newApp wires the command line into the options of the default action and
// of each subcommand and hands them to run (runOptions; the flag-parsing
// tests capture them).
func newApp(stdio *cliutil.IO, run func(context.Context, any) error) *cli.App {
	return &cli.App{
		Name:  "git import-srpm",
		Usage: "import an SRPM's patch queue into git, and keep its spec in step",
		UsageText: "git import-srpm [options] <srpm-rev>\ngit import-srpm [options] --all\n" +
			"git import-srpm verify [options] <branch> <srpm-rev>\n" +
			"git import-srpm renumber [--dry-run] [--vendor-marker=<text>] <spec> <start> <offset>\n" +
			"git import-srpm sync [options] <old>..<new>\n" +
			"git import-srpm merge-spec [--dry-run] [-o <file>] <their-old-spec> <their-new-spec> <our-spec>",
		Writer:   stdio.Out,
		Commands: commands(stdio, run),
		Flags:    importFlags(),
		Action:   importAction(stdio, run),
	}
}

// commands lists the subcommands; new ones are added here.
func commands(stdio *cliutil.IO, run func(context.Context, any) error) []*cli.Command {
	cmds := []*cli.Command{
		mergeSpecCommand(stdio, run),
		renumberCommand(stdio, run),
		syncCommand(stdio, run),
		verifyCommand(stdio, run),
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

// action is a subcommand's Action: options fills its options from the
// flags, their setArgs checks the arguments, and run gets them.
func action[O interface{ setArgs([]string) error }](run func(context.Context, any) error, options func(*cli.Context) O) cli.ActionFunc {
	return func(c *cli.Context) error {
		o := options(c)
		if err := o.setArgs(c.Args().Slice()); err != nil {
			return err
		}
		return run(c.Context, o)
	}
}

// gitStyle is cliutil's reorder with renumber's negative offsets kept
// positional.
func gitStyle(app *cli.App, args []string) []string {
	ordered, _ := cliutil.Style{NegativeNumbers: true}.Reorder(app, args)
	return ordered
}
