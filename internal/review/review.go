package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/notes"
	"github.com/patchqueue/pqtools/internal/patchid"
)

// Sentinel errors the command layer turns into advice.
var (
	ErrShallow    = errors.New("shallow repository")
	ErrEmptyRange = errors.New("empty range")
	ErrNoBase     = errors.New("cannot infer base")
	// Which base could not be inferred; both are ErrNoBase. Each command
	// names its own option for giving it.
	ErrNoOldBase error = noBase("old")
	ErrNoNewBase error = noBase("new")
	ErrNoPathHit       = errors.New("no commit touches the given paths")
)

// noBase says which base could not be inferred.
type noBase string

func (b noBase) Error() string        { return "cannot infer the " + string(b) + " base" }
func (b noBase) Is(target error) bool { return target == ErrNoBase }

// Options select what to review.
type Options struct {
	// Revisions as the user gave them; OldBase and NewBase are required
	// here (InferBases fills them for the two-tip form).
	OldBase, OldTip, NewBase, NewTip string
	Paths                            []string
	NoCache                          bool
	NoSimilar                        bool
	Jobs                             int // parallel git processes; 0 = number of CPUs
	// Progress, if set, is told about slow stages (it may be called from
	// several goroutines).
	Progress func(stage string, done, total int)

	// NoDrift skips the drift check (drift.go).
	NoDrift bool

	// ResultCache reuses the whole result of an earlier run with the same
	// four commit ids and options (the notes are read again), and saves
	// one (resultcache.go). A result from the cache has no Between:
	// callers that blame (the terminal UI, explain) leave it off.
	ResultCache bool

	// Notes, if set, is the notes list a caller started (StartNotes)
	// while it opened the repository; Run reads the queue's notes with it
	// and stops it.
	Notes *Notes
}

// Run performs a review: it resolves the ranges, reads the two queues
// while the upstream range is walked, computes patch-ids (of upstream
// commits only where they could match), matches, and attaches the notes.
// Each stage is a function below; Run only sequences them.
func Run(ctx context.Context, repo *git.Repo, o Options) (*Result, error) {
	// The notes list needs no commit ids: it runs while everything else
	// does, and only the reading of the queue's notes waits for them.
	nts := o.Notes
	if nts == nil {
		nts = StartNotes(ctx, repo)
	}
	defer nts.Stop()
	res, err := resolveRanges(ctx, repo, o)
	if err != nil {
		return nil, err
	}
	if cached, ok, err := reuseResult(repo, res, o, nts); ok || err != nil {
		return cached, err
	}
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	progress := func(stage string, done, total int) {
		if o.Progress != nil {
			o.Progress(stage, done, total)
		}
	}
	progress("reading commits", 0, 1)
	// Deferred first, so that it runs after the stages that start saves
	// have stopped.
	saves := &cacheSaves{}
	defer saves.wait()
	// The upstream range, from its cached digest or by walking it, is the
	// longest stage of a cold run: it starts first and runs while the
	// queues are read and diffed. Run waits for it on every return.
	up := startUpstream(ctx, repo, res, o, saves)
	defer up.stop()
	old, nw, raw, err := readQueues(ctx, repo, res, o, saves)
	if err != nil {
		return nil, err
	}
	nts.request(append(append([]*Commit{}, old...), nw...), nil)
	// The drift check (drift.go) runs alongside; its findings are put on
	// the rows once they exist.
	drift := startDrift(ctx, repo, res, nw, o)
	defer drift.stop()
	ids := newIDService(repo, jobs, o.NoCache, func(d, _ int) { progress("computing patch-ids", d, 0) })
	deltas, sigs, ups, err := queueIDs(ctx, ids, old, nw, raw, up, drift.sink)
	if err != nil {
		return nil, err
	}
	upstream, err := upstreamIDs(ctx, repo, ids, deltas, old, nw, ups, jobs, o.NoCache, res, saves)
	if err != nil {
		return nil, err
	}
	progress("matching", 0, 1)
	m, err := matchCommits(ctx, repo, old, nw, upstream, sigs, o.NoSimilar, o.NoCache, res)
	if err != nil {
		return nil, err
	}
	if err := groupCommits(ctx, repo, m, o, res); err != nil {
		return nil, err
	}
	// Everything up to here is a function of the four commit ids and the
	// options: that is what the result cache keeps. The notes change
	// between runs (a maintainer explains a drop, then runs --check
	// again), so they are put on the rows last, on a hit as well.
	res.Rows = m.rows(nil)
	res.Details = m.notes
	// The matching's details are the result's; drift's say how its steps
	// went this time, which a cached result does not repeat.
	details := slices.Clone(res.Details)
	drift.attach()
	notes, err := nts.wait()
	if err != nil {
		return nil, err
	}
	// A cache that could not be written is a warning, and a result with a
	// warning is not cached: the next run tries again.
	res.Warnings = append(res.Warnings, saves.wait()...)
	// The texts of the notes go with the result: a later run reads a
	// note only when its blob is new (the note was written or changed).
	saveResult(repo, res, o, details, nts.texts())
	applyNotes(res, notes)
	return res, nil
}

// reuseResult is Run's answer from the result cache (resultcache.go),
// with the notes of now; false when there is none to reuse.
func reuseResult(repo *git.Repo, res *Result, o Options, nts *Notes) (*Result, bool, error) {
	cached, known, ok := loadResult(repo, res, o)
	if !ok {
		return nil, false, nil
	}
	nts.request(cached.queueCommits(), known)
	notes, err := nts.wait()
	if err != nil {
		return nil, false, err
	}
	// A note written or changed since: keep its text for next time.
	if texts := nts.texts(); newTexts(texts, known) {
		saveResult(repo, cached, o, cached.Details, texts)
	}
	cached.fromCache()
	applyNotes(cached, notes)
	return cached, true, nil
}

// resolveRanges refuses shallow repositories (their history is cut, so a
// range would look shorter than it is) and returns a Result holding the
// full ids of the four revisions of o.
func resolveRanges(ctx context.Context, repo *git.Repo, o Options) (*Result, error) {
	shas, shallow, err := repo.ResolveCommitsShallow(ctx, o.OldBase, o.OldTip, o.NewBase, o.NewTip)
	if err != nil {
		return nil, err
	}
	if shallow {
		return nil, ErrShallow
	}
	res := &Result{}
	res.Old.Base, res.Old.Tip, res.New.Base, res.New.Tip = shas[0], shas[1], shas[2], shas[3]
	return res, nil
}

// upstreamWalk is readUpstream running in the background. Its results are
// for wait's caller only, after wait returned.
type upstreamWalk struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	done    chan struct{}
	walking chan struct{} // closed when git starts walking: the digest was not cached
	ups     []upEntry
	err     error
}

func startUpstream(ctx context.Context, repo *git.Repo, res *Result, o Options, saves *cacheSaves) *upstreamWalk {
	ctx, cancel := context.WithCancel(ctx)
	w := &upstreamWalk{cancel: cancel, done: make(chan struct{}), walking: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer close(w.done)
		w.ups, w.err = readUpstream(ctx, repo, res, o, saves, func() { close(w.walking) })
	}()
	return w
}

// wait returns the upstream commits, newest first.
func (w *upstreamWalk) wait() ([]upEntry, error) {
	w.wg.Wait()
	return w.ups, w.err
}

// walkingStill reports whether git is walking the range now (not reading
// it from the cache, and not done); it waits until the walk has read its
// cache or started git.
func (w *upstreamWalk) walkingStill() bool {
	select {
	case <-w.walking:
	case <-w.done:
	}
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

// stop cancels the walk if it still runs and waits for it to end.
func (w *upstreamWalk) stop() {
	w.cancel()
	w.wg.Wait()
}

// readQueues lists the commits of the old and the new range (merges
// skipped and recorded in res.SkippedMerges), oldest first, with the files
// each changes, and the raw key of each (rawKeyOf). One `git log --raw` per
// range reads it all; a range's records are cached per (base, tip, paths),
// so a warm run runs no git here. An empty range is an error:
// ErrEmptyRange, or ErrNoPathHit when o.Paths emptied it.
func readQueues(ctx context.Context, repo *git.Repo, res *Result, o Options, saves *cacheSaves) (old, nw []*Commit, raw map[string]rawKey, err error) {
	var oldRecs, newRecs []queueRec
	err = parallel(
		func() (e error) {
			oldRecs, e = queueRange(ctx, repo, res.Old, o, saves)
			return
		},
		func() (e error) {
			newRecs, e = queueRange(ctx, repo, res.New, o, saves)
			return
		},
	)
	if err != nil {
		return nil, nil, nil, err
	}
	raw = make(map[string]rawKey, len(oldRecs)+len(newRecs))
	old, oldMerges := toCommits(oldRecs, raw)
	nw, newMerges := toCommits(newRecs, raw)
	res.SkippedMerges = append(oldMerges, newMerges...)
	// One empty side is a review like any other: a queue gone wholly
	// upstream is the best rebase there is, and a new queue on a fresh
	// branch is all "added". Only two empty sides leave nothing to show.
	if len(old) == 0 && len(nw) == 0 {
		return nil, nil, nil, fmt.Errorf("old range %s..%s and new range %s..%s: %w", o.OldBase, o.OldTip, o.NewBase, o.NewTip, emptyRange(ctx, repo, res.Old, o.Paths))
	}
	return old, nw, raw, nil
}

// queueRange returns the records of r's commits, oldest first (in
// topological order), from the cache or from one git log, which is then
// cached (by saves).
func queueRange(ctx context.Context, repo *git.Repo, r Range, o Options, saves *cacheSaves) (recs []queueRec, err error) {
	path := queueCachePath(repo, r.Base, r.Tip, o.Paths)
	if !o.NoCache {
		if recs, ok := loadQueueCache(path); ok {
			return recs, nil
		}
	}
	wo := git.WalkOptions{
		LogOptions: git.LogOptions{Include: []string{r.Tip}, Exclude: []string{r.Base}, Paths: o.Paths, Reverse: true},
		Author:     true, Message: true, Changes: true, TopoOrder: true,
	}
	recs = []queueRec{}
	err = repo.WalkLog(ctx, wo, func(rec *git.LogRecord) error {
		recs = append(recs, queueRecOf(rec))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !o.NoCache {
		saves.start("queue cache", func() error { return saveQueueCache(path, recs) })
	}
	return recs, nil
}

// emptyRange says why a range has no commit: with paths, it may be empty
// because of them (ErrNoPathHit) or by itself (ErrEmptyRange).
func emptyRange(ctx context.Context, repo *git.Repo, r Range, paths []string) error {
	if len(paths) > 0 {
		has, err := repo.HasCommits(ctx, git.LogOptions{Include: []string{r.Tip}, Exclude: []string{r.Base}, NoMerges: true})
		if err == nil && has {
			return ErrNoPathHit
		}
	}
	return ErrEmptyRange
}

// queueIDs computes the patch-ids of the queue commits, and reads their
// line deltas and diff signatures from the same diffs, while the upstream
// walk finishes; it returns the deltas, the signatures and the upstream
// commits (newest first). A commit with the raw key of another (the same
// modes and blobs per path: a commit rebased where upstream did not touch
// its files) shares that commit's patch-id, deltas and signature without
// a diff of its own. If the ids fail, the walk is cancelled rather than
// waited for.
func queueIDs(ctx context.Context, ids *idService, old, nw []*Commit, raw map[string]rawKey, up *upstreamWalk, tokens *tokenSink) (*deltaSet, map[string]signature, []upEntry, error) {
	var queue []string
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			queue = append(queue, c.SHA)
		}
	}
	// Representatives: a commit whose id is cached first, then the first
	// commit of each key left.
	rep := map[rawKey]string{}
	for _, c := range queue {
		if k, ok := raw[c]; ok && rep[k] == "" && ids.have(c) {
			rep[k] = c
		}
	}
	var diff []string
	alias := map[string]string{}
	for _, c := range queue {
		k, ok := raw[c]
		switch {
		case ids.have(c):
		case ok && rep[k] != "":
			alias[c] = rep[k]
		default:
			if ok {
				rep[k] = c
			}
			diff = append(diff, c)
		}
	}
	deltas := newDeltaSet()
	sigs := map[string]signature{}
	var sigMu sync.Mutex
	// One pass over each diff stream fills the deltas, the signatures and
	// the drift check's tokens.
	observe := func(r io.Reader) error {
		got := map[string]signature{}
		err := git.ReadPatches(r, git.Tee(deltas.visitor(), signatureVisitor(got), tokens.visitor()))
		sigMu.Lock()
		for k, v := range got {
			sigs[k] = v
		}
		sigMu.Unlock()
		return err
	}
	var ups []upEntry
	err := parallel(
		func() error {
			err := ids.getObserved(ctx, diff, observe)
			if err != nil {
				up.cancel() // the review has failed: do not wait for the walk
				return err
			}
			for c, r := range alias {
				ids.alias(c, r)
				deltas.alias(c, r)
				tokens.alias(c, r)
				if sg, ok := sigs[r]; ok {
					sigs[c] = sg
				}
			}
			// The drift check needs the tokens only: it starts now, while
			// the upstream walk may still run (at kernel scale it ends
			// last).
			tokens.done()
			// A twin has its rep's patch: only reps are read.
			var reps []string
			for _, c := range queue {
				if _, twin := alias[c]; !twin {
					reps = append(reps, c)
				}
			}
			speculateDeltas(ctx, ids.repo, deltas, reps, up.walkingStill, up.done)
			for c, r := range alias {
				deltas.alias(c, r)
			}
			return nil
		},
		func() (e error) { ups, e = up.wait(); return },
	)
	if err != nil {
		return nil, nil, nil, err
	}
	// The queues' ids are known now; the prefilter keys its verdicts on them.
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			c.PatchID = ids.result(c.SHA).ID
		}
	}
	return deltas, sigs, ups, nil
}

// speculateBatch is how many commits speculateDeltas diffs at a time: it
// checks between batches whether the walk has ended.
const speculateBatch = 64

// speculateDeltas reads, while git walks the upstream range (walking says
// whether it still does; done is closed when the walk ends), the deltas
// of the queue commits that have none: those whose patch-ids came from the
// cache (the old queue, after the last rebase's review). The prefilter
// wants them when upstream has many candidates, which a walk still running
// after the queue diffs suggests; and a core is waiting meanwhile. Not
// while the range's digest is read from the cache: its candidates were
// judged before (their ids or verdicts are cached). A batch at a time; the
// batch being read when the walk ends is dropped, since a read gives all
// its deltas or none. The prefilter reads what is left if it needs it, and
// so a failure here only ends the guess.
func speculateDeltas(ctx context.Context, repo *git.Repo, deltas *deltaSet, queue []string, walking func() bool, done <-chan struct{}) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
	lacking := deltas.lacking(queue)
	for len(lacking) > 0 && walking() {
		n := min(len(lacking), speculateBatch)
		if deltas.read(ctx, repo, lacking[:n], 1) != nil {
			return
		}
		lacking = lacking[n:]
	}
}

// upstreamIDs turns the upstream walk into the upstream range, oldest
// first, with patch-ids for the commits that could share one with a queue
// commit: only an upstream commit touching exactly the file set of a queue
// commit can, and of those only the ones whose blobs could hold the queue
// commit's changes (prefilter.go) are diffed. It fills res.Between and
// res.Stats, and saves the id and candidate caches.
func upstreamIDs(ctx context.Context, repo *git.Repo, ids *idService, deltas *deltaSet, old, nw []*Commit,
	ups []upEntry, jobs int, noCache bool, res *Result, saves *cacheSaves) ([]*Commit, error) {
	queueKeys := map[uint64]bool{}
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			if k := fileKeyHash(c.Files); k != 0 {
				queueKeys[k] = true
			}
		}
	}
	var candidates []string
	for _, e := range ups {
		if queueKeys[e.FileKey] {
			candidates = append(candidates, e.SHA)
		}
	}
	pruned := loadPruned(repo, noCache)
	keep, err := prefilterCandidates(ctx, repo, ids, deltas, pruned, old, nw, ups, candidates, jobs)
	if err != nil {
		return nil, err
	}
	saves.start("candidate cache", pruned.save)
	if err := ids.get(ctx, keep); err != nil {
		return nil, err
	}
	res.Stats.UpstreamDiffed = len(keep)

	// git log lists newest first; the matcher wants ranges oldest first.
	up := make([]*Commit, len(ups))
	res.Between = make(map[string]bool, len(ups))
	for i, e := range ups {
		res.Between[e.SHA] = true
		j := len(ups) - 1 - i
		up[j] = &Commit{SHA: e.SHA, Title: e.Title, Refs: e.Refs, Index: j}
	}
	for _, c := range up {
		c.PatchID = ids.result(c.SHA).ID
	}
	res.Stats.OldCommits, res.Stats.NewCommits, res.Stats.UpstreamCommits = len(old), len(nw), len(up)
	res.Stats.UpstreamCandidates = len(candidates)
	res.Stats.PatchIDsComputed, res.Stats.PatchIDsCached = ids.computed, ids.hits
	saves.start("patch-id cache", ids.save)
	return up, nil
}

// matchCommits pairs the commits by patch-id and, unless noSimilar, pairs what
// is left by the similarity of their diffs (whose signatures are cached).
func matchCommits(ctx context.Context, repo *git.Repo, old, nw, up []*Commit, known map[string]signature, noSimilar, noCache bool, res *Result) (*matcher, error) {
	m := newMatcher(old, nw, up)
	m.known = known
	m.strong()
	if noSimilar {
		return m, nil
	}
	lo, ln := m.leftovers()
	if len(lo) == 0 || len(ln) == 0 {
		return m, nil
	}
	var shas []string
	for _, c := range append(lo, ln...) {
		shas = append(shas, c.SHA)
	}
	sigs, err := m.signaturesFor(ctx, repo, shas, noCache, res)
	if err != nil {
		return nil, fmt.Errorf("read leftover patches: %w", err)
	}
	m.similar(sigs)
	return m, nil
}

// sortedHashes is a signature as the signature cache keeps it.
func sortedHashes(sg signature) []uint64 {
	hs := make([]uint64, 0, len(sg))
	for h := range sg {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	return hs
}

// Notes is the notes of the queue commits (the evidence a maintainer
// left for drops; and a conflict explanation may be a note on the new
// commit, as git review-rebase explain writes it there, without rewriting
// history), read in the background. Its results are for wait's caller
// only, after wait returned.
type Notes struct {
	cancel context.CancelFunc
	want   chan notesWanted
	done   chan struct{}
	list   []git.Note
	notes  map[string]string
	err    error
}

// notesWanted are the commits whose notes are wanted, and the texts
// already known by blob id.
type notesWanted struct {
	shas  []string
	known map[string]string
}

// StartNotes lists the notes at once; the notes of the commits named by
// request are read when it is called. The list needs no commit ids and no git
// dir: repo may be a directory and environment only, not yet opened, so
// that a caller runs the list alongside the rev-parse that opens it.
func StartNotes(ctx context.Context, repo *git.Repo) *Notes {
	ctx, cancel := context.WithCancel(ctx)
	n := &Notes{cancel: cancel, want: make(chan notesWanted, 1), done: make(chan struct{})}
	go func() {
		defer close(n.done)
		list, err := notes.List(ctx, repo)
		if err != nil {
			n.err = err
			return
		}
		n.list = list
		select {
		case w := <-n.want:
			n.notes, n.err = notes.ReadListed(ctx, repo, list, w.shas, w.known)
		case <-ctx.Done():
			n.err = ctx.Err()
		}
	}()
	return n
}

// request names the commits whose notes are wanted; known are texts by
// blob id (notes.ReadListed), or nil. Call it once.
func (n *Notes) request(commits []*Commit, known map[string]string) {
	shas := make([]string, len(commits))
	for i, c := range commits {
		shas[i] = c.SHA
	}
	n.want <- notesWanted{shas, known}
}

func (n *Notes) wait() (map[string]string, error) {
	<-n.done
	return n.notes, n.err
}

// texts are the texts of the notes read, by blob id, for a later run to
// pass to of. Call it after wait.
func (n *Notes) texts() map[string]string {
	out := map[string]string{}
	for _, l := range n.list {
		if text, ok := n.notes[l.Object]; ok {
			out[l.Blob] = text
		}
	}
	return out
}

// Stop cancels the read if it still runs and waits for it to end. Run
// stops the Notes it is given; a caller that does not get to Run stops
// them itself. Stopping twice is harmless.
func (n *Notes) Stop() {
	n.cancel()
	<-n.done
}

// applyNotes puts the notes on the rows: the old commit's note, a conflict
// explanation in the new commit's note, and whether its message or note
// names each drifted identifier. It sets every field the notes decide, so
// rows computed without notes (or cached so) come out as with them.
func applyNotes(res *Result, nts map[string]string) {
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Old != nil {
			r.Note = nts[r.Old.SHA]
		}
		if r.New == nil || r.Upstream {
			continue
		}
		note := nts[r.New.SHA]
		if !r.Explained && HasConflictExplanation(note) {
			r.Explained = true
		}
		for j := range r.Drift {
			d := &r.Drift[j]
			d.Mentioned = strings.Contains(r.New.Message, d.Ident) || strings.Contains(note, d.Ident)
		}
	}
}

// readUpstream returns the digest of the upstream range between the
// bases: cached, or walked (and then cached); walking is called when the
// walk starts.
func readUpstream(ctx context.Context, repo *git.Repo, res *Result, o Options, saves *cacheSaves, walking func()) (ups []upEntry, err error) {
	if res.Old.Base == res.New.Base {
		return nil, nil
	}
	path := upCachePath(repo, res.Old.Base, res.New.Base, o.Paths)
	if !o.NoCache {
		if cached, ok := loadUpCache(path); ok {
			return cached, nil
		}
	}
	walking()
	// Measured: feeding candidates to a diff-tree while the walk runs
	// loses to walking first and then diffing in shards, because on few
	// cores the two compete and the single stream is the bottleneck.
	err = streamUpstream(ctx, repo, res.New.Base, res.Old.Base, o.Paths, func(e upEntry) { ups = append(ups, e) })
	if err != nil {
		return nil, err
	}
	if !o.NoCache {
		saves.start("upstream cache", func() error { return saveUpCache(path, ups) })
	}
	return ups, nil
}

func toCommits(recs []queueRec, raw map[string]rawKey) (commits []*Commit, merges []string) {
	for _, c := range recs {
		if c.Merge {
			merges = append(merges, c.SHA)
			continue
		}
		raw[c.SHA] = c.Raw
		commits = append(commits, &Commit{SHA: c.SHA, Title: subject(c.Message), Message: c.Message,
			AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorTime: c.AuthorTime,
			Files: c.Files, Index: len(commits)})
	}
	return commits, merges
}

// subject is the first line of a message, as git shows it.
func subject(msg string) string {
	c := git.Commit{Message: msg}
	return c.Subject()
}

// parallel runs fns concurrently and returns their errors joined.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		go func(i int, f func() error) {
			defer wg.Done()
			errs[i] = f()
		}(i, f)
	}
	wg.Wait()
	return errors.Join(errs...)
}

// PatchIDs exposes the cached, parallel patch-id computation to other
// commands (import-srpm sync maps patch files to commits with it).
func PatchIDs(ctx context.Context, repo *git.Repo, commits []string, noCache bool) (map[string]patchid.Result, error) {
	s := newIDService(repo, runtime.NumCPU(), noCache, nil)
	if err := s.get(ctx, commits); err != nil {
		return nil, err
	}
	_ = s.save()
	got := make(map[string]patchid.Result, len(commits))
	for _, c := range commits {
		got[c] = s.result(c)
	}
	return got, nil
}
