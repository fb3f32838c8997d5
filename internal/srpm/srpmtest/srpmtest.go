// Package srpmtest builds, for tests of git import-srpm, a code repository
// with upstream tags and an SRPM repository (SPECS/kernel.spec and
// SOURCES/*) whose patches exercise every format the import must read:
// git format-patch mails, a mail without a Date, quilt/StGit-style headers,
// a plain diff without headers or .patch suffix, renames, new files with
// modes, deletions, a file without final newline, a patch that only applies
// with fuzz, and a .patch that is a Source, not a patch.
//
// Alongside, it keeps the "truth": a branch of a scratch clone where the
// same changes were made as ordinary commits, whose tree the import must
// reproduce.
package srpmtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// Fixture is a generated pair of repositories.
type Fixture struct {
	Env  *repos.Env
	Code string // non-bare code repository with tags v4.19.18, v4.19.19
	SRPM string // SRPM repository, branch main

	Good      string // SRPM commit whose patches all apply (Release 1.2)
	Broken    string // SRPM commit adding a patch that cannot apply (Release 1.3)
	GoodTree  string // tree the import of Good must give
	Prefix    string // branch prefix of Good: kernel/xenserver-4.19.19-1.2
	NumGood   int    // patches Good applies
	BaseTag   string // v4.19.19
	BrokenNum int    // PatchN of the broken patch
}

// Patch files of Good, in the order the spec applies them.
var GoodPatches = []string{
	"0001-fs-a-alice.patch",   // format-patch mail
	"quilt-b.patch",           // StGit/quilt header, git diff
	"0003-plain",              // plain diff -u, no header, no suffix
	"0004-restructure.patch",  // rename, new 0755 file, deletion, mode change
	"0007-fuzzy.patch",        // needs patch --fuzz=2; git am -3 fails, in a run of mails
	"readme-no-newline.patch", // "\ No newline at end of file"
	"carol.patch",             // mail headers without Date:
}

// BrokenPatch is the patch file of Broken that cannot apply.
const BrokenPatch = "0099-broken.patch"

// Spec is a small kernel spec applying patches with %autosetup, with an
// extra .patch among the sources.
func Spec(release string, patches []string, vendorMarker bool) string {
	var sb strings.Builder
	sb.WriteString("%global xsrel " + release + "\n")
	sb.WriteString("Name: kernel\nVersion: 4.19.19\nRelease: %{?xsrel}%{?dist}\nLicense: GPLv2\nSummary: test kernel\n")
	sb.WriteString("Source0: kernel-4.19.19.tar.gz\nSource1: extra.patch\n")
	for i, p := range patches {
		if vendorMarker && i == len(patches)-1 {
			sb.WriteString("\n# XCP-ng patches\n")
		}
		fmt.Fprintf(&sb, "Patch%d: %s\n", i, p)
	}
	sb.WriteString("\n%description\nA test kernel.\n\n%prep\n%autosetup -p1\n")
	return sb.String()
}

// Build generates the fixture in dir.
func Build(dir string) (*Fixture, error) {
	env, err := repos.NewEnv(dir)
	if err != nil {
		return nil, err
	}
	b := &repos.Builder{Env: env}
	f := &Fixture{Env: env, Code: filepath.Join(dir, "linux"), SRPM: filepath.Join(dir, "kernel"),
		BaseTag: "v4.19.19", Prefix: "kernel/xenserver-4.19.19-1.2", NumGood: len(GoodPatches)}
	code, scratch, srpm := f.Code, filepath.Join(dir, "scratch"), f.SRPM

	// Upstream: two releases and a commit after the second.
	b.Git(dir, "init", "-q", code)
	b.Write(code, "fs/a.c", repos.CFile("a", 40, nil), 0o644)
	b.Write(code, "fs/b.c", repos.CFile("b", 20, nil), 0o644)
	b.Write(code, "drivers/c.c", repos.CFile("c", 20, nil), 0o644)
	b.Write(code, "docs/readme.txt", "Read me.\nNo newline at the end", 0o644)
	b.Write(code, "docs/old.txt", "obsolete\n", 0o644)
	b.Write(code, "scripts/tool.sh", "#!/bin/sh\necho tool\n", 0o644)
	b.Git(code, "add", "-A")
	b.Git(code, "commit", "-q", "-m", "Linux 4.19.18")
	b.Git(code, "tag", "v4.19.18")
	b.Write(code, "fs/a.c", repos.CFile("a", 40, map[int]string{40: "int a_last(void) { return 40; }"}), 0o644)
	b.Git(code, "commit", "-q", "-am", "Linux 4.19.19")
	b.Git(code, "tag", "-a", "-m", "Linux 4.19.19", "v4.19.19")
	b.Write(code, "drivers/c.c", repos.CFile("c", 21, nil), 0o644)
	b.Git(code, "commit", "-q", "-am", "after 4.19.19")

	// The truth: the patches' changes as commits of a scratch clone.
	b.Git(dir, "clone", "-q", code, scratch)
	b.Git(scratch, "checkout", "-q", "-b", "truth", "v4.19.19")
	patches := map[string]string{}
	commit := func(name, email, date, msg string) {
		b.Git(scratch, "add", "-A")
		b.GitAs(scratch, name, email, date, "commit", "-q", "-m", msg)
	}
	diff := func() string { return b.Git(scratch, "diff", "HEAD~", "HEAD") + "\n" }

	// 0: a mail from git format-patch.
	b.Write(scratch, "fs/a.c", repos.CFile("a", 40, map[int]string{5: "int a_5(void) { return 55; }", 40: "int a_last(void) { return 40; }"}), 0o644)
	commit("Alice Example", "alice@example.com", "1546400000 +0100", "fs/a: return 55\n\nAlice's reasons.\n\nSigned-off-by: Alice Example <alice@example.com>")
	patches[GoodPatches[0]] = b.Git(scratch, "format-patch", "-1", "--stdout", "HEAD") + "\n"

	// 1: quilt/StGit style: subject first, From: and Date: below.
	b.Write(scratch, "fs/b.c", repos.CFile("b", 20, map[int]string{3: "int b_3(void) { return 33; }"}), 0o644)
	commit("Bob Quilt", "bob@example.com", "1546500000 +0000", "x")
	patches[GoodPatches[1]] = "fs/b: return 33\n\nFrom: Bob Quilt <bob@example.com>\nDate: Thu, 03 Jan 2019 07:20:00 +0000\n\n" +
		"Bob's body.\n\nSigned-off-by: Bob Quilt <bob@example.com>\n---\n" + diff()

	// 2: a plain diff -u without any header (no "diff --git", no index).
	b.Write(scratch, "drivers/c.c", repos.CFile("c", 20, map[int]string{7: "int c_7(void) { return 77; }"}), 0o644)
	commit("Nobody", "nobody@example.com", "1546600000 +0000", "x")
	var plain []string
	for _, l := range strings.Split(diff(), "\n") {
		if strings.HasPrefix(l, "diff --git") || strings.HasPrefix(l, "index ") {
			continue
		}
		plain = append(plain, l)
	}
	patches[GoodPatches[2]] = strings.Join(plain, "\n")

	// 3: rename, new executable file, deletion, mode change.
	b.Git(scratch, "mv", "fs/b.c", "fs/b2.c")
	b.Write(scratch, "scripts/new.sh", "#!/bin/sh\necho new\n", 0o755)
	b.Git(scratch, "rm", "-q", "docs/old.txt")
	b.Write(scratch, "scripts/tool.sh", "#!/bin/sh\necho tool\n", 0o755)
	commit("Dave Mover", "dave@example.com", "1546700000 -0500", "restructure: move b, add new.sh, drop old.txt")
	patches[GoodPatches[3]] = b.Git(scratch, "format-patch", "-1", "-M", "--stdout", "HEAD") + "\n"

	// 4: a file that keeps lacking its final newline, and one that gains it.
	b.Write(scratch, "docs/readme.txt", "Read me, please.\nNo newline at the end", 0o644)
	b.Write(scratch, "docs/more.txt", "more", 0o644)
	commit("Eve Docs", "eve@example.com", "1546800000 +0000", "x")
	patches[GoodPatches[5]] = "readme: tweak\n\nFrom: Eve Docs <eve@example.com>\n\n" + diff()

	// 5: mail headers without Date:.
	b.Write(scratch, "drivers/c.c", repos.CFile("c", 20, map[int]string{7: "int c_7(void) { return 77; }", 15: "int c_15(void) { return 1515; }"}), 0o644)
	commit("Carol Mail", "carol@example.com", "1546900000 +0000", "x")
	patches[GoodPatches[6]] = "From: Carol Mail <carol@example.com>\nSubject: [PATCH] drivers: carol's change\n\nCarol's body.\n---\n" + diff()

	// 6: a mail made against a context that differs two lines above the
	// change: git am -3 cannot apply it (its blobs are not in the code
	// repository), patch --fuzz=2 can.
	b.Git(scratch, "checkout", "-q", "-b", "fake")
	b.Write(scratch, "fs/a.c", repos.CFile("a", 40, map[int]string{5: "int a_5(void) { return 55; }", 20: "int a_20_elsewhere(void);", 40: "int a_last(void) { return 40; }"}), 0o644)
	commit("Nobody", "nobody@example.com", "1547000000 +0000", "context")
	b.Write(scratch, "fs/a.c", repos.CFile("a", 40, map[int]string{5: "int a_5(void) { return 55; }", 20: "int a_20_elsewhere(void);", 22: "int a_22(void) { return 2222; }", 40: "int a_last(void) { return 40; }"}), 0o644)
	commit("Frank Fuzz", "frank@example.com", "1547100000 +0000", "fs/a: fuzzy change")
	patches[GoodPatches[4]] = b.Git(scratch, "format-patch", "-1", "--stdout", "HEAD") + "\n"
	b.Git(scratch, "checkout", "-q", "truth")
	b.Write(scratch, "fs/a.c", repos.CFile("a", 40, map[int]string{5: "int a_5(void) { return 55; }", 22: "int a_22(void) { return 2222; }", 40: "int a_last(void) { return 40; }"}), 0o644)
	commit("Frank Fuzz", "frank@example.com", "1547100000 +0000", "fs/a: fuzzy change")
	f.GoodTree = b.Git(scratch, "rev-parse", "truth^{tree}")

	// A Source that looks like a patch but must not be applied, and a
	// patch whose context exists nowhere.
	patches["extra.patch"] = "--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,1 +1,1 @@\n-no such line\n+never applied\n"
	patches[BrokenPatch] = "Subject: broken\nFrom: Zed <zed@example.com>\n\n---\n--- a/fs/a.c\n+++ b/fs/a.c\n@@ -10,7 +10,7 @@\n" +
		" nothing\n like\n this\n-exists\n+anywhere\n in\n the\n file\n"

	// The SRPM repository.
	b.Git(dir, "init", "-q", srpm)
	for name, text := range patches {
		b.Write(srpm, filepath.Join("SOURCES", name), text, 0o644)
	}
	b.Write(srpm, "SPECS/kernel.spec", Spec("1.2", GoodPatches, false), 0o644)
	b.Git(srpm, "add", "-A")
	b.Git(srpm, "commit", "-q", "-m", "kernel 4.19.19-1.2")
	f.Good = b.Git(srpm, "rev-parse", "HEAD")
	b.Write(srpm, "SPECS/kernel.spec", Spec("1.3", append(append([]string(nil), GoodPatches...), BrokenPatch), false), 0o644)
	b.Git(srpm, "commit", "-q", "-am", "kernel 4.19.19-1.3: add a broken patch")
	f.Broken = b.Git(srpm, "rev-parse", "HEAD")
	f.BrokenNum = len(GoodPatches)
	if b.Err != nil {
		return nil, b.Err
	}
	return f, nil
}

// Many is a fixture with n generated patches, for benchmarks and for
// interrupting an import that takes a while.
type Many struct {
	Env     *repos.Env
	Code    string
	SRPM    string
	Rev     string   // the SRPM commit
	Patches []string // absolute paths of the patch files, in order (a copy outside the SRPM repository)
	Prefix  string
	Tree    string // the tree the import must give
}

// BuildMany writes a code repository (tag v4.19.19) and an SRPM whose spec
// applies n format-patch mails, one line changed each, spread over a few
// files.
func BuildMany(dir string, n int) (*Many, error) {
	env, err := repos.NewEnv(dir)
	if err != nil {
		return nil, err
	}
	b := &repos.Builder{Env: env}
	m := &Many{Env: env, Code: filepath.Join(dir, "linux"), SRPM: filepath.Join(dir, "kernel"), Prefix: "kernel/xenserver-4.19.19-1"}
	const files, lines = 16, 400
	b.Git(dir, "init", "-q", m.Code)
	for i := 0; i < files; i++ {
		b.Write(m.Code, fmt.Sprintf("drivers/f%02d.c", i), repos.CFile(fmt.Sprintf("f%d", i), lines, nil), 0o644)
	}
	b.Git(m.Code, "add", "-A")
	b.Git(m.Code, "commit", "-q", "-m", "Linux 4.19.19")
	b.Git(m.Code, "tag", "v4.19.19")
	scratch := filepath.Join(dir, "scratch")
	b.Git(dir, "clone", "-q", m.Code, scratch)
	edits := make([]map[int]string, files)
	for i := range edits {
		edits[i] = map[int]string{}
	}
	for k := 0; k < n && b.Err == nil; k++ {
		fi, line := k%files, 1+(k/files*7)%lines
		edits[fi][line] = fmt.Sprintf("int f%d_%d(void) { return %d; } /* patch %d */", fi, line, k, k)
		b.Write(scratch, fmt.Sprintf("drivers/f%02d.c", fi), repos.CFile(fmt.Sprintf("f%d", fi), lines, edits[fi]), 0o644)
		b.Git(scratch, "commit", "-q", "-am", fmt.Sprintf("drivers/f%02d: change %d", fi, k))
	}
	out := filepath.Join(dir, "patches")
	b.Git(scratch, "format-patch", "-q", "-o", out, "v4.19.19..HEAD")
	m.Tree = b.Git(scratch, "rev-parse", "HEAD^{tree}")
	b.Git(dir, "init", "-q", m.SRPM)
	names := b.CopyMails(m.SRPM, out)
	for _, name := range names {
		m.Patches = append(m.Patches, filepath.Join(out, name))
	}
	b.Write(m.SRPM, "SPECS/kernel.spec", manySpec("1", names), 0o644)
	b.Git(m.SRPM, "add", "-A")
	b.Git(m.SRPM, "commit", "-q", "-m", "many patches")
	m.Rev = b.Git(m.SRPM, "rev-parse", "HEAD")
	if b.Err != nil {
		return nil, b.Err
	}
	return m, nil
}

// manySpec is Spec without the extra Source1.
func manySpec(release string, patches []string) string {
	return strings.Replace(Spec(release, patches, false), "Source1: extra.patch\n", "", 1)
}

// Names are the names of the patch files in SOURCES/, in order.
func (m *Many) Names() []string {
	names := make([]string, len(m.Patches))
	for i, p := range m.Patches {
		names[i] = filepath.Base(p)
	}
	return names
}

// CommitSpec commits to the SRPM repository a spec of release applying
// patches (names of files in SOURCES/), a later revision of the package,
// and returns the commit id.
func (m *Many) CommitSpec(release string, patches []string) (string, error) {
	b := &repos.Builder{Env: m.Env}
	b.Write(m.SRPM, "SPECS/kernel.spec", manySpec(release, patches), 0o644)
	b.Git(m.SRPM, "commit", "-q", "-am", "release "+release)
	rev := b.Git(m.SRPM, "rev-parse", "HEAD")
	return rev, b.Err
}

var template struct {
	once sync.Once
	dir  string
	f    *Fixture
	err  error
}

// Prepare builds the template Copy copies, once per test binary: building
// costs a hundred git commands, copying a few milliseconds. TestMain calls
// it before the tests (which may point TMPDIR elsewhere) and Cleanup after.
func Prepare() error {
	template.once.Do(func() {
		if template.dir, template.err = os.MkdirTemp("", "srpmtest-"); template.err == nil {
			template.f, template.err = Build(template.dir)
		}
	})
	return template.err
}

// Copy gives a fresh copy of the fixture in dir.
func Copy(dir string) (*Fixture, error) {
	if err := Prepare(); err != nil {
		return nil, template.err
	}
	f := *template.f
	for _, p := range []*string{&f.Code, &f.SRPM} {
		dst := filepath.Join(dir, filepath.Base(*p))
		if err := os.CopyFS(dst, os.DirFS(*p)); err != nil {
			return nil, err
		}
		*p = dst
	}
	return &f, nil
}

// Cleanup removes the template Copy built.
func Cleanup() {
	if template.dir != "" {
		os.RemoveAll(template.dir)
	}
}
