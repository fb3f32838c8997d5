package git_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func TestRepo(t *testing.T) {
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	named, order, err := repos.Edge(env, filepath.Join(dir, "repo"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := git.Open(ctx, filepath.Join(dir, "repo", "src"))
	if err != nil {
		t.Fatal(err)
	}
	r.Env = env.Vars
	if r.CommonDir != filepath.Join(dir, "repo", ".git") {
		t.Errorf("common dir %q from a subdirectory", r.CommonDir)
	}
	if _, err := git.Open(ctx, t.TempDir()); !errors.Is(err, git.ErrNotRepository) {
		t.Errorf("not a repository: %v", err)
	}
	// A missing directory or a file: the error says so, not git's
	// command line.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for dir, want := range map[string]string{filepath.Join(t.TempDir(), "missing"): "no such directory", file: "not a directory"} {
		_, err := git.Open(ctx, dir)
		if !errors.Is(err, git.ErrNotRepository) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "rev-parse") {
			t.Errorf("Open(%s): %v, want %q", dir, err, want)
		}
	}
	shas, err := r.ResolveCommits(ctx, "main", "other", "HEAD~1")
	if err != nil || shas[0] != named["binary-a"] || shas[1] != named["binary-b"] || shas[2] != order[len(order)-3] {
		t.Errorf("resolve: %v %v", shas, err)
	}
	// A bad one among several is named.
	if _, err := r.ResolveCommits(ctx, "main", "nope"); !errors.Is(err, git.ErrUnknownRevision) || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown revision: %v", err)
	}
	if _, err := r.ResolveCommit(ctx, "--all"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like revision: %v", err)
	}
	files, err := r.ChangedFiles(ctx, git.LogOptions{Include: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(files[named["quoted-path"]], "|"); got != "src/caf\xc3\xa9 \"q\".c" {
		t.Errorf("quoted path listed as %q", got)
	}
	if got := strings.Join(files[named["binary-and-text"]], "|"); got != "fw/blob.bin|src/a.c|zz/z.c" {
		t.Errorf("files %q", got)
	}
	if fs, ok := files[named["empty"]]; !ok || len(fs) != 0 {
		t.Errorf("empty commit: %v %v", fs, ok)
	}
}
