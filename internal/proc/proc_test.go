package proc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestRunAndError(t *testing.T) {
	ctx := context.Background()
	out, err := Run(ctx, Cmd{Program: "sh", Args: []string{"-c", "printf out; printf err >&2"}})
	if err != nil || string(out) != "out" {
		t.Fatalf("Run = %q, %v", out, err)
	}
	out, err = Run(ctx, Cmd{Program: "sh", Args: []string{"-c", "printf a; printf b >&2; printf c"}, CombinedOutput: true})
	if err != nil || string(out) != "abc" {
		t.Errorf("combined = %q, %v", out, err)
	}
	_, err = Run(ctx, Cmd{Program: "sh", Args: []string{"-c", "echo first >&2; echo second >&2; exit 3"}, Dir: t.TempDir()})
	var pe *Error
	if !errors.As(err, &pe) || pe.ExitCode != 3 || pe.Program != "sh" || !strings.Contains(pe.Stderr, "second") {
		t.Fatalf("error %#v", err)
	}
	if got := err.Error(); got != "sh -c echo first >&2; echo second >&2; exit 3: first" {
		t.Errorf("message %q: want the command and the first line of stderr", got)
	}
	_, err = Run(ctx, Cmd{Program: "pq-no-such-program"})
	if !errors.Is(err, ErrNotInstalled) || !errors.As(err, &pe) || pe.ExitCode != -1 {
		t.Errorf("missing program: %v", err)
	}
	if _, err := LookPath("pq-no-such-program"); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("LookPath: %v", err)
	}
	out, err = Run(ctx, Cmd{Program: "cat", Stdin: strings.NewReader("in")})
	if err != nil || string(out) != "in" {
		t.Errorf("stdin: %q %v", out, err)
	}
}

// A cancelled program whose child keeps its output open does not hang the
// caller (WaitDelay).
func TestCancelWithLingeringChild(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := Run(ctx, Cmd{Program: "sh", Args: []string{"-c", "sleep 30 & wait"}})
	if err == nil {
		t.Fatal("a cancelled run succeeded")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v to return after cancel", d)
	}
}

func TestPipe(t *testing.T) {
	var got bytes.Buffer
	w, wait, err := Pipe(context.Background(), Cmd{Program: "tr", Args: []string{"a-z", "A-Z"}, Stdout: &got})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "paged\n")
	if err := wait(); err != nil || got.String() != "PAGED\n" {
		t.Errorf("pipe: %q %v", got.String(), err)
	}
}

func TestEnviron(t *testing.T) {
	t.Setenv("PQ_DROP_ME", "x")
	env := Environ([]string{"PQ_DROP_ME"}, "PQ_SET=1")
	joined := "\n" + strings.Join(env, "\n") + "\n"
	if strings.Contains(joined, "\nPQ_DROP_ME=") || !strings.HasSuffix(joined, "\nPQ_SET=1\n") {
		t.Errorf("Environ: %v", env)
	}
}
