package keymap

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

func TestLookup(t *testing.T) {
	keys := []Binding{
		Rune('j', "down one line", "down"),
		Rune(' ', "down one page", "pagedown"),
		Key(tcell.KeyEnter, "Enter", "open", "open"),
		Rune('q', "quit", "quit"),
	}
	for _, c := range []struct {
		name string
		ev   *tcell.EventKey
		want string
	}{
		{"rune", tcell.NewEventKey(tcell.KeyRune, 'j', tcell.ModNone), "down"},
		{"space", tcell.NewEventKey(tcell.KeyRune, ' ', tcell.ModNone), "pagedown"},
		{"special key", tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone), "open"},
		{"arrow, unbound in the table", tcell.NewEventKey(tcell.KeyLeft, 0, tcell.ModNone), "left"},
		{"page key", tcell.NewEventKey(tcell.KeyPgUp, 0, tcell.ModNone), "pageup"},
		{"unbound rune", tcell.NewEventKey(tcell.KeyRune, 'x', tcell.ModNone), ""},
		{"unbound key", tcell.NewEventKey(tcell.KeyTab, 0, tcell.ModNone), ""},
	} {
		if got := Lookup(keys, c.ev); got != c.want {
			t.Errorf("%s: Lookup = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestHelp(t *testing.T) {
	got := Help(HelpSection{"Table", []Binding{Rune(' ', "down one page", "pagedown"), Key(tcell.KeyEscape, "Esc", "quit", "quit")}},
		HelpSection{"Panel", []Binding{Rune('q', "back", "back")}})
	want := "Table\n\n  Space   down one page\n  Esc     quit\n\nPanel\n\n  q       back\n\nPress any key to close this help.\n"
	if got != want {
		t.Errorf("Help:\n%s\nwant:\n%s", got, want)
	}
}
