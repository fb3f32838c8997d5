package tui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// Each split fixture's table, and the side-by-side of its group: the
// original against the parts concatenated, or the squashed commits against
// their combination.
func TestSplitScreens(t *testing.T) {
	for _, name := range repos.SplitCases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			env, err := repos.NewEnv(dir)
			if err != nil {
				t.Fatal(err)
			}
			fx, err := repos.Split(env, filepath.Join(dir, "repo"), name)
			if err != nil {
				t.Fatal(err)
			}
			h := startWith(t, fx)
			screen := h.WaitFor("rows", func(s string) bool { return strings.Contains(s, "#1") })
			golden(t, "table.txt", screen)
			if !strings.Contains(screen, "{ split #1") && !strings.Contains(screen, "} squashed #1") {
				t.Errorf("no split or squashed mark:\n%s", screen)
			}
			// Down to the group's first row, Enter: both sides of the group.
			for r := h.selected(); r != nil && r.Group == 0; r = h.selected() {
				h.Key(tcell.KeyDown, 0)
				h.selectedWhen("the next row", func(n *review.Row) bool { return n != r })
			}
			h.Key(tcell.KeyEnter, 0)
			screen = h.WaitFor("the patch view", func(s string) bool { return strings.Contains(s, "changed lines") })
			golden(t, "patch.txt", screen)
			if !strings.Contains(screen, " commits ") {
				t.Errorf("no side of several commits in the patch view:\n%s", screen)
			}
			h.Key(tcell.KeyRune, 'q')
			h.WaitFor("the table", func(s string) bool { return !strings.Contains(s, "changed lines") })
			h.Key(tcell.KeyRune, 'r')
			h.WaitFor("replay refused", func(s string) bool { return strings.Contains(s, "replay needs a one-to-one row") })
			h.Key(tcell.KeyRune, 'q')
			h.WaitExit()
		})
	}
}
