package tui

import (
	"context"
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
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, sim: sim, be: &gitBackend{repo: repo}, exited: make(chan struct{})}
	h.ui = New(context.Background(), h.be)
	h.ui.App().SetScreen(sim)
	go func() {
		defer close(h.exited)
		h.runErr = h.ui.Run(func(ctx context.Context, progress func(string, int, int)) (*review.Result, error) {
			return review.Run(ctx, repo, review.Options{OldBase: "v1", OldTip: "queue-old", NewBase: "v2", NewTip: "queue-new",
				NoCache: true, Progress: progress})
		})
	}()
	h.waitFor("the table", func(s string) bool { return strings.Contains(s, "old commit") })
	sim.SetSize(150, 30)
	h.waitFor("the resize", func(string) bool {
		var w, hh int
		onUI(h, func() { _, w, hh = sim.GetContents() })
		return w == 150 && hh == 30
	})
	return h, d
}

// The note pane under the table names the drift of the selected row: the
// identifier, the upstream commit that removed it and the new name; the
// guard case (helper_count, still defined elsewhere) and the clean patch
// show none.
func TestDriftScreens(t *testing.T) {
	h, d := startDrift(t)
	defer h.ui.App().Stop()
	h.waitFor("rows", func(s string) bool { return strings.Contains(s, "quirk: reset the controller") })
	for i, c := range repos.DriftCases {
		if i > 0 {
			h.key(tcell.KeyDown, 0)
		}
		sha := d.Commits["new:"+c.Name]
		h.selectedWhen(c.Name, func(r *review.Row) bool { return r != nil && r.New != nil && r.New.SHA == sha })
		want := map[string]string{"c-rename": "now foo_setup", "py-rename": "now xs_errors.SROSError",
			"member": "drift: priv_flags removed upstream by " + git.Short(d.Commits["up:member"])}[c.Name]
		screen := h.waitFor(c.Name+"'s note pane", func(s string) bool {
			return want != "" && strings.Contains(s, want) || want == "" && !strings.Contains(s, "drift:")
		})
		golden(t, c.Name+".txt", screen)
	}
}
