package importsrpm

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/srpm"
)

// VerifyOptions is everything git import-srpm verify needs: the import's
// options and the branch to compare with.
type VerifyOptions struct {
	ImportOptions
	Branch string
}

func verifyCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check that importing <srpm-rev> gives exactly the tree of <branch>",
		ArgsUsage: "<branch> <srpm-rev>",
		Description: "Imports <srpm-rev> as the default command does, but creates no branch, and compares\n" +
			"the resulting tree with <branch>'s: exit 0 when they are equal, else print the\n" +
			"diffstat from <branch> to the import and exit 1.",
		Flags: sharedFlags(),
		Action: action(run, func(c *cli.Context) *VerifyOptions {
			o := &VerifyOptions{ImportOptions: ImportOptions{IO: stdio}}
			o.setShared(c)
			return o
		}),
	}
}

// setArgs checks verify's arguments (ImportOptions.setArgs, promoted,
// would check the default action's).
func (o *VerifyOptions) setArgs(args []string) error {
	if o.sizeErr != nil {
		return o.sizeErr
	}
	if len(args) != 2 {
		return cliutil.Usagef("verify takes <branch> <srpm-rev>, got %d argument(s)", len(args))
	}
	o.Branch, o.Rev = args[0], args[1]
	for _, r := range args {
		if err := git.CheckRev(r); err != nil {
			return cliutil.Usagef("%v", err)
		}
	}
	if o.BaseTag == "" {
		return cliutil.Usagef("--base-tag must not be empty")
	}
	return nil
}

func runVerify(ctx context.Context, o *VerifyOptions) error {
	srpmRepo, err := o.openSRPM(ctx)
	if err != nil {
		return err
	}
	rev, code, err := o.readRev(ctx, srpmRepo)
	if err != nil {
		return err
	}
	branch, err := code.ResolveCommit(ctx, o.Branch)
	if err != nil {
		return cliutil.Usagef("%q is not a branch or commit of the code repository", o.Branch)
	}
	opts := o.srpmOptions(srpmRepo)
	opts.NoRefs = true
	res, err := srpm.Import(ctx, code, rev, opts)
	if err != nil {
		return o.importError(ctx, rev, err)
	}
	trees, err := code.Trees(ctx, branch, res.Tip)
	if err != nil {
		return err
	}
	if len(trees) == 2 && trees[0] == trees[1] {
		fmt.Fprintf(o.IO.Out, "%s matches %s at %s: tree %s\n", o.Branch, rev.SpecPath, git.Short(rev.Commit), git.Short(trees[0]))
		return nil
	}
	stat, err := code.DiffStat(ctx, branch, res.Tip)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "%s differs from %s at %s (import %s); from the branch to the import:\n%s",
		o.Branch, rev.SpecPath, git.Short(rev.Commit), git.Short(res.Tip), stat)
	return cliutil.ErrSilent
}
