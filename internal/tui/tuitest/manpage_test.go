package tuitest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// recorder is a testing.TB that keeps what the check reports; Fatalf
// ends the check with a panic that run recovers.
type recorder struct {
	testing.TB
	msgs []string
}

type fatal struct{}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatal{})
}

func (r *recorder) Fatal(args ...any) {
	r.msgs = append(r.msgs, fmt.Sprint(args...))
	panic(fatal{})
}

const page = `.TH GIT-X 1
.SH TERMINAL UI
In the table:
.TP
.B Enter
open.
.TP
.B j\fR, \fPDown
down.
.PP
In the panels:
.TP
.B Space\fR (also PgDn)
down a page.
.TP
.B q\fR, \fPEsc
back.
.SH NOTES
.B x
is not a key of the UI.
`

func TestManPageNamesKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "git-x.1")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	table := []keymap.Binding{keymap.Key(tcell.KeyEnter, "Enter", "open", "open"), keymap.Rune('j', "down", "down")}
	panel := []keymap.Binding{keymap.Rune(' ', "down a page", "pagedown"), keymap.Rune('q', "back", "back"), keymap.Key(tcell.KeyEscape, "Esc", "back", "back")}
	run := func(next string, views ...View) []string {
		r := &recorder{TB: t}
		func() {
			defer func() {
				if p := recover(); p != nil && p != (fatal{}) {
					panic(p)
				}
			}()
			ManPageNamesKeys(r, path, "TERMINAL UI", next, views...)
		}()
		return r.msgs
	}
	for _, c := range []struct {
		name  string
		next  string
		views []View
		want  []string
	}{
		{"all named", "NOTES", []View{{Name: "table", Keys: table}, {Name: "panel", Intro: "In the panels", Keys: panel}}, nil},
		{"a key of the other view", "NOTES", []View{{Name: "table", Keys: panel[:1]}, {Name: "panel", Intro: "In the panels", Keys: table[1:]}},
			[]string{`the man page's table keys do not name "Space" (down a page)`, `the man page's panel keys do not name "j" (down)`}},
		{"a key after the section", "NOTES", []View{{Name: "table", Keys: []keymap.Binding{keymap.Rune('x', "x", "x")}}},
			[]string{`the man page's table keys do not name "x" (x)`}},
		{"no such section", "FILES", []View{{Name: "table", Keys: table}},
			[]string{"the man page has no TERMINAL UI section before FILES"}},
		{"no intro", "NOTES", []View{{Name: "table", Keys: table}, {Name: "panel", Intro: "In the pager", Keys: panel}},
			[]string{`the TERMINAL UI section does not introduce the panel keys ("In the pager") after the table keys`}},
	} {
		if got := run(c.next, c.views...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
