package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
)

// idService computes patch-ids through git diff-tree streams, several in
// parallel, with a cache in the repository's common git dir.
type idService struct {
	repo      *git.Repo
	jobs      int
	noCache   bool
	cachePath string
	progress  func(done, total int)

	mu       sync.Mutex
	cached   map[string]patchid.Result
	fresh    map[string]patchid.Result
	computed int
	hits     int
}

// CacheFile is where patch-ids are cached, relative to the common git dir.
const CacheFile = "review-rebase/patch-ids"

func newIDService(repo *git.Repo, jobs int, noCache bool, progress func(done, total int)) *idService {
	s := &idService{repo: repo, jobs: jobs, noCache: noCache, progress: progress,
		cachePath: filepath.Join(repo.CommonDir, CacheFile), fresh: map[string]patchid.Result{}}
	if s.jobs < 1 {
		s.jobs = 1
	}
	s.cached = map[string]patchid.Result{}
	if !noCache {
		if data, err := os.ReadFile(s.cachePath); err == nil {
			if m, err := patchid.DecodeCache(data); err == nil {
				s.cached = m
			}
			// A corrupt cache is ignored here and replaced on save.
		}
	}
	return s
}

// get returns the patch-ids of commits (full ids), computing what the cache
// does not hold.
func (s *idService) get(ctx context.Context, commits []string) (map[string]patchid.Result, error) {
	out := make(map[string]patchid.Result, len(commits))
	var missing []string
	seen := map[string]bool{}
	for _, c := range commits {
		if seen[c] {
			continue
		}
		seen[c] = true
		if r, ok := s.cached[c]; ok {
			out[c] = r
			s.hits++
			continue
		}
		missing = append(missing, c)
	}
	if len(missing) == 0 {
		return out, nil
	}
	// Contiguous shards keep neighbouring commits, which share most of
	// their trees, in one git process and its object cache.
	shards := s.jobs
	if len(missing) < 64*shards {
		shards = (len(missing) + 63) / 64
	}
	if shards < 1 {
		shards = 1
	}
	var wg sync.WaitGroup
	errs := make([]error, shards)
	var done atomic.Int64
	per := (len(missing) + shards - 1) / shards
	for i := 0; i < shards; i++ {
		lo, hi := i*per, (i+1)*per
		if hi > len(missing) {
			hi = len(missing)
		}
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(i int, part []string) {
			defer wg.Done()
			errs[i] = s.repo.StreamPatches(ctx, part, nil, func(r io.Reader) error {
				sc := patchid.NewScanner(r)
				for sc.Scan() {
					res := sc.Result()
					s.mu.Lock()
					out[res.Commit] = res
					s.fresh[res.Commit] = res
					s.mu.Unlock()
					if s.progress != nil {
						s.progress(int(done.Add(1)), len(missing))
					}
				}
				return sc.Err()
			})
		}(i, missing[lo:hi])
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("compute patch-ids: %w", err)
	}
	s.computed += len(missing)
	for _, c := range missing {
		if _, ok := out[c]; !ok {
			return nil, fmt.Errorf("compute patch-ids: git diff-tree skipped commit %s", c)
		}
	}
	return out, nil
}

// save merges what was computed into the cache file. Another run may have
// saved meanwhile: its entries are read back and kept. The file is replaced
// by rename, so readers see the old or the new file, never a mix.
func (s *idService) save() error {
	if s.noCache || len(s.fresh) == 0 {
		return nil
	}
	all := map[string]patchid.Result{}
	if data, err := os.ReadFile(s.cachePath); err == nil {
		if m, err := patchid.DecodeCache(data); err == nil {
			all = m
		}
	}
	for k, v := range s.fresh {
		all[k] = v
	}
	dir := filepath.Dir(s.cachePath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".patch-ids-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(patchid.EncodeCache(all))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), s.cachePath); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
