package kabitui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

// realData computes what `git kabi compare -l` shows for the two shared
// 4.19 kernels.
func realData(tb testing.TB, files [3][]byte) *Data {
	tb.Helper()
	return dataOf(tb, bytes.NewReader(files[0]), bytes.NewReader(files[1]), bytes.NewReader(files[2]))
}

func readShared(tb testing.TB) [3][]byte {
	var out [3][]byte
	for i, p := range []string{"kabi/Modules.kabi-4.19.19", "kabi/Modules.kabi-4.19.325", "kabi/xcpng-8.3-kabi_lockedlist"} {
		b, err := os.ReadFile(testenv.SharedData(tb, p))
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// paint starts the UI on a simulation screen and returns how long until
// the loading screen and then the table were drawn.
func paint(b *testing.B, load Loader) (first, table time.Duration) {
	sim := tuitest.NewSim(b)
	sim.SetSize(200, 50)
	t0 := time.Now()
	ui := New(context.Background(), Options{})
	ui.App().SetScreen(sim)
	drawn, shown := make(chan time.Duration, 1), make(chan time.Duration, 1)
	ui.App().SetAfterDrawFunc(func(tcell.Screen) {
		select {
		case drawn <- time.Since(t0):
		default:
		}
		if ui.model != nil {
			select {
			case shown <- time.Since(t0):
			default:
			}
		}
	})
	done := make(chan error, 1)
	go func() { done <- ui.Run(load) }()
	for _, ch := range []chan time.Duration{drawn, shown} {
		select {
		case d := <-ch:
			if ch == drawn {
				first = d
			} else {
				table = d
			}
		case err := <-done:
			b.Fatalf("the UI exited before painting: %v", err)
		case <-time.After(60 * time.Second):
			b.Fatal("nothing painted in 60 s")
		}
	}
	// Read on the UI goroutine, once the draw is over: tview calls the
	// after-draw function before it shows the screen.
	read := make(chan string)
	go ui.App().QueueUpdate(func() { read <- strings.Join(tuitest.ScreenText(sim), "\n") })
	if !strings.Contains(<-read, "struct trace_seq") {
		b.Fatal("the table does not show the most impactful type")
	}
	ui.App().Stop()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		b.Fatal("the UI did not stop in 30 s")
	}
	return first, table
}

// BenchmarkFirstPaint: `git kabi compare -l` on the two shared 4.19
// kernels, from the start of the UI: the loading screen at once, then the
// table, the diff and the impact of the first type once the files are
// read, compared and the impact computed off the UI goroutine. Reported
// beside the table drawn from data computed beforehand, in the same run.
func BenchmarkFirstPaint(b *testing.B) {
	files := readShared(b)
	ready := realData(b, files)
	var first, table, warm time.Duration
	for b.Loop() {
		f, tb := paint(b, func(context.Context, func(string)) (*Data, error) { return realData(b, files), nil })
		_, w := paint(b, func(context.Context, func(string)) (*Data, error) { return ready, nil })
		first, table, warm = first+f, table+tb, warm+w
	}
	n := float64(b.N)
	b.ReportMetric(float64(first.Milliseconds())/n, "ms-loading-screen")
	b.ReportMetric(float64(table.Milliseconds())/n, "ms-table-with-load")
	b.ReportMetric(float64(warm.Milliseconds())/n, "ms-table-computed")
}
