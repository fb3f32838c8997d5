package kabi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	rules "github.com/patchqueue/pqtools/internal/kabi"
)

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
	return kabi(r.t, &cliutil.IO{Dir: r.dir, GitEnv: r.env}, args...)
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

	if res := r.kabi("commit", "no-such-rev", "--no-edit"); res.code != 2 || !strings.Contains(res.stderr, "unknown revision") {
		t.Errorf("unknown rev: %+v", res)
	}
	if res := r.kabi("commit", "--no-edit", "--", "-x"); res.code != 2 || !strings.Contains(res.stderr, "starts with '-'") {
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

// oneLine fails the test unless res failed with code and a single
// "git kabi: " line containing want and no git command line.
func oneLine(t *testing.T, what string, res result, code int, want string) {
	t.Helper()
	if res.code != code || strings.Count(res.stderr, "\n") != 1 || !strings.HasPrefix(res.stderr, "git kabi: ") ||
		!strings.Contains(res.stderr, want) || strings.Contains(res.stderr, "git rev-parse") ||
		strings.Contains(res.stderr, "git log") || strings.Contains(res.stderr, "git commit -s") {
		t.Errorf("%s: exit %d, stderr %q; want exit %d and one line with %q", what, res.code, res.stderr, code, want)
	}
}

// TestRevertConflict: a revert that conflicts leaves the !kabi message in
// MERGE_MSG, so the git commit -s the error asks for keeps the title, the
// Reverts: trailer and the sign-off.
func TestRevertConflict(t *testing.T) {
	for _, noEdit := range []bool{true, false} {
		r := newRepo(t)
		r.commit("a.h", "struct a { int x; };\n", "base")
		guilty := r.commit("a.h", "struct a { int x; int y; };\n", "mm: grow struct a")
		r.commit("a.h", "struct a { int x; int y; int z; };\n", "mm: grow it more")
		args := []string{"revert", guilty}
		if noEdit {
			args = append(args, "--no-edit")
		}
		res := r.kabi(args...)
		want := "git kabi: " + guilty[:12] + " does not revert cleanly: resolve the conflicts, then run git commit -s (the !kabi message is prepared)\n"
		if res.code != 1 || res.stderr != want {
			t.Fatalf("no-edit=%v: exit %d, stderr %q, want %q", noEdit, res.code, res.stderr, want)
		}
		mergeMsg, err := os.ReadFile(filepath.Join(r.dir, ".git", "MERGE_MSG"))
		if err != nil || string(mergeMsg) != rules.RevertMessage(guilty, "mm: grow struct a") {
			t.Errorf("MERGE_MSG %q %v", mergeMsg, err)
		}
		os.WriteFile(filepath.Join(r.dir, "a.h"), []byte("struct a { int x; int z; };\n"), 0o644)
		r.git("add", "a.h")
		r.git("commit", "-q", "-s", "--no-edit")
		msg := r.git("log", "-1", "--format=%B")
		wantMsg := "!kabi Revert: mm: grow struct a\n\nReverts: " + guilty[:12] + " (\"mm: grow struct a\")\n" +
			"Signed-off-by: C O Mitter <committer@example.com>"
		if msg != wantMsg {
			t.Errorf("message after resolving:\n%s\nwant:\n%s", msg, wantMsg)
		}
	}
}

// TestRevertRefusals: staged changes are not folded into the revert, and a
// revert that changes nothing leaves no revert in progress behind.
func TestRevertRefusals(t *testing.T) {
	r := newRepo(t)
	r.commit("a.h", "struct a { int x; };\n", "base")
	guilty := r.commit("a.h", "struct a { int x; int y; };\n", "mm: grow struct a")
	os.WriteFile(filepath.Join(r.dir, "b.c"), []byte("int b;\n"), 0o644)
	r.git("add", "b.c")
	oneLine(t, "staged", r.kabi("revert", "--no-edit", guilty), 1, "changes are staged")
	if r.git("diff", "--cached", "--name-only") != "b.c" || r.git("rev-parse", "HEAD") != guilty {
		t.Errorf("the staged change or HEAD moved")
	}
	r.git("commit", "-q", "-m", "b")
	r.git("revert", "--no-edit", guilty)
	oneLine(t, "already reverted", r.kabi("revert", "--no-edit", guilty), 1, "changes nothing")
	if _, err := os.Stat(filepath.Join(r.dir, ".git", "REVERT_HEAD")); err == nil {
		t.Error("a revert is left in progress")
	}
}

// TestCommitNeedsStagedWorkTree: nothing staged, or no work tree at all,
// is said in words rather than with git's command line.
func TestCommitNeedsStagedWorkTree(t *testing.T) {
	r := newRepo(t)
	r.commit("a.h", "struct a { int x; };\n", "base")
	head := r.git("rev-parse", "HEAD")
	oneLine(t, "nothing staged", r.kabi("commit", "--no-edit", "HEAD"), 1, "git kabi: nothing staged: git add the kABI fix first")
	oneLine(t, "nothing staged, editor", r.kabi("commit", "HEAD"), 1, "nothing staged")
	if r.git("rev-parse", "HEAD") != head {
		t.Error("a commit was made")
	}

	bare := filepath.Join(t.TempDir(), "bare.git")
	r.git("clone", "-q", "--bare", r.dir, bare)
	for _, dir := range []string{bare, filepath.Join(bare, "refs")} {
		e := &cliutil.IO{Dir: dir, GitEnv: r.env}
		oneLine(t, "bare commit", kabi(t, e, "commit", "--no-edit", "HEAD"), 1, "the repository is bare: git kabi commit needs a work tree")
		oneLine(t, "bare revert", kabi(t, e, "revert", "--no-edit", "HEAD"), 1, "the repository is bare: git kabi revert needs a work tree")
	}
	e := &cliutil.IO{Dir: filepath.Join(r.dir, ".git"), GitEnv: r.env}
	oneLine(t, "in .git", kabi(t, e, "revert", "--no-edit", "HEAD"), 1, "run git kabi revert from the work tree")
}

// TestShallowClone: in a shallow clone the ranges of list and blame stop
// at the cut, so both refuse to run.
func TestShallowClone(t *testing.T) {
	r := newRepo(t)
	r.commit("a.h", "struct a { int x; };\n", "base")
	r.git("tag", "v1")
	guilty := r.commit("a.h", "struct a { int x; int y; };\n", "mm: grow struct a")
	os.WriteFile(filepath.Join(r.dir, "a.h"), []byte("struct a { int x; KABI_HIDE(int y); };\n"), 0o644)
	r.git("add", "a.h")
	if res := r.kabi("commit", "--no-edit", guilty); res.code != 0 {
		t.Fatalf("%+v", res)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	r.git("clone", "-q", "--depth", "1", "file://"+r.dir, clone)
	shallow := &testRepo{t: t, dir: clone, env: r.env}
	shallow.git("fetch", "-q", "--depth", "1", "origin", "tag", "v1")

	oneLine(t, "list", shallow.kabi("list", "v1..HEAD"), 1, "shallow clone, its history is cut: run git fetch --unshallow first")
	st := write(t, filepath.Join(t.TempDir(), "a.symtypes"), "s#a struct a { int x ; }\nf int f ( s#a * )\n")
	oneLine(t, "blame", shallow.kabi("blame", st, st, "v1..HEAD"), 1, "run git fetch --unshallow first")
	// The full repository still works.
	if res := r.kabi("list", "v1..HEAD"); res.code != 0 {
		t.Errorf("list in the full repository: %+v", res)
	}
}

// TestRepoErrors: revisions, empty repositories and missing repositories
// are named, not shown as the git command that failed.
func TestRepoErrors(t *testing.T) {
	r := newRepo(t)
	oneLine(t, "no commits", r.kabi("list", "HEAD"), 1, "git kabi: the repository has no commits yet\n")
	r.commit("a.h", "struct a { int x; };\n", "base")
	oneLine(t, "unknown start", r.kabi("list", "nosuch..HEAD"), 2, "git kabi: list: unknown revision nosuch")
	oneLine(t, "unknown end", r.kabi("list", "HEAD...nosuch"), 2, "unknown revision nosuch")
	oneLine(t, "unknown rev", r.kabi("list", "nosuch"), 2, "unknown revision nosuch")

	st := write(t, filepath.Join(t.TempDir(), "a.symtypes"), "s#a struct a { int x ; }\nf int f ( s#a * )\n")
	outside := t.TempDir()
	oneLine(t, "blame outside a repository", kabi(t, &cliutil.IO{Dir: outside, GitEnv: r.env}, "blame", st, st, "HEAD~1..HEAD"), 2,
		"git kabi: not a git repository: "+outside+"\n")
	missing := filepath.Join(outside, "nonexistent")
	oneLine(t, "blame --repo missing", r.kabi("blame", st, st, "HEAD~1..HEAD", "--repo", missing), 2,
		"git kabi: not a git repository: "+missing+" (no such directory)\n")
	oneLine(t, "list outside a repository", kabi(t, &cliutil.IO{Dir: outside, GitEnv: r.env}, "list", "HEAD"), 2,
		"not a git repository: "+outside)
}
