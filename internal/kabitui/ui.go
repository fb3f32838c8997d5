package kabitui

import (
	"context"
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/patchqueue/pqtools/internal/safetext"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/patchqueue/pqtools/internal/tui"
	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// LayoutFunc returns the layout of a type, old and new side by side, as
// text. typeName is the type as C names it ("struct foo").
type LayoutFunc func(ctx context.Context, typeName string) (string, error)

// BlameFunc returns what blame finds for one changed type: the commits of
// a range that changed it, as text.
type BlameFunc func(ctx context.Context, change symtypes.TypeChange) (string, error)

// Options are the UI's hooks and labels.
type Options struct {
	// Title names what is compared, in the header ("A vs B").
	Title string
	// Layout, when set, fills the layout panel; without it the panel
	// says how to get the objects it needs.
	Layout LayoutFunc
	// Blame, when set, fills the blame panel; without it the panel says
	// how to give a range.
	Blame BlameFunc
}

// Loader computes what the UI shows, reporting the stage it is at.
type Loader func(ctx context.Context, progress func(stage string)) (*Data, error)

// NoLayout is what the layout panel says without objects.
const NoLayout = `No objects to read the layout from.

The layout (offsets, sizes, holes, padding, cachelines) comes from the
DWARF debug information of the old and the new build, read by pahole
(Debian package "pahole"). Give two objects built with debug info that
use the type: a vmlinux (CONFIG_DEBUG_INFO=y), or the .o of a file
including its header, compiled with -g, e.g.

    make CONFIG_DEBUG_INFO=y drivers/net/foo.o

and run

    git kabi tui -l LOCKEDLIST OLD NEW --old-obj OLD.o --new-obj NEW.o

A hole of the old layout where a new member fits without moving any
offset is the usual kABI-preserving fix.`

// NoBlame is what the blame panel says without a range.
const NoBlame = `No range to blame.

Run from the kernel work tree (or give --repo DIR) with the range that
changed the kABI:

    git kabi tui -l LOCKEDLIST OLD NEW --range v4.19.19..v4.19.325

Each commit found comes with the git kabi commit line that starts its
!kabi fix.`

// UI is the kABI triage application.
type UI struct {
	ctx   context.Context
	opts  Options
	app   *tview.Application
	pages *tview.Pages
	model *Model

	loading *tui.LoadingPage
	header  *tview.TextView
	table   *tview.Table
	diff    *tview.TextView
	impact  *tview.TextView
	status  *tview.TextView
	input   *tview.InputField
	main    *tview.Flex
	bottom  tview.Primitive // status or input: what the last line shows

	colored map[int]string // ColorDiff of an item, by index
	// computed are the layout and blame pages computed so far, by panel and
	// change: each runs pahole or git, which a second look need not.
	computed map[string]string
	shown    int // the item the panels show, -1 for none
}

// New builds the UI; Run starts loading.
func New(ctx context.Context, opts Options) *UI {
	l := tui.NewLoadingPage(" git kabi ")
	return &UI{ctx: ctx, opts: opts, app: l.App, pages: l.Pages, loading: l, colored: map[int]string{}, computed: map[string]string{}, shown: -1}
}

// App is the tview application (tests give it a simulation screen).
func (u *UI) App() *tview.Application { return u.app }

// Run loads off the UI goroutine and runs until the user quits.
func (u *UI) Run(load Loader) error {
	return tui.RunLoading(u.ctx, u.loading, "reading the Symtypes files...", func() (*Data, error) {
		return load(u.ctx, func(stage string) { u.loading.Progress(tview.Escape(stage) + "...") })
	}, u.show)
}

// show builds the main screen.
func (u *UI) show(d *Data) {
	u.model = NewModel(d)
	u.header = tview.NewTextView().SetDynamicColors(true)
	u.table = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	u.table.SetBorder(true).SetTitle(" changed types by impact ")
	u.diff = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	u.diff.SetBorder(true)
	u.impact = tview.NewTextView().SetWrap(false)
	u.impact.SetBorder(true)
	u.status = tview.NewTextView().SetDynamicColors(true)
	u.input = tview.NewInputField()
	u.table.SetSelectionChangedFunc(func(int, int) { u.showSelected() })
	u.table.SetInputCapture(u.tableKey)
	u.diff.SetInputCapture(u.panelKey(u.diff))
	u.impact.SetInputCapture(u.panelKey(u.impact))
	right := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.diff, 0, 3, false).
		AddItem(u.impact, 0, 2, false)
	body := tview.NewFlex().
		AddItem(u.table, 0, 2, true).
		AddItem(right, 0, 3, false)
	u.main = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.header, 1, 0, false).
		AddItem(body, 0, 1, true).
		AddItem(u.status, 1, 0, false)
	u.bottom = u.status
	u.loading.Replace("main", u.main)
	u.fill()
	u.app.SetFocus(u.table)
	u.setStatus("? help  Enter diff  i impact  l layout  b blame  / search  f filter  q quit")
}

func (u *UI) setStatus(s string) { u.status.SetText(tview.Escape(safetext.Line(s))) }

// fill renders the visible items into the table, keeping the selection on
// the item it was on when the filter still shows it.
func (u *UI) fill() {
	keep := u.shown
	u.table.Clear()
	for c, title := range []string{"exports", "modules", "type"} {
		cell := tview.NewTableCell(title).SetSelectable(false).SetAttributes(tcell.AttrBold)
		if c < 2 {
			cell.SetAlign(tview.AlignRight)
		}
		u.table.SetCell(0, c, cell)
	}
	sel := 0
	for pos, idx := range u.model.Visible {
		row := Row(u.model.Item(pos), u.model.Data.Modules)
		for c, text := range row {
			cell := tview.NewTableCell(tview.Escape(safetext.Line(text)))
			if c < 2 {
				cell.SetAlign(tview.AlignRight)
			} else {
				cell.SetExpansion(1)
			}
			u.table.SetCell(pos+1, c, cell)
		}
		if idx == keep {
			sel = pos
		}
	}
	h := tview.Escape(u.model.Header())
	if u.opts.Title != "" {
		h += "  " + tview.Escape(safetext.Line(u.opts.Title))
	}
	if u.model.Filter != "" {
		h = "[yellow]" + tview.Escape(fmt.Sprintf("showing %d of %d: %s", len(u.model.Visible), len(u.model.Data.Items), u.model.Filter)) + "[-]  " + h
	}
	u.header.SetText(h)
	u.shown = -1
	if len(u.model.Visible) > 0 {
		u.table.Select(sel+1, 0)
	}
	u.showSelected()
}

// selectedPos is the selected position in the model's Visible.
func (u *UI) selectedPos() int {
	row, _ := u.table.GetSelection()
	return row - 1
}

// selected is the selected item, nil when none is shown.
func (u *UI) selected() *Item { return u.model.Item(u.selectedPos()) }

// showSelected fills the diff and impact panels with the selected item.
func (u *UI) showSelected() {
	pos := u.selectedPos()
	it := u.model.Item(pos)
	if it == nil {
		u.shown = -1
		u.diff.SetText("(no type)").SetTitle(" diff ")
		u.impact.SetText("").SetTitle(" impact ")
		return
	}
	idx := u.model.Visible[pos]
	if idx == u.shown {
		return
	}
	u.shown = idx
	text, ok := u.colored[idx]
	if !ok {
		text = ColorDiff(it.Diff)
		u.colored[idx] = text
	}
	u.diff.SetText(text).ScrollToBeginning().SetTitle(" " + tview.Escape(safetext.Line(it.Title)) + ": diff ")
	mods := "modules: -l"
	if u.model.Data.Modules {
		mods = fmt.Sprintf("%d modules", len(it.Modules))
	}
	u.impact.SetText(safetext.Text(ImpactText(it, u.model.Data.Modules))).ScrollToBeginning().
		SetTitle(fmt.Sprintf(" impact: %d exports, %s ", len(it.Exports), mods))
}

func (u *UI) tableKey(ev *tcell.EventKey) *tcell.EventKey {
	switch keymap.Lookup(TypeKeys, ev) {
	case "diff":
		u.focusPanel(u.diff, "diff")
	case "impact":
		u.focusPanel(u.impact, "impact")
	case "layout":
		u.openLayout()
	case "blame":
		u.openBlame()
	case "search":
		u.ask("/", u.model.Search, func(text string) {
			u.model.Search = text
			u.jump(u.selectedPos(), 1, true)
		}, nil)
	case "nextmatch":
		u.jump(u.selectedPos(), 1, false)
	case "prevmatch":
		u.jump(u.selectedPos(), -1, false)
	case "filter":
		before := u.model.Filter
		u.ask("filter: ", before, nil, func(text string) {
			u.model.SetFilter(text)
			u.fill()
		})
	case "clear":
		u.model.Search = ""
		u.model.SetFilter("")
		u.fill()
		u.setStatus("filter and search cleared")
	case "help":
		u.openHelp()
	case "quit":
		u.app.Stop()
	default:
		return ev
	}
	return nil
}

// jump selects the next search match from pos in direction dir; with
// here, pos itself counts (a new search starts on the selected row).
func (u *UI) jump(pos, dir int, here bool) {
	if strings.TrimSpace(u.model.Search) == "" {
		u.setStatus("no search: press / first")
		return
	}
	from := pos
	if here {
		from = pos - dir
	}
	p := u.model.NextMatch(from, dir)
	if p < 0 {
		u.setStatus("no type matches " + u.model.Search)
		return
	}
	u.table.Select(p+1, 0)
	u.setStatus(fmt.Sprintf("/%s  (n next, N previous)", u.model.Search))
}

// ask reads a line in place of the status bar: changed runs on every
// keystroke (a filter narrows as you type), done on Enter; Esc restores
// what changed last saw before.
func (u *UI) ask(label, initial string, done, changed func(string)) {
	u.input = tview.NewInputField().SetLabel(label).SetText(initial)
	if changed != nil {
		u.input.SetChangedFunc(changed)
	}
	u.input.SetDoneFunc(func(key tcell.Key) {
		text := u.input.GetText()
		switch key {
		case tcell.KeyEnter:
			if done != nil {
				done(text)
			}
		case tcell.KeyEscape:
			if changed != nil {
				changed(initial)
			}
		}
		u.main.RemoveItem(u.input)
		u.main.AddItem(u.status, 1, 0, false)
		u.bottom = u.status
		u.app.SetFocus(u.table)
	})
	u.main.RemoveItem(u.bottom)
	u.main.AddItem(u.input, 1, 0, true)
	u.bottom = u.input
	u.app.SetFocus(u.input)
}

// focusPanel moves the keys to a panel, to scroll it.
func (u *UI) focusPanel(p *tview.TextView, name string) {
	if u.selected() == nil {
		return
	}
	u.app.SetFocus(p)
	u.setStatus(name + ": j/k/Space/u scroll, h/l sideways, q or Tab back to the table")
}

// panelKey handles the keys of a scrolling panel.
func (u *UI) panelKey(v *tview.TextView) func(*tcell.EventKey) *tcell.EventKey {
	return func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Key() == tcell.KeyTab {
			u.back(v)
			return nil
		}
		row, col := v.GetScrollOffset()
		_, _, _, h := v.GetInnerRect()
		switch keymap.Lookup(PanelKeys, ev) {
		case "down":
			v.ScrollTo(row+1, col)
		case "up":
			v.ScrollTo(max(row-1, 0), col)
		case "pagedown":
			v.ScrollTo(row+max(h-1, 1), col)
		case "pageup":
			v.ScrollTo(max(row-max(h-1, 1), 0), col)
		case "right":
			v.ScrollTo(row, col+8)
		case "left":
			v.ScrollTo(row, max(col-8, 0))
		case "help":
			u.openHelp()
		case "back":
			u.back(v)
		default:
			return ev
		}
		return nil
	}
}

// back returns from a panel or page to the table.
func (u *UI) back(from tview.Primitive) {
	if from != u.diff && from != u.impact {
		for _, name := range []string{"layout", "blame"} {
			if u.pages.HasPage(name) {
				u.pages.RemovePage(name)
			}
		}
	}
	u.app.SetFocus(u.table)
	u.setStatus("? help  Enter diff  i impact  l layout  b blame  / search  f filter  q quit")
}

func (u *UI) openHelp() { tui.ShowHelp(u.app, u.pages, HelpText()) }

// openLayout shows the layout of the selected type, computed off the UI
// goroutine, or says how to get the objects it needs.
func (u *UI) openLayout() {
	it := u.selected()
	if it == nil {
		return
	}
	if u.opts.Layout == nil {
		u.page("layout", " layout of "+it.Title+" (q back) ", NoLayout)
		return
	}
	// The layout is the type's, whichever of its versions (name@crc) is
	// selected: pahole runs once per type.
	u.background("layout", it.Title, it, func() (string, error) { return u.opts.Layout(u.ctx, it.Title) })
}

// openBlame shows the commits that changed the selected type, computed off
// the UI goroutine, or says how to give a range.
func (u *UI) openBlame() {
	it := u.selected()
	if it == nil {
		return
	}
	if u.opts.Blame == nil {
		u.page("blame", " blame of "+it.Title+" (q back) ", NoBlame)
		return
	}
	ch := it.Change
	u.background("blame", ch.Name+"\x00"+ch.Old+"\x00"+ch.New, it, func() (string, error) { return u.opts.Blame(u.ctx, ch) })
}

// background runs slow work for a page off the UI goroutine, with
// progress in the status bar; its text is kept under what, which names
// what the text depends on.
func (u *UI) background(name, what string, it *Item, work func() (string, error)) {
	title := it.Title
	key := name + "\x00" + what
	if text, ok := u.computed[key]; ok {
		u.page(name, " "+name+" of "+title+" (q back) ", text)
		return
	}
	u.setStatus(name + " of " + title + "...")
	go func() {
		text, err := work()
		u.app.QueueUpdateDraw(func() {
			if err != nil {
				u.setStatus("no " + name + " for " + title + ": " + err.Error())
				return
			}
			u.computed[key] = text
			u.setStatus("")
			u.page(name, " "+name+" of "+title+" (q back) ", text)
		})
	}()
}

// page shows a scrollable text page with the panel keys.
func (u *UI) page(name, title, text string) {
	v := tview.NewTextView().SetText(safetext.Text(text)).SetWrap(false)
	v.SetBorder(true).SetTitle(tview.Escape(safetext.Line(title)))
	v.SetInputCapture(u.panelKey(v))
	u.pages.AddPage(name, v, true, true)
	u.app.SetFocus(v)
}
