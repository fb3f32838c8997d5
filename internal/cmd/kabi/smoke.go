package kabi

import (
	"context"
	"fmt"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/urfave/cli/v2"
)

// SmokeOptions are the dependencies and arguments of `git kabi smoke`.
type SmokeOptions struct {
	IO                           *cliutil.IO
	Symtypes, Symvers, LockedLst string
}

func smokeCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "smoke",
		Usage:     "check that a locked list, its Module.kabi and its Symtypes agree (exit 1 if not)",
		ArgsUsage: "-t <Symtypes.kabi> -v <Module.kabi> -l <locked-list>",
		Description: "Every locked symbol must be recorded in Module.kabi and described by the Symtypes, each\n" +
			"CRC of Module.kabi must be the one genksyms computes from the Symtypes, and every type\n" +
			"the Symtypes references must be defined. Problems are listed on stdout.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "symtypes", Aliases: []string{"t"}, Usage: "the kABI's `Symtypes` (required)"},
			&cli.StringFlag{Name: "symvers", Aliases: []string{"v"}, Usage: "its `Module.kabi` (required)"},
			&cli.StringFlag{Name: "lockedlist", Aliases: []string{"l"}, Usage: "its locked list `FILE` (required)"},
		},
		Action: func(c *cli.Context) error {
			if err := wantOptions(c, "no arguments besides -t, -v and -l", "symtypes", "symvers", "lockedlist"); err != nil {
				return err
			}
			return run(c.Context, &SmokeOptions{IO: stdio,
				Symtypes: c.String("symtypes"), Symvers: c.String("symvers"), LockedLst: c.String("lockedlist")})
		},
	}
}

func runSmoke(_ context.Context, o *SmokeOptions) error {
	st, err := parseSymtypesFile(o.Symtypes)
	if err != nil {
		return err
	}
	kabi, err := parseSymversWarn(o.IO, o.Symvers)
	if err != nil {
		return err
	}
	warnDuplicates(o.IO, o.Symtypes, st.DuplicateExports())
	locked, err := parseListFile(o.LockedLst)
	if err != nil {
		return err
	}
	r := symtypes.Smoke(st, kabi, locked)
	if err := symtypes.WriteSmoke(o.IO.Out, r, o.Symtypes, o.Symvers, o.LockedLst); err != nil {
		return err
	}
	if !r.OK() {
		return cliutil.ErrSilent
	}
	return nil
}

// warnDuplicates says, on stderr, which symbols a file lists more than
// once: only one of the definitions can be what the kernel uses.
func warnDuplicates(stdio *cliutil.IO, path string, dupes []string) {
	if len(dupes) == 0 {
		return
	}
	fmt.Fprintf(stdio.ErrOut, "warning: %s lists %d %s more than once: %s\n",
		path, len(dupes), plural(len(dupes), "symbol", "symbols"), listSome(dupes, 10))
}
