package srpm

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/spec"
)

// SyncInput is what PlanSync decides from: the review of a rebased patch
// queue, the spec the queue was imported from, and the patch-ids of the
// spec's patch files. Nothing in it is read by PlanSync from disk or git.
type SyncInput struct {
	// Rows are the review's rows (review.Result.Rows).
	Rows []review.Row
	// Src is the spec's text and Spec its parse (with Options).
	Src     []byte
	Spec    *spec.Spec
	Options *spec.Options
	// FileIDs are the patch-ids of the files of Spec.Applied(), in that
	// order (FilePatchID; zero when a file has none).
	FileIDs []patchid.ID
	// Tag names regenerated patch files (<file>-rebase-to-<Tag>.patch);
	// TagErr says why there is none, and is returned only when a changed
	// patch needs it.
	Tag    string
	TagErr error
	// NewVersion, when set, becomes the spec's Version.
	NewVersion string
}

// SyncFile is a patch file the sync writes: Name in SOURCES/, holding
// Commit as a mail (git.Repo.FormatPatch).
type SyncFile struct {
	Name   string
	Commit string
}

// SyncPlan is what a sync does: the edited spec, the patch files to write,
// and what to tell the user.
type SyncPlan struct {
	Edits spec.Edits
	// Out is the edited spec (equal to the input when nothing changes).
	Out []byte
	// Files are the patch files the edited spec names that the sync
	// writes: regenerated ones, then added ones.
	Files []SyncFile
	// Summary says, one line each, what changed: the version, then every
	// edited or added patch, then the dropped commits that need a decision.
	Summary []string
	// Counts of old commits by what happened to their patch, of added
	// commits, of edits an earlier sync already made, and of patch files
	// matched to commits by position rather than by patch-id.
	Upstream, Changed, Added, Dropped, Unchanged, Already, ByPosition int
}

// UnmatchedError is returned by PlanSync when an old commit is upstream or
// changed but no patch file of the spec has its patch-id, so there is no
// line to edit.
type UnmatchedError struct {
	SHA, Title string
	What       string // "upstream" or "changed"
}

func (e *UnmatchedError) Error() string {
	return fmt.Sprintf("old commit %s (%s) is %s, but no patch file of the spec has its patch-id", git.Short(e.SHA), e.Title, e.What)
}

// EditError is spec.Edit's refusal of the planned edits.
type EditError struct{ Err error }

func (e *EditError) Error() string { return e.Err.Error() }
func (e *EditError) Unwrap() error { return e.Err }

// PlanSync maps the old commits of the review to the spec's patches (by
// patch-id, else by position: mapPatches) and plans the spec's edits: a
// patch now upstream is commented out, a changed one regenerated into a
// -rebase-to-<tag> file, an added commit declared as a new patch; dropped
// commits are only listed. What an earlier sync did is recognised (a
// comment naming the upstream commit, a file with the new commit's
// patch-id), so planning again after the sync changes nothing.
func PlanSync(in SyncInput) (*SyncPlan, error) {
	applied, err := in.Spec.Applied()
	if err != nil {
		return nil, err
	}
	if len(in.FileIDs) != len(applied) {
		return nil, fmt.Errorf("%d patch-ids for %d applied patches", len(in.FileIDs), len(applied))
	}
	var olds, added []*review.Row
	for i := range in.Rows {
		r := &in.Rows[i]
		if r.Old != nil {
			olds = append(olds, r)
		} else if r.Status == review.StatusAdded && r.New != nil {
			added = append(added, r)
		}
	}
	sort.SliceStable(olds, func(i, j int) bool { return olds[i].Old.Index < olds[j].Old.Index })
	olderIDs := make([]patchid.ID, len(olds))
	for i, r := range olds {
		olderIDs[i] = r.Old.PatchID
	}
	mapping, byPosition := mapPatches(olderIDs, in.FileIDs)

	fileOf := map[patchid.ID]int{}
	for _, id := range in.FileIDs {
		if !id.IsZero() {
			fileOf[id]++
		}
	}
	commented := in.Spec.Commented()
	done := func(r *review.Row, what string) bool {
		if what == "upstream" {
			for _, c := range commented {
				if len(c.Commit) >= 7 && strings.HasPrefix(r.New.SHA, strings.ToLower(c.Commit)) {
					return true
				}
			}
			return false
		}
		return !r.New.PatchID.IsZero() && fileOf[r.New.PatchID] > 0
	}

	p := &SyncPlan{ByPosition: byPosition}
	var dropped []string
	for i, r := range olds {
		pi, mapped := mapping[i]
		what := ""
		switch {
		case r.Upstream:
			what = "upstream"
		case r.Status == review.StatusTitle || r.Status == review.StatusSimilar:
			what = "changed"
		case r.Status == review.StatusDropped:
			where := "no patch file matched"
			if mapped {
				where = fmt.Sprintf("Patch%d %s", applied[pi].Num, applied[pi].File)
			}
			dropped = append(dropped, fmt.Sprintf("dropped, needs a decision: %s %s (%s)", git.Short(r.Old.SHA), r.Old.Title, where))
			continue
		default:
			p.Unchanged++
			continue
		}
		// A changed patch whose new version is already a file of the
		// spec, or an upstream patch no file matches any more but a
		// comment names: done by an earlier sync.
		if (what == "changed" || !mapped) && done(r, what) {
			p.Already++
			continue
		}
		if !mapped {
			return nil, &UnmatchedError{SHA: r.Old.SHA, Title: r.Old.Title, What: what}
		}
		ap := applied[pi]
		if what == "upstream" {
			p.Edits.Upstream = append(p.Edits.Upstream, spec.UpstreamEdit{Num: ap.Num, Commit: git.Short(r.New.SHA), Title: r.New.Title})
			p.Summary = append(p.Summary, fmt.Sprintf("Patch%d %s: upstream as %s %s, commented out", ap.Num, ap.File, git.Short(r.New.SHA), r.New.Title))
			continue
		}
		if in.TagErr != nil {
			return nil, in.TagErr
		}
		file := spec.RebaseFileName(ap.File, in.Tag)
		p.Edits.Replace = append(p.Edits.Replace, spec.ReplaceEdit{Num: ap.Num, File: file})
		p.Files = append(p.Files, SyncFile{Name: file, Commit: r.New.SHA})
		p.Summary = append(p.Summary, fmt.Sprintf("Patch%d %s: %s, now %s (from %s %s)", ap.Num, ap.File, r.Status, file, git.Short(r.New.SHA), r.New.Title))
	}
	var toAdd []*review.Row
	for _, r := range added {
		if done(r, "added") {
			p.Already++
			continue
		}
		toAdd = append(toAdd, r)
	}
	for _, r := range toAdd {
		p.Edits.Add = append(p.Edits.Add, r.New.SHA)
	}
	p.Edits.Version = in.NewVersion
	p.Edits.AddName = func(i, num int) string { return spec.PatchFileName(num, toAdd[i].New.Title) }
	er, err := spec.Edit(in.Src, p.Edits, in.Options)
	if err != nil {
		return nil, &EditError{Err: err}
	}
	p.Out = er.Out
	for i, a := range er.Added {
		p.Files = append(p.Files, SyncFile{Name: a.File, Commit: toAdd[i].New.SHA})
		p.Summary = append(p.Summary, fmt.Sprintf("Patch%d %s: added (from %s %s)", a.Num, a.File, git.Short(toAdd[i].New.SHA), toAdd[i].New.Title))
	}
	if oldVersion, _ := in.Spec.Version(); in.NewVersion != "" && oldVersion != in.NewVersion {
		p.Summary = append([]string{fmt.Sprintf("Version: %s, now %s", oldVersion, in.NewVersion)}, p.Summary...)
	}
	p.Summary = append(p.Summary, dropped...)
	p.Upstream, p.Changed, p.Added, p.Dropped = len(p.Edits.Upstream), len(p.Edits.Replace), len(er.Added), len(dropped)
	return p, nil
}

// zeroCommit starts the stream FilePatchID hands to the patch-id scanner.
const zeroCommit = "0000000000000000000000000000000000000000\n"

// FilePatchID is the patch-id of a patch file, zero when it has none or
// holds more than one patch (a series). A format-patch mail's id is its
// commit's.
func FilePatchID(data []byte) patchid.ID {
	s := patchid.NewScanner(io.MultiReader(strings.NewReader(zeroCommit), bytes.NewReader(data)))
	var found []patchid.ID
	for s.Scan() {
		if id := s.Result().ID; !id.IsZero() {
			found = append(found, id)
		}
	}
	if s.Err() != nil || len(found) != 1 {
		return patchid.ID{}
	}
	return found[0]
}

// mapPatches pairs old commits (their patch-ids, in queue order) with patch
// files (theirs, in the order %prep applies them): equal, non-zero ids whose
// match is unique on both sides. When there are as many commits as files,
// at least one pair was found and every pair sits at the same position (the
// old queue is the import of this spec), the rest are paired by position:
// a plain diff without "diff" lines or a patch applied with fuzz has no
// usable patch-id. It returns commit index -> file index and how many were
// paired by position.
func mapPatches(commits, files []patchid.ID) (map[int]int, int) {
	count := func(ids []patchid.ID) map[patchid.ID]int {
		m := map[patchid.ID]int{}
		for _, id := range ids {
			m[id]++
		}
		return m
	}
	nc, nf := count(commits), count(files)
	fileAt := map[patchid.ID]int{}
	for i, id := range files {
		fileAt[id] = i
	}
	m := map[int]int{}
	aligned := true
	for i, id := range commits {
		if id.IsZero() || nc[id] != 1 || nf[id] != 1 {
			continue
		}
		m[i] = fileAt[id]
		aligned = aligned && fileAt[id] == i
	}
	byPosition := 0
	if len(commits) == len(files) && len(m) > 0 && aligned {
		for i := range commits {
			if _, ok := m[i]; !ok {
				m[i] = i
				byPosition++
			}
		}
	}
	return m, byPosition
}
