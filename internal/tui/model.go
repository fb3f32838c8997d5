// Package tui is the terminal UI of git review-rebase: a table of the
// review's rows (old commit, status marks, new commit), search and status
// filters, a side-by-side view of the two patches of a row, and git notes
// for dropped commits. State and rendering of rows are plain functions
// (this file); widgets are one file per pane; everything git-related goes
// through the Backend interface, so the UI never runs git itself.
package tui

import (
	"strconv"
	"strings"

	"github.com/patchqueue/pqtools/internal/review"
)

// FilterMode says whether rows of a status are shown.
type FilterMode uint8

// Filter modes, cycled by the filter form.
const (
	Any     FilterMode = iota // no constraint
	With                      // only rows with this property
	Without                   // only rows without it
)

func (f FilterMode) String() string { return [...]string{"any", "with", "without"}[f] }

// Property is a filterable property of a row: a status, or "upstream", or
// "noted".
type Property string

// Properties in filter-form order.
var Properties = func() []Property {
	var ps []Property
	for _, s := range review.Statuses {
		ps = append(ps, Property(s))
	}
	return append(ps, "upstream", "noted")
}()

func has(r *review.Row, p Property) bool {
	switch p {
	case "upstream":
		return r.Upstream
	case "noted":
		return r.Note != ""
	}
	return string(r.Status) == string(p)
}

// Model is the state of the review screen, without widgets.
type Model struct {
	Result  *review.Result
	Filters map[Property]FilterMode
	Terms   []string // search terms, lower case; a row must contain all
	// Visible lists the indices of the rows shown, in order.
	Visible []int
}

// NewModel shows every row.
func NewModel(res *review.Result) *Model {
	m := &Model{Result: res, Filters: map[Property]FilterMode{}}
	m.Apply()
	return m
}

// SetSearch sets the search text: whitespace-separated terms, all of which
// must appear (case-insensitively) in a sha or title of the row.
func (m *Model) SetSearch(text string) {
	m.Terms = strings.Fields(strings.ToLower(text))
	m.Apply()
}

// Clear drops filters and search.
func (m *Model) Clear() {
	m.Filters = map[Property]FilterMode{}
	m.Terms = nil
	m.Apply()
}

// Apply recomputes Visible.
func (m *Model) Apply() {
	m.Visible = m.Visible[:0]
	for i := range m.Result.Rows {
		if m.shows(&m.Result.Rows[i]) {
			m.Visible = append(m.Visible, i)
		}
	}
}

func (m *Model) shows(r *review.Row) bool {
	for p, mode := range m.Filters {
		switch {
		case mode == With && !has(r, p), mode == Without && has(r, p):
			return false
		}
	}
	if len(m.Terms) == 0 {
		return true
	}
	hay := strings.ToLower(searchText(r))
	for _, t := range m.Terms {
		if !strings.Contains(hay, t) {
			return false
		}
	}
	return true
}

func searchText(r *review.Row) string {
	var b strings.Builder
	for _, c := range []*review.Commit{r.Old, r.New, r.AlsoUpstream} {
		if c != nil {
			b.WriteString(c.SHA + " " + c.Title + "\n")
		}
	}
	return b.String()
}

// Row returns the row at a visible position.
func (m *Model) Row(pos int) *review.Row {
	if pos < 0 || pos >= len(m.Visible) {
		return nil
	}
	return &m.Result.Rows[m.Visible[pos]]
}

// FilterSummary describes active filters and search for the header.
func (m *Model) FilterSummary() string {
	var parts []string
	for _, p := range Properties {
		if mode := m.Filters[p]; mode != Any {
			parts = append(parts, mode.String()+" "+string(p))
		}
	}
	if len(m.Terms) > 0 {
		parts = append(parts, "search \""+strings.Join(m.Terms, " ")+"\"")
	}
	return strings.Join(parts, ", ")
}

// Cell is one rendered table cell: text and a colour name.
type Cell struct {
	Text  string
	Color string
}

// StatusColor is the colour of a row's status, as in the text output.
func StatusColor(r *review.Row) string {
	if r.Upstream {
		return "blue"
	}
	switch r.Status {
	case review.StatusSame, review.StatusPatchID:
		return "green"
	case review.StatusTitle, review.StatusSimilar:
		return "yellow"
	case review.StatusSplit, review.StatusSquashed:
		return "fuchsia"
	case review.StatusDropped:
		return "red"
	}
	return "aqua"
}

// RowCells renders a row as the table's three columns: old commit, status
// marks, new commit. A dropped commit with a note is marked explained.
func RowCells(r *review.Row) [3]Cell {
	side := func(c *review.Commit) string {
		if c == nil {
			return ""
		}
		return review.Short(c.SHA) + " " + c.Title
	}
	// The status as text output shows it: "title upstream", "split #1".
	marks := review.Mark(r) + " " + review.StatusText(r)
	if r.Note != "" {
		marks += " [note]"
	}
	if r.AlsoUpstream != nil {
		marks += " [also upstream]"
	}
	if (r.Status == review.StatusTitle || r.Status == review.StatusSimilar || r.Status.Grouped()) && !r.Upstream && r.Explained {
		marks += " [explained]"
	}
	if r.Replay != "" {
		marks += " [replay " + r.Replay + "]"
	}
	color := StatusColor(r)
	return [3]Cell{{side(r.Old), color}, {marks, color}, {side(r.New), color}}
}

// Header is the title line: ranges and counts per status.
func Header(res *review.Result) string {
	s := res.Summarize()
	var parts []string
	for _, st := range review.Statuses {
		if s.Counts[st] > 0 || !st.Optional() {
			parts = append(parts, strings.TrimSpace(string(st))+" "+strconv.Itoa(s.Counts[st]))
		}
	}
	return "old " + review.Short(res.Old.Base) + ".." + review.Short(res.Old.Tip) +
		"  new " + review.Short(res.New.Base) + ".." + review.Short(res.New.Tip) +
		"   " + strings.Join(parts, "  ") + "  upstream " + strconv.Itoa(s.Upstream)
}
