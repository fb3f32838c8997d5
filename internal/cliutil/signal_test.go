package cliutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// TestSignalHelper is the process the signal test starts: a command that
// waits for its context, cleans up, and fails the way an interrupted git
// call fails.
func TestSignalHelper(t *testing.T) {
	if os.Getenv("PQ_SIGNAL_HELPER") == "" {
		t.Skip("helper process")
	}
	ctx, stop := SignalContext(context.Background())
	app := &cli.App{Name: "git demo", Action: func(c *cli.Context) error {
		fmt.Println("ready")
		<-c.Context.Done()
		fmt.Println("cleaned up")
		return errors.New("git log: signal: interrupt")
	}}
	code := Finish(ctx, "git demo", Run(ctx, app, []string{"git demo"}, os.Stderr), os.Stderr)
	stop()
	os.Exit(code)
}

// SIGINT and SIGTERM: cleanup runs, one "interrupted" line, exit 130/143,
// and nothing of the cut-short error.
func TestSignals(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignalHelper$")
		cmd.Env = append(os.Environ(), "PQ_SIGNAL_HELPER=1")
		stdout, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out := bufio.NewScanner(stdout)
		if !out.Scan() || out.Text() != "ready" {
			t.Fatalf("helper did not start: %q", out.Text())
		}
		cmd.Process.Signal(tc.sig)
		var rest []string
		for out.Scan() {
			rest = append(rest, out.Text())
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the helper did not exit", tc.sig)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
			t.Errorf("%v: exit %v, want %d", tc.sig, err, tc.code)
		}
		if strings.Join(rest, "\n") != "cleaned up" {
			t.Errorf("%v: cleanup did not run: %q", tc.sig, rest)
		}
		if got := strings.TrimSpace(stderr.String()); got != "git demo: interrupted" {
			t.Errorf("%v: stderr %q, want one line \"git demo: interrupted\"", tc.sig, got)
		}
	}
}
