package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/sbs"
	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

// BenchmarkFirstPaint measures building and drawing the table of a
// kernel-sized review (600 old and 600 new commits) once the review is
// computed; the warm review itself is timed by bench/run.sh.
func BenchmarkFirstPaint(b *testing.B) {
	res := &review.Result{}
	for i := 0; i < 1200; i++ {
		c := &review.Commit{SHA: fmt.Sprintf("%040x", i), Title: fmt.Sprintf("subsys%d: fix the thing number %d in a long title", i%40, i)}
		n := &review.Commit{SHA: fmt.Sprintf("%040x", i+5000), Title: c.Title}
		res.Rows = append(res.Rows, review.Row{Status: review.Statuses[i%len(review.Statuses)], Old: c, New: n})
	}
	for i := 0; i < b.N; i++ {
		sim := tuitest.NewSim(b)
		ui := New(context.Background(), nil)
		ui.App().SetScreen(sim)
		painted := make(chan struct{})
		ui.App().SetAfterDrawFunc(func(tcell.Screen) {
			if ui.model != nil {
				select {
				case <-painted:
				default:
					close(painted)
				}
			}
		})
		done := make(chan error, 1)
		go func() {
			done <- ui.Run(func(context.Context, func(string, int, int)) (*review.Result, error) { return res, nil })
		}()
		select {
		case <-painted:
		case err := <-done:
			b.Fatalf("the UI exited before painting: %v", err)
		case <-time.After(30 * time.Second):
			b.Fatal("the table was not painted in 30 s")
		}
		if !strings.Contains(strings.Join(tuitest.ScreenText(sim), "\n"), "old commit") {
			b.Fatal("table not painted")
		}
		ui.App().Stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.Fatal("the UI did not stop in 30 s")
		}
	}
}

// BenchmarkPatchViewFirstDraw draws the first screen of a 5,000-line new C
// file side by side with its rework: the lexer runs over the whole hunk
// the screen shows part of.
func BenchmarkPatchViewFirstDraw(b *testing.B) {
	patch := func(v int) string {
		var s strings.Builder
		s.WriteString("diff --git a/drivers/big.c b/drivers/big.c\nnew file mode 100644\n--- /dev/null\n+++ b/drivers/big.c\n@@ -0,0 +1,5000 @@\n")
		for i := 0; i < 5000; i++ {
			if i%10 == 0 {
				fmt.Fprintf(&s, "+/* helper %d, version %d */\n", i, v)
			} else {
				fmt.Fprintf(&s, "+static int fn%d(int x) { return x * %d + %d; }\n", i, i, v*(i%7))
			}
		}
		return s.String()
	}
	lay := sbs.New(patch(1), patch(2))
	sim := tuitest.NewSim(b)
	sim.SetSize(200, 50)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := NewPatchView(lay, "old", "new")
		v.SetRect(0, 0, 200, 50)
		v.Draw(sim)
	}
}
