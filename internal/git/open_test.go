package git_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// A SHA-256 repository is refused when opened, with what it is, before any
// command can half work on 64-digit ids.
func TestOpenRefusesSHA256(t *testing.T) {
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(dir, "r")
	if _, err := env.Git(dir, "init", "-q", "--object-format=sha256", repo); err != nil {
		t.Fatal(err)
	}
	_, err = git.Open(context.Background(), repo)
	if !errors.Is(err, git.ErrObjectFormat) || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("Open of a sha256 repository: %v", err)
	}
	sha1 := filepath.Join(dir, "s")
	if _, err := env.Git(dir, "init", "-q", sha1); err != nil {
		t.Fatal(err)
	}
	if _, err := git.Open(context.Background(), sha1); err != nil {
		t.Fatalf("Open of a sha1 repository: %v", err)
	}
}
