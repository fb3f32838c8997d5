package tui

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

// The man page lists the keys by hand; this keeps it in step with the
// keymap the UI's own help is generated from.
func TestManPageNamesEveryKey(t *testing.T) {
	tuitest.ManPageNamesKeys(t, "../../doc/git-review-rebase.1", "TERMINAL UI", "NOTES",
		tuitest.View{Name: "table", Keys: TableKeys},
		tuitest.View{Name: "patch view", Intro: "The patch view", Keys: PatchKeys})
}
