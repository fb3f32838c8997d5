package importsrpm

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
)

var binary struct {
	once sync.Once
	dir  string
	err  error
}

// buildBinary builds git-import-srpm, once per test binary, into a
// directory to put first on PATH, so that git's own dispatch finds it.
// TestMain removes it.
func buildBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "importsrpm-bin-"); binary.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(binary.dir, "git-import-srpm"), "github.com/patchqueue/pqtools/cmd/git-import-srpm")
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.dir
}

func removeBinary() {
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
}

// startBlocked starts git import-srpm with a patch(1) that waits (a
// stand-in), and returns once the import is inside it, with its
// temporary worktree registered.
func startBlocked(t *testing.T) (*exec.Cmd, *srpmtest.Fixture, *bytes.Buffer, string) {
	t.Helper()
	bin := buildBinary(t)
	f := importFixture(t)
	fakeDir := t.TempDir()
	marker := filepath.Join(fakeDir, "patch-started")
	fake := "#!/bin/sh\n: > '" + marker + "'\nexec sleep 30\n"
	if err := os.WriteFile(filepath.Join(fakeDir, "patch"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	path := os.Getenv("PATH")
	cmd := exec.Command(filepath.Join(bin, "git-import-srpm"), "--srpm-repo", f.SRPM, f.Good)
	cmd.Env = append(os.Environ(), "PATH="+fakeDir+string(os.PathListSeparator)+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("patch never ran; stderr %q", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if wl := fgit(t, f, f.Code, "worktree", "list", "--porcelain"); strings.Count(wl, "worktree ") != 2 {
		t.Fatalf("no temporary worktree while importing:\n%s", wl)
	}
	return cmd, f, &stderr, bin
}

// TestInterruptLeavesNothing sends SIGINT to git import-srpm while patch(1)
// runs and checks the import stops at once and leaves no branch, worktree
// or temporary file.
func TestInterruptLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cmd, f, stderr, _ := startBlocked(t)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, stderr %q", err, stderr.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v to stop", d)
	}
	// The branch check below is the proof that nothing was created.
	if got := stderr.String(); got != "git import-srpm: interrupted\n" {
		t.Errorf("stderr %q", got)
	}
	clean(t, f, f.Code, "")
}

// SIGKILL leaves no chance to clean up: the next import removes the
// worktree the killed one left registered, says so, and imports.
func TestNextImportRemovesAKilledOnesWorktree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cmd, f, _, bin := startBlocked(t)
	pid := cmd.Process.Pid
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if wl := fgit(t, f, f.Code, "worktree", "list", "--porcelain"); strings.Count(wl, "worktree ") != 2 {
		t.Fatalf("the killed import left no worktree to clean:\n%s", wl)
	}
	next := exec.Command(filepath.Join(bin, "git-import-srpm"), "--srpm-repo", f.SRPM, f.Good)
	var stderr bytes.Buffer
	next.Stderr = &stderr
	if err := next.Run(); err != nil {
		t.Fatalf("the next import: %v\n%s", err, stderr.String())
	}
	want := fmt.Sprintf("git import-srpm: removed the temporary worktree of an interrupted import (process %d): ", pid)
	if !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr %q, want one line starting %q", stderr.String(), want)
	}
	if wl := fgit(t, f, f.Code, "worktree", "list", "--porcelain"); strings.Count(wl, "worktree ") != 1 {
		t.Errorf("worktrees after the next import:\n%s", wl)
	}
}

// TestGitDispatch runs the import as "git import-srpm", the way users do.
func TestGitDispatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	f := importFixture(t)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd := exec.Command("git", "import-srpm", f.Good, "--vendor", "acme")
	cmd.Dir = filepath.Join(f.SRPM, "SPECS") // anywhere inside the SRPM work tree
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "kernel/acme-4.19.19-1.2/base: 7 patch(es)") {
		t.Fatalf("%v\n%s", err, out)
	}
	clean(t, f, f.Code, "kernel/acme-4.19.19-1.2/base\nkernel/acme-4.19.19-1.2/pre-base")
}
