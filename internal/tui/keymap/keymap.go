// Package keymap is the key tables of the terminal UIs (internal/tui and
// internal/kabitui): one table of bindings per view, looked up on each key
// and rendered into the help screen, so that what `?` shows is what the
// keys do. Each UI keeps its own tables and says what an action does.
package keymap

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
)

// Binding is one key of a view.
type Binding struct {
	Key    tcell.Key // tcell.KeyRune for printable keys
	Rune   rune
	Label  string
	Help   string
	Action string
}

// Rune binds a printable key, labelled as itself.
func Rune(c rune, help, action string) Binding {
	return Binding{Key: tcell.KeyRune, Rune: c, Label: string(c), Help: help, Action: action}
}

// Key binds a special key (Enter, Tab, Esc), labelled label.
func Key(key tcell.Key, label, help, action string) Binding {
	return Binding{Key: key, Label: label, Help: help, Action: action}
}

func (b Binding) matches(ev *tcell.EventKey) bool {
	if b.Key == tcell.KeyRune {
		return ev.Key() == tcell.KeyRune && ev.Rune() == b.Rune
	}
	return ev.Key() == b.Key
}

// HelpLabel is how the help screen and the man pages name the key.
func (b Binding) HelpLabel() string {
	if b.Label == " " {
		return "Space"
	}
	return b.Label
}

// Lookup returns the action bound to an event, or "": the arrows and
// page keys move wherever they are pressed.
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
// behind them.
func Help(sections ...HelpSection) string {
	var b strings.Builder
	for _, sec := range sections {
		b.WriteString(sec.Title + "\n\n")
		for _, k := range sec.Keys {
			fmt.Fprintf(&b, "  %-7s %s\n", k.HelpLabel(), k.Help)
		}
		b.WriteString("\n")
	}
	b.WriteString("Press any key to close this help.\n")
	return b.String()
}
