package kabitui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// The keys are review-rebase's where the two UIs do the same thing (/
// search, f filter, C clear, ? help, q quit, Enter opens); the tables are
// internal/tui/keymap's, so both help screens read alike. r and k make
// their entries short.
var (
	r = keymap.Rune
	k = keymap.Key
)

// TypeKeys are the keys of the table of changed types.
var TypeKeys = []keymap.Binding{
	// The table moves its selection itself: these two only document it.
	r('j', "next type (also Down)", "move"),
	r('k', "previous type (also Up)", "move"),
	k(tcell.KeyEnter, "Enter", "scroll the diff of the selected type (also Tab)", "diff"),
	k(tcell.KeyTab, "Tab", "scroll the diff of the selected type", "diff"),
	r('i', "scroll the impacted exports and modules", "impact"),
	r('l', "struct layout of the type, old and new, with holes (pahole)", "layout"),
	r('b', "commits of the range that changed the type (git kabi blame)", "blame"),
	r('/', "search: next type whose name, diff, exports or modules contain every term", "search"),
	r('n', "next search match", "nextmatch"),
	r('N', "previous search match", "prevmatch"),
	r('f', "filter: show only the types containing every term", "filter"),
	r('C', "clear filter and search", "clear"),
	r('?', "this help", "help"),
	r('q', "quit", "quit"),
	k(tcell.KeyEscape, "Esc", "quit", "quit"),
}

// PanelKeys are the keys of the diff and impact panels and of the layout
// and blame pages.
var PanelKeys = []keymap.Binding{
	r('j', "down one line (also Down)", "down"),
	r('k', "up one line (also Up)", "up"),
	r(' ', "down one page (also PgDn)", "pagedown"),
	r('u', "up one page (also PgUp)", "pageup"),
	r('l', "scroll right (also Right), in the diff", "right"),
	r('h', "scroll left (also Left), in the diff", "left"),
	r('?', "this help", "help"),
	r('q', "back to the table (also Tab)", "back"),
	k(tcell.KeyEscape, "Esc", "back to the table", "back"),
}

// HelpText renders the keys of both views.
func HelpText() string {
	return keymap.Help(keymap.HelpSection{Title: "Changed types", Keys: TypeKeys},
		keymap.HelpSection{Title: "Diff, impact, layout and blame", Keys: PanelKeys})
}
