package kabi

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// report, compare, list and blame page their output on a terminal as git
// pages its own; git --no-pager kabi (GIT_PAGER=cat) and pager.kabi=false
// write it directly, and so does a pipe.
func TestPagedOutput(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "a.symtypes")
	if err := os.WriteFile(st, []byte("s#a struct a { int x ; }\nf int f ( s#a * )\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	direct := kabi(t, &cliutil.IO{Dir: dir}, "report", st)
	if direct.code != 0 || direct.stdout == "" {
		t.Fatalf("report: %+v", direct)
	}
	paged := filepath.Join(dir, "paged")
	pager := "GIT_PAGER=cat > '" + paged + "'"
	r := kabi(t, &cliutil.IO{Dir: dir, OutTTY: true, GitEnv: []string{pager}}, "report", st)
	got, err := os.ReadFile(paged)
	if r.code != 0 || r.stdout != "" || err != nil || string(got) != direct.stdout {
		t.Errorf("paged report: exit %d, stdout %q, pager got %q (%v)", r.code, r.stdout, got, err)
	}
	os.Remove(paged)
	for name, env := range map[string][]string{
		"git --no-pager":   {"GIT_PAGER=cat"},
		"pager.kabi=false": {pager, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=pager.kabi", "GIT_CONFIG_VALUE_0=false"},
	} {
		r := kabi(t, &cliutil.IO{Dir: dir, OutTTY: true, GitEnv: env}, "report", st)
		if r.stdout != direct.stdout {
			t.Errorf("%s: stdout %q", name, r.stdout)
		}
		if _, err := os.Stat(paged); err == nil {
			t.Errorf("%s: the pager ran", name)
			os.Remove(paged)
		}
	}
}
