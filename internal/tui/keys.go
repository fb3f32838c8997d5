package tui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// The tables' entries, short.
var (
	r = keymap.Rune
	k = keymap.Key
)

// TableKeys are the keys of the commit table.
var TableKeys = []keymap.Binding{
	k(tcell.KeyEnter, "Enter", "show the two patches side by side", "open"),
	r('/', "search: rows whose sha or title contain every term", "search"),
	r('f', "filter by status (with / without / any)", "filter"),
	r('C', "clear filters and search", "clear"),
	r('n', "write or edit the git note of the old commit ($GIT_EDITOR)", "note"),
	r('r', "replay the old commit onto the new one's parent and compare", "replay"),
	r('?', "this help", "help"),
	r('q', "quit", "quit"),
	k(tcell.KeyEscape, "Esc", "quit", "quit"),
}

// PatchKeys are the keys of the side-by-side patch view.
var PatchKeys = []keymap.Binding{
	r('j', "down one line (also Down)", "down"),
	r('k', "up one line (also Up)", "up"),
	r(' ', "down one page (also PgDn)", "pagedown"),
	r('u', "up one page (also PgUp)", "pageup"),
	r('l', "scroll right (also Right)", "right"),
	r('h', "scroll left (also Left)", "left"),
	r(']', "next changed line", "nextchange"),
	r('[', "previous changed line", "prevchange"),
	r('n', "next search match", "nextmatch"),
	r('N', "previous search match", "prevmatch"),
	r('W', "toggle function context (git show -W)", "funccontext"),
	r('b', "toggle the blame column: who last touched each context or removed line", "blame"),
	k(tcell.KeyEnter, "Enter", "show the commit blamed for the cursor's line (an upstream one first)", "show"),
	r('?', "this help", "help"),
	r('q', "back to the table", "back"),
	k(tcell.KeyEscape, "Esc", "back to the table", "back"),
}

// HelpText renders the keys of both views.
func HelpText() string {
	return keymap.Help(keymap.HelpSection{Title: "Commit table", Keys: TableKeys}, keymap.HelpSection{Title: "Patch view", Keys: PatchKeys})
}
