package git_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

func TestShowCommit(t *testing.T) {
	r, g := newWorkRepo(t)
	ctx := context.Background()
	body := "int f(void)\n{\n\tint a;\n\tint b;\n\tint c;\n\tint d;\n\treturn 0;\n}\n"
	os.WriteFile(filepath.Join(r.Dir, "f.c"), []byte(body), 0o644)
	g("add", "f.c")
	g("commit", "-qm", "base")
	os.WriteFile(filepath.Join(r.Dir, "f.c"), []byte(strings.Replace(body, "return 0", "return 1", 1)), 0o644)
	g("commit", "-qam", "change")
	sha := g("rev-parse", "HEAD")
	out, err := r.ShowCommit(ctx, "HEAD", git.ShowOptions{Format: "commit %H%n%s", StatWidth: 200})
	if err != nil || !strings.HasPrefix(out, "commit "+sha+"\nchange\n") || !strings.Contains(out, " f.c | 2 +-") ||
		!strings.Contains(out, "+\treturn 1;") || strings.Contains(out, "int a;") {
		t.Errorf("show:\n%s%v", out, err)
	}
	out, err = r.ShowCommit(ctx, "HEAD", git.ShowOptions{Format: "%s", FunctionContext: true})
	if err != nil || !strings.Contains(out, " \tint a;") || strings.Contains(out, "f.c | 2") {
		t.Errorf("show -W:\n%s%v", out, err)
	}
	if _, err := r.ShowCommit(ctx, "-p", git.ShowOptions{}); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like revision: %v", err)
	}
}
