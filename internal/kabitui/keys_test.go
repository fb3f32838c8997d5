package kabitui

import (
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

// The man page lists the keys by hand; this keeps it in step with the
// keymaps the UI's own help is generated from.
func TestManPageNamesEveryKey(t *testing.T) {
	tuitest.ManPageNamesKeys(t, "../../doc/git-kabi.1", "TERMINAL UI", "PAGER",
		tuitest.View{Name: "table", Keys: TypeKeys},
		tuitest.View{Name: "panel", Intro: "In the diff and impact panels", Keys: PanelKeys})
	if !strings.Contains(HelpText(), "filter: show only the types containing every term") {
		t.Error("help does not list f")
	}
}
