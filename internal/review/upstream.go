package review

import (
	"context"
	"hash/fnv"
	"path/filepath"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// upEntry is what the review needs of an upstream commit. The range
// between two fixed bases never changes, so these digests are cached per
// pair of bases and a warm run does not walk upstream history at all.
type upEntry struct {
	SHA     string
	Title   string
	Refs    []string // cherry-pick origins named in the message (12 hex)
	FileKey uint64   // hash of the sorted file list; 0 when none
	// blobs are "<old> <new>" object ids per changed file, from a fresh
	// walk only (not cached): reading blobs by id spares git resolving
	// commit:path names.
	blobs map[string][2]string
}

// fileKeyHash identifies a set of files.
func fileKeyHash(files []string) uint64 {
	if len(files) == 0 {
		return 0
	}
	f := append([]string(nil), files...)
	sort.Strings(f)
	h := fnv.New64a()
	for _, s := range f {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	if k := h.Sum64(); k != 0 {
		return k
	}
	return 1
}

// mayHaveRefs is a cheap test that saves running the trailer expressions
// over tens of thousands of upstream messages: every form names "commit",
// written as people write it (commit, Commit, COMMIT), and looking for
// "ommit " allocates nothing.
func mayHaveRefs(msg string) bool {
	return strings.Contains(msg, "ommit ") || strings.Contains(msg, "OMMIT ")
}

func newUpEntry(sha, msg string, files []string, blobs map[string][2]string) upEntry {
	e := upEntry{SHA: sha, FileKey: fileKeyHash(files), blobs: blobs}
	e.Title = msg
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		e.Title = msg[:i]
	}
	e.Title = strings.TrimSpace(e.Title)
	e.Refs = trailerRefs(msg)
	return e
}

// streamUpstream walks the upstream range once, listing each commit's
// message and changed files with their blob ids (no pathspec: matching many
// paths per tree entry is quadratic), and calls found for every commit as it
// arrives, newest first.
func streamUpstream(ctx context.Context, repo *git.Repo, include, exclude string, paths []string, found func(upEntry)) error {
	o := git.WalkOptions{
		LogOptions: git.LogOptions{Include: []string{include}, Exclude: []string{exclude}, Paths: paths, NoMerges: true},
		Message:    true,
		Changes:    true,
	}
	return repo.WalkLog(ctx, o, func(rec *git.LogRecord) error {
		found(upEntryOf(rec))
		return nil
	})
}

// upEntryOf digests one commit of the walk.
func upEntryOf(rec *git.LogRecord) upEntry {
	files := make([]string, len(rec.Changes))
	blobs := make(map[string][2]string, len(rec.Changes))
	for i, c := range rec.Changes {
		files[i] = c.Path
		blobs[c.Path] = [2]string{c.OldOID, c.NewOID}
	}
	return newUpEntry(rec.Commit, rec.Message, files, blobs)
}

// The upstream digest cache: one file per pair of bases (and path filter),
// gob-encoded with a SHA-256 trailer; damage means a cache miss.
const upCacheVersion = "pqtools upstream digest v1\n"

// upCacheKeep bounds how many base pairs stay cached.
const upCacheKeep = 8

func upCachePath(repo *git.Repo, oldBase, newBase string, paths []string) string {
	return keyedCachePath(repo, "upstream-", oldBase, newBase, pathsKey(repo, paths))
}

func loadUpCache(path string) ([]upEntry, bool) {
	return loadGob[[]upEntry](path, upCacheVersion)
}

func saveUpCache(path string, entries []upEntry) error {
	if err := saveGob(path, upCacheVersion, entries); err != nil {
		return err
	}
	pruneCache(filepath.Dir(path), "upstream-", upCacheKeep)
	return nil
}
