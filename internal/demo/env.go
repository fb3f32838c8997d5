package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/proc"
)

// Env is an isolated git environment: its own HOME and global config, no
// system config, pinned identities and dates.
type Env struct {
	Home string
	Vars []string
}

// Fixed identities and the epoch of generated histories (2019-01-01).
const (
	CommitterName  = "Patch Queue Bot"
	CommitterEmail = "bot@pq.example"
	Epoch          = int64(1546300800)
)

// NewEnv prepares an environment rooted in dir (normally a t.TempDir()).
func NewEnv(dir string) (*Env, error) {
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	cfg := "[user]\n\tname = " + CommitterName + "\n\temail = " + CommitterEmail +
		"\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n[core]\n\tautocrlf = false\n[gc]\n\tauto = 0\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	date := fmt.Sprintf("@%d +0000", Epoch)
	return &Env{Home: home, Vars: []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME=" + CommitterName, "GIT_AUTHOR_EMAIL=" + CommitterEmail,
		"GIT_COMMITTER_NAME=" + CommitterName, "GIT_COMMITTER_EMAIL=" + CommitterEmail,
		"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date,
		"GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "TZ=UTC",
		"GIT_EDITOR=true", "EDITOR=true", "NO_COLOR=1",
	}}, nil
}

// Environ is os.Environ() without variables that would make git look at
// another repository or config, plus the pinned ones.
func (e *Env) Environ() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "HOME" || k == "XDG_CONFIG_HOME" || k == "EDITOR" || k == "VISUAL" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, e.Vars...)
}

// Git runs git in dir and returns trimmed stdout.
func (e *Env) Git(dir string, args ...string) (string, error) {
	return e.GitInput(dir, nil, args...)
}

// GitInput runs git in dir with stdin.
func (e *Env) GitInput(dir string, stdin []byte, args ...string) (string, error) {
	c := proc.Cmd{Program: "git", Args: args, Dir: dir, Env: e.Environ()}
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	out, err := proc.Run(context.Background(), c)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), "\n"), nil
}
