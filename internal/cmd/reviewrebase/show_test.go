package reviewrebase

import (
	"strings"
	"testing"
)

// show prints the pair side by side as text: golden at 80 and 160
// columns, changed tokens marked without colour; -p prints it under every
// changed row of the review.
func TestShow(t *testing.T) {
	fx := newFixture(t)
	old, new := fx.Commits["old:context"], fx.Commits["new:context"]
	for _, width := range []string{"80", "160"} {
		r := runIn(t, fx, fx.Dir, "show", "--width="+width, old, new)
		if r.code != 0 {
			t.Fatalf("show --width=%s: exit %d %s", width, r.code, r.stderr)
		}
		golden(t, "show-"+width+".txt", r.stdout)
		for i, l := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
			if n := len([]rune(l)); n > 80 && width == "80" {
				t.Errorf("line %d is %d columns wide", i+1, n)
			}
		}
	}
	r := runIn(t, fx, fx.Dir, "show", "--width=160", old, new)
	if !strings.Contains(r.stdout, "if (ret{+ < 0+})") || strings.Contains(r.stdout, "\x1b") {
		t.Errorf("changed tokens not marked, or colour in a pipe:\n%s", r.stdout)
	}
	if c := runIn(t, fx, fx.Dir, "show", "--color=always", "--width=160", old, new); !strings.Contains(c.stdout, "\x1b[7m") {
		t.Errorf("--color=always: no reverse video for the changed tokens")
	}
	// --blame names, beside the changed context line of the new side, the
	// upstream commit that changed it.
	ctxCommit := gitIn(t, fx, "log", "--format=%H", "-1", "--grep=only fail on negative return in foo1_fn0", fx.NewBase)
	b := runIn(t, fx, fx.Dir, "show", "--blame", "--width=200", old, new)
	if b.code != 0 {
		t.Fatalf("--blame: exit %d %s", b.code, b.stderr)
	}
	golden(t, "show-blame-200.txt", b.stdout)
	found := false
	for _, l := range strings.Split(b.stdout, "\n") {
		if strings.Contains(l, "{+ < 0+}") {
			found = strings.Contains(l, ctxCommit[:8]+"         if (ret")
			if !found {
				t.Errorf("the moved context line is not blamed on %s:\n%s", ctxCommit[:8], l)
			}
		}
	}
	if !found {
		t.Errorf("no changed context line in:\n%s", b.stdout)
	}
	// -p: the list, then each title/similar row's side-by-side.
	p := runIn(t, fx, fx.Dir, "--format=text", "-p", "--width=160", fx.OldBase+".."+fx.OldTip, fx.NewBase+".."+fx.NewTip)
	if p.code != 0 || !strings.Contains(p.stdout, r.stdout) {
		t.Errorf("-p does not hold the pair's side-by-side: exit %d %s", p.code, p.stderr)
	}
	for _, bad := range [][]string{
		{"show", old},
		{"show", "--width=10", old, new},
		{"show", "--color=sometimes", old, new},
		{"--format=json", "-p", "a..b", "c..d"},
	} {
		if r := runIn(t, fx, fx.Dir, bad...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, r.code)
		}
	}
}
