package tui

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/internal/tui/tuitest"
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
	*tuitest.Driver
	ui *UI
	fx *repos.Fixture
	be *gitBackend
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
	h := startReview(t, repo, review.Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip}, 40)
	h.fx = fx
	return h
}

// startReview runs the UI on the review of repo with opts, on a screen of
// 150 columns and height lines, once the table shows.
func startReview(t *testing.T, repo *git.Repo, opts review.Options, height int) *harness {
	t.Helper()
	h := &harness{be: &gitBackend{repo: repo}}
	h.ui = New(context.Background(), h.be)
	h.Driver = tuitest.Start(t, h.ui.App(), func() error {
		return h.ui.Run(func(ctx context.Context, progress func(string, int, int)) (*review.Result, error) {
			opts.NoCache, opts.Progress = true, progress
			return review.Run(ctx, repo, opts)
		})
	})
	h.WaitFor("the table", func(s string) bool { return strings.Contains(s, "old commit") })
	h.Resize(150, height)
	return h
}

// selected is the table's selected row, read on the UI goroutine.
func (h *harness) selected() *review.Row {
	var r *review.Row
	h.OnUI(func() { r = h.ui.selected() })
	return r
}

// selectedWhen waits until the selected row satisfies cond, as WaitFor
// does for the screen, and returns it; after the deadline it returns what
// is selected then.
func (h *harness) selectedWhen(what string, cond func(*review.Row) bool) *review.Row {
	var r *review.Row
	tuitest.Poll(func() bool { r = h.selected(); return cond(r) })
	return r
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", t.Name(), name), []byte(got), *update)
}

func TestTableAndPatchView(t *testing.T) {
	h := start(t)
	screen := h.WaitFor("rows", func(s string) bool { return strings.Contains(s, "add sysfs attribute") })
	golden(t, "table.txt", screen)
	if !strings.Contains(screen, "dropped 2") || !strings.Contains(screen, "< dropped [note]") {
		t.Errorf("header counts or note mark missing:\n%s", screen)
	}

	// Third row: the patch whose context changed; Enter shows both sides.
	h.Key(tcell.KeyDown, 0)
	h.Key(tcell.KeyDown, 0)
	h.Key(tcell.KeyEnter, 0)
	screen = h.WaitFor("the patch view", func(s string) bool { return strings.Contains(s, "changed lines") })
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
	h.Key(tcell.KeyRune, 'b')
	// The id also appears in the conflict explanation: wait for it in the
	// blame column, in front of the line it blames.
	blamedLine := ctxCommit[:12] + strings.Repeat(" ", 10) + "if (ret < 0)"
	screen = h.WaitFor("the blame column naming "+ctxCommit[:12], func(s string) bool { return strings.Contains(s, blamedLine) })
	if !strings.Contains(screen, "blame on") {
		t.Errorf("the title does not say blame is on:\n%s", strings.SplitN(screen, "\n", 2)[0])
	}

	// Enter shows the commit blamed for the cursor's line: j takes the
	// cursor down to the changed context line, the view following it.
	target := -1
	h.OnUI(func() {
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
		h.Key(tcell.KeyRune, 'j')
	}
	cur := -1
	if !tuitest.Poll(func() bool { h.OnUI(func() { cur = h.ui.patch.Cursor() }); return cur == target }) {
		t.Fatalf("cursor on row %d, want %d", cur, target)
	}
	h.Key(tcell.KeyEnter, 0)
	screen = h.WaitFor("the blamed commit", func(s string) bool { return strings.Contains(s, ctxCommit[:12]+" (q back)") })
	if !strings.Contains(screen, "only fail on negative return in foo1_fn0") {
		t.Errorf("the blamed commit's message is not shown:\n%s", screen)
	}
	h.Key(tcell.KeyRune, 'q')
	h.WaitFor("the patch view again", func(s string) bool { return strings.Contains(s, "blame on") })

	h.Key(tcell.KeyRune, 'b')
	h.WaitFor("blame off", func(s string) bool { return !strings.Contains(s, "blame on") })

	h.Key(tcell.KeyRune, '?')
	h.WaitFor("help", func(s string) bool {
		return strings.Contains(s, "Patch view") && strings.Contains(s, "toggle function context")
	})
	h.Key(tcell.KeyRune, 'x')
	h.Key(tcell.KeyRune, 'q')
	h.WaitFor("the table again", func(s string) bool { return strings.Contains(s, "old commit") && !strings.Contains(s, "changed lines") })

	// Search as you type: only rows containing every term.
	h.Key(tcell.KeyRune, '/')
	h.Type("suspend quirk")
	screen = h.WaitFor("search results", func(s string) bool { return strings.Contains(s, "showing 3 of 30") })
	if strings.Contains(screen, "refcount") {
		t.Errorf("search kept a non-matching row:\n%s", screen)
	}
	// The selection was on a row the search hides: it moved to the first
	// match after it.
	if r := h.selected(); r == nil || r.Old == nil || !strings.HasPrefix(r.Old.Title, "selinux: foo12") {
		t.Errorf("after the search the selection is on %v, want the first match", r)
	}
	h.Key(tcell.KeyEscape, 0)
	h.WaitFor("search cleared", func(s string) bool { return strings.Contains(s, "refcount") })

	// Enter keeps the search and goes back to the table, where Down picks
	// the second match; it stays selected when C clears the search: the
	// reader keeps their place.
	h.Key(tcell.KeyRune, '/')
	h.Type("suspend quirk")
	h.WaitFor("search results", func(s string) bool { return strings.Contains(s, "showing 3 of 30") })
	h.Key(tcell.KeyEnter, 0)
	h.Key(tcell.KeyDown, 0)
	isRevert := func(r *review.Row) bool { return r != nil && r.Old != nil && strings.HasPrefix(r.Old.Title, "Revert") }
	picked := h.selectedWhen("Down in the search results", isRevert)
	if !isRevert(picked) || picked.New == nil {
		t.Fatalf("Down in the search results selected %v, want the revert", picked)
	}
	h.Key(tcell.KeyRune, 'C')
	h.WaitFor("search cleared", func(s string) bool { return strings.Contains(s, "refcount") })
	if r := h.selected(); r != picked {
		t.Errorf("clearing the search moved the selection from %s to %v", picked.Old.Title, r)
	}

	// r replays the selected row through the backend and shows the report.
	h.Key(tcell.KeyRune, 'r')
	h.WaitFor("the replay report", func(s string) bool { return strings.Contains(s, "replayed in test") })
	if len(h.be.replays) != 1 || h.be.replays[0] != picked.Old.SHA+".."+picked.New.SHA {
		t.Errorf("Replay calls %v", h.be.replays)
	}
	h.Key(tcell.KeyRune, 'q')
	h.WaitFor("the table after replay", func(s string) bool { return !strings.Contains(s, "replayed in test") })

	// Note editing goes through the backend, updates the row and keeps
	// the selection on it.
	h.Key(tcell.KeyRune, 'n')
	h.WaitFor("note saved", func(s string) bool { return strings.Contains(s, "note saved") })
	if len(h.be.notes) != 1 || h.be.notes[0] != picked.Old.SHA {
		t.Errorf("EditNote calls %v", h.be.notes)
	}
	if r := h.selected(); r != picked || r.Note != "edited in test\n" {
		t.Errorf("after the note edit the selection is on %v", r)
	}
	h.WaitFor("the note under the table", func(s string) bool { return strings.Contains(s, "edited in test") })
	// The same text again is "unchanged"; emptied, the note is removed,
	// and the status bar says so.
	h.Key(tcell.KeyRune, 'n')
	h.WaitFor("note unchanged", func(s string) bool { return strings.Contains(s, "note unchanged") })
	empty := ""
	h.OnUI(func() { h.be.noteText = &empty })
	h.Key(tcell.KeyRune, 'n')
	h.WaitFor("note removed", func(s string) bool { return strings.Contains(s, "note removed from "+picked.Old.SHA[:12]) })

	h.Key(tcell.KeyRune, 'q')
	h.WaitExit()
}

func TestFilterForm(t *testing.T) {
	h := start(t)
	h.Key(tcell.KeyRune, 'f')
	h.WaitFor("the filter form", func(s string) bool { return strings.Contains(s, "filter rows by status") })
	// Tab to "dropped" (seventh drop-down, after split and squashed),
	// choose "with".
	for i := 0; i < 6; i++ {
		h.Key(tcell.KeyTab, 0)
	}
	h.Key(tcell.KeyEnter, 0)
	h.Key(tcell.KeyDown, 0)
	h.Key(tcell.KeyEnter, 0)
	h.Key(tcell.KeyEscape, 0)
	screen := h.WaitFor("filtered rows", func(s string) bool { return strings.Contains(s, "showing 2 of 30: with dropped") })
	if strings.Contains(screen, "patch-id ") && strings.Contains(screen, "= patch-id") {
		t.Errorf("filter kept patch-id rows:\n%s", screen)
	}
	h.Key(tcell.KeyRune, 'C')
	h.WaitFor("all rows", func(s string) bool {
		return strings.Contains(s, "add sysfs attribute") && !strings.Contains(s, "showing")
	})
	h.Key(tcell.KeyRune, 'q')
	h.WaitExit()
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
