package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/safetext"
	"github.com/patchqueue/pqtools/internal/sbs"
	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// Backend is everything the UI needs from git. The command layer
// implements it; tests can record calls.
type Backend interface {
	// Patch is `git show` of a commit, with function context if asked.
	Patch(ctx context.Context, sha string, funcContext bool) (string, error)
	// EditNote lets the user edit the note of a commit in their editor
	// (the UI is suspended meanwhile) and returns the note as saved.
	EditNote(ctx context.Context, sha string) (string, error)
	// Blame maps lines of file, as it is in the parent of commit, to the
	// full id of the commit that last touched each.
	Blame(ctx context.Context, commit, file string, lines []int) (map[int]string, error)
	// Replay cherry-picks old onto new's parent without touching the work
	// tree and returns the report: verdict, conflicts, what the author
	// changed beyond the mechanical replay.
	Replay(ctx context.Context, old, new string) (string, error)
}

// Loader computes the review, reporting progress.
type Loader func(ctx context.Context, progress func(stage string, done, total int)) (*review.Result, error)

// UI is the review application.
type UI struct {
	ctx     context.Context
	app     *tview.Application
	pages   *tview.Pages
	backend Backend
	model   *Model
	// colWidth is the width of the old and new columns (fitColumns).
	colWidth int
	// blameState is the blame's progress, shown in the patch view's
	// title while it runs.
	blameState string

	header  *tview.TextView
	table   *tview.Table
	note    *tview.TextView
	status  *tview.TextView
	search  *tview.InputField
	main    *tview.Flex
	loading *LoadingPage

	patch       *PatchView
	patchRow    *review.Row
	funcContext bool
	blame       bool

	shown []int // the model's Visible when the table was last filled
}

// New builds the UI; Run starts loading with load.
func New(ctx context.Context, backend Backend) *UI {
	l := NewLoadingPage(" git review-rebase ")
	return &UI{ctx: ctx, app: l.App, pages: l.Pages, loading: l, backend: backend, colWidth: maxColumn}
}

// App is the tview application (tests give it a simulation screen).
func (u *UI) App() *tview.Application { return u.app }

// Run loads the review off the UI goroutine and runs until the user quits.
func (u *UI) Run(load Loader) error {
	return RunLoading(u.ctx, u.loading, "reading commits...", func() (*review.Result, error) {
		return load(u.ctx, func(stage string, done, total int) { u.loading.Progress(progressText(stage, done, total)) })
	}, u.show)
}

// progressText is what the loading page says of a stage of the review.
func progressText(stage string, done, total int) string {
	switch {
	case total > 1:
		return fmt.Sprintf("%s: %d/%d", stage, done, total)
	case done > 0:
		return fmt.Sprintf("%s: %d", stage, done)
	}
	return stage + "..."
}

// RunApp runs app until it stops, and returns the error the UI recorded
// (uiErr), else the context's. SIGTERM (or SIGINT from another terminal:
// in the UI Ctrl-C is a key) cancels the context, which stops the app so
// that the terminal is restored, not left raw. The kABI UI shares it.
func RunApp(ctx context.Context, app *tview.Application, uiErr func() error) error {
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			app.Stop()
		case <-stopped:
		}
	}()
	if err := app.Run(); err != nil {
		return err
	}
	if err := uiErr(); err != nil {
		return err
	}
	return ctx.Err()
}

// maxColumn is the widest an old or new commit column grows on a wide
// terminal; longer titles are cut.
const maxColumn = 60

// fitColumns shares the table's width between the old and new columns
// (at 80 columns the old one used to take 60 and leave "0…" of the new).
func (u *UI) fitColumns(width int) {
	status := 0
	for row := 0; row < u.table.GetRowCount(); row++ {
		if c := u.table.GetCell(row, 1); c != nil {
			status = max(status, tview.TaggedStringWidth(c.Text))
		}
	}
	w := min(maxColumn, max(8, (width-status-2)/2))
	if w == u.colWidth {
		return
	}
	u.colWidth = w
	for row := 0; row < u.table.GetRowCount(); row++ {
		for _, col := range []int{0, 2} {
			if c := u.table.GetCell(row, col); c != nil && row > 0 {
				c.SetMaxWidth(w)
			}
		}
	}
}

// show builds the main screen for a result.
func (u *UI) show(res *review.Result) {
	u.model = NewModel(res)
	u.header = tview.NewTextView().SetDynamicColors(true)
	u.table = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	u.note = tview.NewTextView().SetDynamicColors(false).SetWrap(true)
	u.note.SetBorder(true).SetTitle(" note ")
	u.status = tview.NewTextView().SetDynamicColors(true)
	u.search = tview.NewInputField().SetLabel("/")
	u.search.SetChangedFunc(func(text string) {
		u.model.SetSearch(text)
		u.fill()
	})
	u.search.SetDoneFunc(func(key tcell.Key) {
		if key == tcell.KeyEscape {
			u.search.SetText("")
			u.model.SetSearch("")
			u.fill()
		}
		u.main.RemoveItem(u.search)
		u.main.AddItem(u.status, 1, 0, false)
		u.app.SetFocus(u.table)
	})
	u.table.SetSelectionChangedFunc(func(row, _ int) { u.showNote() })
	u.table.SetDrawFunc(func(_ tcell.Screen, x, y, w, h int) (int, int, int, int) {
		u.fitColumns(w)
		return x, y, w, h
	})
	u.table.SetInputCapture(u.tableKey)
	u.main = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.header, 1, 0, false).
		AddItem(u.table, 0, 1, true).
		AddItem(u.note, 5, 0, false).
		AddItem(u.status, 1, 0, false)
	u.loading.Replace("main", u.main)
	u.fill()
	u.app.SetFocus(u.table)
	u.setStatus("? help  Enter patches  r replay  / search  f filter  n note  q quit")
}

func (u *UI) setStatus(s string) { u.status.SetText(tview.Escape(s)) }

// fill renders the visible rows into the table. The selection stays on
// the row it was on (a note edited, a search narrowed or cleared), or, when
// that row is hidden now, moves to the next visible one: going back to the
// top would lose the reader's place in a queue of hundreds.
func (u *UI) fill() {
	keep := -1
	// The model's Visible has changed already; shown is what the table
	// showed.
	if row, _ := u.table.GetSelection(); row >= 1 && row-1 < len(u.shown) {
		keep = u.shown[row-1]
	}
	u.shown = append(u.shown[:0], u.model.Visible...)
	u.table.Clear()
	for c, title := range []string{"old commit", "status", "new commit"} {
		u.table.SetCell(0, c, tview.NewTableCell(title).SetSelectable(false).SetAttributes(tcell.AttrBold))
	}
	for i := range u.model.Visible {
		cells := RowCells(u.model.Row(i))
		for c, cell := range cells {
			tc := tview.NewTableCell(tview.Escape(safetext.Line(cell.Text))).SetTextColor(tcell.GetColor(cell.Color))
			if c != 1 {
				tc.SetExpansion(1).SetMaxWidth(u.colWidth)
			}
			u.table.SetCell(i+1, c, tc)
		}
	}
	h := tview.Escape(Header(u.model.Result))
	if f := u.model.FilterSummary(); f != "" {
		// The filter goes first: it explains why rows are missing.
		h = "[yellow]" + tview.Escape(fmt.Sprintf("showing %d of %d: %s", len(u.model.Visible), len(u.model.Result.Rows), f)) + "[-]   " + h
	}
	u.header.SetText(h)
	if len(u.model.Visible) > 0 {
		u.table.Select(1+nearestVisible(u.model.Visible, keep), 0)
	}
	u.showNote()
}

// nearestVisible is the position in visible (ascending row indices) of row
// keep, or of the first row after it, or the last position; 0 when keep is
// negative.
func nearestVisible(visible []int, keep int) int {
	if keep < 0 {
		return 0
	}
	i := sort.SearchInts(visible, keep)
	if i == len(visible) {
		i = len(visible) - 1
	}
	return i
}

func (u *UI) selected() *review.Row {
	row, _ := u.table.GetSelection()
	return u.model.Row(row - 1)
}

func (u *UI) showNote() {
	r := u.selected()
	switch {
	case r == nil:
		u.note.SetText("")
	case r.Note != "":
		u.note.SetText(safetext.Text(r.Note))
	case r.Status == review.StatusDropped:
		u.note.SetText("(no note: press n to explain why this commit was dropped)")
	default:
		u.note.SetText("")
	}
	if d := review.DriftText(r); d != "" { // drift goes first: the patch needs a look
		u.note.SetText(d + u.note.GetText(false))
	}
}

func (u *UI) tableKey(ev *tcell.EventKey) *tcell.EventKey {
	switch keymap.Lookup(TableKeys, ev) {
	case "open":
		u.openPatch(u.selected())
	case "search":
		u.main.RemoveItem(u.status)
		u.main.AddItem(u.search, 1, 0, true)
		u.app.SetFocus(u.search)
	case "filter":
		u.openFilter()
	case "clear":
		u.search.SetText("")
		u.model.Clear()
		u.fill()
	case "note":
		u.editNote(u.selected())
	case "replay":
		u.openReplay(u.selected())
	case "help":
		u.openHelp()
	case "quit":
		u.app.Stop()
	default:
		return ev
	}
	return nil
}

func (u *UI) openHelp() { ShowHelp(u.app, u.pages, HelpText()) }

func (u *UI) openFilter() {
	form := tview.NewForm()
	modes := []string{Any.String(), With.String(), Without.String()}
	for _, p := range Properties {
		p := p
		form.AddDropDown(string(p), modes, int(u.model.Filters[p]), func(_ string, i int) {
			u.model.Filters[p] = FilterMode(i)
		})
	}
	closeForm := func() {
		u.model.Apply()
		u.fill()
		u.pages.RemovePage("filter")
		u.app.SetFocus(u.table)
	}
	form.AddButton("Apply", closeForm)
	form.SetCancelFunc(closeForm)
	// The form's own keys are not obvious: say them in the dialog.
	keys := tview.NewTextView().SetText(filterKeys).SetWrap(true)
	box := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(form, 0, 1, true).
		AddItem(keys, 2, 0, false)
	box.SetBorder(true).SetTitle(" filter rows by status (Esc applies) ")
	u.pages.AddPage("filter", center(box, 66, len(Properties)*2+7), true, true)
	u.app.SetFocus(form)
}

// filterKeys are the filter dialog's keys, shown in it.
const filterKeys = "Tab/Shift-Tab: next/previous  Enter: choose any/with/without\nEsc or Apply: apply and close  C (in the table): clear filters"

func center(p tview.Primitive, w, h int) tview.Primitive {
	return tview.NewFlex().AddItem(nil, 0, 1, false).
		AddItem(tview.NewFlex().SetDirection(tview.FlexRow).AddItem(nil, 0, 1, false).AddItem(p, h, 0, true).AddItem(nil, 0, 1, false), w, 0, true).
		AddItem(nil, 0, 1, false)
}

func (u *UI) editNote(r *review.Row) {
	if r == nil || r.Old == nil {
		u.setStatus("only commits of the old queue have notes")
		return
	}
	var text string
	var err error
	u.app.Suspend(func() { text, err = u.backend.EditNote(u.ctx, r.Old.SHA) })
	if err != nil {
		u.setStatus("note not saved: " + err.Error())
		return
	}
	before := r.Note
	r.Note = text
	u.fill()
	switch {
	case strings.TrimSpace(text) == strings.TrimSpace(before):
		u.setStatus("note unchanged for " + review.Short(r.Old.SHA))
	case strings.TrimSpace(text) == "":
		u.setStatus("note removed from " + review.Short(r.Old.SHA))
	default:
		u.setStatus("note saved for " + review.Short(r.Old.SHA))
	}
}

func commitTitle(c *review.Commit, side string) string {
	if c == nil {
		return side + ": (none)"
	}
	return fmt.Sprintf("%s %s %s", side, review.Short(c.SHA), c.Title)
}

// sideTitle heads one side of the patch view: the commit, or for the
// several commits of a split or squash, how many and their ids.
func sideTitle(cs []*review.Commit, side string) string {
	switch len(cs) {
	case 0:
		return commitTitle(nil, side)
	case 1:
		return commitTitle(cs[0], side)
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = review.Short(c.SHA)
	}
	return fmt.Sprintf("%s: %d commits %s", side, len(cs), strings.Join(ids, " "))
}

// openPatch loads both patches off the UI goroutine and shows them.
func (u *UI) openPatch(r *review.Row) {
	if r == nil {
		return
	}
	u.setStatus("loading patches...")
	fc := u.funcContext
	// A split or squash shows every commit of its group: the original
	// against its parts concatenated, or the squashed commits against
	// their combination.
	olds, news := u.model.Result.Sides(r)
	go func() {
		var texts [2]string
		var err error
		for i, cs := range [][]*review.Commit{olds, news} {
			var ps []string
			for _, c := range cs {
				if err == nil {
					var p string
					p, err = u.backend.Patch(u.ctx, c.SHA, fc)
					ps = append(ps, p)
				}
			}
			texts[i] = sbs.Concat(ps...)
		}
		lay := sbs.New(texts[0], texts[1])
		u.app.QueueUpdateDraw(func() {
			if err != nil {
				u.setStatus("cannot show the patches: " + err.Error())
				return
			}
			newSide := "new"
			if r.Upstream {
				newSide = "upstream"
			}
			u.patch = NewPatchView(lay, sideTitle(olds, "old"), sideTitle(news, newSide))
			u.patchRow = r
			u.patch.SetBorder(true)
			u.patchTitle()
			u.patch.SetInputCapture(u.patchKey)
			u.pages.AddPage("patch", u.patch, true, true)
			u.app.SetFocus(u.patch)
			u.patch.Search(u.model.Terms)
			u.setStatus("")
			if u.blame {
				u.loadBlame()
			}
		})
	}()
}

func (u *UI) patchKey(ev *tcell.EventKey) *tcell.EventKey {
	v := u.patch
	switch keymap.Lookup(PatchKeys, ev) {
	case "down":
		v.MoveCursor(1)
	case "up":
		v.MoveCursor(-1)
	case "pagedown":
		v.Scroll(v.pageSize(), 0)
	case "pageup":
		v.Scroll(-v.pageSize(), 0)
	case "right":
		v.Scroll(0, 8)
	case "left":
		v.Scroll(0, -8)
	case "nextchange":
		v.NextChange(1)
	case "prevchange":
		v.NextChange(-1)
	case "nextmatch":
		v.NextMatch(1)
	case "prevmatch":
		v.NextMatch(-1)
	case "blame":
		u.blame = !u.blame
		if u.blame {
			u.loadBlame()
		} else {
			v.SetBlame(nil, nil)
		}
		u.patchTitle()
	case "show":
		u.showBlamed()
	case "funccontext":
		u.funcContext = !u.funcContext
		u.pages.RemovePage("patch")
		u.openPatch(u.patchRow)
	case "help":
		u.openHelp()
	case "back":
		u.pages.RemovePage("patch")
		u.app.SetFocus(u.table)
	default:
		return ev
	}
	return nil
}

// patchTitle says what the patch view shows; the status bar is hidden
// behind it.
func (u *UI) patchTitle() {
	t := fmt.Sprintf(" %s  %d changed lines", RowCells(u.patchRow)[1].Text, u.patch.Layout().Changed)
	if u.blame {
		t += "  blame on (yellow: upstream between the bases; Enter shows the cursor line's commit)"
	}
	if u.funcContext {
		t += "  function context"
	}
	if u.blameState != "" {
		t += "  " + u.blameState
	}
	u.patch.SetTitle(tview.Escape(safetext.Line(t)) + "  (? keys, q back) ")
}

// loadBlame computes the blame column off the UI goroutine.
func (u *UI) loadBlame() {
	v, r := u.patch, u.patchRow
	u.setStatus("blaming...")
	// The status bar is behind the patch view: progress goes in its title.
	u.blameState = "blaming..."
	u.patchTitle()
	progress := func(done, total int) {
		u.app.QueueUpdateDraw(func() {
			if u.patch == v && u.blameState != "" {
				u.blameState = fmt.Sprintf("blaming %d/%d files...", done, total)
				u.patchTitle()
			}
		})
	}
	// A side of several commits (split, squash) has no one parent to
	// blame in: only a side of one commit is blamed.
	olds, news := u.model.Result.Sides(r)
	var single [2]*review.Commit
	for side, cs := range [][]*review.Commit{olds, news} {
		if len(cs) == 1 {
			single[side] = cs[0]
		}
	}
	go func() {
		var data [2]map[string]map[int]string
		var err error
		for side, c := range single {
			if c == nil {
				continue
			}
			lines := v.Layout().PreLines(side, false)
			data[side] = map[string]map[int]string{}
			total, done := len(lines), 0
			for file, ls := range lines {
				progress(done+side*total, 2*total)
				done++
				m, e := u.backend.Blame(u.ctx, c.SHA, file, ls)
				if e != nil {
					err = e
					continue
				}
				data[side][file] = m
			}
		}
		u.app.QueueUpdateDraw(func() {
			if u.patch != v {
				return
			}
			commits := [2]string{}
			for side, c := range single {
				if c != nil {
					commits[side] = c.SHA
				}
			}
			v.SetBlame(&blameData{lines: data, commits: commits}, u.model.Result.Between)
			u.blameState = ""
			if err != nil {
				u.blameState = "blame incomplete"
			}
			u.patchTitle()
			if err != nil {
				u.setStatus("blame incomplete: " + err.Error())
			} else {
				u.setStatus("blame: yellow commits are upstream changes between the bases; Enter shows the cursor line's commit")
			}
		})
	}()
}

// openReplay replays the selected row's old commit onto its counterpart's
// parent, off the UI goroutine, and shows the report.
func (u *UI) openReplay(r *review.Row) {
	if r == nil || r.Old == nil || r.New == nil {
		u.setStatus("replay needs a row with an old and a new commit")
		return
	}
	if r.Group > 0 {
		u.setStatus("replay needs a one-to-one row: a split or squash has no single counterpart")
		return
	}
	u.setStatus("replaying " + review.Short(r.Old.SHA) + "...")
	go func() {
		text, err := u.backend.Replay(u.ctx, r.Old.SHA, r.New.SHA)
		u.app.QueueUpdateDraw(func() {
			if err != nil {
				u.setStatus("cannot replay: " + err.Error())
				return
			}
			u.setStatus("")
			u.showText("replay", fmt.Sprintf(" replay of %s onto the parent of %s (q back) ", review.Short(r.Old.SHA), review.Short(r.New.SHA)), text, u.table)
		})
	}()
}

// showText shows a scrollable text page; q or Esc returns to back.
func (u *UI) showText(name, title, text string, back tview.Primitive) {
	view := tview.NewTextView().SetText(safetext.Text(text))
	view.SetBorder(true).SetTitle(title)
	view.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == tcell.KeyEscape || (ev.Key() == tcell.KeyRune && ev.Rune() == 'q') {
			u.pages.RemovePage(name)
			u.app.SetFocus(back)
			return nil
		}
		return ev
	})
	u.pages.AddPage(name, view, true, true)
	u.app.SetFocus(view)
}

// showBlamed shows the commit blamed for the cursor's line of the patch
// view.
func (u *UI) showBlamed() {
	sha := u.patch.BlamedCursor()
	if sha == "" {
		u.setStatus("no blame for this line (press b first)")
		return
	}
	go func() {
		text, err := u.backend.Patch(u.ctx, sha, false)
		u.app.QueueUpdateDraw(func() {
			if err != nil {
				u.setStatus("cannot show " + sha[:12] + ": " + err.Error())
				return
			}
			u.showText("commit", " "+sha[:12]+" (q back) ", text, u.patch)
		})
	}()
}
