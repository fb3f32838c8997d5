package tuitest

import (
	"os"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// View is one view's keymap and where the man page starts listing it.
type View struct {
	Name string // the view, in messages: "table"
	// Intro is the text of the section at which the view's keys start;
	// the first view's start with the section.
	Intro string
	Keys  []keymap.Binding
}

// ManPageNamesKeys fails t unless the man page at path names every key of
// every view: man pages list the keys by hand, and this keeps them in
// step with the keymaps the UI's own help is generated from. The keys are
// those the .B lines that head the entries name, in the section headed
// section (".SH section") up to the one headed next, in the view's part of
// it: from its Intro to the next view's.
func ManPageNamesKeys(t testing.TB, path, section, next string, views ...View) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	man := string(data)
	start, end := strings.Index(man, ".SH "+section), strings.Index(man, ".SH "+next)
	if start < 0 || end < start {
		t.Fatalf("the man page has no %s section before %s", section, next)
	}
	text := man[start:end]
	starts := make([]int, len(views)+1)
	starts[len(views)] = len(text)
	for i, v := range views {
		if i == 0 {
			continue
		}
		at := strings.Index(text[starts[i-1]:], v.Intro)
		if v.Intro == "" || at < 0 {
			t.Fatalf("the %s section does not introduce the %s keys (%q) after the %s keys", section, v.Name, v.Intro, views[i-1].Name)
		}
		starts[i] = starts[i-1] + at
	}
	for i, v := range views {
		named := namedKeys(text[starts[i]:starts[i+1]])
		for _, k := range v.Keys {
			if !named[k.HelpLabel()] {
				t.Errorf("the man page's %s keys do not name %q (%s)", v.Name, k.HelpLabel(), k.Help)
			}
		}
	}
}

// namedKeys are the words of the .B lines of a piece of man page: the
// keys each entry is headed by, as in ".B j\fR, \fPDown".
func namedKeys(text string) map[string]bool {
	m := map[string]bool{}
	words := strings.NewReplacer(`\fR`, " ", `\fP`, " ", "(", " ", ")", " ", ",", " ")
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, ".B "); ok {
			for _, f := range strings.Fields(words.Replace(rest)) {
				m[f] = true
			}
		}
	}
	return m
}
