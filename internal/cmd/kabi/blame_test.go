package kabi

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// symtypesOf runs the kernel's genksyms on a translation unit exporting
// fn, so the blame test compares what a real build would record.
func symtypesOf(t *testing.T, dir, name, header, fn string) string {
	t.Helper()
	return genksymsOf(t, dir, name, header+"\nint "+fn+"(struct dev_ops *ops, union cfg *c, enum mode m);\n__GENKSYMS_EXPORT_SYMBOL("+fn+");\n")
}

func TestBlame(t *testing.T) {
	dir := t.TempDir()
	genv, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "linux")
	git := func(args ...string) string {
		t.Helper()
		out, err := genv.Git(work, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	write := func(path, content string) {
		t.Helper()
		p := filepath.Join(work, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	git("init", "-q")
	v1 := "struct dev_ops {\n\tint (*probe)(void *dev);\n\tunsigned long flags;\n};\n\nunion cfg {\n\tint i;\n\tlong l;\n};\n\nenum mode {\n\tMODE_A,\n\tMODE_B,\n};\n"
	write("include/linux/devops.h", v1)
	write("drivers/base/other.c", "int unrelated;\n")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	base := git("rev-parse", "HEAD")
	write("drivers/base/other.c", "int unrelated2;\n")
	git("commit", "-q", "-am", "drivers: unrelated change")
	v2 := strings.Replace(v1, "\tunsigned long flags;\n", "\tunsigned long flags;\n\tvoid (*remove)(void *dev);\n", 1)
	write("include/linux/devops.h", v2)
	git("commit", "-q", "-am", "devops: add a remove hook")
	guilty := git("rev-parse", "HEAD")
	v3 := strings.Replace(v2, "\tMODE_B,\n", "\tMODE_B,\n\tMODE_C,\n", 1)
	write("include/linux/devops.h", v3)
	git("commit", "-q", "-am", "devops: add MODE_C")
	guilty2 := git("rev-parse", "HEAD")

	oldST := symtypesOf(t, dir, "old.symtypes", v1, "dev_register")
	newST := symtypesOf(t, dir, "new.symtypes", v3, "dev_register")

	var stdout, stderr bytes.Buffer
	e := &cliutil.IO{Out: &stdout, ErrOut: &stderr, Dir: work, GitEnv: genv.Vars}
	code := Main(t.Context(), []string{"git kabi", "blame", oldST, newST, base + "..HEAD"}, e)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"struct dev_ops (include/linux/devops.h)",
		"  + void (*remove) (void *);",
		guilty[:12] + " devops: add a remove hook",
		"git kabi commit " + guilty[:12],
		"enum mode (include/linux/devops.h)",
		guilty2[:12] + " devops: add MODE_C",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("blame output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "unrelated") {
		t.Errorf("an unrelated commit is blamed:\n%s", got)
	}
	// Each type's section names only the commit that changed it.
	for _, sec := range strings.Split(got, "\n\n") {
		switch {
		case strings.HasPrefix(sec, "struct dev_ops") && strings.Contains(sec, guilty2[:12]),
			strings.HasPrefix(sec, "enum mode") && strings.Contains(sec, guilty[:12]):
			t.Errorf("commit blamed for the wrong type:\n%s", sec)
		}
	}

	for _, bad := range [][]string{
		{"git kabi", "blame", oldST, newST, "nope"},
		{"git kabi", "blame", oldST, newST, base + "..doesnotexist"},
		{"git kabi", "blame", oldST},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := Main(t.Context(), bad, e); code != 2 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", bad[2:], code, stderr.String())
		}
	}
}
