package review

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

var (
	fixtureOnce sync.Once
	fixture     *repos.Fixture
	fixtureErr  error
	fixtureDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// small returns the shared small fixture; tests must not modify it (those
// that write notes or caches build their own).
func small(t *testing.T) *repos.Fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "review-fixture-")
		if fixtureErr == nil {
			fixture, fixtureErr = repos.Build(filepath.Join(fixtureDir, "repo"), repos.Small())
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

func repoOf(fx *repos.Fixture) *git.Repo {
	return &git.Repo{Dir: fx.Dir, CommonDir: filepath.Join(fx.Dir, ".git"), GitDir: filepath.Join(fx.Dir, ".git"), Env: fx.Env.Vars}
}

func TestFixtureCases(t *testing.T) {
	fx := small(t)
	res, err := Run(context.Background(), repoOf(fx), Options{OldBase: fx.OldBase, OldTip: fx.OldTip,
		NewBase: fx.NewBase, NewTip: fx.NewTip, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	byOld := map[string]*Row{}
	var added []string
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Old != nil {
			byOld[r.Old.SHA] = r
		} else {
			added = append(added, r.New.SHA)
		}
	}
	for _, e := range fx.Expected {
		r := byOld[e.Old]
		if r == nil {
			t.Errorf("%s: old commit %s missing from the review", e.Case, e.Old[:12])
			continue
		}
		newSHA := ""
		if r.New != nil {
			newSHA = r.New.SHA
		}
		also := ""
		if r.AlsoUpstream != nil {
			also = r.AlsoUpstream.SHA
		}
		if string(r.Status) != e.Status || r.Upstream != e.Upstream || newSHA != e.New || also != e.AlsoUpstream ||
			r.Note != noteText(e.Note) || r.Explained != e.Explained {
			t.Errorf("%s: got %s upstream=%v new=%.12s also=%.12s note=%q explained=%v (evidence %s)\n\twant %s upstream=%v new=%.12s also=%.12s note=%q explained=%v",
				e.Case, r.Status, r.Upstream, newSHA, also, r.Note, r.Explained, r.Evidence,
				e.Status, e.Upstream, e.New, e.AlsoUpstream, noteText(e.Note), e.Explained)
		}
	}
	if len(added) != len(fx.Added) {
		t.Fatalf("added: got %d %v, want %d", len(added), added, len(fx.Added))
	}
	for i := range added {
		if added[i] != fx.Added[i] {
			t.Errorf("added #%d: got %.12s want %.12s", i, added[i], fx.Added[i])
		}
	}
	if len(res.SkippedMerges) != len(fx.Merges) || (len(fx.Merges) > 0 && res.SkippedMerges[0] != fx.Merges[0]) {
		t.Errorf("skipped merges %v, want %v", res.SkippedMerges, fx.Merges)
	}
	// Old rows keep old order.
	last := -1
	for _, r := range res.Rows {
		if r.Old != nil {
			if r.Old.Index <= last {
				t.Errorf("row for %s out of old order", r.Old.SHA[:12])
			}
			last = r.Old.Index
		}
	}
	if testing.Verbose() {
		_ = WriteText(os.Stdout, res, false)
	}
}

func noteText(n string) string {
	if n == "" {
		return ""
	}
	return n + "\n"
}
