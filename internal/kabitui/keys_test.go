package kabitui

import (
	"os"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/tui/keymap"
)

// The man page lists the keys by hand; this keeps it in step with the
// keymaps the UI's own help is generated from.
func TestManPageNamesEveryKey(t *testing.T) {
	data, err := os.ReadFile("../../doc/git-kabi.1")
	if err != nil {
		t.Fatal(err)
	}
	man := string(data)
	start, end := strings.Index(man, ".SH TERMINAL UI"), strings.Index(man, ".SH PAGER")
	if start < 0 || end < start {
		t.Fatal("the man page has no TERMINAL UI section before PAGER")
	}
	section := man[start:end]
	panels := strings.Index(section, "In the diff and impact panels")
	if panels < 0 {
		t.Fatal("the TERMINAL UI section does not introduce the panels' keys")
	}
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
	}{{"table", TypeKeys, named(section[:panels])}, {"panel", PanelKeys, named(section[panels:])}} {
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
	if !strings.Contains(HelpText(), "filter: show only the types containing every term") {
		t.Error("help does not list f")
	}
}
