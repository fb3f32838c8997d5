package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// Bases is the outcome of base inference, with how each base was found so
// the user can be told.
type Bases struct {
	OldBase, NewBase string // revisions (ref names or ids)
	OldHow, NewHow   string
	// OurLayer, in known, reviews our layer only: a branch X/base whose
	// X/vendor-base exists (import-srpm's end of the upstream vendor's
	// patches) has its base there rather than in X/pre-base.
	OurLayer bool
}

// InferBases finds the bases of the two-tip form old-tip..new-tip. A branch
// X/base (the import-srpm convention) has its base in X/pre-base.
// Otherwise the old base is the merge base of the tips and the new base the
// nearest tag reachable from the new tip but not from the old one; with
// known.OurLayer, X/vendor-base where it exists. A base
// the user gave (known's OldBase or NewBase) is kept and not looked for:
// unrelated tips need no merge base when the old base is given.
func InferBases(ctx context.Context, repo *git.Repo, oldTip, newTip string, known Bases) (Bases, error) {
	var b Bases
	// A shallow clone has no merge base to find, which would read as
	// unrelated tips.
	tips, shallow, err := repo.ResolveCommitsShallow(ctx, oldTip, newTip)
	if shallow {
		return b, ErrShallow
	}
	if err != nil {
		return b, err
	}
	oldSHA, newSHA := tips[0], tips[1]
	// The branches of the import convention, both tips' at once.
	var conv []string
	for _, tip := range []string{oldTip, newTip} {
		conv = append(conv, conventionRefs(tip)...)
	}
	exists := map[string]bool{}
	if len(conv) > 0 {
		if exists, err = repo.RefsExist(ctx, conv...); err != nil {
			return b, err
		}
	}
	oldPre, oldHow := preBase(oldTip, known.OurLayer, exists)
	newPre, newHow := preBase(newTip, known.OurLayer, exists)
	switch {
	case known.OldBase != "":
		b.OldBase, b.OldHow = known.OldBase, "given"
	case oldPre != "":
		b.OldBase, b.OldHow = oldPre, oldHow
	}
	switch {
	case known.NewBase != "":
		b.NewBase, b.NewHow = known.NewBase, "given"
	case newPre != "":
		b.NewBase, b.NewHow = newPre, newHow
	}
	if b.OldBase == "" {
		mb, err := repo.MergeBase(ctx, oldSHA, newSHA)
		if err != nil {
			return b, err
		}
		if mb == "" {
			return b, fmt.Errorf("%s and %s have no common ancestor: %w", oldTip, newTip, ErrNoOldBase)
		}
		b.OldBase, b.OldHow = mb, "merge base of the tips"
	}
	if b.NewBase == "" {
		tag, _, err := nearestTag(ctx, repo, newSHA, oldSHA)
		if err != nil {
			return b, err
		}
		if tag == "" {
			return b, fmt.Errorf("no tag between %s and %s to use as the new base: %w", oldTip, newTip, ErrNoNewBase)
		}
		b.NewBase, b.NewHow = "refs/tags/"+tag, "nearest tag"
	}
	return b, nil
}

// conventionRefs are the branches preBase asks about for rev: X/base,
// X/vendor-base and X/pre-base when rev names the branch X/base.
func conventionRefs(rev string) []string {
	name := strings.TrimPrefix(rev, "refs/heads/")
	if !strings.HasSuffix(name, "/base") {
		return nil
	}
	prefix := "refs/heads/" + strings.TrimSuffix(name, "/base")
	return []string{prefix + "/base", prefix + "/vendor-base", prefix + "/pre-base"}
}

// preBase returns "refs/heads/X/pre-base" when rev names the branch X/base
// and that pre-base branch exists; with ourLayer, "refs/heads/X/vendor-base"
// first, when it exists. how says which. exists holds the refs of
// conventionRefs that exist.
func preBase(rev string, ourLayer bool, exists map[string]bool) (ref, how string) {
	refs := conventionRefs(rev)
	if refs == nil || !exists[refs[0]] {
		return "", ""
	}
	if ourLayer && exists[refs[1]] {
		return refs[1], "branch convention, our layer only"
	}
	if exists[refs[2]] {
		return refs[2], "branch convention"
	}
	return "", ""
}

// nearestTag walks from tip, newest first, skipping what from reaches, and
// returns the first tagged commit.
func nearestTag(ctx context.Context, repo *git.Repo, tip, from string) (string, string, error) {
	tags, err := repo.Tags(ctx)
	if err != nil {
		return "", "", err
	}
	if len(tags) == 0 {
		return "", "", nil
	}
	commits, err := repo.RevList(ctx, git.LogOptions{Include: []string{tip}, Exclude: []string{from}})
	if err != nil {
		return "", "", err
	}
	for _, c := range commits {
		if names := tags[c]; len(names) > 0 {
			return pickTag(names), c, nil
		}
	}
	return "", "", nil
}

// pickTag prefers the shortest, then byte-smallest, of tags on one commit
// (v4.19.325 over v4.19.325-rc-fixup), so the choice is stable.
func pickTag(names []string) string {
	best := names[0]
	for _, n := range names[1:] {
		if len(n) < len(best) || (len(n) == len(best) && n < best) {
			best = n
		}
	}
	return best
}
