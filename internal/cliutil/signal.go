package cliutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Interrupted is the cause of a context cancelled by SIGINT or SIGTERM.
type Interrupted struct{ Signal os.Signal }

func (e *Interrupted) Error() string { return "interrupted" }

// ExitCode is the shell's status for a death by the signal: 128 + its
// number (130 for SIGINT, 143 for SIGTERM), as git and every shell report.
func (e *Interrupted) ExitCode() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// SignalContext is cancelled, with an *Interrupted cause, by the first
// SIGINT or SIGTERM; the command then cleans up (worktrees, temporary
// files, half-made branches) and returns. stop releases the signals.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(&Interrupted{Signal: s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// InterruptedBy reports the signal that cancelled ctx, if one did.
func InterruptedBy(ctx context.Context) (*Interrupted, bool) {
	var in *Interrupted
	if errors.As(context.Cause(ctx), &in) {
		return in, true
	}
	return nil, false
}

// Finish turns a command's status into the process's: after an interrupt
// whatever the command returned, it says "interrupted" in one line and
// exits 128+signal, the status git and shells give a command killed by it.
func Finish(ctx context.Context, name string, code int, stderr io.Writer) int {
	if in, ok := InterruptedBy(ctx); ok {
		fmt.Fprintf(stderr, "%s: interrupted\n", name)
		return in.ExitCode()
	}
	return code
}
