package srpm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

// A record of a running import (this process) is left alone; one of a
// process that is gone is removed with its directories; a record naming a
// directory that is not an import's is not followed.
func TestCleanStale(t *testing.T) {
	common := t.TempDir()
	code := &git.Repo{CommonDir: common}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, pid int, tmp string) string {
		t.Helper()
		os.MkdirAll(recordDir(common), 0o755)
		p := filepath.Join(recordDir(common), name)
		os.WriteFile(p, []byte(strconv.Itoa(pid)+"\n"+tmp+"\n"), 0o644)
		return p
	}
	base := t.TempDir()
	running := filepath.Join(base, "git-import-srpm-1")
	gone := filepath.Join(base, "git-import-srpm-2")
	foreign := filepath.Join(base, "precious")
	for _, d := range []string{running, gone, foreign, filepath.Join(common, "worktrees", "git-import-srpm-2")} {
		os.MkdirAll(d, 0o755)
	}
	recRunning := mk("git-import-srpm-1", os.Getpid(), running)
	recGone := mk("git-import-srpm-2", dead.Process.Pid, gone)
	recForeign := mk("precious", dead.Process.Pid, foreign)

	removed, err := CleanStale(code)
	if err != nil || len(removed) != 1 || removed[0].Pid != dead.Process.Pid {
		t.Fatalf("removed %+v, %v", removed, err)
	}
	for _, p := range []string{running, recRunning, foreign, recForeign} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
	for _, p := range []string{gone, recGone, filepath.Join(common, "worktrees", "git-import-srpm-2")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
}
