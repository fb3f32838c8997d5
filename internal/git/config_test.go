package git_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// newWorkRepo makes an empty repository with the pinned environment.
func newWorkRepo(t *testing.T) (*git.Repo, func(args ...string) string) {
	t.Helper()
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "repo")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	g := func(args ...string) string {
		t.Helper()
		out, err := env.Git(work, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	g("init", "-q")
	return &git.Repo{Dir: work, Env: env.Vars}, g
}

func TestConfigAndVar(t *testing.T) {
	r, g := newWorkRepo(t)
	ctx := context.Background()
	if v, ok, err := r.ConfigGet(ctx, "color.reviewrebase"); v != "" || ok || err != nil {
		t.Errorf("unset key: %q %v %v", v, ok, err)
	}
	g("config", "color.ui", "never")
	g("config", "--add", "x.multi", "one two")
	g("config", "--add", "x.multi", "last value")
	if v, ok, err := r.ConfigGet(ctx, "color.ui"); v != "never" || !ok || err != nil {
		t.Errorf("color.ui: %q %v %v", v, ok, err)
	}
	if v, ok, err := r.ConfigGet(ctx, "x.multi"); v != "last value" || !ok || err != nil {
		t.Errorf("multi-valued key: %q %v %v", v, ok, err)
	}
	if _, _, err := r.ConfigGet(ctx, "--list"); err == nil {
		t.Error("option-like key accepted")
	}
	// The pinned environment sets GIT_EDITOR=true; git's own choice wins
	// over core.editor.
	g("config", "core.editor", "vi -f")
	if ed, err := r.Editor(ctx); ed != "true" || err != nil {
		t.Errorf("Editor = %q, %v", ed, err)
	}
	r.Env = append(r.Env, "GIT_EDITOR=code --wait")
	if ed, err := r.Editor(ctx); ed != "code --wait" || err != nil {
		t.Errorf("Editor with GIT_EDITOR set = %q, %v", ed, err)
	}
	if _, err := r.Var(ctx, "NO_SUCH_VAR"); err == nil {
		t.Error("unknown variable: no error")
	}
}
