package review

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

var (
	fixtureOnce sync.Once
	fixture     *repos.Fixture
	fixtureErr  error
	fixtureDir  string
)

func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
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

// The queue's file lists come from the cache when it holds every commit of
// a range, and from git otherwise; what git listed is cached.
func TestFilesCache(t *testing.T) {
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	repo := repoOf(fx)
	opts := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip}
	run := func() map[string][]string {
		t.Helper()
		res, err := Run(context.Background(), repo, opts)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]string{}
		for _, r := range res.Rows {
			// An upstream row's new commit is not a queue commit.
			if r.Old != nil {
				files[r.Old.SHA] = r.Old.Files
			}
			if r.New != nil && !r.Upstream {
				files[r.New.SHA] = r.New.Files
			}
		}
		return files
	}
	cold := run()
	fc := loadFilesCache(repo, false)
	for sha, files := range cold {
		cached, ok := fc.get(sha)
		if !ok {
			t.Errorf("%.12s is not in the file cache", sha)
		} else if !slices.Equal(cached, files) {
			t.Errorf("%.12s: cached %q, listed %q", sha, cached, files)
		}
	}
	empty := fx.Commits["old:empty"]
	if files, ok := fc.get(empty); !ok || len(files) != 0 {
		t.Errorf("the empty commit is cached as %q (present: %v), want no files", files, ok)
	}

	// A cached list is believed: the cache was read, git was not asked.
	ctxCommit := fx.Commits["old:context"]
	fc.put(ctxCommit, []string{"poisoned"})
	if err := fc.save(); err != nil {
		t.Fatal(err)
	}
	if got := run()[ctxCommit]; !slices.Equal(got, []string{"poisoned"}) {
		t.Errorf("warm run listed %q for %.12s, want the cached list", got, ctxCommit)
	}

	// One commit of the old range missing: git lists the whole range again.
	fc = loadFilesCache(repo, false)
	delete(fc.have, fx.Commits["old:binary"])
	fc.fresh = fc.have
	os.Remove(fc.path)
	if err := fc.save(); err != nil {
		t.Fatal(err)
	}
	if got := run()[ctxCommit]; !slices.Equal(got, cold[ctxCommit]) {
		t.Errorf("with a cache miss in the range, %.12s listed %q, want %q", ctxCommit, got, cold[ctxCommit])
	}
}
