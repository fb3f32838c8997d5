package srpm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// TestFilePatchIDOracle: the patch-id of each patch file, computed from the
// file's own text, is what git patch-id --stable (the oracle) prints for
// the file, and zero where git prints nothing.
func TestFilePatchIDOracle(t *testing.T) {
	f, err := srpmtest.Copy(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := repos.BuildSyncV2(env, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, d := range []string{filepath.Join(f.SRPM, "SOURCES"), filepath.Join(v2.SRPM, "SOURCES")} {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			files = append(files, filepath.Join(d, e.Name()))
		}
	}
	withID := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out, err := f.Env.GitInput(f.Code, data, "patch-id", "--stable")
		if err != nil {
			t.Fatal(err)
		}
		var want patchid.ID
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) == 1 && lines[0] != "" {
			if want, err = patchid.Parse(strings.Fields(lines[0])[0]); err != nil {
				t.Fatal(err)
			}
			withID++
		}
		if got := FilePatchID(data); got != want {
			t.Errorf("%s: FilePatchID %s, git patch-id --stable %q", filepath.Base(p), got, out)
		}
	}
	if withID < 10 {
		t.Errorf("only %d of %d files have a patch-id: the oracle checks little", withID, len(files))
	}
}
