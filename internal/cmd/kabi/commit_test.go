package kabi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTemplates(t *testing.T) {
	sha := "0123456789abcdef0123456789abcdef01234567"
	long := strings.Repeat("é", 85)
	for _, tc := range []struct{ got, want string }{
		{commitMessage(sha, "net: fix it"), "!kabi net: fix it\n\n\nFixes: 0123456789ab (\"net: fix it\")\n"},
		{commitMessage(sha, long), "!kabi " + strings.Repeat("é", 80) + "…\n\n\nFixes: 0123456789ab (\"" + long + "\")\n"},
		{commitMessage(sha, strings.Repeat("x", 80)), "!kabi " + strings.Repeat("x", 80) + "\n\n\nFixes: 0123456789ab (\"" + strings.Repeat("x", 80) + "\")\n"},
		{revertMessage(sha, long), "!kabi Revert: " + long + "\n\n\nReverts: 0123456789ab (\"" + long + "\")\n"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}

// gitEnv pins everything git reads from the environment, so commit ids are
// stable and the developer's configuration does not leak in.
func gitEnv(home string) []string {
	return []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME=A U Thor", "GIT_AUTHOR_EMAIL=author@example.com", "GIT_AUTHOR_DATE=2024-01-02T03:04:05Z",
		"GIT_COMMITTER_NAME=C O Mitter", "GIT_COMMITTER_EMAIL=committer@example.com", "GIT_COMMITTER_DATE=2024-01-02T03:04:05Z",
		"GIT_EDITOR=true", "LC_ALL=C",
	}
}

type testRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newRepo(t *testing.T) *testRepo {
	t.Helper()
	r := &testRepo{t: t, dir: t.TempDir(), env: gitEnv(t.TempDir())}
	r.git("init", "-q", "-b", "main")
	r.git("config", "core.abbrev", "7")
	return r
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), r.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) commit(file, content, subject string) string {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, file), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.git("add", file)
	r.git("commit", "-q", "-m", subject)
	return r.git("rev-parse", "HEAD")
}

func (r *testRepo) kabi(args ...string) result {
	r.t.Helper()
	return kabi(r.t, &env{dir: r.dir, gitEnv: r.env}, args...)
}

func TestCommitCmd(t *testing.T) {
	r := newRepo(t)
	r.commit("a.h", "struct a { int x; };\n", "base")
	subject := "mm: add a field to struct a that is long enough to need cutting at eighty characters"
	guilty := r.commit("a.h", "struct a { int x; int y; };\n", subject)
	if err := os.WriteFile(filepath.Join(r.dir, "a.h"), []byte("struct a { int x; KABI_HIDE(int y); };\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.git("add", "a.h")

	// Options may follow the revision; the editor (GIT_EDITOR=true) keeps
	// the template.
	res := r.kabi("commit", "HEAD", "--no-edit")
	if res.code != 0 {
		t.Fatalf("%+v", res)
	}
	msg := r.git("log", "-1", "--format=%B")
	want := "!kabi " + subject[:80] + "…\n\nFixes: " + guilty[:12] + " (\"" + subject + "\")\n" +
		"Signed-off-by: C O Mitter <committer@example.com>"
	if msg != want {
		t.Errorf("message:\n%s\nwant:\n%s", msg, want)
	}

	// With the editor: same template, still signed off.
	os.WriteFile(filepath.Join(r.dir, "b"), []byte("b\n"), 0o644)
	r.git("add", "b")
	if res := r.kabi("commit", guilty[:7]); res.code != 0 {
		t.Fatalf("%+v", res)
	}
	if msg := r.git("log", "-1", "--format=%B"); msg != want {
		t.Errorf("edited message:\n%s\nwant:\n%s", msg, want)
	}

	if res := r.kabi("commit", "no-such-rev", "--no-edit"); res.code != 1 || !strings.Contains(res.stderr, "unknown revision") {
		t.Errorf("unknown rev: %+v", res)
	}
	if res := r.kabi("commit", "--no-edit", "--", "-x"); res.code != 1 || !strings.Contains(res.stderr, "starts with '-'") {
		t.Errorf("option-like rev: %+v", res)
	}
}

func TestRevertAndList(t *testing.T) {
	r := newRepo(t)
	base := r.commit("a.h", "struct a { int x; };\n", "base")
	guilty := r.commit("a.h", "struct a { int x; int y; };\n", "mm: grow struct a")
	r.commit("b.c", "int b;\n", "unrelated")

	res := r.kabi("revert", "--no-edit", guilty)
	if res.code != 0 {
		t.Fatalf("%+v", res)
	}
	msg := r.git("log", "-1", "--format=%B")
	want := "!kabi Revert: mm: grow struct a\n\nReverts: " + guilty[:12] + " (\"mm: grow struct a\")\n" +
		"Signed-off-by: C O Mitter <committer@example.com>"
	if msg != want {
		t.Errorf("message:\n%s\nwant:\n%s", msg, want)
	}
	if got, _ := os.ReadFile(filepath.Join(r.dir, "a.h")); string(got) != "struct a { int x; };\n" {
		t.Errorf("a.h not reverted: %q", got)
	}
	revert := r.git("rev-parse", "HEAD")

	res = r.kabi("list", base+"..HEAD")
	wantList := revert[:12] + " !kabi Revert: mm: grow struct a\n\tReverts: " + guilty[:12] + " (\"mm: grow struct a\"): in range\n"
	if res.code != 0 || res.stdout != wantList {
		t.Errorf("list: exit %d\n%s\nwant:\n%s", res.code, res.stdout, wantList)
	}

	// After a rebase the trailer names the old commit: flagged, with the
	// new commit of the same title pointed out.
	r.git("checkout", "-q", "-b", "rebased", base)
	r.commit("c.c", "int c;\n", "new base")
	newBase := r.git("rev-parse", "HEAD")
	r.git("cherry-pick", guilty)
	moved := r.git("rev-parse", "HEAD")
	r.git("cherry-pick", revert)
	res = r.kabi("list", newBase+"..HEAD")
	kabiCommit := r.git("rev-parse", "HEAD")
	wantList = kabiCommit[:12] + " !kabi Revert: mm: grow struct a\n\tReverts: " + guilty[:12] +
		" (\"mm: grow struct a\"): NOT IN RANGE, same title as " + moved[:12] + "\n"
	if res.code != 1 || res.stdout != wantList {
		t.Errorf("list after rebase: exit %d\n%s\nwant:\n%s", res.code, res.stdout, wantList)
	}
}
