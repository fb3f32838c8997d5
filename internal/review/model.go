// Package review is the engine of git review-rebase: it reads the old and the
// new patch queue and the upstream commits between their bases, computes
// patch-ids (cached, in parallel, pruned to the upstream commits that can
// match), and pairs every old commit with its new counterpart, its upstream
// version, or nothing, with the evidence used. Rendering the result as text
// or JSON is pure and lives here too; the terminal UI builds on Result.
package review

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/patchid"
)

// Status is how an old commit was matched. The words are an interface
// (JSON output, --check messages): do not change them.
type Status string

// Statuses, strongest evidence first.
const (
	StatusSame    Status = "same"
	StatusPatchID Status = "patch-id"
	StatusTitle   Status = "title"
	StatusSimilar Status = "similar"
	// StatusSplit: the old commit was split into several new ones; one
	// row per part, Old the original, rows tied by Group.
	StatusSplit Status = "split"
	// StatusSquashed: several old commits were squashed (or fixed up)
	// into one new commit; one row per old commit, New the combination.
	StatusSquashed Status = "squashed"
	StatusDropped  Status = "dropped"
	StatusAdded    Status = "added"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusSame, StatusPatchID, StatusTitle, StatusSimilar, StatusSplit, StatusSquashed, StatusDropped, StatusAdded}

// Grouped reports the statuses whose rows come in groups (split, squashed).
func (s Status) Grouped() bool { return s == StatusSplit || s == StatusSquashed }

// Optional reports the statuses that summaries leave out when no row has
// them (split and squashed), so that a review without any reads as before.
func (s Status) Optional() bool { return s.Grouped() }

// Commit is one commit as the review sees it.
type Commit struct {
	SHA         string
	Title       string
	Message     string
	AuthorName  string
	AuthorEmail string
	AuthorTime  int64
	PatchID     patchid.ID
	Files       []string
	// Refs are the cherry-pick origins an upstream commit's message names
	// (12 hex digits); upstream messages are not kept.
	Refs []string
	// Index is the position in its range, oldest first.
	Index int
}

// Evidence says what a match rests on.
type Evidence string

// EvidenceMention is the evidence of an old commit whose message names the
// upstream commit sha by hash.
func EvidenceMention(sha string) Evidence { return Evidence("mentions " + sha[:12]) }

// Strong reports evidence that the patch itself is upstream, not only
// its title: the same patch-id, a cherry-pick trailer, or a mention.
func (e Evidence) Strong() bool {
	return e == EvidencePatchID || e == EvidenceTrailer || strings.HasPrefix(string(e), "mentions ")
}

// Kinds of evidence.
const (
	EvidenceCommit  Evidence = "commit"
	EvidencePatchID Evidence = "patch-id"
	EvidenceTrailer Evidence = "trailer"
	// A mention is "mentions <sha12>": the old message names that
	// upstream commit by hash (EvidenceMention).
	EvidenceTitle   Evidence = "title"
	EvidenceSimilar Evidence = "similar"
	// The changed lines of the parts together are those of the whole
	// (split.go).
	EvidenceSplit  Evidence = "split"
	EvidenceSquash Evidence = "squash"
)

// Row is one line of the review: an old commit and what became of it, or a
// new commit no old commit explains.
type Row struct {
	Status   Status
	Upstream bool // New is an upstream commit: the patch is now upstream
	Evidence Evidence
	Old      *Commit
	New      *Commit
	// AlsoUpstream is an upstream commit with strong evidence (patch-id or
	// trailer) for a patch the new queue still carries.
	AlsoUpstream *Commit
	Note         string
	// Explained: the new commit message explains a conflict resolution.
	Explained bool
	// Similarity of the two diffs for "similar" rows, 0..1. For split
	// and squashed rows, the share of the group's changed lines the other
	// side explains, the lower of the two ways: 1 when the parts carry
	// exactly the lines of the whole.
	Similarity float64
	// Group ties the rows of one split or squash: 1, 2, ... in row order;
	// 0 for other rows.
	Group int
	// Replay is the verdict of replaying Old onto New's parent
	// (internal/replay: identical, changed, conflicted), when asked for;
	// empty otherwise.
	Replay string
	// Drift lists identifiers the new commit adds lines with that
	// upstream removed (drift.go).
	Drift []Drift
}

// Range is a resolved queue range base..tip.
type Range struct {
	Base string
	Tip  string
}

// Result is a complete review.
type Result struct {
	Old, New Range
	Rows     []Row
	// SkippedMerges are merge commits found in either range; they have no
	// patch-id and are not part of a queue.
	SkippedMerges []string
	// Warnings are problems that did not stop the review.
	Warnings []string
	// Details explain evidence that was not used (a hash a message
	// mentions that is ambiguous or outside the range), for -v.
	Details []string
	// Between holds the upstream commits between the bases (ancestors of
	// the new base, not of the old one): blame entries among them are the
	// changes a rebase crossed, the usual cause of conflicts.
	Between map[string]bool
	Stats   Stats
}

// Stats describe the work done, for --verbose and benchmarks.
type Stats struct {
	OldCommits, NewCommits, UpstreamCommits int
	UpstreamCandidates                      int // upstream commits touching a queue commit's file set
	UpstreamDiffed                          int // candidates whose blobs left a patch-id match possible
	PatchIDsComputed, PatchIDsCached        int
}

// Summary counts rows per status, plus upstream rows.
type Summary struct {
	Counts   map[Status]int
	Upstream int
}

// Summarize counts the rows.
func (r *Result) Summarize() Summary {
	s := Summary{Counts: map[Status]int{}}
	for _, st := range Statuses {
		s.Counts[st] = 0
	}
	for _, row := range r.Rows {
		s.Counts[row.Status]++
		if row.Upstream {
			s.Upstream++
		}
	}
	return s
}

// conflictRE finds the rebaser's explanation in a commit message, as in
// "[Name: rebase from v4.19.19 to v4.19.325 conflicts: - path: <sha> ...]".
var conflictRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?im)^\s*\[[^\n]*\bconflicts?\b`) })

// HasConflictExplanation reports whether a message explains a conflict.
func HasConflictExplanation(msg string) bool {
	return strings.Contains(msg, "[") && conflictRE().MatchString(msg)
}

// NeedsExplanation reports whether --check wants a written reason for the
// row, and which: a dropped commit needs a note, a changed patch in the new
// queue needs a conflict explanation in its message, unless it is a title
// match whose replay gives exactly the new commit (only the context moved).
// A split or squash changed the patch too, and needs the explanation unless
// the parts carry exactly the changed lines of the whole (Similarity 1: the
// history was cut differently, the code is the same); Check asks for it
// once per group, and any new commit of the group may give it.
func (row *Row) NeedsExplanation() (string, bool) {
	switch {
	case row.Status == StatusDropped && row.Note == "":
		return "dropped without a note", true
	case row.Status.Grouped() && !row.Explained && row.Similarity < 1:
		return "patch " + string(row.Status) + " and changed without a conflict explanation", true
	case (row.Status == StatusTitle || row.Status == StatusSimilar) && !row.Upstream && !row.Explained:
		if row.Old != nil && row.New != nil && row.Old.PatchID.IsZero() && row.New.PatchID.IsZero() {
			return "", false // both empty: nothing changed that needs words
		}
		if row.Status == StatusTitle && row.Replay == "identical" {
			return "", false // a mechanical rebase: nothing to explain
		}
		return "patch changed without a conflict explanation", true
	}
	return "", false
}

// Sides returns the commits on each side of a row: for a split or squashed
// row, every commit of its group (the original and the parts, or the olds
// and their combination), in range order; otherwise the row's old and new
// commit, if any. The side-by-side views show each side concatenated.
func (r *Result) Sides(row *Row) (olds, news []*Commit) {
	if row.Group == 0 {
		if row.Old != nil {
			olds = append(olds, row.Old)
		}
		if row.New != nil {
			news = append(news, row.New)
		}
		return olds, news
	}
	seen := map[*Commit]bool{}
	for i := range r.Rows {
		g := &r.Rows[i]
		if g.Group != row.Group {
			continue
		}
		for _, c := range []*Commit{g.Old, g.New} {
			if c == nil || seen[c] {
				continue
			}
			seen[c] = true
			if c == g.Old {
				olds = append(olds, c)
			} else {
				news = append(news, c)
			}
		}
	}
	byIndex := func(cs []*Commit) {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Index < cs[j].Index })
	}
	byIndex(olds)
	byIndex(news)
	return olds, news
}
