package review

import (
	"strings"
	"testing"
)

// Titles and notes come from anyone's commits: the text output shows
// their control characters escaped, and nothing else changes.
func TestTextOutputEscapesControls(t *testing.T) {
	old := &Commit{SHA: strings.Repeat("a", 40), Title: "fix \x1b]0;owned\x07 title\rX"}
	up := &Commit{SHA: strings.Repeat("b", 40), Title: "[media] dvb: \x1b[2Jclear"}
	res := &Result{Rows: []Row{
		{Status: StatusDropped, Old: old, Note: "dropped:\x1b[31m red\nsecond\tline\u009b"},
		{Status: StatusTitle, Old: old, New: old, AlsoUpstream: up},
	}}
	var b strings.Builder
	if err := WriteText(&b, res, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\r", "\x07", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("text output holds %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{`fix \e]0;owned\x07 title\rX`, `note: dropped:\e[31m red`, `second\tline\u009b`, `also upstream: bbbbbbbbbbbb [media] dvb: \e[2Jclear`} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := WriteCheck(&b, []Offender{{Row: &res.Rows[0], Reason: "dropped without a note"}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") || !strings.Contains(b.String(), `fix \e]0;owned`) {
		t.Errorf("check output:\n%q", b.String())
	}
}
