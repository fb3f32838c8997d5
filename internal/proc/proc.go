// Package proc runs the programs the suite depends on (git, patch, rpmbuild,
// xz, zstd, the user's editor) with argument vectors, a context for
// cancellation, and one error type that carries the command line, exit status
// and stderr, so every layer above can explain a failure the same way.
//
// It is the only package besides internal/git's own use of it that may import
// os/exec; an architecture test keeps that true.
package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Error is a failed run of a program.
type Error struct {
	Dir      string
	Args     []string // without the program name
	Program  string
	ExitCode int // -1 when the program did not run or was killed
	Stderr   string
	Err      error
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("%s %s: %s", e.Program, strings.Join(e.Args, " "), msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNotInstalled is returned (wrapped) when the program is not on PATH.
var ErrNotInstalled = errors.New("not installed")

// Cmd describes one run. Zero values mean: inherit the environment, run in
// the current directory, no stdin, stdout returned, stderr captured.
type Cmd struct {
	Program string
	Args    []string
	Dir     string
	// Env, when not nil, is the whole environment of the program.
	Env   []string
	Stdin io.Reader
	// Stdout and Stderr, when set, receive the streams instead of the
	// buffers Run returns and the Error reports.
	Stdout io.Writer
	Stderr io.Writer
	// CombinedOutput sends stderr to the same buffer as stdout, in order
	// (patch and rpmbuild interleave the two, and the user wants both).
	CombinedOutput bool
}

// Command builds the *exec.Cmd for c. Callers that need a pipe (streaming
// parsers in internal/git) use it; everyone else uses Run.
func Command(ctx context.Context, c Cmd) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.Program, c.Args...)
	// A cancelled program is killed, but a child it started (a hook, a
	// pager, git's own helpers) may hold its output pipes open: do not wait
	// for those longer than this.
	cmd.WaitDelay = 2 * time.Second
	cmd.Dir = c.Dir
	if c.Env != nil {
		cmd.Env = c.Env
	}
	cmd.Stdin = c.Stdin
	return cmd
}

// Wrap turns the error of a finished command into an *Error (nil stays nil).
func Wrap(c Cmd, err error, stderr []byte) error {
	if err == nil {
		return nil
	}
	e := &Error{Dir: c.Dir, Program: c.Program, Args: c.Args, ExitCode: -1, Stderr: string(stderr), Err: err}
	var xe *exec.ExitError
	if errors.As(err, &xe) {
		e.ExitCode = xe.ExitCode()
	}
	if errors.Is(err, exec.ErrNotFound) {
		e.Err = fmt.Errorf("%s is %w: %w", c.Program, ErrNotInstalled, err)
	}
	return e
}

// Run runs c to completion and returns what it wrote to stdout (or, with
// CombinedOutput, to either stream) unless c.Stdout is set.
func Run(ctx context.Context, c Cmd) ([]byte, error) {
	cmd := Command(ctx, c)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if c.CombinedOutput {
		cmd.Stderr = &stdout
	}
	if c.Stdout != nil {
		cmd.Stdout = c.Stdout
	}
	if c.Stderr != nil {
		cmd.Stderr = c.Stderr
	}
	err := cmd.Run()
	errText := stderr.Bytes()
	if c.CombinedOutput {
		errText = stdout.Bytes()
	}
	return stdout.Bytes(), Wrap(c, err, errText)
}

// Interactive runs c on the process's own terminal (an editor, a pager).
func Interactive(ctx context.Context, c Cmd) error {
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	_, err := Run(ctx, c)
	return err
}

// LookPath reports whether program is on PATH, with ErrNotInstalled if not.
func LookPath(program string) (string, error) {
	p, err := exec.LookPath(program)
	if err != nil {
		return "", fmt.Errorf("%s is %w", program, ErrNotInstalled)
	}
	return p, nil
}

// Environ is os.Environ() without the variables named in drop, followed by
// set (KEY=VALUE entries).
func Environ(drop []string, set ...string) []string {
	env := make([]string, 0, len(os.Environ())+len(set))
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		skip := false
		for _, d := range drop {
			if k == d {
				skip = true
				break
			}
		}
		if !skip {
			env = append(env, kv)
		}
	}
	return append(env, set...)
}

// Pipe starts c with a pipe to its stdin and returns the writing end and a
// function that closes it and waits for the program (a pager). c.Stdout
// and c.Stderr default to the process's own.
func Pipe(ctx context.Context, c Cmd) (io.WriteCloser, func() error, error) {
	cmd := Command(ctx, c)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if c.Stdout != nil {
		cmd.Stdout = c.Stdout
	}
	if c.Stderr != nil {
		cmd.Stderr = c.Stderr
	}
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, Wrap(c, err, nil)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, Wrap(c, err, nil)
	}
	wait := func() error {
		w.Close()
		return Wrap(c, cmd.Wait(), nil)
	}
	return w, wait, nil
}
