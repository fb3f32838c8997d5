// Command git-kabi is `git kabi`: see internal/cmd/kabi.
package main

import (
	"context"
	"os"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/cmd/kabi"
)

func main() {
	ctx, stop := cliutil.SignalContext(context.Background())
	stdio := cliutil.System()
	code := cliutil.Finish(ctx, "git kabi", kabi.Main(ctx, os.Args, stdio), stdio.ErrOut)
	stop()
	os.Exit(code)
}
