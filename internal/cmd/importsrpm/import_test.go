package importsrpm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// importFixture builds the generated repositories and points git at the
// fixture's isolated environment for the rest of the test.
func importFixture(t *testing.T) *srpmtest.Fixture {
	t.Helper()
	f, err := srpmtest.Copy(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	syncEnv(t, f.Env)
	t.Setenv("TMPDIR", t.TempDir())
	return f
}

func fgit(t *testing.T, f *srpmtest.Fixture, dir string, args ...string) string {
	t.Helper()
	return repos.Git(t, f.Env, dir, args...)
}

// clean checks that no worktree, worktree record or temporary file is
// left, and which import branches exist.
func clean(t *testing.T, f *srpmtest.Fixture, dir, wantRefs string) {
	t.Helper()
	if wl := fgit(t, f, dir, "worktree", "list", "--porcelain"); strings.Count(wl, "worktree ") != 1 {
		t.Errorf("worktrees left behind:\n%s", wl)
	}
	if refs := fgit(t, f, dir, "for-each-ref", "--format=%(refname:short)", "refs/heads/kernel"); refs != wantRefs {
		t.Errorf("import branches:\n%s\nwant:\n%s", refs, wantRefs)
	}
	if ents, _ := os.ReadDir(os.Getenv("TMPDIR")); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestImportCommand(t *testing.T) {
	f := importFixture(t)
	branches := f.Prefix + "/base\n" + f.Prefix + "/pre-base"

	// The code repository is found beside the SRPM repository (../linux).
	code, stdout, stderr := run(t, "--srpm-repo", f.SRPM, f.Good)
	if code != 0 || !strings.HasPrefix(stdout, f.Prefix+"/base: 7 patch(es) on v4.19.19, ") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	tip := fgit(t, f, f.Code, "rev-parse", f.Prefix+"/base")
	if tree := fgit(t, f, f.Code, "rev-parse", tip+"^{tree}"); tree != f.GoodTree {
		t.Errorf("tree %s, want %s", tree, f.GoodTree)
	}
	clean(t, f, f.Code, branches)

	code, _, stderr = run(t, "--srpm-repo", f.SRPM, f.Good)
	if code != 1 || !strings.Contains(stderr, "already exists; use --force") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("existing branch: exit %d, stderr %q", code, stderr)
	}
	// Options may follow the revision, as in git.
	code, _, stderr = run(t, "--srpm-repo", f.SRPM, f.Good, "--force", "-v")
	if code != 0 || !strings.Contains(stderr, "patch 4 (0007-fuzzy.patch): patch -p1 --fuzz=2 after git am -3 failed") {
		t.Fatalf("--force: exit %d, stderr %q", code, stderr)
	}
	if again := fgit(t, f, f.Code, "rev-parse", f.Prefix+"/base"); again != tip {
		t.Errorf("re-import gave %s, first import %s", again, tip)
	}
	clean(t, f, f.Code, branches)
}

func TestImportCommandFailingPatch(t *testing.T) {
	f := importFixture(t)
	code, stdout, stderr := run(t, "--srpm-repo", f.SRPM, "--code-repo", f.Code, f.Broken)
	first, details, _ := strings.Cut(stderr, "\n")
	want := "git import-srpm: SPECS/kernel.spec at " + f.Broken[:12] + ": patch 7 (" + srpmtest.BrokenPatch + ") does not apply: patch -p1 --fuzz=2 failed: "
	if code != 1 || stdout != "" || !strings.HasPrefix(first, want) || !strings.HasSuffix(first, "; no branch was created") {
		t.Errorf("exit %d\nstdout %q\nfirst line %q\nwant prefix %q", code, stdout, first, want)
	}
	if !strings.Contains(details, "    git am -3:") || !strings.Contains(details, "Hunk #1 FAILED") {
		t.Errorf("details lack the commands' output:\n%s", details)
	}
	clean(t, f, f.Code, "")
}

func TestVerifyCommand(t *testing.T) {
	f := importFixture(t)
	if code, _, stderr := run(t, "--srpm-repo", f.SRPM, f.Good); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := run(t, "verify", f.Prefix+"/base", f.Good, "--srpm-repo", f.SRPM)
	if code != 0 || !strings.HasPrefix(stdout, f.Prefix+"/base matches SPECS/kernel.spec at "+f.Good[:12]) {
		t.Errorf("equal: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "verify", "--srpm-repo", f.SRPM, "v4.19.19", f.Good)
	if code != 1 || !strings.Contains(stdout, "v4.19.19 differs from") || !strings.Contains(stdout, "fs/a.c") ||
		!strings.Contains(stdout, "files changed") || stderr != "" {
		t.Errorf("different: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	// verify creates no branch.
	clean(t, f, f.Code, f.Prefix+"/base\n"+f.Prefix+"/pre-base")
}

func TestImportAllCommand(t *testing.T) {
	f := importFixture(t)
	// A third revision: back to the good patches, as an XCP-ng spec.
	spec := srpmtest.Spec("1.4", srpmtest.GoodPatches, true)
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, f.SRPM, "commit", "-q", "-am", "1.4")
	bare := filepath.Join(t.TempDir(), "linux.git")
	fgit(t, f, f.Code, "clone", "-q", "--bare", f.Code, bare)

	code, stdout, stderr := run(t, "--srpm-repo", f.SRPM, "--code-repo", bare, "--all")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if code != 1 || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], f.Prefix+"/base: 7 patch(es)") ||
		!strings.HasPrefix(lines[1], "kernel/xenserver-4.19.19-1.3: failed at "+f.Broken[:12]+": patch 7 ("+srpmtest.BrokenPatch+") does not apply") ||
		!strings.HasPrefix(lines[2], "kernel/xcpng-4.19.19-1.4/base: 7 patch(es)") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// Same patches, same author dates, but another SRPM commit (date and
	// vendor): the trees agree.
	if a, b := fgit(t, f, bare, "rev-parse", f.Prefix+"/base^{tree}"), fgit(t, f, bare, "rev-parse", "kernel/xcpng-4.19.19-1.4/base^{tree}"); a != f.GoodTree || b != f.GoodTree {
		t.Errorf("trees %s and %s, want %s", a, b, f.GoodTree)
	}
	// 1.4 has the vendor marker: where the upstream vendor's patches end
	// is its vendor-base, the commit before carol.patch, the last one.
	all := "kernel/xcpng-4.19.19-1.4/base\nkernel/xcpng-4.19.19-1.4/pre-base\nkernel/xcpng-4.19.19-1.4/vendor-base\n" + f.Prefix + "/base\n" + f.Prefix + "/pre-base"
	if vb := fgit(t, f, bare, "rev-parse", "kernel/xcpng-4.19.19-1.4/vendor-base"); vb != fgit(t, f, bare, "rev-parse", "kernel/xcpng-4.19.19-1.4/base~1") {
		t.Errorf("vendor-base %s is not base~1", vb)
	}
	clean(t, f, bare, all)

	code, stdout, _ = run(t, "--srpm-repo", f.SRPM, "--code-repo", bare, "--all")
	if code != 1 || !strings.Contains(stdout, f.Prefix+": exists, skipped") {
		t.Errorf("second --all: exit %d\n%s", code, stdout)
	}
	clean(t, f, bare, all)
}

func TestImportUsage(t *testing.T) {
	f := importFixture(t)
	shallow := filepath.Join(t.TempDir(), "shallow")
	fgit(t, f, f.SRPM, "clone", "-q", "--depth=1", "file://"+f.SRPM, shallow)
	empty := filepath.Join(t.TempDir(), "empty")
	fgit(t, f, f.SRPM, "init", "-q", empty)
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--srpm-repo", f.SRPM, "no-such-rev"}, 2, `"no-such-rev" is not a revision of the SRPM repository`},
		{[]string{"--srpm-repo", f.SRPM, "a", "b"}, 2, "give one <srpm-rev>"},
		{[]string{"--srpm-repo", f.SRPM, "--all", "HEAD"}, 2, "--all takes no revision"},
		{[]string{"--srpm-repo", f.SRPM, "--", "-x"}, 2, "starts with '-'"},
		{[]string{"--srpm-repo", t.TempDir(), "HEAD"}, 2, "is not a git repository"},
		{[]string{"--srpm-repo", f.SRPM, "--code-repo", t.TempDir(), "HEAD"}, 2, "code repository"},
		{[]string{"--srpm-repo", f.SRPM, "--base-tag", "v%{version}-nope", f.Good}, 1, "v4.19.19-nope (Version 4.19.19): upstream tag not found"},
		{[]string{"--srpm-repo", shallow, "--code-repo", f.Code, "--all"}, 1, "shallow clone"},
		{[]string{"--srpm-repo", empty, "--code-repo", f.Code, "--all"}, 1, "has no commits"},
		{[]string{"--srpm-repo", f.SRPM, "--code-repo", filepath.Join(t.TempDir(), "missing"), f.Good}, 2, "missing is not a git repository"},
		{[]string{"verify", "--srpm-repo", f.SRPM, "x"}, 2, "verify takes <branch> <srpm-rev>"},
		{[]string{"verify", "--srpm-repo", f.SRPM, "nobranch", f.Good}, 2, `"nobranch" is not a branch`},
	}
	for _, c := range cases {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%q: exit %d stderr %q, want %d and %q", c.args, code, stderr, c.code, c.stderr)
		}
	}
	clean(t, f, f.Code, "")
}

func TestImportPrep(t *testing.T) {
	if _, err := exec.LookPath("rpmbuild"); err != nil {
		t.Skip("rpmbuild is not installed (Debian package rpm)")
	}
	f := importFixture(t)
	spec := strings.Replace(srpmtest.Spec("1.2", srpmtest.GoodPatches, false), "%autosetup -p1\n",
		"%autosetup -p1\necho prepared > PREPARED\nrm -f docs/more.txt\n", 1)
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, f.SRPM, "commit", "-q", "-am", "%prep does more")
	code, stdout, stderr := run(t, "--srpm-repo", f.SRPM, "--prep", "HEAD")
	if code != 0 || !strings.HasPrefix(stdout, f.Prefix+"/base: 7 patch(es)") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	base := f.Prefix + "/base"
	if got := fgit(t, f, f.Code, "log", "-1", "--format=%s", base); got != "%prep: what rpmbuild -bp changed beyond the patches" {
		t.Errorf("last commit %q", got)
	}
	// The patches give the same tree as without --prep (rpm's patch
	// agreed with ours, and the .orig backup of the fuzzed file is not
	// kept); %prep's own changes are the last commit.
	if got := fgit(t, f, f.Code, "rev-parse", base+"~1^{tree}"); got != f.GoodTree {
		t.Errorf("tree before %%prep %s, want %s", got, f.GoodTree)
	}
	if got := fgit(t, f, f.Code, "diff-tree", "-r", "--name-status", base+"~1", base); got != "A\tPREPARED\nD\tdocs/more.txt" {
		t.Errorf("%%prep commit:\n%s", got)
	}
	clean(t, f, f.Code, base+"\n"+f.Prefix+"/pre-base")
}

func TestImportPrepFails(t *testing.T) {
	if _, err := exec.LookPath("rpmbuild"); err != nil {
		t.Skip("rpmbuild is not installed (Debian package rpm)")
	}
	f := importFixture(t)
	spec := strings.Replace(srpmtest.Spec("1.2", srpmtest.GoodPatches, false), "%autosetup -p1\n",
		"%autosetup -p1\necho prep says no >&2\nexit 3\n", 1)
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, f.SRPM, "commit", "-q", "-am", "%prep fails")
	code, _, stderr := run(t, "--srpm-repo", f.SRPM, "--prep", "HEAD")
	first, details, _ := strings.Cut(stderr, "\n")
	if code != 1 || !strings.Contains(first, "rpmbuild -bp failed") || !strings.Contains(details, "prep says no") {
		t.Errorf("exit %d\nstderr %q", code, stderr)
	}
	clean(t, f, f.Code, "")
}

// A tarball committed as a Git LFS pointer is built from the code
// repository instead (rpmbuild said "This does not look like a tar
// archive"); another source committed as a pointer is named.
func TestImportPrepLFSPointer(t *testing.T) {
	if _, err := exec.LookPath("rpmbuild"); err != nil {
		t.Fatal("rpmbuild is not installed: scripts/deps.sh installs Debian's rpm")
	}
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 123456789\n"
	f := importFixture(t)
	spec := srpmtest.Spec("1.2", srpmtest.GoodPatches, false)
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.SRPM, "SOURCES", "kernel-4.19.19.tar.gz"), []byte(pointer), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, f.SRPM, "add", "SOURCES", "SPECS")
	fgit(t, f, f.SRPM, "commit", "-q", "-m", "tarball in LFS")
	code, stdout, stderr := run(t, "--srpm-repo", f.SRPM, "--prep", "HEAD")
	if code != 0 || !strings.HasPrefix(stdout, f.Prefix+"/base: 7 patch(es)") {
		t.Fatalf("tarball pointer: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if got := fgit(t, f, f.Code, "rev-parse", f.Prefix+"/base^{tree}"); got != f.GoodTree {
		t.Errorf("tree %s, want %s", got, f.GoodTree)
	}
	if err := os.WriteFile(filepath.Join(f.SRPM, "SOURCES", "extra.patch"), []byte(pointer), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, f.SRPM, "add", "SOURCES")
	fgit(t, f, f.SRPM, "commit", "-q", "-m", "extra in LFS")
	code, _, stderr = run(t, "--srpm-repo", f.SRPM, "--prep", "--force", "HEAD")
	if code != 1 || !strings.Contains(stderr, "the spec's Source1 (extra.patch) is a Git LFS pointer, not the file: run git lfs pull in the SRPM repository") {
		t.Errorf("source pointer: exit %d\nstderr %q", code, stderr)
	}
}
