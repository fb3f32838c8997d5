package reviewrebase

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// explain writes the kernel-style explanation of the conflicted row as a
// note on the new commit, naming the upstream commit that changed its
// context; --check then passes for it. A row no upstream commit explains
// is listed instead, and still fails --check.
func TestExplain(t *testing.T) {
	fx, oldSHA, newSHA := conflictRepo(t)
	g := func(args ...string) string {
		t.Helper()
		out, err := fx.Env.Git(fx.Dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(fx.Dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A second patch, rebased without conflict but changed by its author
	// (a different added line): nothing upstream explains that.
	g("checkout", "-q", "queue-old")
	write("c.c", "c1\nOLD\n")
	g("add", "c.c")
	g("commit", "-q", "-m", "second patch")
	g("checkout", "-q", "queue-new")
	write("c.c", "c1\nNEW\n")
	g("add", "c.c")
	g("commit", "-q", "-m", "second patch")
	newSecond := g("rev-parse", "HEAD")
	g("checkout", "-q", "--detach")
	ranges := []string{"base..queue-old", "up..queue-new"}
	upstream := g("rev-parse", "up")

	check := runIn(t, fx, fx.Dir, append([]string{"--check", "--replay"}, ranges...)...)
	if check.code != 1 || !strings.Contains(check.stdout, "2 commit(s) need a written reason") {
		t.Fatalf("--check before explain: exit %d\n%s", check.code, check.stdout)
	}
	dry := runIn(t, fx, fx.Dir, append([]string{"explain", "--dry-run"}, ranges...)...)
	if dry.code != 0 {
		t.Fatalf("explain --dry-run: exit %d %s", dry.code, dry.stderr)
	}
	golden(t, "dry-run.txt", strings.ReplaceAll(dry.stdout, upstream[:12], "<up>"))
	if _, err := fx.Env.Git(fx.Dir, "notes", "show", newSHA); err == nil {
		t.Fatal("--dry-run wrote a note")
	}
	want := "[" + "Patch Queue Bot: rebase from base to up conflicts:\n" +
		" - a.c: " + upstream[:12] + " (\"upstream\")\n" +
		" - sub/b.c: " + upstream[:12] + " (\"upstream\")\n]\n"
	if !strings.Contains(dry.stdout, want) {
		t.Errorf("explanation:\n%s\nwant:\n%s", dry.stdout, want)
	}
	if !strings.Contains(dry.stdout, "no upstream commit between the bases explains "+newSecond[:12]+" second patch: read it") {
		t.Errorf("the unexplainable row is not listed:\n%s", dry.stdout)
	}

	// An existing note is kept: the explanation is appended.
	g("notes", "add", "-m", "Reviewed by hand.", newSHA)
	r := runIn(t, fx, fx.Dir, append([]string{"explain"}, ranges...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "explained "+newSHA[:12]+" the patch: 1 upstream commit(s) in 2 file(s)") {
		t.Fatalf("explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if note := g("notes", "show", newSHA); note != "Reviewed by hand.\n\n"+strings.TrimSuffix(want, "\n") {
		t.Errorf("note:\n%s", note)
	}
	_ = oldSHA
	// --check: the explained row passes, the other still needs words.
	check = runIn(t, fx, fx.Dir, append([]string{"--check", "--replay"}, ranges...)...)
	if check.code != 1 || !strings.Contains(check.stdout, "1 commit(s) need a written reason") || !strings.Contains(check.stdout, "second patch") {
		t.Errorf("--check after explain: exit %d\n%s", check.code, check.stdout)
	}
	// A second run explains nothing again.
	again := runIn(t, fx, fx.Dir, append([]string{"explain"}, ranges...)...)
	if strings.Contains(again.stdout, "explained ") {
		t.Errorf("a second explain wrote again:\n%s", again.stdout)
	}
}

// Two upstream commits changed one conflict region: both are named, in
// the order of the lines; a queue commit before the patch is not.
func TestExplainTwoUpstreamCommits(t *testing.T) {
	sc := repos.NewScratch(t)
	g := sc.Git
	sc.Write("f.c", "l1\nl2\nl3\nl4\nl5\n")
	g("add", "f.c")
	g("commit", "-qm", "base")
	g("tag", "v1")
	sc.Write("f.c", "l1\nl2\nUP3\nl4\nl5\n")
	g("commit", "-qam", "upstream: change l3")
	sc.Write("f.c", "l1\nl2\nUP3\nUP4\nl5\n")
	g("commit", "-qam", "upstream: change l4")
	g("tag", "v2")
	up3, up4 := g("rev-parse", "v2~1"), g("rev-parse", "v2")
	g("checkout", "-q", "-b", "old", "v1")
	sc.Write("f.c", "l1\nl2\nP3\nP4\nl5\n")
	g("commit", "-qam", "the patch")
	g("checkout", "-q", "-b", "new", "v2")
	sc.Write("f.c", "l1\nl2\nUP3+P\nUP4+P\nl5\n")
	g("commit", "-qam", "the patch")
	fx := &repos.Fixture{Dir: sc.Dir, Env: sc.Env}
	r := runIn(t, fx, sc.Dir, "explain", "--dry-run", "v1..old", "v2..new")
	want := "[Patch Queue Bot: rebase from v1 to v2 conflicts:\n" +
		" - f.c: " + up3[:12] + " (\"upstream: change l3\")\n" +
		" - f.c: " + up4[:12] + " (\"upstream: change l4\")\n]\n"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("explain: exit %d\n%s%s\nwant\n%s", r.code, r.stdout, r.stderr, want)
	}
	explainThenCheck(t, fx, "note.txt", "v1..old", "v2..new")
}

// explainThenCheck runs explain for real, pins the note it wrote on the
// new tip (golden name), and checks --check --replay then passes.
func explainThenCheck(t *testing.T, fx *repos.Fixture, name string, ranges ...string) {
	t.Helper()
	if r := runIn(t, fx, fx.Dir, append([]string{"explain"}, ranges...)...); r.code != 0 || !strings.Contains(r.stdout, "explained ") {
		t.Fatalf("explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	note, err := fx.Env.Git(fx.Dir, "notes", "show", "new")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, name, note+"\n")
	if r := runIn(t, fx, fx.Dir, append([]string{"--check", "--replay"}, ranges...)...); r.code != 0 {
		t.Errorf("--check after explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A file renamed upstream: the patch follows it to its new path, and the
// upstream commit that renamed it is the explanation.
func TestExplainRenamedUpstream(t *testing.T) {
	sc := repos.NewScratch(t)
	g := sc.Git
	sc.Write("old/f.c", "l1\nl2\nl3\nl4\nl5\n")
	g("add", ".")
	g("commit", "-qm", "base")
	g("tag", "v1")
	g("mv", "old/f.c", "new.c")
	g("commit", "-qm", "upstream: move f.c")
	g("tag", "v2")
	move := g("rev-parse", "v2")
	g("checkout", "-q", "-b", "old", "v1")
	sc.Write("old/f.c", "l1\nl2\nP3\nl4\nl5\n")
	g("commit", "-qam", "the patch")
	g("checkout", "-q", "-b", "new", "v2")
	sc.Write("new.c", "l1\nl2\nP3 and more\nl4\nl5\n")
	g("commit", "-qam", "the patch")
	fx := &repos.Fixture{Dir: sc.Dir, Env: sc.Env}
	r := runIn(t, fx, sc.Dir, "explain", "--dry-run", "v1..old", "v2..new")
	want := " - new.c: " + move[:12] + " (\"upstream: move f.c\")\n"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("explain: exit %d\n%s%s\nwant %q", r.code, r.stdout, r.stderr, want)
	}
	explainThenCheck(t, fx, "note.txt", "v1..old", "v2..new")
}

// Context moved by upstream (lines inserted above the patch): the replay
// is identical, nothing needs explaining, and --check --replay passes.
func TestExplainContextMoved(t *testing.T) {
	sc := repos.NewScratch(t)
	g := sc.Git
	sc.Write("f.c", "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n")
	g("add", "f.c")
	g("commit", "-qm", "base")
	g("tag", "v1")
	sc.Write("f.c", "u1\nu2\nl1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n")
	g("commit", "-qam", "upstream: two lines on top")
	g("tag", "v2")
	g("checkout", "-q", "-b", "old", "v1")
	sc.Write("f.c", "l1\nl2\nl3\nl4\nl5\nl6\nP7\nl8\n")
	g("commit", "-qam", "the patch")
	g("checkout", "-q", "-b", "new", "v2")
	sc.Write("f.c", "u1\nu2\nl1\nl2\nl3\nl4\nl5\nl6\nP7\nl8\n")
	g("commit", "-qam", "the patch")
	fx := &repos.Fixture{Dir: sc.Dir, Env: sc.Env}
	r := runIn(t, fx, sc.Dir, "explain", "v1..old", "v2..new")
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to explain") {
		t.Errorf("explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runIn(t, fx, sc.Dir, "--check", "--replay", "v1..old", "v2..new"); r.code != 0 {
		t.Errorf("--check --replay: exit %d\n%s", r.code, r.stdout)
	}
}
