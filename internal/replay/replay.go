// Package replay redoes the mechanical part of a rebase for a reviewer: it
// cherry-picks an old queue commit onto the parent of its rebased
// counterpart and compares the result with what the rebaser committed. The
// verdict says whether only the context moved (identical), whether the
// author changed more than the mechanical replay (changed), or whether the
// replay conflicts (conflicted); in the last case it lists each conflict
// region with both sides and, where it can be located, the author's
// resolution of that region.
//
// The replay never touches the work tree, the index, HEAD or any ref. It
// uses git merge-tree --write-tree (git >= 2.38). Its --merge-base option
// only exists from git 2.40, so the merge base of a cherry-pick (the old
// commit's parent) is arranged with one throwaway commit instead: a commit
// holding the new parent's tree whose parent is the old commit's parent.
// Merged with the old commit itself, its merge base is exactly the old
// parent, which makes merge-tree's three-way merge a cherry-pick. That
// commit, and every object merge-tree writes, go to a temporary object
// directory that borrows the repository's objects as an alternate and is
// deleted afterwards, so not even unreachable objects are left in the
// repository. Any number of pairs is replayed with a constant number of
// git processes (cat-file, hash-object and merge-tree --stdin in batch mode).
//
// Output of merge-tree is read in its -z machine format, documented in
// git's Documentation/git-merge-tree.txt ("OUTPUT" and "--stdin").
package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// Verdict is the outcome of a replay. The words are an interface (JSON
// output of the replay subcommand and of the review): do not change them.
type Verdict string

// Verdicts.
const (
	// Identical: the replay gives exactly the new commit's tree; only the
	// context moved.
	Identical Verdict = "identical"
	// Changed: the replay is clean but differs from the new commit: the
	// author changed more than the rebase required.
	Changed Verdict = "changed"
	// Conflicted: the replay does not apply cleanly.
	Conflicted Verdict = "conflicted"
)

// ErrMerge is returned when the old commit is a merge: a queue commit has
// one parent, and a merge has no single patch to replay.
var ErrMerge = errors.New("is a merge commit: only single-parent commits can be replayed")

// Pair is an old commit and its counterpart after the rebase.
type Pair struct{ Old, New string }

// Result is the replay of one pair.
type Result struct {
	Old, New string // full commit ids
	Verdict  Verdict
	// ReplayTree is the tree of the mechanical replay (with conflict
	// markers when conflicted); NewTree the new commit's tree. ReplayTree
	// lives in a temporary object store: it is not in the repository after
	// the call returns.
	ReplayTree, NewTree string
	Conflicts           []Conflict
	// Diff is git diff-tree -p from the replay to the new commit: what the
	// author did beyond (or, when conflicted, instead of) the mechanical
	// replay. Empty when identical, and when details were not asked for.
	Diff string
}

// ConflictPaths lists the conflicted paths.
func (r *Result) ConflictPaths() []string {
	out := make([]string, 0, len(r.Conflicts))
	for _, c := range r.Conflicts {
		out = append(out, c.Path)
	}
	return out
}

// Stage is one side of a conflicted path in the index sense: mode and blob.
// The zero value means the side does not have the path (deleted or added).
type Stage struct{ Mode, OID string }

// Conflict is one conflicted path of a replay.
type Conflict struct {
	Path string
	// Kinds are git's conflict types for the path, without the
	// "CONFLICT (...)" wrapper: "contents", "binary", "modify/delete", ...
	Kinds []string
	// Base is the old commit's parent, Upstream the new commit's parent
	// (the "ours" of the cherry-pick), Patch the old commit ("theirs").
	Base, Upstream, Patch Stage
	// Resolution is the new commit's version of the path (zero: the author
	// deleted it).
	Resolution Stage
	// Binary: git could not merge the contents line by line; there are no
	// regions, compare the stages.
	Binary bool
	// Regions are the conflict regions of a text conflict, in file order.
	Regions []Region
	// Messages are git's explanations, for people; never parsed.
	Messages []string
}

// Region is one conflict region of a text file.
type Region struct {
	// Line is the 1-based line of the region's start marker in the replayed
	// file (ReplayTree:Path).
	Line int
	// Upstream is the new parent's side, Base the old parent's (common
	// ancestor) side, Patch the old commit's side.
	Upstream, Base, Patch []string
	// Resolution is what the author wrote in place of the region, found
	// by the unchanged lines around it; Resolved says whether it was found.
	Resolution []string
	Resolved   bool
}

// Replay replays old onto new's parent and compares the result with new,
// with every detail: the diff, conflict regions and resolutions.
func Replay(ctx context.Context, repo *git.Repo, old, new string) (*Result, error) {
	rs, err := run(ctx, repo, []Pair{{Old: old, New: new}}, true)
	if err != nil {
		return nil, err
	}
	return &rs[0], nil
}

// Verdicts replays many pairs (revisions) with a constant number of
// git processes. Results carry the verdict and the conflicted paths, not
// the diff or regions: this is what the review needs for every row.
func Verdicts(ctx context.Context, repo *git.Repo, pairs []Pair) ([]Result, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	return run(ctx, repo, pairs, false)
}

// commitInfo is what a replay needs of a commit.
type commitInfo struct {
	id, tree string
	// parent and parentTree are the first parent's; empty for a root.
	parent, parentTree string
	merge              bool
}

func run(ctx context.Context, repo *git.Repo, pairs []Pair, details bool) ([]Result, error) {
	s, err := newScratch(ctx, repo)
	if err != nil {
		return nil, err
	}
	defer s.close()

	var revs []string
	for _, p := range pairs {
		revs = append(revs, p.Old, p.New)
	}
	commits, err := s.lookup(ctx, revs)
	if err != nil {
		return nil, err
	}

	// The throwaway commit of each pair: the new parent's tree on top of
	// the old parent (none for a root commit: the base is then empty).
	bodies := make([]git.CommitObject, len(pairs))
	for i, p := range pairs {
		o, n := commits[p.Old], commits[p.New]
		if o.merge {
			return nil, fmt.Errorf("replay %s: %w", p.Old, ErrMerge)
		}
		onto := n.parentTree
		if n.parent == "" {
			if onto, err = s.emptyTree(ctx); err != nil {
				return nil, err
			}
		}
		bodies[i] = throwaway(onto, o.parent)
	}
	// One hash-object process for all of them, instead of one
	// commit-tree per commit.
	ontoIDs, err := s.repo.WriteCommits(ctx, bodies)
	if err != nil {
		return nil, fmt.Errorf("replay: write commits: %w", err)
	}

	merge := make([]git.MergePair, len(pairs))
	for i, p := range pairs {
		merge[i] = git.MergePair{Ours: ontoIDs[i], Theirs: commits[p.Old].id}
	}
	// diff3 so regions carry the base; pinned so the user's config cannot
	// change the markers we read. Unrelated histories: a root old commit
	// merges against the empty tree, as git cherry-pick does.
	merges, err := s.repo.MergeTreeBatch(ctx, merge, git.MergeTreeOptions{ConflictStyle: "diff3", AllowUnrelatedHistories: true})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}

	results := make([]Result, len(pairs))
	for i, p := range pairs {
		m := merges[i]
		n := commits[p.New]
		r := Result{Old: commits[p.Old].id, New: n.id, ReplayTree: m.Tree, NewTree: n.tree}
		switch {
		case !m.Clean:
			r.Verdict = Conflicted
			r.Conflicts = conflicts(&m)
		case m.Tree == r.NewTree:
			r.Verdict = Identical
		default:
			r.Verdict = Changed
		}
		results[i] = r
	}
	if details {
		for i := range results {
			if err := s.addDetails(ctx, &results[i]); err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}

// Fixed identity and date of the throwaway commits: the same inputs give
// the same objects, and nothing depends on the user's identity config.
const ident = "git review-rebase replay <replay@pqtools.invalid> 0 +0000"

// throwaway is the commit a replay merges with: tree on top of parent
// (none for a root).
func throwaway(tree, parent string) git.CommitObject {
	c := git.CommitObject{Tree: tree, Author: ident, Committer: ident, Message: "replay onto\n"}
	if parent != "" {
		c.Parents = []string{parent}
	}
	return c
}

// scratch is the temporary object store replays write to.
type scratch struct {
	dir   string
	repo  *git.Repo // the repository, writing objects to dir
	empty string    // the empty tree, once needed
}

func newScratch(ctx context.Context, repo *git.Repo) (*scratch, error) {
	gitDir, objects, err := locate(ctx, repo)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pq-replay-")
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	own := filepath.Join(dir, "objects")
	if err := os.Mkdir(own, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("replay: %w", err)
	}
	alt := quoteAlternate(objects)
	if prev := os.Getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); prev != "" {
		alt += string(os.PathListSeparator) + prev
	}
	// git runs in the git dir: merge-tree prints paths relative to the
	// current directory, and there they are relative to the top.
	r := *repo
	r.Dir = gitDir
	r.Env = append(append([]string(nil), repo.Env...),
		"GIT_OBJECT_DIRECTORY="+own, "GIT_ALTERNATE_OBJECT_DIRECTORIES="+alt)
	return &scratch{dir: dir, repo: &r}, nil
}

// locate returns the repository's git dir and object directory. They are
// asked of git (a process) only when the repository's location is not
// known or the environment moves them.
func locate(ctx context.Context, repo *git.Repo) (gitDir, objects string, err error) {
	moved := os.Getenv("GIT_OBJECT_DIRECTORY") != "" || os.Getenv("GIT_DIR") != ""
	for _, kv := range repo.Env {
		moved = moved || strings.HasPrefix(kv, "GIT_OBJECT_DIRECTORY=") || strings.HasPrefix(kv, "GIT_DIR=")
	}
	if filepath.IsAbs(repo.GitDir) && filepath.IsAbs(repo.CommonDir) && !moved {
		return repo.GitDir, filepath.Join(repo.CommonDir, "objects"), nil
	}
	p, err := repo.Paths(ctx)
	if err != nil {
		return "", "", fmt.Errorf("replay: find the repository: %w", err)
	}
	return p.GitDir, p.Objects, nil
}

// quoteAlternate quotes a path for GIT_ALTERNATE_OBJECT_DIRECTORIES, where
// ':' separates entries and a leading '"' starts a C-style quoted one.
func quoteAlternate(p string) string {
	if strings.ContainsAny(p, ":\"\\\n") {
		return strconv.Quote(p)
	}
	return p
}

func (s *scratch) close() { os.RemoveAll(s.dir) }

// lookup resolves revisions to what a replay needs, with one cat-file
// process and without reading any object's contents: for each revision the
// commit, its tree, its first parent and that parent's tree, and whether a
// second parent exists.
func (s *scratch) lookup(ctx context.Context, revs []string) (map[string]commitInfo, error) {
	suffixes := []string{"^{commit}", "^{tree}", "^1^{commit}", "^1^{tree}", "^2^{commit}"}
	var names, uniq []string
	seen := map[string]bool{}
	for _, rev := range revs {
		if err := git.CheckRev(rev); err != nil {
			return nil, err
		}
		if strings.ContainsAny(rev, "\n\x00") {
			return nil, fmt.Errorf("%q: %w", rev, git.ErrUnknownRevision)
		}
		if seen[rev] {
			continue
		}
		seen[rev] = true
		uniq = append(uniq, rev)
		for _, suf := range suffixes {
			names = append(names, rev+suf)
		}
	}
	objs, err := s.repo.CatObjects(ctx, names, git.ObjectOptions{CheckOnly: true})
	if err != nil {
		return nil, fmt.Errorf("replay: look up commits: %w", err)
	}
	// answer is the object id when git found an object of type typ;
	// anything else ("missing", "ambiguous") is no answer.
	answer := func(o git.Object, typ string) string {
		if o.Missing || o.Type != typ {
			return ""
		}
		return o.OID
	}
	info := make(map[string]commitInfo, len(uniq))
	for i, rev := range uniq {
		a := objs[i*len(suffixes) : (i+1)*len(suffixes)]
		c := commitInfo{id: answer(a[0], git.TypeCommit), tree: answer(a[1], git.TypeTree),
			parent: answer(a[2], git.TypeCommit), parentTree: answer(a[3], git.TypeTree), merge: answer(a[4], git.TypeCommit) != ""}
		if c.id == "" || c.tree == "" {
			return nil, fmt.Errorf("%q: %w", rev, git.ErrUnknownRevision)
		}
		if (c.parent == "") != (c.parentTree == "") {
			return nil, fmt.Errorf("replay: parent of %s: %q %q", rev, c.parent, c.parentTree)
		}
		info[rev] = c
	}
	return info, nil
}

// emptyTree writes the empty tree, the parent tree of a root commit.
func (s *scratch) emptyTree(ctx context.Context) (string, error) {
	if s.empty != "" {
		return s.empty, nil
	}
	empty, err := s.repo.MkTree(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("replay: write empty tree: %w", err)
	}
	s.empty = empty
	return s.empty, nil
}

// addDetails adds the diff from the replay to the new commit and, for
// conflicts, the regions and the author's resolutions.
func (s *scratch) addDetails(ctx context.Context, r *Result) error {
	if r.Verdict == Identical {
		return nil
	}
	out, err := s.repo.DiffTrees(ctx, r.ReplayTree, r.NewTree)
	if err != nil {
		return fmt.Errorf("replay: diff: %w", err)
	}
	r.Diff = string(out)
	if r.Verdict != Conflicted {
		return nil
	}
	// The replayed file (with markers) and the author's file, for every
	// conflicted path, in one cat-file process. Paths with a newline cannot
	// go through cat-file's line protocol: they keep no regions.
	var names []string
	var asked []int
	for i, c := range r.Conflicts {
		if strings.ContainsAny(c.Path, "\n\x00") {
			continue
		}
		names = append(names, r.ReplayTree+":"+c.Path, r.NewTree+":"+c.Path)
		asked = append(asked, i)
	}
	if len(asked) == 0 {
		return nil
	}
	objs, err := s.repo.CatObjects(ctx, names, git.ObjectOptions{})
	if err != nil {
		return fmt.Errorf("replay: read conflicted files: %w", err)
	}
	for k, i := range asked {
		c := &r.Conflicts[i]
		merged, resolved := objs[2*k], objs[2*k+1]
		if resolved.Type == git.TypeBlob {
			c.Resolution = Stage{OID: resolved.OID}
		}
		if merged.Type != git.TypeBlob || c.Upstream.OID == "" || c.Patch.OID == "" {
			continue // not a content conflict: compare the stages
		}
		if c.Binary || bytes.IndexByte(merged.Data, 0) >= 0 {
			c.Binary = true
			continue
		}
		var res []byte
		if resolved.Type == git.TypeBlob {
			res = resolved.Data
		}
		c.Regions = Regions(merged.Data, res, resolved.Type == git.TypeBlob)
	}
	return nil
}
