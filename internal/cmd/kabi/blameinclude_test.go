package kabi

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// genksymsOf runs the kernel's genksyms on a translation unit and returns
// the path of the .symtypes it wrote.
func genksymsOf(t *testing.T, dir, name, src string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("/usr/lib/linux-kbuild-6.1/scripts/genksyms/genksyms", "-T", out)
	cmd.Stdin = strings.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("genksyms: %v %s", err, stderr.String())
	}
	return out
}

// A struct only declared in the baseline's translation unit (genksyms
// writes "struct foo { UNKNOWN }") and defined in the comparison's is
// blamed on the commit that added the #include of its header; with a
// range that misses it, blame says what to try.
func TestBlameInclude(t *testing.T) {
	s := repos.NewScratch(t)
	dir, work, genv, git, write := t.TempDir(), s.Dir, s.Env, s.Git, s.Write
	foo := "struct foo {\n\tint x;\n};\n"
	devops := "struct foo;\nstruct dev_ops {\n\tstruct foo *f;\n};\n"
	write("include/linux/foo.h", foo)
	write("include/linux/devops.h", devops)
	write("drivers/dev.c", "#include <linux/devops.h>\n\nint dev_register(struct dev_ops *ops) { return 0; }\n")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	base := git("rev-parse", "HEAD")
	write("drivers/other.c", "int unrelated;\n")
	git("add", "-A")
	git("commit", "-q", "-m", "drivers: unrelated change")
	write("drivers/dev.c", "#include <linux/devops.h>\n#include <linux/foo.h>\n\nint dev_register(struct dev_ops *ops) { return 0; }\n")
	git("commit", "-q", "-am", "dev: use struct foo")
	guilty := git("rev-parse", "HEAD")
	write("drivers/other.c", "int unrelated2;\n")
	git("commit", "-q", "-am", "drivers: another unrelated change")

	decl := "int dev_register(struct dev_ops *ops);\n__GENKSYMS_EXPORT_SYMBOL(dev_register);\n"
	oldST := genksymsOf(t, dir, "old.symtypes", devops+decl)
	newST := genksymsOf(t, dir, "new.symtypes", foo+devops+decl)

	var stdout, stderr bytes.Buffer
	e := &cliutil.IO{Out: &stdout, ErrOut: &stderr, Dir: work, GitEnv: genv.Vars}
	if code := Main(t.Context(), []string{"git kabi", "blame", oldST, newST, base + "..HEAD"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := "struct foo (include/linux/foo.h)\n" +
		"  - UNKNOWN\n" +
		"  + int x;\n" +
		"  declared only (UNKNOWN) on one side, defined on the other: an #include changed\n" +
		"  " + guilty[:12] + " dev: use struct foo (#include)\n" +
		"      git kabi commit " + guilty[:12] + "\n\n"
	if got := stdout.String(); got != want {
		t.Errorf("blame:\n%s\nwant:\n%s", got, want)
	}

	// A range after the include: nothing found, and advice.
	stdout.Reset()
	if code := Main(t.Context(), []string{"git kabi", "blame", oldST, newST, guilty[:12] + "..HEAD"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want = "struct foo (include/linux/foo.h)\n" +
		"  - UNKNOWN\n" +
		"  + int x;\n" +
		"  declared only (UNKNOWN) on one side, defined on the other: an #include changed\n" +
		"  no commit of the range added or removed an #include of its header\n" +
		"  no commit of the range changed these lines; try:\n" +
		"      a wider range: git kabi blame <old> <new> <earlier>..HEAD (the change may predate " + guilty[:12] + ")\n" +
		"      the member's history: git log -Sx " + guilty[:12] + "..HEAD -- include/linux/foo.h\n" +
		"      the header's history: git log " + guilty[:12] + "..HEAD -- include/linux/foo.h\n\n"
	if got := stdout.String(); got != want {
		t.Errorf("blame without the include:\n%s\nwant:\n%s", got, want)
	}
}
