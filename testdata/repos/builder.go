package repos

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Git runs git in dir under env and returns its trimmed output, failing
// the test or benchmark on error: one line for a test's git steps.
func Git(tb testing.TB, env *Env, dir string, args ...string) string {
	tb.Helper()
	out, err := env.Git(dir, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Builder runs the git commands and file writes that build a fixture,
// keeping the first error: after it every step does nothing, so a builder
// states its history in straight lines and checks Err once at the end.
type Builder struct {
	Env *Env
	Err error
}

// Git runs git in dir and returns its trimmed output ("" after an error).
func (b *Builder) Git(dir string, args ...string) string {
	if b.Err != nil {
		return ""
	}
	out, err := b.Env.Git(dir, args...)
	if err != nil {
		b.Err = err
	}
	return out
}

// GitAs runs git in dir with another author: name, email and date (as
// GIT_AUTHOR_DATE takes it).
func (b *Builder) GitAs(dir, name, email, date string, args ...string) string {
	if b.Err != nil {
		return ""
	}
	out, err := withVars(b.Env, "GIT_AUTHOR_NAME="+name, "GIT_AUTHOR_EMAIL="+email, "GIT_AUTHOR_DATE="+date).Git(dir, args...)
	if err != nil {
		b.Err = err
	}
	return out
}

// Write writes the file name below dir with content and mode (set even
// when the file existed), making its directories.
func (b *Builder) Write(dir, name, content string, mode os.FileMode) {
	if b.Err != nil {
		return
	}
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.Err = err
		return
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		b.Err = err
		return
	}
	b.Err = os.Chmod(p, mode)
}

// CopyMails copies the files git format-patch -o wrote to mails into the
// SOURCES/ directory of the SRPM work tree srpm, and returns their names
// in order.
func (b *Builder) CopyMails(srpm, mails string) []string {
	if b.Err != nil {
		return nil
	}
	ents, err := os.ReadDir(mails)
	if err != nil {
		b.Err = err
		return nil
	}
	var names []string
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(mails, e.Name()))
		if err != nil {
			b.Err = err
			return nil
		}
		b.Write(srpm, filepath.Join("SOURCES", e.Name()), string(data), 0o644)
		names = append(names, e.Name())
	}
	return names
}

// CFile is a C file of n one-line functions "int prefix_i(void) { return
// i; }", i from 1, where edit replaces line i by its text.
func CFile(prefix string, n int, edit map[int]string) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		if s, ok := edit[i]; ok {
			sb.WriteString(s + "\n")
			continue
		}
		fmt.Fprintf(&sb, "int %s_%d(void) { return %d; }\n", prefix, i, i)
	}
	return sb.String()
}

// withVars is env with vars added after its own, so that they win.
func withVars(env *Env, vars ...string) *Env {
	return &Env{Home: env.Home, Vars: append(append([]string(nil), env.Vars...), vars...)}
}

// commitAt stages the whole work tree of dir and commits it with msg, the
// author and committer dates pinned to the Unix time when, so that its id
// is stable; args go to git commit before -m. It returns the commit id.
func commitAt(env *Env, dir string, when int64, msg string, args ...string) (string, error) {
	if _, err := env.Git(dir, "add", "-A"); err != nil {
		return "", err
	}
	d := fmt.Sprintf("@%d +0000", when)
	e := withVars(env, "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d)
	if _, err := e.Git(dir, append(append([]string{"commit", "-q"}, args...), "-m", msg)...); err != nil {
		return "", err
	}
	return env.Git(dir, "rev-parse", "HEAD")
}
