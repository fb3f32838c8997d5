// Command git-kabi is `git kabi`: see internal/cmd/kabi.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/cmd/kabi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := kabi.Main(ctx, os.Args, cliutil.System())
	stop()
	os.Exit(code)
}
