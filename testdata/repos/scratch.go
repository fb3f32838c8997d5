package repos

import (
	"os"
	"path/filepath"
	"testing"
)

// Scratch is a small work repository for one test: its own isolated
// environment (NewEnv), and git and file writes that fail the test on
// error, so a test states its history in a few lines.
type Scratch struct {
	t   testing.TB
	Env *Env
	Dir string
}

// NewScratch makes an empty repository (branch main) in a temporary
// directory.
func NewScratch(t testing.TB) *Scratch {
	t.Helper()
	dir := t.TempDir()
	env, err := NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &Scratch{t: t, Env: env, Dir: filepath.Join(dir, "repo")}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s.Git("init", "-q")
	return s
}

// ScratchAt is a Scratch for an existing repository, such as a Fixture's.
func ScratchAt(t testing.TB, env *Env, dir string) *Scratch {
	return &Scratch{t: t, Env: env, Dir: dir}
}

// Git runs git in the repository and returns its trimmed output.
func (s *Scratch) Git(args ...string) string {
	s.t.Helper()
	out, err := s.Env.Git(s.Dir, args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// Write writes a file of the work tree, making its directories.
func (s *Scratch) Write(name, content string) {
	s.t.Helper()
	p := filepath.Join(s.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// ReplayConflict writes the smallest rebase whose replay conflicts: on the
// base, old changes line b of f.c to B1; upstream changes it to X; new, on
// upstream, resolves it as "X and B1". HEAD is left on main (upstream and
// new); it returns old and new.
func (s *Scratch) ReplayConflict() (old, new string) {
	s.t.Helper()
	s.Write("f.c", "a\nb\nc\n")
	s.Git("add", "f.c")
	s.Git("commit", "-qm", "base")
	s.Git("branch", "old-queue")
	s.Write("f.c", "a\nX\nc\n")
	s.Git("commit", "-qam", "upstream: change b")
	s.Write("f.c", "a\nX and B1\nc\n")
	s.Git("commit", "-qam", "queue: change b")
	new = s.Git("rev-parse", "HEAD")
	s.Git("checkout", "-q", "old-queue")
	s.Write("f.c", "a\nB1\nc\n")
	s.Git("commit", "-qam", "queue: change b")
	old = s.Git("rev-parse", "HEAD")
	s.Git("checkout", "-q", "main")
	return old, new
}
