package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// The man page lists the keys by hand; this keeps it in step with the
// keymap the UI's own help is generated from.
func TestManPageNamesEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../doc/git-review-rebase.1")
	if err != nil {
		t.Fatal(err)
	}
	man := string(data)
	start, end := strings.Index(man, ".SH TERMINAL UI"), strings.Index(man, ".SH NOTES")
	if start < 0 || end < start {
		t.Fatal("the man page has no TERMINAL UI section before NOTES")
	}
	section := man[start:end]
	patch := strings.Index(section, "The patch view")
	if patch < 0 {
		t.Fatal("the TERMINAL UI section does not introduce the patch view")
	}
	// Keys are named on the .B lines that head each entry.
	named := func(text string) map[string]bool {
		m := map[string]bool{}
		for _, line := range strings.Split(text, "\n") {
			if rest, ok := strings.CutPrefix(line, ".B "); ok {
				for _, f := range strings.Fields(strings.NewReplacer(`\fR`, " ", `\fP`, " ", "(", " ", ")", " ", ",", " ").Replace(rest)) {
					m[f] = true
				}
			}
		}
		return m
	}
	for _, c := range []struct {
		name string
		keys []keymap.Binding
		man  map[string]bool
	}{{"table", TableKeys, named(section[:patch])}, {"patch view", PatchKeys, named(section[patch:])}} {
		for _, k := range c.keys {
			label := k.Label
			if label == " " {
				label = "Space"
			}
			if !c.man[label] {
				t.Errorf("the man page's %s keys do not name %q (%s)", c.name, label, k.Help)
			}
		}
	}
}
