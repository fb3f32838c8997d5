package importsrpm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// A --dry-run diff goes through git's pager on a terminal, and straight
// out in a pipe or with git --no-pager (GIT_PAGER=cat).
func TestDryRunIsPaged(t *testing.T) {
	spec := specCopy(t, []byte("Name: n\nVersion: 1\nRelease: 1\nPatch1: a.patch\nPatch2: b.patch\n"), 0o644)
	paged := filepath.Join(t.TempDir(), "paged")
	runTTY := func(tty bool, env ...string) string {
		var out, errb bytes.Buffer
		code := Main(context.Background(), []string{"git-import-srpm", "renumber", "-n", spec, "2", "10"},
			&cliutil.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errb, OutTTY: tty, GitEnv: env})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	direct := runTTY(false)
	if !strings.Contains(direct, "+Patch12: b.patch") {
		t.Fatalf("dry run: %q", direct)
	}
	if out := runTTY(true, "GIT_PAGER=cat > '"+paged+"'"); out != "" {
		t.Errorf("bypassed the pager: %q", out)
	}
	if got, err := os.ReadFile(paged); err != nil || string(got) != direct {
		t.Errorf("the pager got %q (%v)", got, err)
	}
	if out := runTTY(true, "GIT_PAGER=cat"); out != direct {
		t.Errorf("git --no-pager: %q", out)
	}
}
