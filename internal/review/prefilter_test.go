package review

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// The prefilter must never drop an upstream commit that shares a patch-id
// with a queue commit: check it against the ids of every candidate.
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
	wanted := map[string]bool{"{": true, "}": true, "return0;": true, "intret=0;": true}
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

// A twin takes its rep's deltas whether they were read before or after
// the two were tied, and only reps are listed as lacking.
func TestDeltaTwins(t *testing.T) {
	d := newDeltaSet()
	diff := func(sha, line string) string {
		return sha + "\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-old\n+" + line + "\n"
	}
	if err := d.parse(strings.NewReader(diff(strings.Repeat("a", 40), "one"))); err != nil {
		t.Fatal(err)
	}
	a, b, c, e := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), strings.Repeat("e", 40)
	d.alias(b, a) // rep read before
	d.alias(e, c) // rep read after
	if got := d.lacking([]string{a, b, e, c, e}); !reflect.DeepEqual(got, []string{c}) {
		t.Errorf("lacking %v, want only the unread rep", got)
	}
	if err := d.parse(strings.NewReader(diff(c, "two"))); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.deltas[b], d.deltas[a]) || d.deltas[b]["diff --git a/f b/f"]["one"] != 1 {
		t.Errorf("twin of an early rep: %v", d.deltas[b])
	}
	if !reflect.DeepEqual(d.deltas[e], d.deltas[c]) || d.deltas[e]["diff --git a/f b/f"]["two"] != 1 {
		t.Errorf("twin of a late rep: %v", d.deltas[e])
	}
	if got := d.lacking([]string{a, b, c, e}); len(got) != 0 {
		t.Errorf("lacking %v after both reps were read", got)
	}
}
