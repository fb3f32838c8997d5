package kabi

import (
	"context"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/urfave/cli/v2"
)

// DebugOptions are the dependencies and arguments of `git kabi debug`.
type DebugOptions struct {
	IO       *cliutil.IO
	BuildDir string // a kernel build made with KBUILD_SYMTYPES=y
	Symtypes string // the kABI's Symtypes
}

func debugCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "debug",
		Usage:     "compare a kernel build with a kABI's Symtypes: collect, consolidate and compare in one step",
		ArgsUsage: "<build-dir> <symtypes>",
		Description: "Collects the *.symtypes of the build, keeps the exports the kABI's Symtypes has, and\n" +
			"compares them with it as compare --print-missing does, the kABI as baseline. Exit 1 if\n" +
			"any CRC differs.",
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 2, "a build directory and the kABI's Symtypes"); err != nil {
				return err
			}
			return run(c.Context, &DebugOptions{IO: stdio, BuildDir: c.Args().Get(0), Symtypes: c.Args().Get(1)})
		},
	}
}

func runDebug(ctx context.Context, o *DebugOptions) error {
	kabi, err := parseSymtypesFile(o.Symtypes)
	if err != nil {
		return err
	}
	build, err := collectDir(ctx, o.BuildDir)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, sym := range kabi.Exports() {
		keep[sym] = true
	}
	build.Filter(keep)
	c, err := compareSets(o.Symtypes, o.BuildDir, kabi, build)
	if err != nil {
		return err
	}
	if err := symtypes.WriteComparison(o.IO.Out, kabi, build, c, true, true); err != nil {
		return err
	}
	return differStatus(c)
}
