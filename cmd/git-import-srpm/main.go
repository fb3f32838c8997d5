// Command git-import-srpm imports an SRPM's patch queue into git and keeps
// its spec in step; run as "git import-srpm".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/cmd/importsrpm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := importsrpm.Main(ctx, os.Args, cliutil.System())
	stop()
	os.Exit(code)
}
