package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
)

// idService computes patch-ids through git diff-tree streams, several in
// parallel, with a cache in the repository's common git dir. Its methods
// may run concurrently.
type idService struct {
	repo      *git.Repo
	jobs      int
	noCache   bool
	cachePath string
	progress  func(done, total int)

	mu       sync.Mutex
	cached   map[string]patchid.Result
	results  map[string]patchid.Result
	fresh    map[string]patchid.Result
	computed int
	hits     int
}

// CacheFile is where patch-ids are cached, relative to the common git dir.
const CacheFile = "review-rebase/patch-ids"

func newIDService(repo *git.Repo, jobs int, noCache bool, progress func(done, total int)) *idService {
	s := &idService{repo: repo, jobs: jobs, noCache: noCache, progress: progress,
		cachePath: filepath.Join(repo.CommonDir, CacheFile),
		cached:    map[string]patchid.Result{}, results: map[string]patchid.Result{}, fresh: map[string]patchid.Result{}}
	if s.jobs < 1 {
		s.jobs = 1
	}
	if !noCache {
		if data, err := os.ReadFile(s.cachePath); err == nil {
			// A corrupt cache is ignored here and replaced on save.
			if m, err := patchid.DecodeCache(data); err == nil {
				s.cached = m
			}
		}
	}
	return s
}

// have records a cache hit or reports that c must be computed.
func (s *idService) have(c string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.results[c]; ok {
		return true
	}
	if r, ok := s.cached[c]; ok {
		s.results[c] = r
		s.hits++
		return true
	}
	return false
}

func (s *idService) store(r patchid.Result) {
	s.mu.Lock()
	s.results[r.Commit] = r
	s.fresh[r.Commit] = r
	s.computed++
	done := s.computed
	s.mu.Unlock()
	if s.progress != nil {
		s.progress(done, 0)
	}
}

// alias records for commit c the patch-id of commit rep, known to have
// the same patch (the same raw diff); rep's id must be known.
func (s *idService) alias(c, rep string) {
	s.mu.Lock()
	r := s.results[rep]
	s.mu.Unlock()
	r.Commit = c
	s.store(r)
}

// result is the patch-id of a commit computed or cached before.
func (s *idService) result(c string) patchid.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results[c]
}

func (s *idService) scan(r io.Reader) error {
	sc := patchid.NewScanner(r)
	for sc.Scan() {
		s.store(sc.Result())
	}
	return sc.Err()
}

// get computes the patch-ids of commits the cache does not hold, in
// contiguous shards (neighbouring commits share most of their trees, so one
// git process and its object cache serve them best).
func (s *idService) get(ctx context.Context, commits []string) error {
	return s.getObserved(ctx, commits, nil)
}

// getObserved is get, with observe also reading the diffs that are streamed
// (the queue's line deltas come from the same git output).
func (s *idService) getObserved(ctx context.Context, commits []string, observe func(io.Reader) error) error {
	var missing []string
	seen := map[string]bool{}
	for _, c := range commits {
		if !seen[c] && !s.have(c) {
			missing = append(missing, c)
		}
		seen[c] = true
	}
	if len(missing) == 0 {
		return nil
	}
	ranges := shardRanges(len(missing), s.jobs)
	var wg sync.WaitGroup
	errs := make([]error, len(ranges))
	for i, r := range ranges {
		wg.Add(1)
		go func(i int, part []string) {
			defer wg.Done()
			errs[i] = s.repo.StreamPatches(ctx, part, nil, func(r io.Reader) error {
				if observe == nil {
					return s.scan(r)
				}
				pr, pw := io.Pipe()
				done := make(chan error, 1)
				go func() {
					err := observe(pr)
					pr.CloseWithError(err)
					io.Copy(io.Discard, pr)
					done <- err
				}()
				err := s.scan(io.TeeReader(r, pw))
				pw.Close()
				return errors.Join(err, <-done)
			})
		}(i, missing[r[0]:r[1]])
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("compute patch-ids: %w", err)
	}
	return s.verify(missing)
}

func (s *idService) verify(commits []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range commits {
		if _, ok := s.results[c]; !ok {
			return fmt.Errorf("compute patch-ids: git gave no patch for commit %s", c)
		}
	}
	return nil
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
	if err := os.MkdirAll(filepath.Dir(s.cachePath), 0o755); err != nil {
		return err
	}
	return writeAtomic(s.cachePath, patchid.EncodeCache(all))
}
