package e2e

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowGit is a directory whose "git" announces itself and waits before
// running the real git: a command under test is then surely inside a git
// call when the signal comes. It is the real git, only late.
func slowGit(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\necho started >&3\nsleep 30\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Every command, interrupted inside a git call, says "interrupted" in one
// line prefixed with its name and exits 130 (SIGINT) or 143 (SIGTERM):
// not git's "signal: interrupt", not exit 128, not "is not a revision".
func TestSignals(t *testing.T) {
	work := t.TempDir()
	git(t, work, "init", "-q")
	slow := slowGit(t)
	for _, argv := range [][]string{
		{"git-review-rebase", "--format=text", "a..b"},
		{"git-import-srpm", "HEAD"},
		{"git-kabi", "list", "a..b"},
	} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			name := "git " + strings.TrimPrefix(argv[0], "git-")
			t.Run(argv[0]+"/"+sig.String(), func(t *testing.T) {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(filepath.Join(bin, argv[0]), argv[1:]...)
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "PATH="+slow+string(os.PathListSeparator)+os.Getenv("PATH"))
				cmd.ExtraFiles = []*os.File{w}
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				w.Close()
				started := make(chan bool, 1)
				go func() { started <- bufio.NewScanner(r).Scan() }()
				select {
				case ok := <-started:
					if !ok {
						cmd.Process.Kill()
						cmd.Wait()
						t.Fatalf("no git call started; stderr: %s", stderr.String())
					}
				case <-time.After(20 * time.Second):
					cmd.Process.Kill()
					t.Fatal("no git call within 20 s")
				}
				cmd.Process.Signal(sig)
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case err = <-done:
				case <-time.After(20 * time.Second):
					cmd.Process.Kill()
					t.Fatal("still running 20 s after the signal")
				}
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
					t.Errorf("exit %v, want %d", err, 128+int(sig))
				}
				if got := strings.TrimSpace(stderr.String()); got != name+": interrupted" {
					t.Errorf("stderr %q, want %q", got, name+": interrupted")
				}
			})
		}
	}
}
