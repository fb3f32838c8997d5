package review

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// The prefilter must never drop an upstream commit that shares a patch-id
// with a queue commit (with the same lines: see plausible for the one
// exception): check it against the ids of every candidate.
func TestPrefilterIsSound(t *testing.T) {
	p := repos.Small()
	p.Upstream, p.Queue = 600, 60
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), p)
	if err != nil {
		t.Fatal(err)
	}
	repo := repoOf(fx)
	opts := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip, NoCache: true}
	ctx := context.Background()

	defer func(v int) { prefilterMin = v }(prefilterMin)
	prefilterMin = 1
	filtered, err := Run(ctx, repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	prefilterMin = 1 << 30
	full, err := Run(ctx, repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	if filtered.Stats.UpstreamDiffed >= full.Stats.UpstreamDiffed || filtered.Stats.UpstreamDiffed == 0 {
		t.Errorf("prefilter kept %d of %d candidates", filtered.Stats.UpstreamDiffed, full.Stats.UpstreamDiffed)
	}
	t.Logf("candidates %d, diffed after prefilter %d", full.Stats.UpstreamCandidates, filtered.Stats.UpstreamDiffed)
	if !reflect.DeepEqual(rowsSummary(filtered), rowsSummary(full)) {
		t.Errorf("the prefilter changed the review")
	}
	// With caches: the pruned verdicts of a cold run serve a warm one.
	prefilterMin = 1
	cached := opts
	cached.NoCache = false
	for i := 0; i < 2; i++ {
		res, err := Run(ctx, repo, cached)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rowsSummary(res), rowsSummary(full)) {
			t.Errorf("run %d with caches differs from the unfiltered review", i)
		}
		if i == 1 && res.Stats.PatchIDsComputed != 0 {
			t.Errorf("warm run computed %d patch-ids", res.Stats.PatchIDsComputed)
		}
	}

	// After the last rebase's review only queue patch-ids are cached (of
	// the old queue in the workflow; of both queues here), so the queue
	// diffs give no deltas: the prefilter must read them (or queueIDs, while
	// the walk runs) and prune as it did cold. Missing deltas would keep
	// every candidate.
	keepQueueIDsOnly(t, repo, full)
	res, err := Run(ctx, repo, cached)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.PatchIDsCached == 0 || res.Stats.UpstreamDiffed != filtered.Stats.UpstreamDiffed {
		t.Errorf("with the queue's patch-ids cached: %d cached, %d candidates diffed; want some, and %d as cold",
			res.Stats.PatchIDsCached, res.Stats.UpstreamDiffed, filtered.Stats.UpstreamDiffed)
	}
	if !reflect.DeepEqual(rowsSummary(res), rowsSummary(full)) {
		t.Errorf("with the queue's patch-ids cached, the review differs from the unfiltered one")
	}

	// Direct check: every candidate whose patch-id equals a queue commit's
	// survived the prefilter.
	queueIDs := map[string]bool{}
	for _, r := range full.Rows {
		for _, c := range []*Commit{r.Old, r.New} {
			if c != nil && !c.PatchID.IsZero() {
				queueIDs[string(c.PatchID[:])] = true
			}
		}
	}
	ids, err := PatchIDs(ctx, repo, upstreamSHAs(t, fx), true)
	if err != nil {
		t.Fatal(err)
	}
	matching := 0
	for sha, r := range ids {
		if !r.ID.IsZero() && queueIDs[string(r.ID[:])] {
			matching++
			if !rowsMention(filtered, sha) {
				t.Errorf("upstream %s shares a patch-id with the queue but the filtered review never used it", sha[:12])
			}
		}
	}
	if matching == 0 {
		t.Fatal("fixture has no upstream commit sharing a queue patch-id")
	}
}

func upstreamSHAs(t *testing.T, fx *repos.Fixture) []string {
	out, err := fx.Env.Git(fx.Dir, "rev-list", "--no-merges", fx.NewBase, "^"+fx.OldBase)
	if err != nil {
		t.Fatal(err)
	}
	var shas []string
	for i := 0; i+40 <= len(out); i += 41 {
		shas = append(shas, out[i:i+40])
	}
	return shas
}

func rowsMention(res *Result, sha string) bool {
	for _, r := range res.Rows {
		if (r.New != nil && r.New.SHA == sha) || (r.AlsoUpstream != nil && r.AlsoUpstream.SHA == sha) {
			return true
		}
	}
	return false
}

func rowsSummary(res *Result) []string {
	var out []string
	for _, r := range res.Rows {
		s := string(r.Status)
		if r.Old != nil {
			s += " " + r.Old.SHA
		}
		if r.New != nil {
			s += " " + r.New.SHA
		}
		out = append(out, s)
	}
	return out
}

// countPre takes the counts of a pre-image that was some candidate's
// post-image from that candidate, and reads the rest: the result is what
// reading every pre-image gives.
func TestCountPreReusesPostImages(t *testing.T) {
	fx := small(t)
	repo := repoOf(fx)
	ctx := context.Background()
	var post, pre [][]blobReq
	err := streamUpstream(ctx, repo, fx.NewBase, fx.OldBase, nil, func(e upEntry) {
		var files []string
		for f := range e.blobs {
			files = append(files, f)
		}
		reqs, ok := blobRequests(e.SHA, files, e.blobs)
		if !ok {
			return
		}
		var p, q []blobReq
		for _, r := range reqs {
			if r.sign > 0 {
				p = append(p, r)
			} else {
				q = append(q, r)
			}
		}
		post, pre = append(post, p), append(pre, q)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Lines every generated file has many of, white space removed.
	wanted := map[uint64]bool{}
	for _, l := range []string{"{", "}", "return 0;", "int ret = 0;"} {
		wanted[lineKey([]byte(l))] = true
	}
	postCounts, err := countSharded(ctx, repo, post, wanted, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := countPre(ctx, repo, post, postCounts, pre, wanted, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, err := countSharded(ctx, repo, pre, wanted, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no pre-image holds a wanted line: the test checks nothing")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("countPre differs from reading every pre-image:\n got %v\nwant %v", got, want)
	}
}

// keepQueueIDsOnly leaves in repo's review caches only the patch-ids of the
// queue commits of res.
func keepQueueIDsOnly(t *testing.T, repo *git.Repo, res *Result) {
	t.Helper()
	all := cachedPatchIDs(t, repo)
	queue := map[string]patchid.Result{}
	for _, r := range res.Rows {
		for _, c := range []*Commit{r.Old, r.New} {
			if c != nil && !(c == r.New && r.Upstream) {
				if id, ok := all[c.SHA]; ok {
					queue[c.SHA] = id
				}
			}
		}
	}
	if err := os.RemoveAll(cachePath(repo, "")); err != nil {
		t.Fatal(err)
	}
	setCachedPatchIDs(t, repo, queue)
}

// cachedPatchIDs reads repo's patch-id cache.
func cachedPatchIDs(t *testing.T, repo *git.Repo) map[string]patchid.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo.CommonDir, CacheFile))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := patchid.DecodeCache(data)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// setCachedPatchIDs makes ids repo's patch-id cache.
func setCachedPatchIDs(t *testing.T, repo *git.Repo, ids map[string]patchid.Result) {
	t.Helper()
	path := filepath.Join(repo.CommonDir, CacheFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, patchid.EncodeCache(ids), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A read of deltas gives all of its commits' or, when git fails, none:
// the last commit of a stream cut short would look whole. Here git dies
// on the second commit's corrupt blob, after the first commit's diff.
// lacking lists each commit without deltas once.
func TestDeltaSetRead(t *testing.T) {
	s := repos.NewScratch(t)
	var commits []string
	for i, body := range []string{"one\n", "one\ntwo\n", "one\ntwo\nthree\n"} {
		s.Write("f", body)
		s.Git("add", "f")
		s.Git("commit", "-qm", fmt.Sprint("step ", i))
		commits = append(commits, s.Git("rev-parse", "HEAD"))
	}
	repo := repoAt(s.Dir, s.Env.Vars)
	ctx := context.Background()
	d := newDeltaSet()
	if got := d.lacking(append(slices.Clone(commits), commits[0])); !slices.Equal(got, commits) {
		t.Errorf("lacking %v, want %v", got, commits)
	}
	if err := d.read(ctx, repo, commits[:2], 2); err != nil {
		t.Fatal(err)
	}
	if got := d.lacking(commits); !slices.Equal(got, commits[2:]) {
		t.Errorf("lacking %v after reading two, want %v", got, commits[2:])
	}
	if d.deltas[commits[1]]["diff --git a/f b/f"][lineKey([]byte("two"))] != 1 {
		t.Errorf("deltas of the second commit: %v", d.deltas[commits[1]])
	}

	blob := s.Git("rev-parse", commits[2]+":f")
	obj := filepath.Join(s.Dir, ".git", "objects", blob[:2], blob[2:])
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte("not zlib"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Else git reads the work tree's copy, which matches the index.
	if err := os.Remove(filepath.Join(s.Dir, "f")); err != nil {
		t.Fatal(err)
	}
	d = newDeltaSet()
	if err := d.read(ctx, repo, []string{commits[1], commits[2]}, 1); err == nil {
		t.Fatal("a read of a commit with a corrupt blob succeeded")
	}
	if len(d.deltas) != 0 {
		t.Errorf("a failed read left the deltas of %d commits", len(d.deltas))
	}
}

// speculateDeltas reads a batch at a time while the walk goes on, and
// nothing once it is over (a batch being read is dropped then).
func TestSpeculateDeltas(t *testing.T) {
	fx := small(t)
	repo := repoOf(fx)
	out, err := fx.Env.Git(fx.Dir, "rev-list", "--no-merges", "--all")
	if err != nil {
		t.Fatal(err)
	}
	commits := strings.Fields(out)
	if len(commits) <= speculateBatch {
		t.Fatalf("%d commits: one batch is not a test", len(commits))
	}
	calls := func(n int) func() bool { // walking for the first n calls
		return func() bool { n--; return n >= 0 }
	}
	running, over := make(chan struct{}), make(chan struct{})
	close(over)
	for _, c := range []struct {
		name    string
		walking func() bool
		done    chan struct{}
		want    int
	}{
		{"walking throughout", calls(1 << 30), running, len(commits)},
		{"walking for one batch", calls(1), running, speculateBatch},
		{"not walking", calls(0), running, 0},
		{"walk over", calls(1 << 30), over, 0},
	} {
		d := newDeltaSet()
		speculateDeltas(context.Background(), repo, d, commits, c.walking, c.done)
		if len(d.deltas) != c.want {
			t.Errorf("%s: deltas of %d commits, want %d", c.name, len(d.deltas), c.want)
		}
	}
}

// walkingStill waits until the walk has read its cache or started git,
// and is true while git walks.
func TestWalkingStill(t *testing.T) {
	w := &upstreamWalk{done: make(chan struct{}), walking: make(chan struct{})}
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(w.walking)
	}()
	if !w.walkingStill() {
		t.Error("a walk that started git is not walking")
	}
	close(w.done)
	if w.walkingStill() {
		t.Error("a walk that ended is walking")
	}
	cached := &upstreamWalk{done: make(chan struct{}), walking: make(chan struct{})}
	close(cached.done)
	if cached.walkingStill() {
		t.Error("a digest read from the cache is a walk")
	}
}
