package e2e

import (
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// hostileCase is one command line against one prepared place.
type hostileCase struct {
	name string
	dir  string // where it runs
	argv []string
	env  []string
}

// pwned is what the hostile specs try to create through %() and %{lua:}.
const pwned = "/tmp/pq-hostile-pwned"

// TestHostile runs bad and hostile inputs through the built commands and
// pins, per case, the exit status and what was printed
// (testdata/TestHostile/<case>). Every case also keeps the rules: stderr
// lines start with "git <command>:", no Go panic or stack trace, no spec
// code run, the user's files unchanged.
func TestHostile(t *testing.T) {
	os.Remove(pwned)
	hostile := filepath.Join(testenv.ModuleRoot(t), "testdata", "hostile")
	tmp := t.TempDir()
	nowhere := filepath.Join(tmp, "nowhere")
	os.MkdirAll(nowhere, 0o755)

	// A small repository: base, a queue of two commits (one titled with
	// an escape sequence), a merge in a second range.
	repo := filepath.Join(tmp, "repo")
	os.MkdirAll(repo, 0o755)
	g := func(dir string, args ...string) string { return git(t, dir, args...) }
	write := func(dir, name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GIT_AUTHOR_DATE=@1546300800 +0000", "GIT_COMMITTER_DATE=@1546300800 +0000"}
	commit := func(dir, msg string) {
		t.Helper()
		if r := runIn(t, dir, env, "git", "commit", "-qam", msg); r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	g(repo, "init", "-q")
	write(repo, "f.c", "a\nb\nc\n")
	g(repo, "add", "f.c")
	commit(repo, "base")
	g(repo, "tag", "v1")
	write(repo, "f.c", "a\nB\nc\n")
	commit(repo, "fix b \x1b]0;owned\x07\x1b[2J now")
	write(repo, "f.c", "a\nB\nC\n")
	commit(repo, "fix c")
	g(repo, "branch", "queue")
	g(repo, "checkout", "-q", "-b", "side", "v1")
	write(repo, "g.c", "g\n")
	g(repo, "add", "g.c")
	commit(repo, "side")
	g(repo, "checkout", "-q", "-b", "merged", "queue")
	if r := runIn(t, repo, env, "git", "merge", "-q", "--no-edit", "side"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	g(repo, "checkout", "-q", "queue")
	shallow := filepath.Join(tmp, "shallow")
	g(tmp, "clone", "-q", "--depth=1", "--branch=queue", "file://"+repo, shallow)
	sha256 := filepath.Join(tmp, "sha256")
	g(tmp, "init", "-q", "--object-format=sha256", sha256)

	// SRPM repositories whose spec tries to run code, or is malformed.
	srpm := func(name, spec string) string {
		t.Helper()
		dir := filepath.Join(tmp, "srpm-"+name)
		b, err := os.ReadFile(filepath.Join(hostile, spec))
		if err != nil {
			t.Fatal(err)
		}
		g(tmp, "init", "-q", dir)
		write(dir, "SPECS/"+name+".spec", string(b))
		write(dir, "SOURCES/a.patch", "--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+A\n")
		g(dir, "add", ".")
		commit(dir, "spec")
		return dir
	}
	evilShell, evilLua, unterminated := srpm("evil-shell", "evil-shell.spec"), srpm("evil-lua", "evil-lua.spec"), srpm("broken", "unterminated-if.spec")
	// A spec whose patches are missing, a Git LFS pointer, and a 32 MiB
	// xz bomb.
	srpmFiles := func(name string, patches []string, files map[string][]byte) string {
		t.Helper()
		dir := filepath.Join(tmp, "srpm-"+name)
		g(tmp, "init", "-q", dir)
		spec := "Name: " + name + "\nVersion: 1\nRelease: 1\nSummary: x\nLicense: MIT\n"
		for i, p := range patches {
			spec += "Patch" + strconv.Itoa(i+1) + ": " + p + "\n"
		}
		spec += "\n%description\nx\n\n%prep\n%autosetup -p1\n"
		write(dir, "SPECS/"+name+".spec", spec)
		for f, b := range files {
			write(dir, "SOURCES/"+f, string(b))
		}
		g(dir, "add", ".")
		commit(dir, "spec")
		return dir
	}
	okPatch := []byte("--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+A\n")
	missing := srpmFiles("missing", []string{"one.patch", "two.patch", "three.patch", "four.patch"}, map[string][]byte{"two.patch": okPatch})
	lfs := srpmFiles("lfs", []string{"big.patch"}, map[string][]byte{"big.patch": []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")})
	xzBomb := runIn(t, tmp, nil, "sh", "-c", "head -c 33554432 /dev/zero | xz -1 -c | base64 -w0")
	bombBytes, err := base64.StdEncoding.DecodeString(xzBomb.stdout)
	if err != nil || xzBomb.code != 0 {
		t.Fatalf("make the xz bomb: %v %s", err, xzBomb.stderr)
	}
	bomb := srpmFiles("bomb", []string{"zeros.patch.xz"}, map[string][]byte{"zeros.patch.xz": bombBytes})
	dupSpec := filepath.Join(tmp, "dup.spec")
	dupSrc, _ := os.ReadFile(filepath.Join(hostile, "renumber-dup.spec"))
	os.WriteFile(dupSpec, dupSrc, 0o644)

	cases := []hostileCase{
		{"review-not-a-repository", nowhere, []string{"git-review-rebase", "a..b"}, nil},
		{"review-symmetric-range", repo, []string{"git-review-rebase", "v1...queue"}, nil},
		{"review-unknown-revision", repo, []string{"git-review-rebase", "--format=text", "nosuch..queue", "v1..queue"}, nil},
		{"review-option-as-revision", repo, []string{"git-review-rebase", "--format=text", "--old-base=--all", "queue~1..queue"}, nil},
		{"review-ranges-after-dashdash", repo, []string{"git-review-rebase", "--format=text", "--", "v1..queue", "v1..queue"}, nil},
		{"review-bad-format", repo, []string{"git-review-rebase", "--format=xml", "v1..queue", "v1..queue"}, nil},
		{"review-merge-in-range", repo, []string{"git-review-rebase", "--format=text", "v1..queue", "v1..merged"}, nil},
		{"review-shallow-clone", shallow, []string{"git-review-rebase", "--format=text", "queue~1..queue"}, nil},
		{"review-sha256", sha256, []string{"git-review-rebase", "a..b"}, nil},
		{"review-escape-in-title", repo, []string{"git-review-rebase", "--format=text", "v1..queue", "v1..queue~1"}, nil},
		{"review-replay-unknown", repo, []string{"git-review-rebase", "replay", "nosuch", "queue"}, nil},
		{"import-spec-runs-shell", evilShell, []string{"git-import-srpm", "--code-repo", repo, "HEAD"}, nil},
		{"import-spec-runs-lua", evilLua, []string{"git-import-srpm", "--code-repo", repo, "HEAD"}, nil},
		{"import-spec-unterminated-if", unterminated, []string{"git-import-srpm", "--code-repo", repo, "HEAD"}, nil},
		{"import-missing-patches", missing, []string{"git-import-srpm", "--code-repo", repo, "HEAD"}, nil},
		{"import-lfs-pointer", lfs, []string{"git-import-srpm", "--code-repo", repo, "HEAD"}, nil},
		{"import-decompression-bomb", bomb, []string{"git-import-srpm", "--code-repo", repo, "--max-patch-size=1M", "HEAD"}, nil},
		{"import-bad-max-patch-size", bomb, []string{"git-import-srpm", "--max-patch-size=lots", "HEAD"}, nil},
		{"import-not-a-repository", nowhere, []string{"git-import-srpm", "HEAD"}, nil},
		{"import-unknown-revision", evilShell, []string{"git-import-srpm", "--code-repo", repo, "nosuch"}, nil},
		{"renumber-duplicate", tmp, []string{"git-import-srpm", "renumber", dupSpec, "2", "-1"}, nil},
		{"kabi-list-unknown-revision", repo, []string{"git-kabi", "list", "v1..nosuch"}, nil},
		{"renumber-missing-spec", tmp, []string{"git-import-srpm", "renumber", filepath.Join(tmp, "none.spec"), "1", "1"}, nil},
		{"kabi-unknown-command", repo, []string{"git-kabi", "frobnicate"}, nil},
		{"kabi-commit-not-a-repository", nowhere, []string{"git-kabi", "commit", "HEAD"}, nil},
		{"kabi-commit-unknown-revision", repo, []string{"git-kabi", "commit", "nosuch"}, nil},
		{"kabi-compare-missing-file", repo, []string{"git-kabi", "compare", filepath.Join(tmp, "none.symtypes"), filepath.Join(hostile, "good.symtypes")}, nil},
		{"kabi-report-not-symtypes", repo, []string{"git-kabi", "report", filepath.Join(hostile, "not-symtypes.txt")}, nil},
		{"kabi-report-no-exports", repo, []string{"git-kabi", "report", filepath.Join(hostile, "types-only.symtypes")}, nil},
		{"kabi-check-symvers-5.4-duplicates", repo, []string{"git-kabi", "check", "-k", filepath.Join(hostile, "dup-Module.kabi"), "-s", filepath.Join(hostile, "Module.symvers-5.4")}, nil},
		{"kabi-check-changed-not-in-symtypes", repo, []string{"git-kabi", "check", "-k", filepath.Join(hostile, "dup-Module.kabi"), "-s", filepath.Join(hostile, "changed-Module.symvers"),
			"-K", filepath.Join(hostile, "good.symtypes"), "-S", filepath.Join(hostile, "good.symtypes")}, nil},
		{"kabi-consolidate-dangling", repo, []string{"git-kabi", "consolidate", "-i", filepath.Join(hostile, "dangling.symtypes"), "-o", filepath.Join(tmp, "dangling.out"), "-k", filepath.Join(hostile, "f-locked")}, nil},
		{"kabi-consolidate-empty-list", repo, []string{"git-kabi", "consolidate", "-i", filepath.Join(hostile, "good.symtypes"), "-o", filepath.Join(tmp, "empty.out"), "--kabi", filepath.Join(hostile, "empty-locked")}, nil},
		{"kabi-smoke-mismatch", repo, []string{"git-kabi", "smoke", "-t", filepath.Join(hostile, "good.symtypes"), "-v", filepath.Join(hostile, "dup-Module.kabi"), "-l", filepath.Join(hostile, "f-locked")}, nil},
		{"kabi-lockedlist-not-elf", repo, []string{"git-kabi", "lockedlist", filepath.Join(tmp, "locked"), filepath.Join(hostile, "not-a-module")}, nil},
		{"kabi-rev-as-commit", repo, []string{"git-kabi", "v1", "--no-edit"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(dupSpec)
			r := runIn(t, c.dir, c.env, c.argv...)
			cmd := "git " + strings.TrimPrefix(c.argv[0], "git-") + ":"
			for i, l := range strings.Split(strings.TrimRight(r.stderr, "\n"), "\n") {
				// Details go indented beneath the line they belong to.
				detail := i > 0 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t"))
				if l != "" && !detail && !strings.HasPrefix(l, cmd) && !strings.HasPrefix(l, "warning:") {
					t.Errorf("stderr line without the %q prefix: %q", cmd, l)
				}
			}
			for _, bad := range []string{"panic:", "goroutine ", ".go:"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr looks like a Go crash:\n%s", r.stderr)
				}
			}
			if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") {
				t.Errorf("raw control characters reached the terminal: %q", r.stdout+r.stderr)
			}
			if _, err := os.Stat(pwned); err == nil {
				t.Fatalf("the spec ran code: %s exists", pwned)
			}
			if after, _ := os.ReadFile(dupSpec); string(after) != string(before) {
				t.Error("a refused renumber changed the spec")
			}
			got := "exit " + strconv.Itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
			got = strings.ReplaceAll(got, tmp, "$TMP")
			got = strings.ReplaceAll(got, hostile, "$HOSTILE")
			golden(t, c.name, got)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", "TestHostile", name), []byte(got), *update)
}
