// Package tuitest drives the terminal UIs (internal/tui, internal/kabitui)
// in their tests: the UI's tview application runs on a tcell simulation
// screen, keys are injected, and the screen is read on the UI goroutine.
// It also checks that a man page names every key of a UI's keymaps. Only
// _test.go files import it.
package tuitest

import (
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// timeout is how long the driver waits for the UI before it fails.
const timeout = 10 * time.Second

// Driver is a UI running on a simulation screen.
type Driver struct {
	t   testing.TB
	Sim tcell.SimulationScreen
	app *tview.Application
	// exited is closed when run returns, with its error in runErr; screen
	// is the last screen WaitFor read, for the report when the UI exits
	// early.
	exited chan struct{}
	runErr error
	screen string
}

// NewSim returns an initialised simulation screen.
func NewSim(t testing.TB) tcell.SimulationScreen {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	return sim
}

// Start gives app a simulation screen and calls run (the UI's Run, which
// runs app) on a goroutine of its own.
func Start(t testing.TB, app *tview.Application, run func() error) *Driver {
	t.Helper()
	d := &Driver{t: t, Sim: NewSim(t), app: app, exited: make(chan struct{})}
	app.SetScreen(d.Sim)
	go func() {
		defer close(d.exited)
		d.runErr = run()
	}()
	return d
}

// Resize sets the screen's size and waits until the UI has it: tview
// initialises the screen when it starts, which resets a simulation
// screen's size, so tests resize once the UI shows; resizing then injects
// a resize event.
func (d *Driver) Resize(w, h int) {
	d.t.Helper()
	d.Sim.SetSize(w, h)
	d.WaitFor("the resize", func(string) bool {
		var gw, gh int
		d.OnUI(func() { _, gw, gh = d.Sim.GetContents() })
		return gw == w && gh == h
	})
}

// WaitFor polls the screen until cond holds and returns it: the UI works
// on its own goroutine, so a key's effect shows up a little later. It
// fails the test after 10 s.
func (d *Driver) WaitFor(what string, cond func(string) bool) string {
	d.t.Helper()
	var s string
	ok := Poll(func() bool {
		// Drawn and read on the UI goroutine: the screen is not safe to
		// read while tview draws.
		d.queue(func() {}, true)
		d.OnUI(func() { s = strings.Join(ScreenText(d.Sim), "\n") })
		d.screen = s
		return cond(s)
	})
	if !ok {
		d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
	}
	return s
}

// Poll calls cond every 20 ms until it holds, for 10 s at most, and
// reports whether it held.
func Poll(cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// OnUI runs f on the UI goroutine and waits for it.
func (d *Driver) OnUI(f func()) {
	d.t.Helper()
	d.queue(f, false)
}

// queue runs f on the UI goroutine, then draws if asked, and waits for f.
// It fails the test at once if the UI has exited, and after 10 s: tview's
// QueueUpdate blocks for good once Run has returned, so it is called from a
// goroutine of its own, which such a failure leaves behind.
func (d *Driver) queue(f func(), draw bool) {
	d.t.Helper()
	ran := make(chan struct{})
	q := d.app.QueueUpdate
	if draw {
		q = d.app.QueueUpdateDraw
	}
	go q(func() { f(); close(ran) })
	select {
	case <-ran:
	case <-d.exited:
		select {
		case <-ran:
		default:
			d.failExited()
		}
	case <-time.After(timeout):
		d.t.Fatalf("the UI goroutine ran nothing for 10 s; last screen:\n%s", d.screen)
	}
}

// failExited fails the test because the UI exited before it was done.
func (d *Driver) failExited() {
	d.t.Helper()
	d.t.Fatalf("the UI exited early (Run returned %v); last screen:\n%s", d.runErr, d.screen)
}

// Key injects a key press; r is the rune of tcell.KeyRune.
func (d *Driver) Key(k tcell.Key, r rune) {
	d.t.Helper()
	select {
	case <-d.exited:
		d.failExited()
	default:
	}
	d.Sim.InjectKey(k, r, tcell.ModNone)
}

// Type types s, a key a rune.
func (d *Driver) Type(s string) {
	d.t.Helper()
	for _, r := range s {
		d.Key(tcell.KeyRune, r)
	}
}

// WaitExit waits for the UI's Run to return (after q), and fails on its
// error.
func (d *Driver) WaitExit() {
	d.t.Helper()
	select {
	case <-d.exited:
		if d.runErr != nil {
			d.t.Fatal(d.runErr)
		}
	case <-time.After(timeout):
		d.t.Fatalf("q did not quit; last screen:\n%s", d.screen)
	}
}

// ScreenText returns what a simulation screen shows, one string per line,
// without trailing blanks.
func ScreenText(s tcell.SimulationScreen) []string {
	cells, w, h := s.GetContents()
	lines := make([]string, h)
	for y := 0; y < h; y++ {
		var b strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) > 0 {
				b.WriteRune(c.Runes[0])
			} else {
				b.WriteByte(' ')
			}
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return lines
}
