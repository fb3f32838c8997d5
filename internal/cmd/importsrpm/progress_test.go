package importsrpm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
)

// TestImportAllProgress: on a terminal, --all shows done/total and the
// revision being imported on stderr, and clears it; a revision whose
// Release needs %{dist} is skipped naming --dist. Not on a terminal,
// stderr stays empty.
func TestImportAllProgress(t *testing.T) {
	f := importFixture(t)
	spec := strings.Replace(srpmtest.Spec("1.4", srpmtest.GoodPatches, false), "Release: %{?xsrel}%{?dist}", "Release: %{?xsrel}%{dist}", 1)
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, f.SRPM, "commit", "-q", "-am", "1.4 with %{dist}")
	dist := fgit(t, f, f.SRPM, "rev-parse", "--short=12", "HEAD")
	for _, tty := range []bool{true, false} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), []string{"git-import-srpm", "--srpm-repo", f.SRPM, "--code-repo", f.Code, "--all", "--force", "-j", "1"},
			&cliutil.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errb, ErrTTY: tty})
		if code != 1 || !strings.Contains(out.String(), dist+`: skipped: SPECS/kernel.spec: Release "1.4%{dist}": macro %{dist} is not defined; give its value with --dist (e.g. --dist=.el7)`) {
			t.Fatalf("tty %v: exit %d\nstdout:\n%s\nstderr:\n%q", tty, code, out.String(), errb.String())
		}
		if !tty {
			if errb.Len() != 0 {
				t.Errorf("not a terminal, yet stderr %q", errb.String())
			}
			continue
		}
		e := errb.String()
		for _, want := range []string{
			"\r\x1b[Kimport-srpm: 0/2 done, importing kernel/xenserver-4.19.19-1.",
			"\r\x1b[Kimport-srpm: 1/2 done, importing kernel/xenserver-4.19.19-1.",
			f.Prefix + " (" + f.Good[:12] + ")",
			"kernel/xenserver-4.19.19-1.3 (" + f.Broken[:12] + ")",
			"\r\x1b[Kimport-srpm: 2/2 done\r\x1b[K",
		} {
			if !strings.Contains(e, want) {
				t.Errorf("stderr lacks %q:\n%q", want, e)
			}
		}
		if !strings.HasSuffix(e, "\r\x1b[K") {
			t.Errorf("the status line is not cleared at the end: %q", e)
		}
	}
}
