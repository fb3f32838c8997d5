// Command git-import-srpm imports an SRPM's patch queue into git and keeps
// its spec in step; run as "git import-srpm".
package main

import (
	"context"
	"os"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/cmd/importsrpm"
)

func main() {
	ctx, stop := cliutil.SignalContext(context.Background())
	stdio := cliutil.System()
	code := cliutil.Finish(ctx, "git import-srpm", importsrpm.Main(ctx, os.Args, stdio), stdio.ErrOut)
	stop()
	os.Exit(code)
}
