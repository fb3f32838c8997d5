package tui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// startDrift is start on the drift fixture (testdata/repos/drift.go).
func startDrift(t *testing.T) (*harness, *repos.DriftRepo) {
	t.Helper()
	d := repos.NewDrift(t, false)
	gd := filepath.Join(d.Dir, ".git")
	repo := &git.Repo{Dir: d.Dir, GitDir: gd, CommonDir: gd, Env: d.Env.Vars}
	return startReview(t, repo, review.Options{OldBase: "v1", OldTip: "queue-old", NewBase: "v2", NewTip: "queue-new"}, 30), d
}

// The note pane under the table names the drift of the selected row: the
// identifier, the upstream commit that removed it and the new name; the
// guard case (helper_count, still defined elsewhere) and the clean patch
// show none.
func TestDriftScreens(t *testing.T) {
	h, d := startDrift(t)
	defer h.ui.App().Stop()
	h.WaitFor("rows", func(s string) bool { return strings.Contains(s, "quirk: reset the controller") })
	for i, c := range repos.DriftCases {
		if i > 0 {
			h.Key(tcell.KeyDown, 0)
		}
		sha := d.Commits["new:"+c.Name]
		h.selectedWhen(c.Name, func(r *review.Row) bool { return r != nil && r.New != nil && r.New.SHA == sha })
		want := map[string]string{"c-rename": "now foo_setup", "py-rename": "now xs_errors.SROSError",
			"member": "drift: priv_flags removed upstream by " + git.Short(d.Commits["up:member"])}[c.Name]
		screen := h.WaitFor(c.Name+"'s note pane", func(s string) bool {
			return want != "" && strings.Contains(s, want) || want == "" && !strings.Contains(s, "drift:")
		})
		golden(t, c.Name+".txt", screen)
	}
}
