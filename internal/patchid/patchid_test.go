package patchid_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// ours computes ids the way the product does: one diff-tree stream.
func ours(t *testing.T, r *git.Repo, commits []string) map[string]patchid.Result {
	t.Helper()
	got := map[string]patchid.Result{}
	err := r.StreamPatches(context.Background(), commits, nil, func(rd io.Reader) error {
		sc := patchid.NewScanner(rd)
		for sc.Scan() {
			got[sc.Result().Commit] = sc.Result()
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// oracle is `git diff-tree -p ... <commit> | git patch-id --stable`, exactly
// the definition the product promises to follow (--root so that root
// commits, never part of a queue, are compared too).
func oracle(t *testing.T, env *repos.Env, dir, commit string) string {
	t.Helper()
	diff := exec.Command("git", "diff-tree", "--root", "-p", "--full-index", "--no-renames", "--diff-algorithm=myers", "--no-indent-heuristic", commit)
	diff.Dir, diff.Env = dir, env.Environ()
	d, err := diff.Output()
	if err != nil {
		t.Fatal(err)
	}
	pid := exec.Command("git", "patch-id", "--stable")
	pid.Dir, pid.Env = dir, env.Environ()
	pid.Stdin = strings.NewReader(string(d))
	out, err := pid.Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return ""
	}
	if len(f) != 2 || f[1] != commit {
		t.Fatalf("git patch-id for %s printed %q", commit, out)
	}
	return f[0]
}

// internalOracle is git's internal stable patch-id, which format-patch
// prints for prerequisite commits: the commit is made the only prerequisite
// of a one-commit series on top of it.
func internalOracle(t *testing.T, env *repos.Env, dir, commit string) string {
	t.Helper()
	run := func(args ...string) string {
		out, err := env.Git(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tree := run("rev-parse", commit+"^{tree}")
	blob, err := env.GitInput(dir, []byte("x\n"), "hash-object", "-w", "--stdin")
	if err != nil {
		t.Fatal(err)
	}
	tree2, err := env.GitInput(dir, []byte(mktreeLines(t, env, dir, tree)+"100644 blob "+blob+"\tzz-oracle\n"), "mktree")
	if err != nil {
		t.Fatal(err)
	}
	top := run("commit-tree", tree2, "-p", commit, "-m", "oracle")
	out := run("format-patch", "--stdout", "--base="+commit+"^", commit+".."+top)
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "prerequisite-patch-id: "); ok {
			return v
		}
	}
	t.Fatalf("format-patch printed no prerequisite-patch-id for %s", commit)
	return ""
}

func mktreeLines(t *testing.T, env *repos.Env, dir, tree string) string {
	out, err := env.Git(dir, "ls-tree", tree)
	if err != nil {
		t.Fatal(err)
	}
	if out == "" {
		return ""
	}
	return out + "\n"
}

func TestMatchesGitOnFixture(t *testing.T) {
	fx, err := repos.Build(t.TempDir()+"/repo", repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, fx.Env, fx.Dir)
}

func TestMatchesGitOnEdgeCases(t *testing.T) {
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	named, _, err := repos.Edge(env, dir+"/repo")
	if err != nil {
		t.Fatal(err)
	}
	got := checkAll(t, env, dir+"/repo")
	if got[named["empty"]].ID != (patchid.ID{}) {
		t.Errorf("empty commit has patch-id %s", got[named["empty"]].ID)
	}
	// git patch-id cannot tell these apart; the internal id can and must.
	a, b := got[named["binary-a"]], got[named["binary-b"]]
	if !a.Binary || !b.Binary || a.ID == b.ID {
		t.Errorf("different binary changes share patch-id %s (binary=%v,%v)", a.ID, a.Binary, b.Binary)
	}
	if oracle(t, env, dir+"/repo", named["binary-a"]) != oracle(t, env, dir+"/repo", named["binary-b"]) {
		t.Log("note: git patch-id now distinguishes binary changes")
	}
}

// checkAll compares every non-merge commit of every ref with the oracles.
func checkAll(t *testing.T, env *repos.Env, dir string) map[string]patchid.Result {
	t.Helper()
	r := &git.Repo{Dir: dir, Env: env.Vars}
	list, err := env.Git(dir, "rev-list", "--all", "--no-merges")
	if err != nil {
		t.Fatal(err)
	}
	commits := strings.Fields(list)
	got := ours(t, r, commits)
	if len(got) != len(commits) {
		t.Fatalf("scanned %d commits, asked for %d", len(got), len(commits))
	}
	binaries := 0
	for _, c := range commits {
		res := got[c]
		if res.Binary {
			if parents, _ := env.Git(dir, "rev-list", "--parents", "-n1", c); !strings.Contains(parents, " ") {
				continue // format-patch --base needs a parent; queue commits always have one
			}
			binaries++
			if want := internalOracle(t, env, dir, c); res.ID.String() != want {
				t.Errorf("%s (binary): got %s, git's internal id %s", c, res.ID, want)
			}
			continue
		}
		if want := oracle(t, env, dir, c); res.ID.String() != want {
			t.Errorf("%s: got %q, git patch-id --stable %q", c, res.ID, want)
		}
	}
	if binaries == 0 {
		t.Error("no binary commit was checked")
	}
	t.Logf("%d commits checked, %d binary", len(commits), binaries)
	return got
}

func TestCompute(t *testing.T) {
	diff := "diff --git a/f b/f\nindex 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
	spaced := strings.ReplaceAll(diff, "+b\n", "+ b \n")
	if patchid.Compute([]byte(diff)).ID != patchid.Compute([]byte(spaced)).ID {
		t.Error("whitespace changes the patch-id; git ignores it")
	}
	if patchid.Compute([]byte(diff)).ID == patchid.Compute([]byte(strings.ReplaceAll(diff, "+b\n", "+c\n"))).ID {
		t.Error("different content, same id")
	}
	if !patchid.Compute(nil).ID.IsZero() {
		t.Error("empty diff has an id")
	}
}

// IDs of a series of format-patch mails, of one mail and of a bare diff
// are what git patch-id --stable prints for the same text.
func TestIDsOfMails(t *testing.T) {
	fx, err := repos.Build(t.TempDir()+"/repo", repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	git := func(stdin string, args ...string) string {
		t.Helper()
		c := exec.Command("git", args...)
		c.Dir, c.Env, c.Stdin = fx.Dir, fx.Env.Environ(), strings.NewReader(stdin)
		out, err := c.Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	series := git("", "format-patch", "--stdout", "--full-index", "-3", "queue-old")
	mail := git("", "format-patch", "--stdout", "--full-index", "-1", "queue-old")
	diff := git("", "diff-tree", "-p", "--full-index", "queue-old")
	for name, text := range map[string]string{"series": series, "mail": mail, "diff": diff} {
		var want []string
		for _, l := range strings.Split(strings.TrimSpace(git(text, "patch-id", "--stable")), "\n") {
			if f := strings.Fields(l); len(f) == 2 {
				want = append(want, f[0])
			}
		}
		ids, err := patchid.IDs([]byte(text))
		var got []string
		for _, id := range ids {
			got = append(got, id.String())
		}
		if err != nil || strings.Join(got, " ") != strings.Join(want, " ") || len(want) == 0 {
			t.Errorf("%s: IDs %v (%v), git patch-id --stable %v", name, got, err, want)
		}
	}
}

func FuzzScanner(f *testing.F) {
	f.Add([]byte("0123456789012345678901234567890123456789\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"))
	f.Add([]byte("diff --git \"a/x\\303\" \"b/x\\303\"\nBinary files a/x and b/x differ\n@@ -0,0 +1,2 @@\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc := patchid.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			_ = sc.Result()
		}
		_ = patchid.Compute(b)
		_, _ = patchid.IDs(b)
	})
}

func TestCacheRoundTripAndCorruption(t *testing.T) {
	in := map[string]patchid.Result{
		"0123456789abcdef0123456789abcdef01234567": {ID: patchid.Compute([]byte("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n")).ID},
		"89abcdef0123456789abcdef0123456789abcdef": {Binary: true, ID: patchid.ID{1, 2, 3}},
		"fedcba9876543210fedcba9876543210fedcba98": {}, // empty commit: cached as "no id"
	}
	data := patchid.EncodeCache(in)
	out, err := patchid.DecodeCache(data)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if got := out[k]; got.ID != v.ID || got.Binary != v.Binary || got.Commit != k {
			t.Errorf("%s: got %+v want %+v", k, got, v)
		}
	}
	for _, bad := range [][]byte{nil, data[:len(data)-1], append([]byte("x"), data[1:]...), flip(data, len(data)/2)} {
		if _, err := patchid.DecodeCache(bad); err == nil {
			t.Errorf("damaged cache of %d bytes accepted", len(bad))
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x40
	return c
}

func FuzzDecodeCache(f *testing.F) {
	f.Add(patchid.EncodeCache(map[string]patchid.Result{"0123456789abcdef0123456789abcdef01234567": {}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := patchid.DecodeCache(b); err == nil {
			if again, err := patchid.DecodeCache(patchid.EncodeCache(m)); err != nil || len(again) != len(m) {
				t.Fatal("re-encoded cache does not decode the same")
			}
		}
	})
}

// Random diffs, in one stream, get the ids git patch-id --stable gives
// them: lines of letters, punctuation, non-ASCII bytes, the characters
// that start diff lines (+, -, @, "diff") and every kind of white space
// (git strips space, tab, newline and carriage return, and keeps form
// feeds and vertical tabs), in hunks of context, removed and added lines,
// and files without a final newline. Stripping a form feed, as the scanner
// did, fails 237 of the 300.
func TestMatchesGitOnRandomDiffs(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	const alphabet = "ab(),; \t\f\v\r+-@dif\\\xc3\xa9"
	line := func() string {
		b := make([]byte, rng.IntN(8))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	var stream strings.Builder
	var commits []string
	for range 300 {
		c := hex(40)
		commits = append(commits, c)
		stream.WriteString(c + "\n")
		for f := range 1 + rng.IntN(2) {
			path := fmt.Sprintf("d/f%d.c", f)
			fmt.Fprintf(&stream, "diff --git a/%s b/%s\nindex %s..%s 100644\n--- a/%s\n+++ b/%s\n", path, path, hex(40), hex(40), path, path)
			start := 1
			for h := range 1 + rng.IntN(2) {
				var body strings.Builder
				before, after := 0, 0
				for range 1 + rng.IntN(6) {
					switch rng.IntN(3) {
					case 0:
						body.WriteString(" " + line() + "\n")
						before++
						after++
					case 1:
						body.WriteString("-" + line() + "\n")
						before++
					default:
						body.WriteString("+" + line() + "\n")
						after++
					}
				}
				fmt.Fprintf(&stream, "@@ -%d,%d +%d,%d @@\n%s", start, before, start, after, body.String())
				if h == 0 && rng.IntN(8) == 0 {
					stream.WriteString("\\ No newline at end of file\n")
					break
				}
				start += before + 10
			}
		}
	}
	c := exec.Command("git", "patch-id", "--stable")
	c.Stdin = strings.NewReader(stream.String())
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			want[f[1]] = f[0]
		}
	}
	got := map[string]string{}
	sc := patchid.NewScanner(strings.NewReader(stream.String()))
	for sc.Scan() {
		if r := sc.Result(); !r.ID.IsZero() {
			got[r.Commit] = r.ID.String()
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) < 250 {
		t.Fatalf("git gave %d ids for 300 patches: the generator is wrong", len(want))
	}
	for _, c := range commits {
		if got[c] != want[c] {
			t.Errorf("%.12s: got %q, git patch-id --stable %q", c, got[c], want[c])
		}
	}
}
