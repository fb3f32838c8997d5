package review

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/sealed"
)

// lineDelta is, per file, how many more times each line (white space
// removed, as patch-id sees it) appears after a commit than before it; by
// lineKey, which lets the post-images be counted without a string per
// line. Lines whose keys collide are counted together, on both sides of
// every comparison: a commit whose diff equals another's still has the
// same count per key, so a collision can let a candidate through but
// never rule one out.
type lineDelta map[string]map[uint64]int

// lineKey is the FNV-1a hash of a line without the white space patch-id
// strips (git's, not C's: a form feed stays).
func lineKey(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	return h
}

// deltaSet is the line deltas of queue commits. A commit whose diff git
// shows as binary cannot be judged by lines: it is marked unfilterable.
type deltaSet struct {
	mu           sync.Mutex
	deltas       map[string]lineDelta
	unfilterable map[string]bool
}

func newDeltaSet() *deltaSet {
	return &deltaSet{deltas: map[string]lineDelta{}, unfilterable: map[string]bool{}}
}

// parse reads diff-tree --stdin output and records each commit's deltas.
func (d *deltaSet) parse(r io.Reader) error { return git.ReadPatches(r, d.visitor()) }

// visitor records the deltas of the commits of one patch stream.
func (d *deltaSet) visitor() git.PatchVisitor {
	var commit, file string
	var cur lineDelta
	unfilterable := func() {
		d.mu.Lock()
		d.unfilterable[commit] = true
		d.mu.Unlock()
	}
	flush := func() {
		if commit != "" {
			d.mu.Lock()
			d.deltas[commit] = cur
			d.mu.Unlock()
		}
	}
	return git.PatchVisitor{
		Commit: func(sha string) {
			flush()
			commit, cur, file = sha, lineDelta{}, ""
		},
		File: func(h []byte) {
			file = string(h)
			if bytes.HasPrefix(h, []byte("diff --git \"")) {
				unfilterable() // quoted paths are not matched by name below
			}
			if cur[file] == nil {
				cur[file] = map[uint64]int{}
			}
		},
		Binary: unfilterable,
		Change: func(sign byte, text []byte) {
			if cur[file] == nil {
				cur[file] = map[uint64]int{} // a hunk without a file header: malformed input
			}
			if sign == '+' {
				cur[file][lineKey(text)]++
			} else {
				cur[file][lineKey(text)]--
			}
		},
		End: flush,
	}
}

// alias gives commit c the deltas of commit rep (same patch), if known.
func (d *deltaSet) alias(c, rep string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.deltas[rep]; ok {
		d.deltas[c] = v
	}
	if d.unfilterable[rep] {
		d.unfilterable[c] = true
	}
}

// lacking returns commits that have no deltas, once each, in order.
func (d *deltaSet) lacking(commits []string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, c := range commits {
		if _, ok := d.deltas[c]; !ok && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// read diffs commits, in up to jobs shards, for their deltas: all of them
// or, when git fails, none. A stream cut short ends in part of a commit,
// whose deltas would look whole and could rule out a true candidate.
func (d *deltaSet) read(ctx context.Context, repo *git.Repo, commits []string, jobs int) error {
	got := newDeltaSet()
	var fns []func() error
	for _, r := range shardRanges(len(commits), jobs) {
		part := commits[r[0]:r[1]]
		fns = append(fns, func() error { return repo.StreamPatches(ctx, part, nil, got.parse) })
	}
	if err := parallel(fns...); err != nil {
		return fmt.Errorf("read queue patches: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	maps.Copy(d.deltas, got.deltas)
	maps.Copy(d.unfilterable, got.unfilterable)
	return nil
}

// shardMin is the fewest commits (or blobs of commits) worth a git process
// of their own.
const shardMin = 64

// shardRanges splits n items into contiguous [lo, hi) ranges of equal
// size (within one): one per shardMin items or part of them, at most jobs.
func shardRanges(n, jobs int) [][2]int {
	shards := max(1, min(jobs, (n+shardMin-1)/shardMin))
	per := (n + shards - 1) / shards
	var out [][2]int
	for lo := 0; lo < n; lo += per {
		out = append(out, [2]int{lo, min(lo+per, n)})
	}
	return out
}

// plausible reports whether an upstream commit whose files changed line
// counts by counts (per path) could share a patch-id with the queue
// commit of delta q: the same diff means the same added and removed
// lines, so for every line of q's diff the count difference must match.
// Paths are compared by name, since q's keys are "diff --git" lines.
//
// One exception is let go: git patch-id hashes a file's lines without
// their white space and without separators, so a diff that adds "foo(a,"
// before a context line "b);" has the patch-id of one that adds
// "foo(a, b);" where no such context follows. The two differ in their
// lines, and the prefilter rules the second out. Telling such diffs
// apart needs the diff; a backport that re-splits its own lines that way
// is not worth one per candidate.
func plausible(q lineDelta, counts map[string]map[uint64]int) bool {
	for file, lines := range q {
		path := diffGitName(file)
		got := counts[path]
		for l, want := range lines {
			if want == 0 {
				continue
			}
			if got[l] != want {
				return false
			}
		}
	}
	return true
}

// postPlausible is the part of plausible that the post-image alone can
// refute: a line the patch adds k times more than it removes must be there
// at least k times. Most candidates fail here, before their pre-image is
// read.
func postPlausible(q lineDelta, post map[string]map[uint64]int) bool {
	for file, lines := range q {
		got := post[diffGitName(file)]
		for l, want := range lines {
			if want > 0 && got[l] < want {
				return false
			}
		}
	}
	return true
}

// diffGitName recovers the path of an unquoted "diff --git a/p b/p" line.
func diffGitName(line string) string {
	rest := strings.TrimPrefix(line, "diff --git ")
	n := (len(rest) - 1) / 2
	if n < 2 || strings.HasPrefix(rest, "\"") {
		return ""
	}
	return rest[2:n]
}

// blobReq names one side of one file of an upstream commit for cat-file.
type blobReq struct {
	name   string // object id, or "<commit>:<path>" / "<commit>^:<path>"
	commit string
	path   string
	sign   int
}

// blobRequests lists the pre- and post-image of every file of u, by object
// id when the walk gave them (cheaper for git) and by name otherwise.
// Paths with a newline cannot be named on cat-file's input: callers keep
// such commits unfiltered.
func blobRequests(sha string, files []string, blobs map[string][2]string) ([]blobReq, bool) {
	var out []blobReq
	for _, f := range files {
		if strings.ContainsAny(f, "\n") {
			return nil, false
		}
		if b, ok := blobs[f]; ok {
			if !isNullOID(b[1]) {
				out = append(out, blobReq{b[1], sha, f, +1})
			}
			if !isNullOID(b[0]) {
				out = append(out, blobReq{b[0], sha, f, -1})
			}
			continue
		}
		out = append(out, blobReq{sha + ":" + f, sha, f, +1}, blobReq{sha + "^:" + f, sha, f, -1})
	}
	return out, true
}

func isNullOID(s string) bool { return strings.Trim(s, "0") == "" }

// countLines reads blobs with one git.Repo.ReadObjects and returns, per
// commit and path, the change in the count of every line (white space
// removed) that some queue delta mentions. Millions of lines pass through
// here: nothing is allocated per line.
func countLines(ctx context.Context, repo *git.Repo, reqs []blobReq, wanted map[uint64]bool) (map[string]map[string]map[uint64]int, error) {
	names := make([]string, len(reqs))
	for i, q := range reqs {
		names[i] = q.name
	}
	out := map[string]map[string]map[uint64]int{}
	next := 0
	err := repo.ReadObjects(ctx, names, git.ObjectOptions{}, func(obj git.Object) error {
		q := reqs[next]
		next++
		if obj.Missing {
			return nil // added or deleted file: an empty side
		}
		m := out[q.commit][q.path]
		data := obj.Data
		for len(data) > 0 {
			line := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			key := lineKey(line)
			if !wanted[key] {
				continue
			}
			if m == nil {
				if out[q.commit] == nil {
					out[q.commit] = map[string]map[uint64]int{}
				}
				m = map[uint64]int{}
				out[q.commit][q.path] = m
			}
			m[key] += q.sign
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read blobs: %w", err)
	}
	return out, nil
}

// prefilterMin is the number of uncached candidates below which reading
// their blobs costs more than diffing them outright: the prefilter runs
// two cat-files one after the other before its diff-tree, and reading a
// blob deep in a delta chain costs about half a diff. Measured on the
// generated kernel-like repositories (cold runs, median CPU): with 64
// candidates diffing them all took 0.75 s against 0.82 s; with 208 it was
// even; with 328 it took 1.57 s against 1.51 s.
var prefilterMin = 128

// prefilterCandidates returns the candidates (full ids) whose patch-id must
// be computed: cached ones cost nothing; of the rest, those whose pre- and
// post-image line counts agree with some queue commit of the same file set.
// The queue commits' PatchID must be set.
func prefilterCandidates(ctx context.Context, repo *git.Repo, ids *idService, deltas *deltaSet, pruned *prunedCache,
	old, nw []*Commit, ups []upEntry, candidates []string, jobs int) ([]string, error) {
	byKey := map[uint64][]*Commit{}
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			if k := fileKeyHash(c.Files); k != 0 {
				byKey[k] = append(byKey[k], c)
			}
		}
	}
	// Only candidates are looked up: a map of every upstream commit cost
	// more than the rest of a warm run's prefilter.
	isCandidate := make(map[string]bool, len(candidates))
	for _, c := range candidates {
		isCandidate[c] = true
	}
	entry := make(map[string]upEntry, len(candidates))
	for _, e := range ups {
		if isCandidate[e.SHA] {
			entry[e.SHA] = e
		}
	}
	var uncached []string
	var keep []string
	for _, c := range candidates {
		switch {
		case ids.have(c):
			keep = append(keep, c)
		case pruned.set[verdictKey(c, byKey[entry[c].FileKey])]:
			// ruled out by an earlier run against the same queue patches
		default:
			uncached = append(uncached, c)
		}
	}
	if len(uncached) < prefilterMin {
		return append(keep, uncached...), nil
	}
	// Queue commits whose ids came from the cache may have no deltas yet
	// (queueIDs reads what it can while the walk runs).
	var queue []string
	for _, c := range uncached {
		for _, q := range byKey[entry[c].FileKey] {
			queue = append(queue, q.SHA)
		}
	}
	if need := deltas.lacking(queue); len(need) > 0 {
		if err := deltas.read(ctx, repo, need, jobs); err != nil {
			return nil, err
		}
	}
	wanted := map[uint64]bool{}
	var upCommits []*Commit
	var reqs [][]blobReq
	for _, c := range uncached {
		e := entry[c]
		r, ok := blobRequests(c, filesOfKey(byKey[e.FileKey]), e.blobs)
		if !ok {
			keep = append(keep, c)
			continue
		}
		upCommits = append(upCommits, &Commit{SHA: c})
		reqs = append(reqs, r)
		for _, q := range byKey[e.FileKey] {
			for _, lines := range deltas.deltas[q.SHA] {
				for l, n := range lines {
					if n != 0 {
						wanted[l] = true
					}
				}
			}
		}
	}
	// Post-images first, in contiguous shards like diffs; pre-images only
	// for the candidates the post-image could not rule out.
	sideOf := func(sign int) [][]blobReq {
		out := make([][]blobReq, len(reqs))
		for i, rs := range reqs {
			for _, r := range rs {
				if r.sign == sign {
					out[i] = append(out[i], r)
				}
			}
		}
		return out
	}
	postReqs := sideOf(+1)
	post, err := countSharded(ctx, repo, postReqs, wanted, jobs)
	if err != nil {
		return nil, err
	}
	pre := sideOf(-1)
	var survivors []*Commit
	var preReqs [][]blobReq
	for i, u := range upCommits {
		qs := byKey[entry[u.SHA].FileKey]
		for _, q := range qs {
			if deltas.unfilterable[q.SHA] || postPlausible(deltas.deltas[q.SHA], post[u.SHA]) {
				survivors = append(survivors, u)
				preReqs = append(preReqs, pre[i])
				break
			}
		}
		if len(survivors) == 0 || survivors[len(survivors)-1] != u {
			pruned.add(verdictKey(u.SHA, qs))
		}
	}
	before, err := countPre(ctx, repo, postReqs, post, preReqs, wanted, jobs)
	if err != nil {
		return nil, err
	}
	for _, u := range survivors {
		counts := post[u.SHA]
		if counts == nil {
			counts = map[string]map[uint64]int{}
		}
		for path, lines := range before[u.SHA] {
			if counts[path] == nil {
				counts[path] = map[uint64]int{}
			}
			for l, n := range lines {
				counts[path][l] += n
			}
		}
		qs := byKey[entry[u.SHA].FileKey]
		ok := false
		for _, q := range qs {
			if deltas.unfilterable[q.SHA] || plausible(deltas.deltas[q.SHA], counts) {
				ok = true
				break
			}
		}
		if ok {
			keep = append(keep, u.SHA)
		} else {
			pruned.add(verdictKey(u.SHA, qs))
		}
	}
	return keep, nil
}

// countPre counts the pre-images of preReqs. A pre-image is often the
// post-image of an earlier candidate (upstream commits changing one file
// follow each other), whose counts post holds already: only the others are
// read.
func countPre(ctx context.Context, repo *git.Repo, postReqs [][]blobReq, post map[string]map[string]map[uint64]int,
	preReqs [][]blobReq, wanted map[uint64]bool, jobs int) (map[string]map[string]map[uint64]int, error) {
	known := map[string]map[uint64]int{}
	for _, rs := range postReqs {
		for _, r := range rs {
			if git.IsHex(r.name) {
				known[r.name] = post[r.commit][r.path] // nil: no wanted line
			}
		}
	}
	out := map[string]map[string]map[uint64]int{}
	var read [][]blobReq
	for _, rs := range preReqs {
		var left []blobReq
		for _, r := range rs {
			counts, ok := known[r.name]
			if !ok {
				left = append(left, r)
				continue
			}
			if len(counts) == 0 {
				continue
			}
			if out[r.commit] == nil {
				out[r.commit] = map[string]map[uint64]int{}
			}
			m := make(map[uint64]int, len(counts))
			for l, n := range counts {
				m[l] = r.sign * n
			}
			out[r.commit][r.path] = m
		}
		read = append(read, left)
	}
	got, err := countSharded(ctx, repo, read, wanted, jobs)
	if err != nil {
		return nil, err
	}
	for c, paths := range got {
		if out[c] == nil {
			out[c] = paths
			continue
		}
		for p, m := range paths {
			out[c][p] = m
		}
	}
	return out, nil
}

// countSharded runs countLines over groups of requests (one group per
// commit) in up to jobs contiguous shards and merges the results.
func countSharded(ctx context.Context, repo *git.Repo, groups [][]blobReq, wanted map[uint64]bool, jobs int) (map[string]map[string]map[uint64]int, error) {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	if n == 0 {
		return map[string]map[string]map[uint64]int{}, nil
	}
	ranges := shardRanges(len(groups), jobs)
	results := make([]map[string]map[string]map[uint64]int, len(ranges))
	errs := make([]error, len(ranges))
	var wg sync.WaitGroup
	for i, r := range ranges {
		var part []blobReq
		for _, g := range groups[r[0]:r[1]] {
			part = append(part, g...)
		}
		wg.Add(1)
		go func(i int, part []blobReq) {
			defer wg.Done()
			results[i], errs[i] = countLines(ctx, repo, part, wanted)
		}(i, part)
	}
	wg.Wait()
	out := map[string]map[string]map[uint64]int{}
	for i := range results {
		if errs[i] != nil {
			return nil, errs[i]
		}
		for k, v := range results[i] {
			out[k] = v
		}
	}
	return out, nil
}

// filesOfKey returns the file list shared by commits of one file-set key.
func filesOfKey(cs []*Commit) []string {
	if len(cs) == 0 {
		return nil
	}
	return cs[0].Files
}

// prunedCache remembers candidates the prefilter ruled out, so warm runs
// do not read their blobs again. A verdict holds for one upstream commit
// judged against one set of queue patches, and the patch-ids of those
// queue commits determine the lines the verdict looked at, so the key is
// the upstream id with the sorted patch-ids of the queue commits sharing
// its file set.
type prunedCache struct {
	path  string
	set   map[uint64]bool
	fresh []uint64
	off   bool
}

const prunedMagic = "pqtools pruned candidates v1\n"

func loadPruned(repo *git.Repo, noCache bool) *prunedCache {
	p := &prunedCache{path: cachePath(repo, "pruned"), set: map[uint64]bool{}, off: noCache}
	if noCache {
		return p
	}
	for k := range decodeKeys(readFileOrNil(p.path)) {
		p.set[k] = true
	}
	return p
}

// decodeKeys returns nothing for a damaged file: a miss, never a wrong
// verdict.
func decodeKeys(data []byte) map[uint64]bool {
	out := map[uint64]bool{}
	recs, ok := sealed.Open(prunedMagic, data)
	if !ok || len(recs)%8 != 0 {
		return out
	}
	for i := 0; i < len(recs); i += 8 {
		out[binary.LittleEndian.Uint64(recs[i:])] = true
	}
	return out
}

func (p *prunedCache) add(k uint64) {
	if !p.set[k] {
		p.set[k] = true
		p.fresh = append(p.fresh, k)
	}
}

// save merges with what another run may have written meanwhile.
func (p *prunedCache) save() error {
	if p.off || len(p.fresh) == 0 {
		return nil
	}
	all := decodeKeys(readFileOrNil(p.path))
	for _, k := range p.fresh {
		all[k] = true
	}
	keys := make([]uint64, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	recs := make([]byte, 8*len(keys))
	for i, k := range keys {
		binary.LittleEndian.PutUint64(recs[8*i:], k)
	}
	return saveSealed(p.path, prunedMagic, recs)
}

// verdictKey identifies the judgement of upstream commit sha against the
// queue commits qs.
func verdictKey(sha string, qs []*Commit) uint64 {
	ids := make([]string, 0, len(qs))
	for _, q := range qs {
		ids = append(ids, q.PatchID.String())
	}
	sort.Strings(ids)
	h := fnv.New64a()
	h.Write([]byte(sha))
	for _, id := range ids {
		h.Write([]byte{0})
		h.Write([]byte(id))
	}
	return h.Sum64()
}
