// Command git-review-rebase reviews the rebase of a patch queue; see
// internal/cmd/reviewrebase.
package main

import (
	"context"
	"os"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/cmd/reviewrebase"
)

func main() {
	ctx, stop := cliutil.SignalContext(context.Background())
	stdio := cliutil.System()
	code := cliutil.Finish(ctx, "git review-rebase", reviewrebase.Main(ctx, os.Args, stdio), stdio.ErrOut)
	stop()
	os.Exit(code)
}
