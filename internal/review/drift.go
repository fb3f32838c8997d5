package review

// Drift: conflicts in meaning. A patch can apply cleanly on the new base
// and still be wrong there, because upstream removed or renamed something
// its added lines use (upstream renamed SR.SROSError to
// xs_errors.SROSError; the rebased patch still raises the old name). One
// to one pairing cannot see it: the patch is the same.
//
// An identifier is a word [A-Za-z_][A-Za-z0-9_]* or two words joined by
// "." or "->" (SR.SROSError, dev->priv_flags), so the check works for C,
// Python, shell and Makefiles alike. It counts as removed upstream when it
// occurs in the old base's version of a file the upstream range changed,
// in no changed file of the new base, and nowhere else in the new base.
//
// The work is narrowed step by step, cheapest first, so that only a
// handful of identifiers ever reach git's slower tools:
//  1. the identifiers of the lines each new-queue commit adds, less those
//     of its own pre-image (its context and removed lines: they are in the
//     new base, or in a commit before it), and less every identifier seen
//     in a pre-image that no earlier queue commit added (it is in the new
//     base); the tokens of each commit are cached;
//  2. one tree diff of the two bases gives the changed files with both
//     blob ids; the new versions of the queue's files among them drop
//     what they hold (most identifiers a patch uses are used in the files
//     it changes); one cat-file reads the old blobs, which are tokenized here
//     (git grep matches each of many fixed strings separately: with
//     hundreds it is minutes where this is a second);
//  3. the identifiers found there are looked up in the new blobs of the
//     same files, one file per identifier first;
//  4. git grep over the whole new base, for the few left (the guard: an
//     identifier moved to a file upstream did not change is still there);
//  5. git log -S finds the commit that removed each survivor, and its
//     patch the name it put in the same place.
//
// The verdicts are cached per pair of bases and identifier.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/safetext"
)

// Drift is an identifier a new-queue commit adds lines with, which
// upstream removed between the bases.
type Drift struct {
	// Ident is the identifier (foo_init, SR.SROSError, dev->priv_flags).
	Ident string
	// Upstream is the upstream commit that removed it, and its title;
	// empty when git log -S found none.
	Upstream, UpstreamTitle string
	// NewName is what that commit put in the identifier's place, when it
	// changed a line using it into one that differs in that word only.
	NewName string
	// Mentioned: the new commit's message or note names the identifier;
	// --check takes that as the maintainer's word that it is intended.
	Mentioned bool
}

// DriftLine is the text of one drift, without indentation or colour.
func DriftLine(d Drift) string {
	s := "drift: " + d.Ident + " removed upstream"
	if d.Upstream != "" {
		s += " by " + Short(d.Upstream) + " (\"" + d.UpstreamTitle + "\")"
	}
	if d.NewName != "" {
		s += "; now " + d.NewName
	}
	return safetext.Line(s)
}

// DriftText is the drift lines of a row, each ending in a newline; "" when
// it has none.
func DriftText(r *Row) string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	for _, d := range r.Drift {
		b.WriteString(DriftLine(d) + "\n")
	}
	return b.String()
}

// driftOffenders are --check's drift problems: a drift neither the
// commit message nor its note mentions.
func driftOffenders(r *Row) []Offender {
	var out []Offender
	for _, d := range r.Drift {
		if !d.Mentioned {
			out = append(out, Offender{Row: r, Kind: ProblemDrift,
				Reason: "uses " + d.Ident + ", which upstream removed"})
		}
	}
	return out
}

// driftStage is the drift check running in the background while the
// rest of the review goes on.
type driftStage struct {
	res      *Result
	sink     *tokenSink // nil when drift is off
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	byCommit map[string][]Drift
	details  []string
	err      error
}

// startDrift starts the drift check of the new queue nw. Its attach puts
// the findings on res's rows once they exist; stop ends it on every
// return (Run defers it).
func startDrift(ctx context.Context, repo *git.Repo, res *Result, nw []*Commit, o Options) *driftStage {
	ctx, cancel := context.WithCancel(ctx)
	d := &driftStage{res: res, cancel: cancel}
	if o.NoDrift {
		return d
	}
	d.sink = newTokenSink()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		fed := d.sink.wait(ctx)
		if fed == nil {
			return // the review failed before its diff pass was over
		}
		d.byCommit, d.details, d.err = findDrift(ctx, repo, res.Old.Base, res.New.Base, nw, fed, o.NoCache)
	}()
	return d
}

// attach waits for the check and puts its findings on the rows of the
// new-queue commits (applyNotes says which are mentioned). A failed check
// is a warning: the review stands.
func (d *driftStage) attach() {
	d.wg.Wait()
	res := d.res
	if d.err != nil {
		res.Warnings = append(res.Warnings, "drift check failed: "+d.err.Error())
		return
	}
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.New != nil && !r.Upstream {
			r.Drift = d.byCommit[r.New.SHA]
		}
	}
	res.Details = append(res.Details, d.details...)
}

// stop cancels the check if it still runs and waits for it to end.
func (d *driftStage) stop() {
	d.cancel()
	d.wg.Wait()
}

// queueTokens are the identifiers of one commit's patch: those of the
// lines it adds that its pre-image lacks, and those of its pre-image
// (context and removed lines). Both sorted.
type queueTokens struct {
	Added, Pre []string
}

const driftTokensMagic = "pqtools drift tokens v1\n"

// removedIdent is a cached verdict on an identifier: whether upstream
// removed it, and if so by which commit and for what.
type removedIdent struct {
	Ident, Commit, Title, NewName string
	Removed                       bool
}

const driftMagic = "pqtools drift v2\n"

// findDrift returns the drifts of each new-queue commit, by commit id, and
// what it did, for -v.
func findDrift(ctx context.Context, repo *git.Repo, oldBase, newBase string, nw []*Commit, fed *fedTokens, noCache bool) (map[string][]Drift, []string, error) {
	if oldBase == newBase || len(nw) == 0 {
		return nil, nil, nil
	}
	start := time.Now()
	toks, err := queueTokensOf(ctx, repo, nw, fed, noCache)
	if err != nil {
		return nil, nil, err
	}
	cands := driftCandidates(nw, toks)
	if len(cands) == 0 {
		return nil, nil, nil
	}
	sorted := make([]string, 0, len(cands))
	for t := range cands {
		sorted = append(sorted, t)
	}
	sort.Strings(sorted)
	// Whether upstream removed an identifier depends on the bases only:
	// verdicts are cached per pair of bases, so a queue changed since
	// the last run costs only its new identifiers.
	path := driftCachePath(repo, oldBase, newBase)
	verdicts := map[string]removedIdent{}
	if !noCache {
		if cached, ok := loadGob[map[string]removedIdent](path, driftMagic); ok && cached != nil {
			verdicts = cached
		}
	}
	var unknown []string
	for _, t := range sorted {
		if _, ok := verdicts[t]; !ok {
			unknown = append(unknown, t)
		}
	}
	var details []string
	steps := "all cached"
	if len(unknown) > 0 {
		found, s, err := removedUpstream(ctx, repo, oldBase, newBase, unknown, queueFiles(nw))
		if err != nil {
			return nil, nil, err
		}
		steps = fmt.Sprintf("%d not cached: %s", len(unknown), s)
		for _, t := range unknown {
			verdicts[t] = removedIdent{Ident: t}
		}
		for _, r := range found {
			r.Removed = true
			verdicts[r.Ident] = r
		}
		if !noCache {
			if err := saveDriftVerdicts(path, verdicts); err != nil {
				details = append(details, "drift: cannot write the cache: "+err.Error())
			}
		}
	}
	var removed []removedIdent
	for _, t := range sorted {
		if r := verdicts[t]; r.Removed {
			removed = append(removed, r)
		}
	}
	details = append(details, fmt.Sprintf("drift: %d identifiers added by the new queue checked; %s; %d removed upstream (%.2f s)",
		len(sorted), steps, len(removed), time.Since(start).Seconds()))
	if len(removed) == 0 {
		return nil, details, nil
	}
	return driftByCommit(nw, toks, removed), details, nil
}

// driftCacheKeep bounds how many pairs of bases keep their verdicts.
const driftCacheKeep = 8

// driftCachePath is where the verdicts of a pair of bases are cached: a
// file per pair, as for the upstream digest, so that a run reads only its
// own and old pairs are pruned.
func driftCachePath(repo *git.Repo, oldBase, newBase string) string {
	return keyedCachePath(repo, "driftpair-", oldBase, newBase)
}

// saveDriftVerdicts writes verdicts, with those another run saved
// meanwhile for identifiers this one did not judge.
func saveDriftVerdicts(path string, verdicts map[string]removedIdent) error {
	if saved, ok := loadGob[map[string]removedIdent](path, driftMagic); ok {
		for k, v := range saved {
			if _, have := verdicts[k]; !have {
				verdicts[k] = v
			}
		}
	}
	if err := saveGob(path, driftMagic, verdicts); err != nil {
		return err
	}
	pruneCache(filepath.Dir(path), "driftpair-", driftCacheKeep)
	return nil
}

// queueTokensOf returns the tokens of every commit of nw: those fed, then
// from the cache (under the commit's id or its twin's), and from one
// diff-tree stream of those it lacks.
func queueTokensOf(ctx context.Context, repo *git.Repo, nw []*Commit, fed *fedTokens, noCache bool) (map[string]queueTokens, error) {
	cache := loadCommitCache[queueTokens](repo, "drift-tokens", driftTokensMagic, noCache)
	out := make(map[string]queueTokens, len(nw))
	var missing []string
	for _, c := range nw {
		if t, ok := fed.toks[c.SHA]; ok {
			out[c.SHA] = t
			cache.put(c.SHA, t)
		} else if t, ok := cache.get(c.SHA); ok {
			out[c.SHA] = t
		} else if t, ok := cache.get(fed.twins[c.SHA]); ok {
			out[c.SHA] = t
			cache.put(c.SHA, t)
		} else {
			missing = append(missing, c.SHA)
		}
	}
	if len(missing) == 0 {
		_ = cache.save() // a cache that cannot be written only costs time
		return out, nil
	}
	err := repo.WalkPatches(ctx, missing, tokenVisitor(func(sha string, t queueTokens) {
		out[sha] = t
		cache.put(sha, t)
	}))
	if err != nil {
		return nil, fmt.Errorf("read the new queue's patches: %w", err)
	}
	_ = cache.save() // a cache that cannot be written only costs time
	return out, nil
}

// tokenVisitor collects each commit's tokens from a patch stream and hands
// them to fn.
func tokenVisitor(fn func(sha string, t queueTokens)) git.PatchVisitor {
	var sha string
	added, pre := map[string]bool{}, map[string]bool{}
	flush := func() {
		if sha == "" {
			return
		}
		var t queueTokens
		for w := range added {
			if !pre[w] {
				t.Added = append(t.Added, w)
			}
		}
		for w := range pre {
			t.Pre = append(t.Pre, w)
		}
		sort.Strings(t.Added)
		sort.Strings(t.Pre)
		fn(sha, t)
		sha, added, pre = "", map[string]bool{}, map[string]bool{}
	}
	addPre := func(text []byte) { eachIdent(text, func(w []byte) { pre[string(w)] = true }) }
	return git.PatchVisitor{
		Commit: func(id string) { flush(); sha = id },
		Change: func(sign byte, text []byte) {
			if sign == '+' {
				eachIdent(text, func(w []byte) { added[string(w)] = true })
			} else {
				addPre(text)
			}
		},
		Context: addPre,
		End:     flush,
	}
}

// tokenSink collects the queues' tokens from the patch-id pass's diff
// stream (queueIDs), so that a cold drift check does not diff the new
// queue a second time. It is nil when drift is off.
type tokenSink struct {
	mu    sync.Mutex
	fed   fedTokens
	ready chan struct{}
}

// fedTokens are the tokens the patch-id pass read, by commit, and the
// commits it did not diff because another has the same patch: twins maps
// each to that commit, whose tokens may be in the cache (an old queue
// commit of the last rebase's review).
type fedTokens struct {
	toks  map[string]queueTokens
	twins map[string]string
}

func newTokenSink() *tokenSink {
	return &tokenSink{fed: fedTokens{toks: map[string]queueTokens{}, twins: map[string]string{}}, ready: make(chan struct{})}
}

// visitor reads one diff stream (safe to call from several at once).
func (s *tokenSink) visitor() git.PatchVisitor {
	if s == nil {
		return git.PatchVisitor{}
	}
	return tokenVisitor(func(sha string, t queueTokens) {
		s.mu.Lock()
		s.fed.toks[sha] = t
		s.mu.Unlock()
	})
}

// alias gives commit c the tokens of r, whose patch is the same.
func (s *tokenSink) alias(c, r string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if t, ok := s.fed.toks[r]; ok {
		s.fed.toks[c] = t
	}
	s.fed.twins[c] = r
	s.mu.Unlock()
}

// done says the pass is over: the drift check may read the tokens. Call
// it once.
func (s *tokenSink) done() {
	if s != nil {
		close(s.ready)
	}
}

// wait returns the tokens once the pass is over, or nil when ctx ends
// first (the review failed).
func (s *tokenSink) wait(ctx context.Context) *fedTokens {
	select {
	case <-s.ready:
		return &s.fed
	case <-ctx.Done():
		return nil
	}
}

// driftCandidates are the identifiers worth looking for upstream: added by
// some commit of nw (oldest first) and not known to be in the new base. An
// identifier of a pre-image is in the new base unless an earlier queue
// commit added it.
func driftCandidates(nw []*Commit, toks map[string]queueTokens) map[string]bool {
	addedSoFar, known := map[string]bool{}, map[string]bool{}
	for _, c := range nw {
		t := toks[c.SHA]
		for _, w := range t.Pre {
			if !addedSoFar[w] {
				known[w] = true
			}
		}
		for _, w := range t.Added {
			addedSoFar[w] = true
		}
	}
	cands := map[string]bool{}
	for w := range addedSoFar {
		if !known[w] {
			cands[w] = true
		}
	}
	return cands
}

// queueFiles are the files the commits of nw change, sorted.
func queueFiles(nw []*Commit) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range nw {
		for _, f := range c.Files {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out
}

// removedUpstream returns the identifiers of cands (sorted) that upstream
// removed, with the commit that did and the new name; steps says how far
// each step narrowed them, for -v.
func removedUpstream(ctx context.Context, repo *git.Repo, oldBase, newBase string, cands, queueFiles []string) ([]removedIdent, string, error) {
	want := make(map[string]bool, len(cands))
	for _, c := range cands {
		want[c] = true
	}
	changes, err := repo.DiffTreeRaw(ctx, oldBase, newBase)
	if err != nil {
		return nil, "", err
	}
	var oldBlobs []string
	var oldPaths []string
	newBlob := map[string]string{}
	for _, c := range changes {
		if isFileMode(c.NewMode) && !isNullOID(c.NewOID) {
			newBlob[c.Path] = c.NewOID
		}
		if isFileMode(c.OldMode) && !isNullOID(c.OldOID) {
			oldBlobs = append(oldBlobs, c.OldOID)
			oldPaths = append(oldPaths, c.Path)
		}
	}
	// Step 2a: most identifiers a patch uses are used in the files it
	// changes: drop those the new base's versions of them hold. Only the
	// files upstream changed are read: an identifier of a file upstream
	// left alone is in its old version too, which step 2b does not read,
	// so it can only come back through another changed file, and then the
	// guard (step 4) finds it where it always was.
	var names []string
	for _, f := range queueFiles {
		if b, ok := newBlob[f]; ok {
			names = append(names, b)
		}
	}
	// read are the new blobs whose identifiers are known gone from the
	// candidates: step 3 need not read them (again).
	read := map[string]bool{}
	err = repo.ReadObjects(ctx, names, git.ObjectOptions{}, func(obj git.Object) error {
		if !obj.Missing && obj.Type == "blob" && !isBinary(obj.Data) {
			read[obj.OID] = true
			eachIdent(obj.Data, func(w []byte) {
				if want[string(w)] {
					delete(want, string(w))
				}
			})
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("read the new base's versions of the queue's files: %w", err)
	}
	inQueueFiles := len(cands) - len(want)
	if len(want) == 0 {
		return nil, fmt.Sprintf("all %d in the new base's versions of the %d queue files upstream changed", inQueueFiles, len(names)), nil
	}
	// Step 2b: which candidates the old versions of the changed files hold.
	files, err := scanBlobs(ctx, repo, oldBlobs, oldPaths, newWordSet(want))
	if err != nil {
		return nil, "", fmt.Errorf("read the old base's changed files: %w", err)
	}
	inOld := len(files)
	// Step 3: drop those still in the new version of a file holding them:
	// one file per identifier first (most are still where they were), then
	// the other files of those left.
	left := map[string]bool{}
	for w := range files {
		left[w] = true
	}
	for pass := 0; pass < 2 && len(left) > 0; pass++ {
		var blobs []string
		for w := range left {
			fs := files[w]
			if pass == 0 {
				fs = fs[:1]
			} else {
				fs = fs[1:]
			}
			for _, f := range fs {
				if b, ok := newBlob[f]; ok && !read[b] {
					read[b] = true
					blobs = append(blobs, b)
				}
			}
		}
		sort.Strings(blobs)
		err := repo.ReadObjects(ctx, blobs, git.ObjectOptions{}, func(obj git.Object) error {
			if !obj.Missing {
				eachIdent(obj.Data, func(w []byte) {
					if left[string(w)] {
						delete(left, string(w))
					}
				})
			}
			return nil
		})
		if err != nil {
			return nil, "", fmt.Errorf("read the new base's changed files: %w", err)
		}
	}
	gone := len(left)
	// Step 4, the guard: still used or defined anywhere in the new base.
	var survivors []string
	if len(left) > 0 {
		words := make([]string, 0, len(left))
		for w := range left {
			words = append(words, w)
		}
		sort.Strings(words)
		found, err := inTree(ctx, repo, newBase, words)
		if err != nil {
			return nil, "", err
		}
		for _, w := range words {
			if !found[w] {
				survivors = append(survivors, w)
			}
		}
	}
	steps := fmt.Sprintf("%d in the new base's versions of the %d queue files upstream changed; of the others %d in the old base's %d changed files, %d gone from the new ones",
		inQueueFiles, len(names), inOld, len(oldBlobs), gone)
	// Step 5: who removed each, and what took its place.
	out := make([]removedIdent, len(survivors))
	errs := make([]error, len(survivors))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for k, w := range survivors {
		wg.Add(1)
		go func(k int, w string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[k], errs[k] = whoRemoved(ctx, repo, oldBase, newBase, w, files[w])
		}(k, w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, "", err
		}
	}
	return out, steps, nil
}

// scanBlobs reads blobs (the versions of paths) in two cat-file shards
// and returns, for each word of want they hold, the paths holding it, in
// the order of paths.
func scanBlobs(ctx context.Context, repo *git.Repo, blobs, paths []string, want *wordSet) (map[string][]string, error) {
	const shards = 2
	type hit struct {
		word string
		at   int
	}
	found := make([][]hit, shards)
	per := (len(blobs) + shards - 1) / shards
	fns := make([]func() error, 0, shards)
	for shard := 0; shard < shards; shard++ {
		lo, hi := min(shard*per, len(blobs)), min((shard+1)*per, len(blobs))
		fns = append(fns, func() error {
			i := lo
			return repo.ReadObjects(ctx, blobs[lo:hi], git.ObjectOptions{}, func(obj git.Object) error {
				at := i
				i++
				if obj.Missing || isBinary(obj.Data) {
					return nil
				}
				seen := map[string]bool{}
				eachIdent(obj.Data, func(w []byte) {
					if want.has(w) && !seen[string(w)] {
						word := string(w)
						seen[word] = true
						found[shard] = append(found[shard], hit{word, at})
					}
				})
				return nil
			})
		})
	}
	if err := parallel(fns...); err != nil {
		return nil, err
	}
	files := map[string][]string{}
	for _, hs := range found {
		for _, h := range hs {
			files[h.word] = append(files[h.word], paths[h.at])
		}
	}
	return files, nil
}

// wordSet is a set of words with a bitmap in front of the map: most
// words of a file are not in the set, and the bitmap says so for most of
// them without hashing the whole word.
type wordSet struct {
	m    map[string]bool
	bits [1 << 16 / 64]uint64
}

func newWordSet(words map[string]bool) *wordSet {
	s := &wordSet{m: words}
	for w := range words {
		k := quickKey([]byte(w))
		s.bits[k/64] |= 1 << (k % 64)
	}
	return s
}

func (s *wordSet) has(w []byte) bool {
	k := quickKey(w)
	return s.bits[k/64]&(1<<(k%64)) != 0 && s.m[string(w)]
}

// quickKey hashes a word's length and four of its bytes into 16 bits.
func quickKey(w []byte) uint32 {
	n := len(w)
	h := uint32(n) * 0x9e3779b1
	h = (h ^ uint32(w[0])) * 0x01000193
	h = (h ^ uint32(w[n-1])) * 0x01000193
	h = (h ^ uint32(w[n/2])) * 0x01000193
	h = (h ^ uint32(w[n/3])) * 0x01000193
	return (h ^ h>>16) & 0xffff
}

// guardGrepMax is the most words the guard asks git grep for: it matches
// each separately, so beyond a few dozen reading the tree here is faster.
var guardGrepMax = 32

// inTree reports which of words occur anywhere in tree.
func inTree(ctx context.Context, repo *git.Repo, tree string, words []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(words) <= guardGrepMax {
		paths, err := repo.GrepWords(ctx, tree, words, nil)
		for w := range paths {
			found[w] = true
		}
		return found, err
	}
	paths, err := repo.ListTree(ctx, tree, true)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range paths {
		if !strings.ContainsAny(p, "\n\x00") {
			names = append(names, tree+":"+p)
		}
	}
	want := map[string]bool{}
	for _, w := range words {
		want[w] = true
	}
	set := newWordSet(want)
	err = repo.ReadObjects(ctx, names, git.ObjectOptions{}, func(obj git.Object) error {
		if obj.Type == "blob" && !isBinary(obj.Data) {
			eachIdent(obj.Data, func(w []byte) {
				if set.has(w) {
					found[string(w)] = true
				}
			})
		}
		return nil
	})
	return found, err
}

// whoRemoved finds the newest upstream commit that changed how often ident
// occurs in the files that held it, and the name it put in its place.
func whoRemoved(ctx context.Context, repo *git.Repo, oldBase, newBase, ident string, files []string) (removedIdent, error) {
	r := removedIdent{Ident: ident}
	p, found, err := repo.LastPickaxe(ctx, newBase, oldBase, wordRegexp(ident), files)
	if err != nil || !found {
		return r, err
	}
	r.Commit, r.Title = p.Commit, p.Title
	args := []string{"--"}
	for _, f := range files {
		args = append(args, ":(literal)"+f)
	}
	err = repo.StreamPatches(ctx, []string{p.Commit}, args, func(rd io.Reader) (err error) {
		r.NewName, err = renameIn(rd, ident)
		return err
	})
	return r, err
}

// wordRegexp is an extended regular expression matching ident as a whole
// word.
func wordRegexp(ident string) string {
	return `(^|[^A-Za-z0-9_])` + strings.ReplaceAll(ident, ".", `\.`) + `([^A-Za-z0-9_]|$)`
}

// renameIn finds, in a patch stream (diff-tree --stdin -p), what
// replaced ident: in a change block of a hunk (removed lines followed by
// added lines), a removed line using ident and the added line at the same
// position that differs from it in that one word. The most frequent
// answer wins; "" when there is none.
func renameIn(patch io.Reader, ident string) (string, error) {
	votes := map[string]int{}
	var best string
	var minus, plus [][]byte
	flush := func() {
		for k, m := range minus {
			if !hasIdent(m, ident) {
				continue
			}
			try := plus
			if k < len(plus) {
				try = append([][]byte{plus[k]}, plus...)
			}
			for _, p := range try {
				if w := replacement(m, p, ident); w != "" {
					votes[w]++
					if votes[w] > votes[best] || (votes[w] == votes[best] && w < best) {
						best = w
					}
					break
				}
			}
		}
		minus, plus = minus[:0], plus[:0]
	}
	err := git.ReadPatches(patch, git.PatchVisitor{
		File:    func([]byte) { flush() },
		Hunk:    flush,
		Context: func([]byte) { flush() },
		Change: func(sign byte, text []byte) {
			// The reader's slices live for the call only.
			if sign == '+' {
				plus = append(plus, bytes.Clone(text))
				return
			}
			if len(plus) > 0 {
				flush()
			}
			minus = append(minus, bytes.Clone(text))
		},
		End: flush,
	})
	return best, err
}

// replacement is the word of line nw that takes the place of ident in
// line old, when the lines differ in that word only.
func replacement(old, nw []byte, ident string) string {
	chains := strings.Contains(ident, ".") || strings.Contains(ident, "->")
	wo, wn := lineWords(old, chains), lineWords(nw, chains)
	for len(wo) > 0 && len(wn) > 0 && wo[0] == wn[0] {
		wo, wn = wo[1:], wn[1:]
	}
	for len(wo) > 0 && len(wn) > 0 && wo[len(wo)-1] == wn[len(wn)-1] {
		wo, wn = wo[:len(wo)-1], wn[:len(wn)-1]
	}
	if len(wo) == 1 && len(wn) == 1 && wo[0] == ident && isIdentStart(wn[0][0]) {
		return wn[0]
	}
	return ""
}

func hasIdent(line []byte, ident string) bool {
	found := false
	eachIdent(line, func(w []byte) { found = found || string(w) == ident })
	return found
}

// lineWords splits a line into its words and numbers, punctuation
// dropped; with chains, words joined by "." or "->" stay one word.
func lineWords(line []byte, chains bool) []string {
	var out []string
	for i := 0; i < len(line); {
		c := line[i]
		if !isWordByte(c) {
			i++
			continue
		}
		j := i + 1
		for {
			for j < len(line) && isWordByte(line[j]) {
				j++
			}
			if !chains || !isIdentStart(c) {
				break
			}
			if n := sepLen(line, j); n > 0 && j+n < len(line) && isIdentStart(line[j+n]) {
				j += n + 1
				continue
			}
			break
		}
		out = append(out, string(line[i:j]))
		i = j
	}
	return out
}

// eachIdent calls fn for every identifier of text: each word of three
// characters or more that is not an object id, and every two adjacent
// words joined by "." or "->". Numbers (runs starting with a digit) are
// not words. The slice fn gets is only valid during the call.
func eachIdent(text []byte, fn func(w []byte)) {
	prev := -1 // start of the word before a separator that ends at i
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case isIdentStart(c):
			j := i + 1
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			if prev >= 0 {
				fn(text[prev:j])
			}
			if w := text[i:j]; len(w) >= 3 && !looksLikeID(w) {
				fn(w)
			}
			prev = -1
			if n := sepLen(text, j); n > 0 {
				prev = i
				j += n
			}
			i = j
		case isWordByte(c): // a number
			for i < len(text) && isWordByte(text[i]) {
				i++
			}
			prev = -1
		default:
			prev = -1
			i++
		}
	}
}

// sepLen is the length of a chain separator at text[i] ("." or "->"), or 0.
func sepLen(text []byte, i int) int {
	switch {
	case i < len(text) && text[i] == '.':
		return 1
	case i+1 < len(text) && text[i] == '-' && text[i+1] == '>':
		return 2
	}
	return 0
}

func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isWordByte(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// looksLikeID reports a word that is an abbreviated object id (seven or
// more lower-case hex digits, at least one a digit), not a name.
func looksLikeID(w []byte) bool {
	if len(w) < 7 {
		return false
	}
	digit := false
	for _, c := range w {
		switch {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'f':
		default:
			return false
		}
	}
	return digit
}

func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}

func isFileMode(m uint32) bool { return m&0o170000 == 0o100000 }

// driftByCommit turns the identifiers removed upstream into the drifts of
// each new-queue commit adding them (whether the commit mentions each is
// for applyNotes, which has the notes). A chain is left out when one of its
// words is reported too (dev->priv_flags when priv_flags is gone).
func driftByCommit(nw []*Commit, toks map[string]queueTokens, removed []removedIdent) map[string][]Drift {
	byIdent := make(map[string]removedIdent, len(removed))
	for _, r := range removed {
		byIdent[r.Ident] = r
	}
	out := map[string][]Drift{}
	for _, c := range nw {
		var ds []Drift
		for _, w := range toks[c.SHA].Added {
			r, ok := byIdent[w]
			if !ok || partReported(w, toks[c.SHA].Added, byIdent) {
				continue
			}
			ds = append(ds, Drift{Ident: w, Upstream: r.Commit, UpstreamTitle: r.Title, NewName: r.NewName})
		}
		if len(ds) > 0 {
			out[c.SHA] = ds
		}
	}
	return out
}

// partReported: w is a chain one of whose words is reported on its own.
func partReported(w string, added []string, removed map[string]removedIdent) bool {
	for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '.' || r == '-' || r == '>' }) {
		if part == w {
			return false
		}
		if _, ok := removed[part]; ok {
			i := sort.SearchStrings(added, part)
			if i < len(added) && added[i] == part {
				return true
			}
		}
	}
	return false
}
