package srpm

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/patchqueue/pqtools/internal/git"
)

// An import records each temporary worktree it makes under the common git
// dir, with its process id, and removes the record with the worktree. A
// process killed outright (SIGKILL, a crash, a power cut) cannot clean up:
// its record stays, and the next import finds it, sees the process is
// gone, and removes what it left.

// recordDir is where the records of running imports are.
func recordDir(commonDir string) string {
	return filepath.Join(commonDir, "import-srpm", "worktrees")
}

// record notes that this process owns the worktree of w.
func (w *worktree) record(commonDir string) error {
	if commonDir == "" {
		return nil
	}
	dir := recordDir(commonDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w.recordPath = filepath.Join(dir, filepath.Base(w.tmp))
	return os.WriteFile(w.recordPath, []byte(strconv.Itoa(os.Getpid())+"\n"+w.tmp+"\n"), 0o644)
}

// StaleWorktree is what CleanStale removed: the temporary directory of an
// import whose process is gone.
type StaleWorktree struct {
	Dir string
	Pid int
}

// CleanStale removes the temporary worktrees of imports into code whose
// process no longer runs, and their records, and says which. Imports
// still running (in this process or another) are left alone.
func CleanStale(code *git.Repo) ([]StaleWorktree, error) {
	dir := recordDir(code.CommonDir)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || code.CommonDir == "" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []StaleWorktree
	for _, e := range ents {
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(f) != 2 {
			continue
		}
		pid, err := strconv.Atoi(f[0])
		if err != nil || alive(pid) {
			continue
		}
		tmp := f[1]
		// Only what an import makes: a directory named like ours.
		if !strings.HasPrefix(filepath.Base(tmp), "git-import-srpm-") || filepath.Base(tmp) != e.Name() {
			continue
		}
		w := &worktree{tmp: tmp, dir: filepath.Join(tmp, filepath.Base(tmp)), added: true}
		worktreeMu.Lock()
		admin := findAdmin(code.CommonDir, w.dir)
		if admin == "" {
			// git names the administrative directory after the
			// worktree's directory.
			if a := filepath.Join(code.CommonDir, "worktrees", filepath.Base(w.dir)); isDir(a) {
				admin = a
			}
		}
		if admin != "" {
			if err := os.RemoveAll(admin); err != nil {
				worktreeMu.Unlock()
				return removed, err
			}
		}
		worktreeMu.Unlock()
		if err := os.RemoveAll(tmp); err != nil {
			return removed, err
		}
		os.Remove(path)
		removed = append(removed, StaleWorktree{Dir: w.dir, Pid: pid})
	}
	return removed, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// alive reports whether a process with that id exists (signal 0 checks
// without sending anything; EPERM means it exists under another user).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
