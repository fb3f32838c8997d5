package review

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/sealed"
)

// The result cache keeps a whole review, before its notes are put on it.
// A review is a function of the four commit ids, the paths, the options
// that change matching, and the program that computed it; so a second run
// of the same review (the maintainer adds a note for a drop, then runs
// --check again; CI reruns on an unchanged queue) needs one rev-parse,
// the notes and this file, where the stage caches still cost a decode of
// the upstream digest and the matching. The program is named by the
// inode, size and time of its executable: a rebuilt or upgraded git
// review-rebase, whose matching may differ, does not see the results of
// the one before (go build and package managers write a new file, so even
// a binary of the same size and a pinned time has a new inode).

const resultCacheVersion = "pqtools review result v2\n"

// resultCacheKeep bounds how many results stay cached: a maintainer goes
// back and forth between a few reviews (options, layers, the previous
// rebase), and a kernel's result is 400 KB. A result used is kept as if
// written then.
const resultCacheKeep = 8

// resultFile is a Result without pointers (resultcodec.go writes it):
// rows name their commits by index into Commits, so that the rows of one
// split or squash still share their commit.
type resultFile struct {
	Old, New      Range
	Commits       []Commit
	Rows          []resultRow
	SkippedMerges []string
	Details       []string
	Stats         Stats
	// Notes are the texts of the queue's notes when it was saved, by
	// blob id (notes.ReadListed's known).
	Notes map[string]string
}

// resultRow is a Row whose Old, New and AlsoUpstream are in OldRef,
// NewRef and AlsoRef: 1 + their index in resultFile.Commits, or 0 for
// none.
type resultRow struct {
	Row                     Row
	OldRef, NewRef, AlsoRef int
}

// resultCachePath returns where the result of the review of res's ranges
// under o is cached, or false when it must not be: caching off, or the
// program cannot be named.
func resultCachePath(repo *git.Repo, res *Result, o Options) (string, bool) {
	if !o.ResultCache || o.NoCache {
		return "", false
	}
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	st, err := os.Stat(exe)
	if err != nil {
		return "", false
	}
	var inode uint64
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		inode = uint64(sys.Ino)
	}
	program := fmt.Sprintf("%s\x00%d\x00%d\x00%d", exe, inode, st.Size(), st.ModTime().UnixNano())
	options := fmt.Sprintf("%d\x00%s\x00%t\x00%t", len(o.Paths), pathsKey(repo, o.Paths), o.NoSimilar, o.NoDrift)
	return keyedCachePath(repo, "result-", program, res.Old.Base, res.Old.Tip, res.New.Base, res.New.Tip, options), true
}

// loadResult returns the cached review of res's ranges, without notes,
// and the texts of the notes it had, by blob id; or false.
func loadResult(repo *git.Repo, res *Result, o Options) (*Result, map[string]string, bool) {
	path, ok := resultCachePath(repo, res, o)
	if !ok {
		return nil, nil, false
	}
	body, ok := sealed.Open(resultCacheVersion, readFileOrNil(path))
	if !ok {
		return nil, nil, false
	}
	f, ok := decodeResult(body)
	if !ok {
		return nil, nil, false
	}
	if f.Old != res.Old || f.New != res.New {
		return nil, nil, false
	}
	out := &Result{Old: f.Old, New: f.New, SkippedMerges: f.SkippedMerges, Details: f.Details, Stats: f.Stats}
	commit := func(i int) (*Commit, bool) {
		switch {
		case i == 0:
			return nil, true
		case i < 0 || i > len(f.Commits):
			return nil, false
		}
		return &f.Commits[i-1], true
	}
	out.Rows = make([]Row, len(f.Rows))
	for i, fr := range f.Rows {
		r := fr.Row
		var ok1, ok2, ok3 bool
		r.Old, ok1 = commit(fr.OldRef)
		r.New, ok2 = commit(fr.NewRef)
		r.AlsoUpstream, ok3 = commit(fr.AlsoRef)
		if !ok1 || !ok2 || !ok3 {
			return nil, nil, false
		}
		out.Rows[i] = r
	}
	// Pruning keeps the newest files: a result in use stays.
	now := time.Now()
	os.Chtimes(path, now, now)
	return out, f.Notes, true
}

// fromCache marks a result loadResult gave as such: its Stats count every
// patch-id as cached, and -v says where it came from.
func (r *Result) fromCache() {
	r.Stats.PatchIDsCached += r.Stats.PatchIDsComputed
	r.Stats.PatchIDsComputed = 0
	r.Details = append(r.Details, "review: the result of an earlier run of this review")
}

// newTexts reports whether texts holds a note text known lacks.
func newTexts(texts, known map[string]string) bool {
	for blob := range texts {
		if _, ok := known[blob]; !ok {
			return true
		}
	}
	return false
}

// saveResult caches res, which has no notes yet, with details (what -v
// says of the result itself, not of the work that found it) and the texts
// of its notes by blob id; unless something went wrong on the way (a
// warning: the next run should try again).
func saveResult(repo *git.Repo, res *Result, o Options, details []string, notes map[string]string) {
	path, ok := resultCachePath(repo, res, o)
	if !ok || len(res.Warnings) > 0 {
		return
	}
	f := resultFile{Old: res.Old, New: res.New, SkippedMerges: res.SkippedMerges, Details: details, Stats: res.Stats, Notes: notes}
	index := map[*Commit]int{}
	ref := func(c *Commit) int {
		if c == nil {
			return 0
		}
		if i, ok := index[c]; ok {
			return i
		}
		f.Commits = append(f.Commits, *c)
		index[c] = len(f.Commits)
		return len(f.Commits)
	}
	f.Rows = make([]resultRow, len(res.Rows))
	for i, r := range res.Rows {
		fr := resultRow{OldRef: ref(r.Old), NewRef: ref(r.New), AlsoRef: ref(r.AlsoUpstream)}
		r.Old, r.New, r.AlsoUpstream = nil, nil, nil
		fr.Row = r
		f.Rows[i] = fr
	}
	// A result that cannot be written only costs time next run.
	if saveSealed(path, resultCacheVersion, encodeResult(&f)) == nil {
		pruneCache(filepath.Dir(path), "result-", resultCacheKeep)
	}
}

// queueCommits are the queue commits of r's rows, whose notes a review
// shows: every old commit, and every new commit that is not upstream.
func (r *Result) queueCommits() []*Commit {
	seen := map[string]bool{}
	var out []*Commit
	add := func(c *Commit) {
		if c != nil && !seen[c.SHA] {
			seen[c.SHA] = true
			out = append(out, c)
		}
	}
	for i := range r.Rows {
		row := &r.Rows[i]
		add(row.Old)
		if !row.Upstream {
			add(row.New)
		}
	}
	return out
}
