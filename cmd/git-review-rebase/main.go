// Command git-review-rebase reviews the rebase of a patch queue; see
// internal/cmd/reviewrebase.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/cmd/reviewrebase"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := reviewrebase.Main(ctx, os.Args, cliutil.System())
	stop()
	os.Exit(code)
}
