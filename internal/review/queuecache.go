package review

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"

	"github.com/patchqueue/pqtools/internal/git"
)

// queueRec is what the review reads of a queue commit: one `git log --raw`
// pass gives it all, and the commits of base..tip never change for fixed
// object ids, so a range's records are cached per (base, tip, paths) and
// a warm run walks no queue at all.
type queueRec struct {
	SHA                     string
	Merge                   bool
	AuthorName, AuthorEmail string
	AuthorTime              int64
	Message                 string
	Files                   []string
	// Raw identifies the commit's tree change (rawKeyOf); two commits with
	// the same Raw have the same diff, hence the same patch-id.
	Raw rawKey
}

// rawKey is a hash of a commit's raw diff against its parent: for each
// changed path its modes and object ids. The patch git diffs for a patch-id
// is a function of exactly these (no renames, full index, the same
// attributes within one run), so equal keys mean equal patches.
type rawKey [16]byte

// rawKeyOf hashes changes in git's order (git sorts a tree diff by path).
func rawKeyOf(changes []git.RawChange) rawKey {
	h := sha256.New()
	for _, c := range changes {
		fmt.Fprintf(h, "%o %o %s %s %c %s\x00", c.OldMode, c.NewMode, c.OldOID, c.NewOID, c.Status, c.Path)
	}
	var k rawKey
	copy(k[:], h.Sum(nil))
	return k
}

// queueRecOf digests one commit of the queue walk.
func queueRecOf(rec *git.LogRecord) queueRec {
	q := queueRec{SHA: rec.Commit, Merge: len(rec.Parents) > 1, AuthorName: rec.AuthorName, AuthorEmail: rec.AuthorEmail,
		AuthorTime: rec.AuthorTime, Message: rec.Message}
	if len(rec.Changes) > 0 {
		q.Files = make([]string, len(rec.Changes))
		for i, c := range rec.Changes {
			q.Files[i] = c.Path
		}
	}
	q.Raw = rawKeyOf(rec.Changes)
	return q
}

const queueCacheVersion = "pqtools queue range v1\n"

// queueCacheKeep bounds how many ranges stay cached (two per review).
const queueCacheKeep = 16

func queueCachePath(repo *git.Repo, base, tip string, paths []string) string {
	return keyedCachePath(repo, "queue-", base, tip, pathsKey(repo, paths))
}

// loadQueueCache returns the cached records of a range, or false.
func loadQueueCache(path string) ([]queueRec, bool) {
	return loadGob[[]queueRec](path, queueCacheVersion)
}

func saveQueueCache(path string, recs []queueRec) error {
	if err := saveGob(path, queueCacheVersion, recs); err != nil {
		return err
	}
	pruneCache(filepath.Dir(path), "queue-", queueCacheKeep)
	return nil
}
