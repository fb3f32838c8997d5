package reviewrebase

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
