package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/sbs"
)

// The first "]" goes to the first real change, past the commit and index
// lines that differ in every pair.
func TestNextChangeSkipsIDLines(t *testing.T) {
	old := "commit 1111111111111111111111111111111111111111\n\n    fix\n\n" +
		"diff --git a/f.c b/f.c\nindex 1111111..2222222 100644\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n d\n"
	nw := "commit 2222222222222222222222222222222222222222\n\n    fix\n\n" +
		"diff --git a/f.c b/f.c\nindex 3333333..4444444 100644\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n a\n-b\n+C\n d\n"
	v := NewPatchView(sbs.New(old, nw), "old", "new")
	v.SetRect(0, 0, 120, 30)
	if !v.NextChange(1) {
		t.Fatal("no change found")
	}
	if got := v.Layout().Rows[v.Cursor()]; got.Right.Text != "+C" {
		t.Errorf("first ] stops at %q | %q, want the +C line", got.Left.Text, got.Right.Text)
	}
	if v.NextChange(1) {
		t.Errorf("a second change after %q", v.Layout().Rows[v.Cursor()].Right.Text)
	}
	if v.NextChange(-1) {
		t.Errorf("[ stops at %q: the id lines are no change", v.Layout().Rows[v.Cursor()].Left.Text)
	}
}

// At 80 columns the old and new columns share the width: each shows its
// commit id and the start of its title.
func TestTable80Columns(t *testing.T) {
	h := start(t)
	defer h.ui.App().Stop()
	h.Sim.SetSize(80, 30)
	s := h.WaitFor("80 columns", func(s string) bool {
		var w int
		h.OnUI(func() { _, w, _ = h.Sim.GetContents() })
		return w == 80 && strings.Contains(s, "status")
	})
	shaCols := 0
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "= patch-id") {
			f := strings.Fields(line)
			if len(f[0]) == 12 && len(f[len(f)-1]) > 0 {
				// The new side holds a 12-digit id followed by title words.
				for i, w := range f {
					if i > 0 && len(w) == 12 && isHexWord(w) && i+1 < len(f) {
						shaCols++
						break
					}
				}
			}
		}
	}
	if shaCols == 0 {
		t.Errorf("no patch-id row shows the new commit's id at 80 columns:\n%s", s)
	}
}

func isHexWord(w string) bool {
	for _, c := range w {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// The filter dialog says its keys.
func TestFilterDialogShowsKeys(t *testing.T) {
	h := start(t)
	defer h.ui.App().Stop()
	h.Key(tcell.KeyRune, 'f')
	s := h.WaitFor("the filter dialog", func(s string) bool { return strings.Contains(s, "filter rows by status") })
	for _, want := range []string{"Tab/Shift-Tab: next/previous", "Esc or Apply: apply and close", "C (in the table): clear filters", "Apply"} {
		if !strings.Contains(s, want) {
			t.Errorf("the filter dialog lacks %q:\n%s", want, s)
		}
	}
}

// While the blame column loads, the patch view's title says how far it
// is (the status bar is hidden behind the view).
func TestBlameProgressShows(t *testing.T) {
	h := start(t)
	defer h.ui.App().Stop()
	gate := make(chan struct{})
	h.OnUI(func() { h.be.blameGate = gate })
	h.WaitFor("rows", func(s string) bool { return strings.Contains(s, "add sysfs attribute") })
	h.Key(tcell.KeyDown, 0)
	h.Key(tcell.KeyDown, 0)
	h.Key(tcell.KeyEnter, 0)
	h.WaitFor("the patch view", func(s string) bool { return strings.Contains(s, "changed lines") })
	h.Key(tcell.KeyRune, 'b')
	h.WaitFor("blame progress", func(s string) bool { return strings.Contains(s, "blaming") })
	close(gate)
	s := h.WaitFor("blame done", func(s string) bool { return strings.Contains(s, "blame on") && !strings.Contains(s, "blaming") })
	if strings.Contains(s, "blame incomplete") {
		t.Errorf("blame failed:\n%s", s)
	}
}
