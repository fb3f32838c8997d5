package review

// The review's caches live in one directory, review-rebase in the common
// git dir (so that worktrees share them): a file per kind for what is
// kept per commit (patch-ids, signatures, drift-tokens, pruned), and a
// file per key for the rest (queue-, upstream-, driftpair-, result-
// followed by a hash of the key), pruned to the most recent few. Every
// file is sealed (internal/sealed): a damaged or foreign one is a miss.

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/sealed"
)

// cachePath is the file name of the review's cache directory.
func cachePath(repo *git.Repo, name string) string {
	return filepath.Join(repo.CommonDir, "review-rebase", name)
}

// keyedCachePath is the file of the cache prefix for a key: the parts,
// which must not hold NUL bytes unless they are the key's own separators.
func keyedCachePath(repo *git.Repo, prefix string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return cachePath(repo, prefix+hex.EncodeToString(h[:10]))
}

// obsoleteCaches are files earlier versions wrote that nothing reads any
// more: drift verdicts of every pair of bases in one file (now a file per
// pair), and each commit's changed files (now in the cached queue walk).
var obsoleteCaches = []string{"drift", "files"}

// pathsKey is what paths name, for a cache key: git reads them relative
// to the directory it runs in, so "-- f" from the top and from a
// subdirectory are other reviews.
func pathsKey(repo *git.Repo, paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	dir, err := filepath.Abs(repo.Dir)
	if err != nil {
		dir = repo.Dir
	}
	return dir + "\x00" + strings.Join(paths, "\x00")
}

// pruneCache keeps the keep most recently written files named prefix* in
// dir, and removes the files of earlier versions (obsoleteCaches) that it
// meets on the way: it reads the directory anyway.
func pruneCache(dir, prefix string, keep int) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type f struct {
		name string
		mod  int64
	}
	var fs []f
	for _, e := range ents {
		if slices.Contains(obsoleteCaches, e.Name()) {
			os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil {
			fs = append(fs, f{e.Name(), info.ModTime().UnixNano()})
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].mod > fs[j].mod })
	for i := keep; i < len(fs); i++ {
		os.Remove(filepath.Join(dir, fs[i].name))
	}
}

// writeAtomic replaces path by a fully written file: readers see the old
// or the new content, never a mix. It does not wait for the disk: every
// cache file is sealed, so one a crash cut short is a miss.
func writeAtomic(path string, data []byte) error { return atomicfile.WriteUnsynced(path, data, 0o644) }

// saveSealed writes a cache file of the review: framed with its format's
// magic and a checksum, in a directory created if need be.
func saveSealed(path, magic string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeAtomic(path, sealed.Seal(magic, body))
}

// loadGob decodes what saveGob wrote at path with the same magic; false
// for a missing, damaged or other-format file, which is a cache miss.
func loadGob[T any](path, magic string) (T, bool) {
	var v T
	body, ok := sealed.Open(magic, readFileOrNil(path))
	if !ok || gob.NewDecoder(bytes.NewReader(body)).Decode(&v) != nil {
		var zero T
		return zero, false
	}
	return v, true
}

// saveGob writes v gob-encoded, sealed with magic (saveSealed).
func saveGob(path, magic string, v any) error {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return err
	}
	return saveSealed(path, magic, b.Bytes())
}

func readFileOrNil(path string) []byte {
	data, _ := os.ReadFile(path)
	return data
}

// cacheSaves writes cache files in the background: encoding and writing a
// cache (milliseconds each, ten of them in a cold run) need not hold up the
// stage that filled it, which the next stage waits for. Run waits for the
// saves before it returns, so no save outlives the review. A nil
// *cacheSaves saves at once and drops the error, for callers without a
// review around them.
type cacheSaves struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	warnings []string
}

// start saves with save, which must not share data that its caller goes
// on changing; a failure becomes a warning naming what.
func (s *cacheSaves) start(what string, save func() error) {
	if s == nil {
		_ = save()
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := save(); err != nil {
			s.mu.Lock()
			s.warnings = append(s.warnings, "cannot write the "+what+": "+err.Error())
			s.mu.Unlock()
		}
	}()
}

// wait waits for the saves started so far and returns their warnings,
// sorted (the saves end in any order).
func (s *cacheSaves) wait() []string {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.Strings(s.warnings)
	return slices.Clone(s.warnings)
}
