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
