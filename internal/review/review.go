package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
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
)

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

	// Stage 1: the three ranges and the files of the queues, in parallel.
	var (
		oldLog, newLog, upLog       []git.Commit
		oldFiles, newFiles, upFiles map[string][]string
	)
	progress("reading commits", 0, 1)
	err = parallel(
		func() (e error) {
			oldLog, e = repo.Log(ctx, git.LogOptions{Include: []string{res.Old.Tip}, Exclude: []string{res.Old.Base}, Paths: o.Paths, Reverse: true})
			return
		},
		func() (e error) {
			newLog, e = repo.Log(ctx, git.LogOptions{Include: []string{res.New.Tip}, Exclude: []string{res.New.Base}, Paths: o.Paths, Reverse: true})
			return
		},
		func() (e error) {
			if res.Old.Base == res.New.Base {
				return nil
			}
			upLog, e = repo.Log(ctx, git.LogOptions{Include: []string{res.New.Base}, Exclude: []string{res.Old.Base}, Paths: o.Paths, NoMerges: true, Reverse: true})
			return
		},
		func() (e error) {
			// Without a pathspec: matching hundreds of paths against every
			// tree entry costs far more than listing all changed names.
			if res.Old.Base == res.New.Base {
				return nil
			}
			upFiles, e = repo.ChangedFiles(ctx, git.LogOptions{Include: []string{res.New.Base}, Exclude: []string{res.Old.Base}, Paths: o.Paths})
			return
		},
		func() (e error) {
			oldFiles, e = repo.ChangedFiles(ctx, git.LogOptions{Include: []string{res.Old.Tip}, Exclude: []string{res.Old.Base}, Paths: o.Paths})
			return
		},
		func() (e error) {
			newFiles, e = repo.ChangedFiles(ctx, git.LogOptions{Include: []string{res.New.Tip}, Exclude: []string{res.New.Base}, Paths: o.Paths})
			return
		},
	)
	if err != nil {
		return nil, err
	}
	old, oldMerges := toCommits(oldLog, oldFiles)
	nw, newMerges := toCommits(newLog, newFiles)
	res.SkippedMerges = append(oldMerges, newMerges...)
	if len(old) == 0 {
		return nil, fmt.Errorf("old range %s..%s: %w", o.OldBase, o.OldTip, ErrEmptyRange)
	}
	if len(nw) == 0 {
		return nil, fmt.Errorf("new range %s..%s: %w", o.NewBase, o.NewTip, ErrEmptyRange)
	}
	up, _ := toCommits(upLog, nil)
	res.Stats.OldCommits, res.Stats.NewCommits, res.Stats.UpstreamCommits = len(old), len(nw), len(up)

	// Stage 2: the upstream commits that can share a patch-id with a
	// queue commit touch exactly the same files as it does.
	candidates := upstreamCandidates(old, nw, up, upFiles)
	res.Stats.UpstreamCandidates = len(candidates)

	// Stage 3: patch-ids.
	ids := newIDService(repo, jobs, o.NoCache, func(d, t int) { progress("computing patch-ids", d, t) })
	var want []string
	for _, c := range old {
		want = append(want, c.SHA)
	}
	for _, c := range nw {
		want = append(want, c.SHA)
	}
	for _, c := range candidates {
		want = append(want, c.SHA)
	}
	got, err := ids.get(ctx, want)
	if err != nil {
		return nil, err
	}
	for _, set := range [][]*Commit{old, nw, candidates} {
		for _, c := range set {
			c.PatchID = got[c.SHA].ID
		}
	}
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
			var sigs map[string]signature
			err := repo.StreamPatches(ctx, shas, nil, func(r io.Reader) (e error) {
				sigs, e = signatures(r)
				return
			})
			if err != nil {
				return nil, fmt.Errorf("read leftover patches: %w", err)
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

func fileKey(files []string) string {
	f := append([]string(nil), files...)
	sort.Strings(f)
	return strings.Join(f, "\x00")
}

// upstreamCandidates lists the upstream commits touching exactly the file
// set of some queue commit: only they can share its patch-id. Listing file
// names is a tree diff per commit, far cheaper than a patch.
func upstreamCandidates(old, nw, up []*Commit, upFiles map[string][]string) []*Commit {
	keys := map[string]bool{}
	for _, set := range [][]*Commit{old, nw} {
		for _, c := range set {
			if len(c.Files) > 0 {
				keys[fileKey(c.Files)] = true
			}
		}
	}
	var out []*Commit
	for _, u := range up {
		u.Files = upFiles[u.SHA]
		if len(u.Files) > 0 && keys[fileKey(u.Files)] {
			out = append(out, u)
		}
	}
	return out
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
	got, err := s.get(ctx, commits)
	if err != nil {
		return nil, err
	}
	_ = s.save()
	return got, nil
}
