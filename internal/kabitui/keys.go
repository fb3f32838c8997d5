package kabitui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/tui"
)

// The keys are review-rebase's where the two UIs do the same thing (/
// search, f filter, C clear, ? help, q quit, Enter opens); bindings are
// internal/tui's type, so both help screens read alike.

func r(c rune, help, action string) tui.Binding {
	return tui.Binding{Key: tcell.KeyRune, Rune: c, Label: string(c), Help: help, Action: action}
}

func k(key tcell.Key, label, help, action string) tui.Binding {
	return tui.Binding{Key: key, Label: label, Help: help, Action: action}
}

// TypeKeys are the keys of the table of changed types.
var TypeKeys = []tui.Binding{
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
var PanelKeys = []tui.Binding{
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

// lookup returns the action bound to an event, or "": the arrows and
// page keys scroll wherever they are pressed.
func lookup(keys []tui.Binding, ev *tcell.EventKey) string {
	switch ev.Key() {
	case tcell.KeyDown:
		return "down"
	case tcell.KeyUp:
		return "up"
	case tcell.KeyPgDn:
		return "pagedown"
	case tcell.KeyPgUp:
		return "pageup"
	case tcell.KeyRight:
		return "right"
	case tcell.KeyLeft:
		return "left"
	}
	for _, b := range keys {
		if b.Key == tcell.KeyRune {
			if ev.Key() == tcell.KeyRune && ev.Rune() == b.Rune {
				return b.Action
			}
		} else if ev.Key() == b.Key {
			return b.Action
		}
	}
	return ""
}

// HelpText renders the keys of both views.
func HelpText() string {
	var b strings.Builder
	section := func(title string, keys []tui.Binding) {
		b.WriteString(title + "\n\n")
		for _, k := range keys {
			label := k.Label
			if label == " " {
				label = "Space"
			}
			fmt.Fprintf(&b, "  %-7s %s\n", label, k.Help)
		}
		b.WriteString("\n")
	}
	section("Changed types", TypeKeys)
	section("Diff, impact, layout and blame", PanelKeys)
	b.WriteString("Press any key to close this help.\n")
	return b.String()
}
