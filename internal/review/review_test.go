package review

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
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

func repoOf(fx *repos.Fixture) *git.Repo { return repoAt(fx.Dir, fx.Env.Vars) }

// repoAt is the Repo of a work tree whose git dir is dir/.git.
func repoAt(dir string, env []string) *git.Repo {
	return &git.Repo{Dir: dir, CommonDir: filepath.Join(dir, ".git"), GitDir: filepath.Join(dir, ".git"), Env: env}
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

// A queue range's records come from the cache of its (base, tip), and
// from git otherwise; what git listed is cached.
func TestQueueCache(t *testing.T) {
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
	path := queueCachePath(repo, fx.OldBase, fx.OldTip, nil)
	recs, ok := loadQueueCache(path)
	if !ok {
		t.Fatal("the old range is not cached")
	}
	for _, r := range recs {
		if r.Merge {
			continue
		}
		if !slices.Equal(r.Files, cold[r.SHA]) {
			t.Errorf("%.12s: cached %q, listed %q", r.SHA, r.Files, cold[r.SHA])
		}
	}
	if len(recs) == 0 || recs[0].SHA != fx.Commits["old:empty"] || len(recs[0].Files) != 0 {
		t.Errorf("the old range does not start with the empty commit: %+v", recs[:1])
	}

	// A cached range is believed: the cache was read, git was not asked.
	ctxCommit := fx.Commits["old:context"]
	for i := range recs {
		if recs[i].SHA == ctxCommit {
			recs[i].Files = []string{"poisoned"}
		}
	}
	if err := saveQueueCache(path, recs); err != nil {
		t.Fatal(err)
	}
	if got := run()[ctxCommit]; !slices.Equal(got, []string{"poisoned"}) {
		t.Errorf("warm run listed %q for %.12s, want the cached list", got, ctxCommit)
	}

	// A damaged cache is a miss: git lists the range again.
	if err := os.WriteFile(path, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := run()[ctxCommit]; !slices.Equal(got, cold[ctxCommit]) {
		t.Errorf("with a damaged cache, %.12s listed %q, want %q", ctxCommit, got, cold[ctxCommit])
	}
}

// A queue commit with the raw key of another (the same modes and blobs per
// path) takes that commit's patch-id without a diff. The shortcut must give
// what a diff gives: `git patch-id --stable` of the commit's own diff (the
// oracle), or, for a binary change, the id a diff of its own computes
// (which internal/patchid checks against git's internal id). The fixture's
// rename, mode change and binary patches are rebased untouched, so their
// new commits take the shortcut.
func TestRawKeyPatchIDs(t *testing.T) {
	fx := small(t)
	repo := repoOf(fx)
	o := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip, NoCache: true}
	res, err := Run(context.Background(), repo, o)
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]rawKey{}
	for _, r := range []Range{res.Old, res.New} {
		recs, err := queueRange(context.Background(), repo, r, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range recs {
			raw[q.SHA] = q.Raw
		}
	}
	for _, c := range []string{"binary", "rename", "mode", "unchanged"} {
		oldC, newC := fx.Commits["old:"+c], fx.Commits["new:"+c]
		if oldC == "" || newC == "" || oldC == newC {
			t.Fatalf("case %s: old %q new %q, want two commits", c, oldC, newC)
		}
		if raw[oldC] != raw[newC] {
			t.Errorf("case %s: the rebased commit's raw key differs, the shortcut is not tested", c)
		}
	}
	var commits []*Commit
	for _, r := range res.Rows {
		if r.Old != nil {
			commits = append(commits, r.Old)
		}
		if r.New != nil && !r.Upstream {
			commits = append(commits, r.New)
		}
	}
	shared := 0
	for _, c := range commits {
		for _, d := range commits {
			if c.SHA < d.SHA && raw[c.SHA] == raw[d.SHA] {
				shared++
			}
		}
		own, err := PatchIDs(context.Background(), repo, []string{c.SHA}, true)
		if err != nil {
			t.Fatal(err)
		}
		if own[c.SHA].ID != c.PatchID {
			t.Errorf("%.12s %q: patch-id %s, its own diff gives %s", c.SHA, c.Title, c.PatchID, own[c.SHA].ID)
		}
		if own[c.SHA].Binary {
			continue
		}
		diff, err := fx.Env.Git(fx.Dir, "diff-tree", "--root", "-p", "--full-index", "--no-renames", "--diff-algorithm=myers", "--no-indent-heuristic", c.SHA)
		if err != nil {
			t.Fatal(err)
		}
		out, err := fx.Env.GitInput(fx.Dir, []byte(diff+"\n"), "patch-id", "--stable")
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if f := strings.Fields(out); len(f) == 2 {
			want = f[0]
		}
		got := c.PatchID.String()
		if c.PatchID == (patchid.ID{}) {
			got = ""
		}
		if got != want {
			t.Errorf("%.12s %q: patch-id %q, git patch-id --stable %q", c.SHA, c.Title, got, want)
		}
	}
	if shared < 4 {
		t.Errorf("only %d pairs of queue commits share a raw key", shared)
	}
}

// A cache that cannot be written is a warning, not a failure. The saves run
// in the background, so this checks that their warnings still reach the
// result, and that the next run, once the caches can be written, computes
// afresh and leaves a result the run after it reuses.
func TestCacheWriteWarnings(t *testing.T) {
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	repo := repoOf(fx)
	o := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip, ResultCache: true}
	// A file where the cache directory goes: every save fails, root or not.
	dir := cachePath(repo, "")
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	blocked, err := Run(context.Background(), repo, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"queue cache", "upstream cache", "patch-id cache"} {
		found := false
		for _, w := range blocked.Warnings {
			found = found || strings.HasPrefix(w, "cannot write the "+want+": ")
		}
		if !found {
			t.Errorf("no warning for the %s in %q", want, blocked.Warnings)
		}
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	fresh, err := Run(context.Background(), repo, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Warnings) != 0 || fresh.Stats.PatchIDsComputed == 0 || fresh.Stats.PatchIDsCached != 0 {
		t.Errorf("after the failed saves: warnings %q, %d patch-ids computed, %d cached; want none, some, none",
			fresh.Warnings, fresh.Stats.PatchIDsComputed, fresh.Stats.PatchIDsCached)
	}
	if !reflect.DeepEqual(rowsSummary(blocked), rowsSummary(fresh)) {
		t.Errorf("rows differ: %v, then %v", rowsSummary(blocked), rowsSummary(fresh))
	}
	warm, err := Run(context.Background(), repo, o)
	if err != nil {
		t.Fatal(err)
	}
	if warm.Stats.PatchIDsComputed != 0 || !slices.Contains(warm.Details, "review: the result of an earlier run of this review") {
		t.Errorf("third run computed %d patch-ids, details %q: want the cached result", warm.Stats.PatchIDsComputed, warm.Details)
	}
}
