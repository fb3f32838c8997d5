package tui

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

var update = flag.Bool("update", false, "rewrite golden screens")

// gitBackend serves patches from the real repository with git show, as the
// command's backend does; notes are recorded.
type gitBackend struct {
	repo  *git.Repo
	notes []string
	// noteText, when set, is what the user leaves in the editor.
	noteText *string
	// blameGate, when set, holds every blame until it is closed.
	blameGate chan struct{}
	replays   []string
}

func (b *gitBackend) Patch(ctx context.Context, sha string, fc bool) (string, error) {
	return b.repo.ShowCommit(ctx, sha, git.ShowOptions{Format: "commit %H%n%n%w(0,4,4)%B", FunctionContext: fc})
}

func (b *gitBackend) Blame(ctx context.Context, commit, file string, lines []int) (map[int]string, error) {
	if b.blameGate != nil {
		<-b.blameGate
	}
	bl, err := b.repo.Blame(ctx, commit+"^", file)
	if err != nil {
		return nil, err
	}
	m := map[int]string{}
	for _, l := range bl {
		m[l.FinalLine] = l.Commit
	}
	return m, nil
}

func (b *gitBackend) Replay(ctx context.Context, old, new string) (string, error) {
	b.replays = append(b.replays, old+".."+new)
	return "verdict: identical (replayed in test)\n", nil
}

func (b *gitBackend) EditNote(_ context.Context, sha string) (string, error) {
	b.notes = append(b.notes, sha)
	if b.noteText != nil {
		return *b.noteText, nil
	}
	return "edited in test\n", nil
}

type harness struct {
	t   *testing.T
	sim tcell.SimulationScreen
	ui  *UI
	fx  *repos.Fixture
	be  *gitBackend
	// exited is closed when Run returns, with its error in runErr; screen
	// is the last screen waitFor read, for the report when it exits early.
	exited chan struct{}
	runErr error
	screen string
}

func start(t *testing.T) *harness {
	t.Helper()
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	return startWith(t, fx)
}

// startWith runs the UI on the review of fx.
func startWith(t *testing.T, fx *repos.Fixture) *harness {
	t.Helper()
	repo := &git.Repo{Dir: fx.Dir, GitDir: filepath.Join(fx.Dir, ".git"), CommonDir: filepath.Join(fx.Dir, ".git"), Env: fx.Env.Vars}
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, sim: sim, fx: fx, be: &gitBackend{repo: repo}, exited: make(chan struct{})}
	h.ui = New(context.Background(), h.be)
	h.ui.App().SetScreen(sim)
	go func() {
		defer close(h.exited)
		h.runErr = h.ui.Run(func(ctx context.Context, progress func(string, int, int)) (*review.Result, error) {
			return review.Run(ctx, repo, review.Options{OldBase: fx.OldBase, OldTip: fx.OldTip,
				NewBase: fx.NewBase, NewTip: fx.NewTip, NoCache: true, Progress: progress})
		})
	}()
	h.waitFor("the table", func(s string) bool { return strings.Contains(s, "old commit") })
	// tview initialises the screen when it starts, which resets a
	// simulation screen's size; resizing now injects a resize event.
	sim.SetSize(150, 40)
	h.waitFor("the resize", func(string) bool {
		var w, hh int
		onUI(h, func() { _, w, hh = sim.GetContents() })
		return w == 150 && hh == 40
	})
	return h
}

// waitFor polls the screen until cond holds: the UI works on its own
// goroutine, so a key's effect shows up a little later.
func (h *harness) waitFor(what string, cond func(string) bool) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Drawn and read on the UI goroutine: the screen is not safe to
		// read while tview draws.
		var s string
		h.queue(func() {}, true)
		onUI(h, func() { s = strings.Join(ScreenText(h.sim), "\n") })
		h.screen = s
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// onUI runs f on the UI goroutine and waits for it.
func onUI(h *harness, f func()) {
	h.t.Helper()
	h.queue(f, false)
}

// queue runs f on the UI goroutine, then draws if asked, and waits for f.
// It fails the test at once if the UI has exited, and after 10 s: tview's
// QueueUpdate blocks for good once Run has returned, so it is called from a
// goroutine of its own, which such a failure leaves behind.
func (h *harness) queue(f func(), draw bool) {
	h.t.Helper()
	ran := make(chan struct{})
	q := h.ui.App().QueueUpdate
	if draw {
		q = h.ui.App().QueueUpdateDraw
	}
	go q(func() { f(); close(ran) })
	select {
	case <-ran:
	case <-h.exited:
		select {
		case <-ran:
		default:
			h.failExited()
		}
	case <-time.After(10 * time.Second):
		h.t.Fatalf("the UI goroutine ran nothing for 10 s; last screen:\n%s", h.screen)
	}
}

// failExited fails the test because the UI exited before it was done.
func (h *harness) failExited() {
	h.t.Helper()
	h.t.Fatalf("the UI exited early (Run returned %v); last screen:\n%s", h.runErr, h.screen)
}

// waitExit waits for Run to return after q, and fails on its error.
func (h *harness) waitExit() {
	h.t.Helper()
	select {
	case <-h.exited:
		if h.runErr != nil {
			h.t.Fatal(h.runErr)
		}
	case <-time.After(10 * time.Second):
		h.t.Fatalf("q did not quit; last screen:\n%s", h.screen)
	}
}

// selected is the table's selected row, read on the UI goroutine.
func (h *harness) selected() *review.Row {
	h.t.Helper()
	var r *review.Row
	onUI(h, func() { r = h.ui.selected() })
	return r
}

// selectedWhen waits until the selected row satisfies cond, as waitFor
// does for the screen, and returns it; after the deadline it returns what
// is selected then.
func (h *harness) selectedWhen(what string, cond func(*review.Row) bool) *review.Row {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := h.selected()
		if cond(r) || time.Now().After(deadline) {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *harness) key(k tcell.Key, r rune) {
	h.t.Helper()
	select {
	case <-h.exited:
		h.failExited()
	default:
	}
	h.sim.InjectKey(k, r, tcell.ModNone)
}

func (h *harness) typeText(s string) {
	for _, r := range s {
		h.key(tcell.KeyRune, r)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", t.Name(), name), []byte(got), *update)
}

func TestTableAndPatchView(t *testing.T) {
	h := start(t)
	screen := h.waitFor("rows", func(s string) bool { return strings.Contains(s, "add sysfs attribute") })
	golden(t, "table.txt", screen)
	if !strings.Contains(screen, "dropped 2") || !strings.Contains(screen, "< dropped [note]") {
		t.Errorf("header counts or note mark missing:\n%s", screen)
	}

	// Third row: the patch whose context changed; Enter shows both sides.
	h.key(tcell.KeyDown, 0)
	h.key(tcell.KeyDown, 0)
	h.key(tcell.KeyEnter, 0)
	screen = h.waitFor("the patch view", func(s string) bool { return strings.Contains(s, "changed lines") })
	golden(t, "patch.txt", screen)
	old, new := review.Short(h.fx.Commits["old:context"]), review.Short(h.fx.Commits["new:context"])
	if !strings.Contains(screen, "old "+old) || !strings.Contains(screen, "new "+new) {
		t.Errorf("patch view headers do not name %s and %s", old, new)
	}
	if !strings.Contains(screen, "if (ret < 0)") {
		t.Errorf("the changed context line is not shown")
	}

	// Blame: the right side's changed context line was last touched by the
	// upstream commit that moved it, a commit between the bases.
	ctxCommit, err := h.fx.Env.Git(h.fx.Dir, "log", "--format=%H", "-1", "--grep=only fail on negative return in foo1_fn0", h.fx.NewBase)
	if err != nil || len(ctxCommit) != 40 {
		t.Fatalf("upstream context commit: %q %v", ctxCommit, err)
	}
	h.key(tcell.KeyRune, 'b')
	// The id also appears in the conflict explanation: wait for it in the
	// blame column, in front of the line it blames.
	blamedLine := ctxCommit[:12] + strings.Repeat(" ", 10) + "if (ret < 0)"
	screen = h.waitFor("the blame column naming "+ctxCommit[:12], func(s string) bool { return strings.Contains(s, blamedLine) })
	if !strings.Contains(screen, "blame on") {
		t.Errorf("the title does not say blame is on:\n%s", strings.SplitN(screen, "\n", 2)[0])
	}

	// Enter shows the commit blamed for the cursor's line: j takes the
	// cursor down to the changed context line, the view following it.
	target := -1
	onUI(h, func() {
		for i, r := range h.ui.patch.Layout().Rows {
			if strings.Contains(r.Right.Text, "if (ret < 0)") {
				target = i
				break
			}
		}
	})
	if target < 0 {
		t.Fatal("no row with the changed context line")
	}
	for range target {
		h.key(tcell.KeyRune, 'j')
	}
	deadline := time.Now().Add(10 * time.Second)
	for cur := -1; cur != target; {
		onUI(h, func() { cur = h.ui.patch.Cursor() })
		if time.Now().After(deadline) {
			t.Fatalf("cursor on row %d, want %d", cur, target)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.key(tcell.KeyEnter, 0)
	screen = h.waitFor("the blamed commit", func(s string) bool { return strings.Contains(s, ctxCommit[:12]+" (q back)") })
	if !strings.Contains(screen, "only fail on negative return in foo1_fn0") {
		t.Errorf("the blamed commit's message is not shown:\n%s", screen)
	}
	h.key(tcell.KeyRune, 'q')
	h.waitFor("the patch view again", func(s string) bool { return strings.Contains(s, "blame on") })

	h.key(tcell.KeyRune, 'b')
	h.waitFor("blame off", func(s string) bool { return !strings.Contains(s, "blame on") })

	h.key(tcell.KeyRune, '?')
	h.waitFor("help", func(s string) bool {
		return strings.Contains(s, "Patch view") && strings.Contains(s, "toggle function context")
	})
	h.key(tcell.KeyRune, 'x')
	h.key(tcell.KeyRune, 'q')
	h.waitFor("the table again", func(s string) bool { return strings.Contains(s, "old commit") && !strings.Contains(s, "changed lines") })

	// Search as you type: only rows containing every term.
	h.key(tcell.KeyRune, '/')
	h.typeText("suspend quirk")
	screen = h.waitFor("search results", func(s string) bool { return strings.Contains(s, "showing 3 of 30") })
	if strings.Contains(screen, "refcount") {
		t.Errorf("search kept a non-matching row:\n%s", screen)
	}
	// The selection was on a row the search hides: it moved to the first
	// match after it.
	if r := h.selected(); r == nil || r.Old == nil || !strings.HasPrefix(r.Old.Title, "selinux: foo12") {
		t.Errorf("after the search the selection is on %v, want the first match", r)
	}
	h.key(tcell.KeyEscape, 0)
	h.waitFor("search cleared", func(s string) bool { return strings.Contains(s, "refcount") })

	// Enter keeps the search and goes back to the table, where Down picks
	// the second match; it stays selected when C clears the search: the
	// reader keeps their place.
	h.key(tcell.KeyRune, '/')
	h.typeText("suspend quirk")
	h.waitFor("search results", func(s string) bool { return strings.Contains(s, "showing 3 of 30") })
	h.key(tcell.KeyEnter, 0)
	h.key(tcell.KeyDown, 0)
	isRevert := func(r *review.Row) bool { return r != nil && r.Old != nil && strings.HasPrefix(r.Old.Title, "Revert") }
	picked := h.selectedWhen("Down in the search results", isRevert)
	if !isRevert(picked) || picked.New == nil {
		t.Fatalf("Down in the search results selected %v, want the revert", picked)
	}
	h.key(tcell.KeyRune, 'C')
	h.waitFor("search cleared", func(s string) bool { return strings.Contains(s, "refcount") })
	if r := h.selected(); r != picked {
		t.Errorf("clearing the search moved the selection from %s to %v", picked.Old.Title, r)
	}

	// r replays the selected row through the backend and shows the report.
	h.key(tcell.KeyRune, 'r')
	h.waitFor("the replay report", func(s string) bool { return strings.Contains(s, "replayed in test") })
	if len(h.be.replays) != 1 || h.be.replays[0] != picked.Old.SHA+".."+picked.New.SHA {
		t.Errorf("Replay calls %v", h.be.replays)
	}
	h.key(tcell.KeyRune, 'q')
	h.waitFor("the table after replay", func(s string) bool { return !strings.Contains(s, "replayed in test") })

	// Note editing goes through the backend, updates the row and keeps
	// the selection on it.
	h.key(tcell.KeyRune, 'n')
	h.waitFor("note saved", func(s string) bool { return strings.Contains(s, "note saved") })
	if len(h.be.notes) != 1 || h.be.notes[0] != picked.Old.SHA {
		t.Errorf("EditNote calls %v", h.be.notes)
	}
	if r := h.selected(); r != picked || r.Note != "edited in test\n" {
		t.Errorf("after the note edit the selection is on %v", r)
	}
	h.waitFor("the note under the table", func(s string) bool { return strings.Contains(s, "edited in test") })
	// The same text again is "unchanged"; emptied, the note is removed,
	// and the status bar says so.
	h.key(tcell.KeyRune, 'n')
	h.waitFor("note unchanged", func(s string) bool { return strings.Contains(s, "note unchanged") })
	empty := ""
	onUI(h, func() { h.be.noteText = &empty })
	h.key(tcell.KeyRune, 'n')
	h.waitFor("note removed", func(s string) bool { return strings.Contains(s, "note removed from "+picked.Old.SHA[:12]) })

	h.key(tcell.KeyRune, 'q')
	h.waitExit()
}

func TestFilterForm(t *testing.T) {
	h := start(t)
	h.key(tcell.KeyRune, 'f')
	h.waitFor("the filter form", func(s string) bool { return strings.Contains(s, "filter rows by status") })
	// Tab to "dropped" (seventh drop-down, after split and squashed),
	// choose "with".
	for i := 0; i < 6; i++ {
		h.key(tcell.KeyTab, 0)
	}
	h.key(tcell.KeyEnter, 0)
	h.key(tcell.KeyDown, 0)
	h.key(tcell.KeyEnter, 0)
	h.key(tcell.KeyEscape, 0)
	screen := h.waitFor("filtered rows", func(s string) bool { return strings.Contains(s, "showing 2 of 30: with dropped") })
	if strings.Contains(screen, "patch-id ") && strings.Contains(screen, "= patch-id") {
		t.Errorf("filter kept patch-id rows:\n%s", screen)
	}
	h.key(tcell.KeyRune, 'C')
	h.waitFor("all rows", func(s string) bool {
		return strings.Contains(s, "add sysfs attribute") && !strings.Contains(s, "showing")
	})
	h.key(tcell.KeyRune, 'q')
	h.waitExit()
}

func TestModelFilters(t *testing.T) {
	res := &review.Result{Rows: []review.Row{
		{Status: review.StatusPatchID, Old: &review.Commit{SHA: "aaaa", Title: "net: fix"}},
		{Status: review.StatusDropped, Old: &review.Commit{SHA: "bbbb", Title: "mm: hack"}, Note: "why"},
		{Status: review.StatusPatchID, Upstream: true, Old: &review.Commit{SHA: "cccc", Title: "net: other"}},
	}}
	m := NewModel(res)
	m.Filters["upstream"] = Without
	m.SetSearch("NET")
	if len(m.Visible) != 1 || m.Visible[0] != 0 {
		t.Errorf("visible %v", m.Visible)
	}
	m.Clear()
	m.Filters["noted"] = With
	m.Apply()
	if len(m.Visible) != 1 || m.Visible[0] != 1 {
		t.Errorf("noted: visible %v", m.Visible)
	}
	if !strings.Contains(HelpText(), "toggle function context") {
		t.Error("help does not list W")
	}
}
