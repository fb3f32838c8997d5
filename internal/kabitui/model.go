// Package kabitui is the terminal UI of `git kabi compare` and `git kabi
// tui`: the changed types of a Symtypes comparison sorted by impact, the
// diff of each in C colours, the exports reaching it and the modules using
// them, and panels for the struct layout and the commits that changed it.
//
// The state lives in Model, which knows nothing of widgets; the widgets are
// in ui.go and diffview.go; the keys of each view are a table in keys.go,
// from which the help screen is generated. The UI runs no program itself:
// layout and blame come through the hooks of Options.
package kabitui

import (
	"fmt"
	"strings"

	"github.com/patchqueue/pqtools/internal/symtypes"
)

// Item is one changed type and what it touches.
type Item struct {
	symtypes.Impact
	Title string // as C names it: "struct foo", "typedef bar", an export
	Diff  string // unified diff of the two pretty definitions
	// search is the lower-case text search and filter look in.
	search string
}

// Data is what the UI shows: the comparison, its changes by impact.
type Data struct {
	Items []Item
	// Differ, OnlyOld and OnlyNew count the exports whose CRC differs
	// and those on one side only.
	Differ, OnlyOld, OnlyNew int
	// Modules says whether a locked list gave the modules.
	Modules bool
}

// NewData builds the items of a comparison, in the order of impacts.
func NewData(old, new *symtypes.Set, c *symtypes.Comparison, impacts []symtypes.Impact, modules bool) (*Data, error) {
	d := &Data{Differ: len(c.Differ), OnlyOld: len(c.OnlyOld), OnlyNew: len(c.OnlyNew), Modules: modules}
	for _, im := range impacts {
		diff, err := symtypes.ChangeDiff(old, new, im.Change)
		if err != nil {
			return nil, err
		}
		it := Item{Impact: im, Title: symtypes.TypeTitle(im.Change.Name), Diff: diff}
		it.search = strings.ToLower(it.Title + "\n" + strings.Join(im.Exports, "\n") + "\n" + strings.Join(im.Modules, "\n") + "\n" + it.Diff)
		d.Items = append(d.Items, it)
	}
	return d, nil
}

// Model is the state of the UI: which items the filter keeps, what the
// search looks for.
type Model struct {
	Data *Data
	// Filter keeps the items containing every one of its terms (in the
	// title, exports, modules or diff); Search moves between the items
	// containing every one of its terms.
	Filter, Search string
	// Visible are the indices of the items the filter keeps, in order.
	Visible []int
}

// NewModel shows every item.
func NewModel(d *Data) *Model {
	m := &Model{Data: d}
	m.SetFilter("")
	return m
}

// terms splits a query into lower-case terms.
func terms(q string) []string { return strings.Fields(strings.ToLower(q)) }

func (it *Item) matches(ts []string) bool {
	for _, t := range ts {
		if !strings.Contains(it.search, t) {
			return false
		}
	}
	return true
}

// SetFilter keeps the items matching every term of f.
func (m *Model) SetFilter(f string) {
	m.Filter = f
	ts := terms(f)
	m.Visible = m.Visible[:0]
	for i := range m.Data.Items {
		if m.Data.Items[i].matches(ts) {
			m.Visible = append(m.Visible, i)
		}
	}
}

// Item returns the item at a position of Visible, nil outside.
func (m *Model) Item(pos int) *Item {
	if pos < 0 || pos >= len(m.Visible) {
		return nil
	}
	return &m.Data.Items[m.Visible[pos]]
}

// NextMatch returns the position in Visible of the next item after from
// (dir 1) or before it (dir -1) matching the search, wrapping around; -1
// when none does or the search is empty.
func (m *Model) NextMatch(from, dir int) int {
	ts := terms(m.Search)
	n := len(m.Visible)
	if len(ts) == 0 || n == 0 {
		return -1
	}
	for k := 1; k <= n; k++ {
		p := ((from+dir*k)%n + n) % n
		if m.Item(p).matches(ts) {
			return p
		}
	}
	return -1
}

// Header is the summary line above the table.
func (m *Model) Header() string {
	d := m.Data
	h := fmt.Sprintf("%d changed types, %d exports differ", len(d.Items), d.Differ)
	if d.OnlyOld+d.OnlyNew > 0 {
		h += fmt.Sprintf(", %d only in the baseline, %d only in the comparison", d.OnlyOld, d.OnlyNew)
	}
	if !d.Modules {
		h += " (no locked list: -l gives the modules)"
	}
	return h
}

// Row is the text of an item's table row: exports, modules, title.
func Row(it *Item, modules bool) [3]string {
	mods := "-"
	if modules {
		mods = fmt.Sprint(len(it.Modules))
	}
	return [3]string{fmt.Sprint(len(it.Exports)), mods, it.Title}
}

// ImpactText is the impact panel of an item.
func ImpactText(it *Item, modules bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d exports reach %s:\n", len(it.Exports), it.Title)
	for _, e := range it.Exports {
		b.WriteString("  " + e + "\n")
	}
	switch {
	case !modules:
		b.WriteString("\nModules: give the locked list (-l FILE) to see which modules use these exports.\n")
	case len(it.Modules) == 0:
		b.WriteString("\nNo module of the locked list uses them.\n")
	default:
		fmt.Fprintf(&b, "\n%d modules use them:\n", len(it.Modules))
		for _, m := range it.Modules {
			b.WriteString("  " + m + "\n")
		}
	}
	return b.String()
}
