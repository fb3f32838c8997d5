package review

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
}

// Run performs a review.
func Run(ctx context.Context, repo *git.Repo, o Options) (*Result, error) {
	if shallow, err := repo.IsShallow(ctx); err != nil {
		return nil, err
	} else if shallow {
		return nil, ErrShallow
	}
	res := &Result{}
	shas, err := repo.ResolveCommits(ctx, o.OldBase, o.OldTip, o.NewBase, o.NewTip)
	if err != nil {
		return nil, err
	}
	res.Old.Base, res.Old.Tip, res.New.Base, res.New.Tip = shas[0], shas[1], shas[2], shas[3]
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	progress := func(stage string, done, total int) {
		if o.Progress != nil {
			o.Progress(stage, done, total)
		}
	}

	// Stage 1: the two queues and the files their commits touch. Listing
	// the files means a tree diff per commit, the warm run's largest cost,
	// so the lists are cached per commit and a range is listed only when
	// the cache misses one of its commits.
	var (
		oldLog, newLog     []git.Commit
		oldFiles, newFiles map[string][]string
	)
	progress("reading commits", 0, 1)
	// The upstream range, from its cached digest or by walking it, is
	// the longest stage of a cold run: it starts first and runs while the
	// queues are read and diffed. Run waits for it on every return.
	upCtx, cancelUp := context.WithCancel(ctx)
	var upWG sync.WaitGroup
	defer func() { cancelUp(); upWG.Wait() }()
	var ups []upEntry
	var upErr error
	var upWarnings []string
	upWG.Add(1)
	go func() {
		defer upWG.Done()
		ups, upWarnings, upErr = readUpstream(upCtx, repo, res, o)
	}()
	var fc *filesCache
	oldRange := git.LogOptions{Include: []string{res.Old.Tip}, Exclude: []string{res.Old.Base}, Paths: o.Paths, Reverse: true}
	newRange := git.LogOptions{Include: []string{res.New.Tip}, Exclude: []string{res.New.Base}, Paths: o.Paths, Reverse: true}
	err = parallel(
		func() error {
			fc = loadFilesCache(repo, o.NoCache)
			return nil
		},
		func() (e error) {
			oldLog, e = repo.Log(ctx, oldRange)
			return
		},
		func() (e error) {
			newLog, e = repo.Log(ctx, newRange)
			return
		},
	)
	if err != nil {
		return nil, err
	}
	err = parallel(
		func() (e error) {
			oldFiles, e = changedFiles(ctx, repo, fc, oldRange, oldLog)
			return
		},
		func() (e error) {
			newFiles, e = changedFiles(ctx, repo, fc, newRange, newLog)
			return
		},
	)
	if err != nil {
		return nil, err
	}
	for _, m := range []map[string][]string{oldFiles, newFiles} {
		for sha, files := range m {
			if _, ok := fc.get(sha); !ok {
				fc.put(sha, files)
			}
		}
	}
	if err := fc.save(); err != nil {
		res.Warnings = append(res.Warnings, "cannot write the file list cache: "+err.Error())
	}
	old, oldMerges := toCommits(oldLog, oldFiles)
	nw, newMerges := toCommits(newLog, newFiles)
	res.SkippedMerges = append(oldMerges, newMerges...)
	// With paths, a range may be empty because of them or by itself.
	emptyRange := func(base, tip string) error {
		why := ErrEmptyRange
		if len(o.Paths) > 0 {
			if out, err := repo.Output(ctx, "rev-list", "-n", "1", "--no-merges", "--end-of-options", tip, "^"+base, "--"); err == nil && len(out) > 0 {
				why = ErrNoPathHit
			}
		}
		return why
	}
	if len(old) == 0 {
		return nil, fmt.Errorf("old range %s..%s: %w", o.OldBase, o.OldTip, emptyRange(res.Old.Base, res.Old.Tip))
	}
	if len(nw) == 0 {
		return nil, fmt.Errorf("new range %s..%s: %w", o.NewBase, o.NewTip, emptyRange(res.New.Base, res.New.Tip))
	}

	// Stage 2, overlapped: patch-ids of the queues, while the upstream
	// range is read. Only an upstream commit touching exactly the file set
	// of a queue commit can share its patch-id: those are the candidates.
	ids := newIDService(repo, jobs, o.NoCache, func(d, _ int) { progress("computing patch-ids", d, 0) })
	queueKeys := map[uint64]bool{}
	var queueSHAs []string
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			queueSHAs = append(queueSHAs, c.SHA)
			if k := fileKeyHash(c.Files); k != 0 {
				queueKeys[k] = true
			}
		}
	}
	deltas := newDeltaSet()
	err = parallel(
		func() error {
			err := ids.getObserved(ctx, queueSHAs, deltas.parse)
			if err != nil {
				cancelUp() // the review has failed: do not wait for the walk
			}
			return err
		},
		func() error { upWG.Wait(); return upErr },
	)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(res.Warnings, upWarnings...)
	var candidates []string
	for _, e := range ups {
		if queueKeys[e.FileKey] {
			candidates = append(candidates, e.SHA)
		}
	}
	// The queues' ids are known now; the prefilter keys its verdicts on them.
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			c.PatchID = ids.result(c.SHA).ID
		}
	}
	// Stage 3: diff the candidates whose blobs could hold the queue's
	// changes (prefilter.go) and compute their patch-ids.
	pruned := loadPruned(repo, o.NoCache)
	keep, err := prefilterCandidates(ctx, repo, ids, deltas, pruned, old, nw, ups, candidates, jobs)
	if err != nil {
		return nil, err
	}
	if err := pruned.save(); err != nil {
		res.Warnings = append(res.Warnings, "cannot write the candidate cache: "+err.Error())
	}
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
	if err := ids.save(); err != nil {
		// A cache that cannot be written only costs time next run.
		res.Warnings = append(res.Warnings, "cannot write the patch-id cache: "+err.Error())
	}

	// Stage 4: matching.
	progress("matching", 0, 1)
	m := newMatcher(old, nw, up)
	m.strong()
	if !o.NoSimilar {
		lo, ln := m.leftovers()
		if len(lo) > 0 && len(ln) > 0 {
			var shas []string
			for _, c := range append(lo, ln...) {
				shas = append(shas, c.SHA)
			}
			sc := loadSigCache(repo, o.NoCache)
			sigs, err := signaturesOf(ctx, sc, repo, shas)
			if err != nil {
				return nil, fmt.Errorf("read leftover patches: %w", err)
			}
			if err := sc.save(); err != nil {
				res.Warnings = append(res.Warnings, "cannot write the signature cache: "+err.Error())
			}
			m.similar(sigs)
		}
	}
	var oldSHAs []string
	for _, c := range old {
		oldSHAs = append(oldSHAs, c.SHA)
	}
	nts, err := notes.Read(ctx, repo, oldSHAs)
	if err != nil {
		return nil, err
	}
	res.Rows = m.rows(nts)
	return res, nil
}

// readUpstream returns the digest of the upstream range between the
// bases: cached, or walked (and then cached).
func readUpstream(ctx context.Context, repo *git.Repo, res *Result, o Options) (ups []upEntry, warnings []string, err error) {
	if res.Old.Base == res.New.Base {
		return nil, nil, nil
	}
	path := upCachePath(repo, res.Old.Base, res.New.Base, o.Paths)
	if !o.NoCache {
		if cached, err := loadUpCache(path); err == nil {
			return cached, nil, nil
		}
	}
	// Measured: feeding candidates to a diff-tree while the walk runs
	// loses to walking first and then diffing in shards, because on few
	// cores the two compete and the single stream is the bottleneck.
	err = streamUpstream(ctx, repo, res.New.Base, res.Old.Base, o.Paths, func(e upEntry) { ups = append(ups, e) })
	if err != nil {
		return nil, nil, err
	}
	if !o.NoCache {
		if err := saveUpCache(path, ups); err != nil {
			warnings = append(warnings, "cannot write the upstream cache: "+err.Error())
		}
	}
	return ups, warnings, nil
}

// filesCache keeps the files each queue commit changes.
type filesCache = commitCache[[]string]

func loadFilesCache(repo *git.Repo, noCache bool) *filesCache {
	return loadCommitCache[[]string](repo, "files", "pqtools changed files v1\n", noCache)
}

// changedFiles lists the files each commit of a range changes, from the
// cache when it holds every commit of log (merges aside: they are not part
// of a queue). The cache is only read here, so ranges may be listed
// concurrently.
func changedFiles(ctx context.Context, repo *git.Repo, fc *filesCache, o git.LogOptions, log []git.Commit) (map[string][]string, error) {
	files := make(map[string][]string, len(log))
	for _, c := range log {
		if c.IsMerge() {
			continue
		}
		f, ok := fc.get(c.SHA)
		if !ok {
			o.Reverse = false
			return repo.ChangedFiles(ctx, o)
		}
		files[c.SHA] = f
	}
	return files, nil
}

func toCommits(log []git.Commit, files map[string][]string) (commits []*Commit, merges []string) {
	for _, c := range log {
		if c.IsMerge() {
			merges = append(merges, c.SHA)
			continue
		}
		commits = append(commits, &Commit{SHA: c.SHA, Title: c.Subject(), Message: c.Message,
			AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorTime: c.AuthorTime,
			Files: files[c.SHA], Index: len(commits)})
	}
	return commits, merges
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
