package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/sbs"
	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

// screenText draws on a simulation screen of w by h and returns its lines.
func screenText(t *testing.T, draw func(tcell.Screen), w, h int) []string {
	t.Helper()
	s := tuitest.NewSim(t)
	defer s.Fini()
	s.SetSize(w, h)
	draw(s)
	s.Show()
	return tuitest.ScreenText(s)
}

// A title's brackets are text, not tview style tags, and its control
// characters are shown escaped.
func TestPatchViewTitleIsText(t *testing.T) {
	patch := "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+b\n"
	v := NewPatchView(sbs.New(patch, patch), "old 0123 [media] dvb: fix [SCSI] thing", "new 4567 [red]x\x1b[2Jy")
	v.SetRect(0, 0, 160, 10)
	lines := screenText(t, v.Draw, 160, 10)
	if !strings.Contains(lines[0], "[media] dvb: fix [SCSI] thing") {
		t.Errorf("old title lost its brackets: %q", lines[0])
	}
	if !strings.Contains(lines[0], `[red]x\e[2Jy`) {
		t.Errorf("new title: %q, want the tag kept and the escape shown", lines[0])
	}
}
