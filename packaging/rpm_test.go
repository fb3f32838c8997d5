package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The RPM built from the checkout's HEAD holds the three binaries, their
// man pages and the completions, and its binaries run.
func TestRPM(t *testing.T) {
	if _, err := exec.LookPath("rpmbuild"); err != nil {
		t.Fatal("rpmbuild is missing: scripts/deps.sh installs Debian's rpm")
	}
	out := t.TempDir()
	cmd := exec.Command("../scripts/rpm.sh", out)
	cmd.Env = append(os.Environ(), "PQ_VERSION=0.1.0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/rpm.sh: %v\n%s", err, b)
	}
	rpms, _ := filepath.Glob(filepath.Join(out, "pqtools-0.1.0-1*.x86_64.rpm"))
	if len(rpms) != 1 {
		all, _ := filepath.Glob(filepath.Join(out, "*"))
		t.Fatalf("want one binary rpm, have %v", all)
	}
	list, err := exec.Command("rpm", "-qlp", rpms[0]).Output()
	if err != nil {
		t.Fatalf("rpm -qlp: %v", err)
	}
	files := strings.Fields(string(list))
	sort.Strings(files)
	want := []string{
		"/usr/bin/git-import-srpm", "/usr/bin/git-kabi", "/usr/bin/git-review-rebase",
		"/usr/share/bash-completion/completions/git-import-srpm",
		"/usr/share/bash-completion/completions/git-kabi",
		"/usr/share/bash-completion/completions/git-review-rebase",
		"/usr/share/man/man1/git-import-srpm.1", "/usr/share/man/man1/git-kabi.1",
		"/usr/share/man/man1/git-review-rebase.1",
		"/usr/share/zsh/site-functions/_git-pqtools",
	}
	have := map[string]bool{}
	for _, f := range files {
		// rpm's brp-compress gzips man pages where it runs (not on
		// Debian's rpm): either name is the page.
		have[strings.TrimSuffix(f, ".gz")] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("the rpm lacks %s; it holds:\n%s", w, list)
		}
	}
	// The packaged binary is a working git command.
	dir := t.TempDir()
	rpm2 := exec.Command("sh", "-c", `rpm2cpio "$1" | cpio -idm --quiet`, "sh", rpms[0])
	rpm2.Dir = dir
	if b, err := rpm2.CombinedOutput(); err != nil {
		t.Fatalf("unpack: %v\n%s", err, b)
	}
	help, err := exec.Command(filepath.Join(dir, "usr/bin/git-kabi"), "-h").CombinedOutput()
	if err != nil || !strings.Contains(string(help), "git kabi") {
		t.Errorf("packaged git-kabi -h: %v\n%s", err, help)
	}
}
