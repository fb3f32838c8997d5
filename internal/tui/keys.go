package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
)

// Binding is one key of a view. Help is generated from these tables, so
// what `?` shows is what the keys do.
type Binding struct {
	Key    tcell.Key // tcell.KeyRune for printable keys
	Rune   rune
	Label  string
	Help   string
	Action string
}

func (b Binding) matches(ev *tcell.EventKey) bool {
	if b.Key == tcell.KeyRune {
		return ev.Key() == tcell.KeyRune && ev.Rune() == b.Rune
	}
	return ev.Key() == b.Key
}

func r(c rune, help, action string) Binding {
	return Binding{Key: tcell.KeyRune, Rune: c, Label: string(c), Help: help, Action: action}
}

func k(key tcell.Key, label, help, action string) Binding {
	return Binding{Key: key, Label: label, Help: help, Action: action}
}

// TableKeys are the keys of the commit table.
var TableKeys = []Binding{
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
var PatchKeys = []Binding{
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

// Lookup returns the action bound to an event, or "": the arrows and
// page keys move wherever they are pressed. The kABI UI shares it.
func Lookup(keys []Binding, ev *tcell.EventKey) string {
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
		if b.matches(ev) {
			return b.Action
		}
	}
	return ""
}

// HelpSection is one view's keys in a help screen.
type HelpSection struct {
	Title string
	Keys  []Binding
}

// Help renders a help screen from keymaps, so that it cannot fall
// behind them. The kABI UI shares it.
func Help(sections ...HelpSection) string {
	var b strings.Builder
	for _, sec := range sections {
		b.WriteString(sec.Title + "\n\n")
		for _, k := range sec.Keys {
			label := k.Label
			if label == " " {
				label = "Space"
			}
			fmt.Fprintf(&b, "  %-7s %s\n", label, k.Help)
		}
		b.WriteString("\n")
	}
	b.WriteString("Press any key to close this help.\n")
	return b.String()
}

// HelpText renders the keys of both views.
func HelpText() string {
	return Help(HelpSection{"Commit table", TableKeys}, HelpSection{"Patch view", PatchKeys})
}
