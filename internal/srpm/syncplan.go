package srpm

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

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
	// OntoTag is the new base's tag as named (Tag may have / replaced),
	// for the changelog; OldTag the old base's, "" when unknown.
	OntoTag, OldTag string
	// NewVersion, when set, becomes the spec's Version.
	NewVersion string
	// Release, when set, is the new release; else the last number of the
	// old one is bumped. Nothing is bumped when nothing else changes.
	Release string
	// NoChangelog leaves %changelog alone; else an entry dated Date by
	// Name <Email> says what the sync did.
	NoChangelog bool
	Date        time.Time
	Name, Email string
	// AllowUnexplained comments out dropped commits without a note too.
	AllowUnexplained bool
}

// SyncFile is a patch file the sync writes: Name in SOURCES/, holding
// Commit as a mail (git.Repo.FormatPatch).
type SyncFile struct {
	Name   string
	Commit string
}

// SyncPlan is what a sync does: the edited spec, the patch files to write
// and to remove, and what to tell the user.
type SyncPlan struct {
	// Out is the edited spec (equal to the input when nothing changes),
	// and Spec its parse.
	Out  []byte
	Spec *spec.Spec
	// Files are the patch files the edited spec names that the sync
	// writes: regenerated ones, then added ones.
	Files []SyncFile
	// Remove are the patch files the spec applied that nothing declares
	// any more.
	Remove []string
	// Summary says, one line each, what changed: the version and release,
	// then every edited, dropped or added patch.
	Summary []string
	// Warnings are things the user should check.
	Warnings []string
	// Changelog is the entry added, "" when none was.
	Changelog string
	// Counts of old commits by what happened to their patch, of added
	// commits, of renumbered patches, of things an earlier sync already
	// did, and of patch files matched to commits by position (files
	// without a patch-id of their own).
	Upstream, Changed, Added, Dropped, Unchanged, Renumbered, Already, ByPosition int
}

// UnmatchedError is returned by PlanSync when an old commit is upstream,
// changed or dropped but no patch file of the spec has its patch-id (or the
// new commit's), so there is no line to edit.
type UnmatchedError struct {
	SHA, Title string
	What       string // "upstream", "changed" or "dropped"
}

func (e *UnmatchedError) Error() string {
	return fmt.Sprintf("old commit %s (%s) is %s, but no patch file of the spec has its patch-id", git.Short(e.SHA), e.Title, e.What)
}

// UnexplainedError lists the dropped commits without a note.
type UnexplainedError struct {
	Rows []*review.Row
}

func (e *UnexplainedError) Error() string {
	return fmt.Sprintf("%d dropped commit(s) without a note", len(e.Rows))
}

// ReorderError is returned when the rebase changed the order of patches
// the spec keeps: the spec would have to move lines.
type ReorderError struct {
	File, After string // File now comes after After in the queue
}

func (e *ReorderError) Error() string {
	return fmt.Sprintf("the rebase moved the commit of %s after that of %s; the spec cannot follow by adding lines", e.File, e.After)
}

// EditError is the spec package's refusal of the planned edits.
type EditError struct{ Err error }

func (e *EditError) Error() string { return e.Err.Error() }
func (e *EditError) Unwrap() error { return e.Err }

// fileState is what the plan knows of one applied patch file.
type fileState struct {
	patch  spec.Patch
	id     patchid.ID
	row    *review.Row    // the old commit's row it matched, if any
	newC   *review.Commit // the new commit it is (or becomes)
	action string         // "", "upstream", "dropped", "regenerate"
	byPos  bool
}

// PlanSync maps the spec's patch files to the commits of the review, by
// patch-id (a file's own, FilePatchID, against the new and the old
// commits'), and files without a usable patch-id to the remaining commits
// by position; it then plans the spec's edits so that the patches it
// applies are the new queue, in order: a patch now upstream is commented
// out with the upstream commit, a dropped one with the first line of its
// note, a changed one is regenerated into a -rebase-to-<tag> file, and an
// added commit is declared between its neighbours (spec.Insert). When
// anything changed, the release is bumped and a %changelog entry added.
// Files an earlier sync wrote match the new commits, so planning again
// on the result changes nothing.
func PlanSync(in SyncInput) (*SyncPlan, error) {
	applied, err := in.Spec.Applied()
	if err != nil {
		return nil, err
	}
	if len(in.FileIDs) != len(applied) {
		return nil, fmt.Errorf("%d patch-ids for %d applied patches", len(in.FileIDs), len(applied))
	}
	rows := ungroup(in.Rows)
	var olds []*review.Row
	var queue []*review.Commit // the new queue, in order
	rowOfNew := map[string]*review.Row{}
	for i := range rows {
		r := &rows[i]
		if r.Old != nil {
			olds = append(olds, r)
		}
		if r.New != nil && !r.Upstream {
			if _, dup := rowOfNew[r.New.SHA]; !dup {
				queue = append(queue, r.New)
			}
			rowOfNew[r.New.SHA] = r
		}
	}
	sort.SliceStable(olds, func(i, j int) bool { return olds[i].Old.Index < olds[j].Old.Index })
	sort.SliceStable(queue, func(i, j int) bool { return queue[i].Index < queue[j].Index })

	files := make([]*fileState, len(applied))
	for i, p := range applied {
		files[i] = &fileState{patch: p, id: in.FileIDs[i]}
	}
	p := &SyncPlan{}
	matchByID(files, olds, queue, rowOfNew)
	done := doneRows(in.Spec, olds, files)
	if err := matchByPosition(files, olds, done, p); err != nil {
		return nil, err
	}

	// What each file becomes.
	var unexplained []*review.Row
	for _, f := range files {
		r := f.row
		switch {
		case r == nil:
			// Already the new commit's patch, or a file of no commit.
		case r.Upstream:
			f.action = "upstream"
		case r.Status == review.StatusDropped:
			f.action = "dropped"
			if r.Note == "" && !in.AllowUnexplained {
				unexplained = append(unexplained, r)
			}
		case f.newC != nil && needsRegenerate(r):
			f.action = "regenerate"
		}
	}
	if len(unexplained) > 0 {
		return nil, &UnexplainedError{Rows: unexplained}
	}
	for _, r := range olds {
		if done[r] {
			p.Already++
		}
	}

	// Where each commit of the new queue is: a file, or to be added.
	fileOf := map[string]int{}
	for i, f := range files {
		if f.newC != nil && f.action != "upstream" && f.action != "dropped" {
			if _, dup := fileOf[f.newC.SHA]; !dup {
				fileOf[f.newC.SHA] = i
			}
		}
	}
	last := -1
	for _, c := range queue {
		i, ok := fileOf[c.SHA]
		if !ok {
			continue
		}
		if r := rowOfNew[c.SHA]; r != nil && r.Old == nil {
			p.Already++ // an added commit an earlier sync declared
		}
		if i < last {
			return nil, &ReorderError{File: files[i].patch.File, After: files[last].patch.File}
		}
		last = i
	}

	var edits spec.Edits
	var log, sum []logLine // changelog and summary lines, by patch number
	for _, f := range files {
		ap := f.patch
		switch f.action {
		case "upstream":
			n := f.row.New
			edits.Upstream = append(edits.Upstream, spec.UpstreamEdit{Num: ap.Num, Commit: git.Short(n.SHA), Title: n.Title})
			sum = append(sum, logLine{ap.Num, fmt.Sprintf("%s: upstream as %s %s, commented out", ap.File, git.Short(n.SHA), n.Title)})
			log = append(log, logLine{ap.Num, fmt.Sprintf("%s: upstream as %s %s", ap.File, git.Short(n.SHA), n.Title)})
		case "dropped":
			reason := noteLine(f.row.Note)
			if reason == "" {
				reason = "no note"
			}
			edits.Dropped = append(edits.Dropped, spec.DroppedEdit{Num: ap.Num, Reason: reason})
			sum = append(sum, logLine{ap.Num, fmt.Sprintf("%s: dropped (%s %s), commented out: %s", ap.File, git.Short(f.row.Old.SHA), f.row.Old.Title, reason)})
			log = append(log, logLine{ap.Num, fmt.Sprintf("%s: dropped: %s", ap.File, reason)})
		case "regenerate":
			if in.TagErr != nil {
				return nil, in.TagErr
			}
			file := spec.RebaseFileName(ap.File, in.Tag)
			edits.Replace = append(edits.Replace, spec.ReplaceEdit{Num: ap.Num, File: file})
			p.Files = append(p.Files, SyncFile{Name: file, Commit: f.newC.SHA})
			sum = append(sum, logLine{ap.Num, fmt.Sprintf("%s: %s, now %s (from %s %s)", ap.File, f.row.Status, file, git.Short(f.newC.SHA), f.newC.Title)})
			log = append(log, logLine{ap.Num, fmt.Sprintf("%s: regenerated as %s (%s %s)", ap.File, file, git.Short(f.newC.SHA), f.newC.Title)})
		default:
			if f.row != nil {
				p.Unchanged++
			}
		}
	}
	p.Upstream, p.Dropped, p.Changed = len(edits.Upstream), len(edits.Dropped), len(edits.Replace)
	edits.Version = in.NewVersion
	out := in.Src
	if len(edits.Upstream)+len(edits.Dropped)+len(edits.Replace) > 0 || edits.Version != "" {
		er, err := spec.Edit(in.Src, edits, in.Options)
		if err != nil {
			return nil, &EditError{Err: err}
		}
		out = er.Out
	}

	// Added commits, grouped behind the commit before them.
	inserts, toAdd, where := planInserts(in.Spec, files, queue, fileOf)
	if len(inserts) > 0 {
		numbered := numberedStyle(applied)
		name := func(k, num int) string {
			if numbered {
				return spec.PatchFileName(num, toAdd[k].Title)
			}
			return strings.TrimPrefix(spec.PatchFileName(0, toAdd[k].Title), "0000-")
		}
		ir, err := spec.Insert(out, inserts, spec.InsertOptions{Name: name}, in.Options)
		if err != nil {
			return nil, &EditError{Err: err}
		}
		out = ir.Out
		for k, a := range ir.Added {
			c := toAdd[k]
			p.Files = append(p.Files, SyncFile{Name: a.File, Commit: c.SHA})
			sum = append(sum, logLine{-1 - a.Num, fmt.Sprintf("%s: added (from %s %s)", a.File, git.Short(c.SHA), c.Title)})
			log = append(log, logLine{-1 - a.Num, fmt.Sprintf("%s: added (%s %s)", a.File, git.Short(c.SHA), c.Title)})
		}
		renumbered := map[int]int{}
		fileOfNum := map[int]string{}
		if ps, err := in.Spec.Patches(); err == nil {
			for _, x := range ps {
				fileOfNum[x.Num] = x.File
			}
		}
		for _, c := range in.Spec.Commented() {
			file, _, _ := strings.Cut(c.File, ": ")
			fileOfNum[c.Num] = "(commented out) " + file
		}
		var moved []logLine
		for _, r := range ir.Renumbered {
			renumbered[r.Old] = r.New
			moved = append(moved, logLine{-1 - r.Old, fmt.Sprintf("%s: now Patch%d, to make room", fileOfNum[r.Old], r.New)})
		}
		for _, l := range [][]logLine{log, sum} {
			for i := range l {
				if to, ok := renumbered[l[i].num]; ok {
					l[i].num = to
				}
			}
		}
		sum = append(sum, moved...)
		p.Added, p.Renumbered = len(ir.Added), len(ir.Renumbered)
		if where != "" {
			p.Warnings = append(p.Warnings, where)
		}
	}

	for _, l := range sum {
		p.Summary = append(p.Summary, l.String())
	}
	changed := !bytes.Equal(out, in.Src)
	oldVersion, _ := in.Spec.Version()
	if in.NewVersion != "" && oldVersion != in.NewVersion {
		p.Summary = append([]string{fmt.Sprintf("Version: %s, now %s", oldVersion, in.NewVersion)}, p.Summary...)
	}
	if in.OldTag != "" && in.OntoTag != "" && in.OldTag != in.OntoTag && (in.NewVersion == "" || in.NewVersion == oldVersion) && changed {
		p.Warnings = append(p.Warnings, fmt.Sprintf("Version stays %s while the base moved from %s to %s; give --new-version if it should change", oldVersion, in.OldTag, in.OntoTag))
	}
	if !changed {
		return finish(p, in, applied, out)
	}
	var head []string
	if out, head, err = bumpRelease(out, in, oldVersion); err != nil {
		return nil, err
	}
	p.Summary = append(head, p.Summary...)
	if !in.NoChangelog {
		s, err := spec.Parse(out, in.Options)
		if err != nil {
			return nil, &EditError{Err: err}
		}
		evr := ""
		if v, err := s.Version(); err == nil {
			if r, err := s.Release(); err == nil {
				if in.Options != nil && in.Options.Define["dist"] != "" {
					r = strings.TrimSuffix(r, in.Options.Define["dist"])
				}
				evr = v + "-" + r
			}
		}
		tag := in.OntoTag
		if tag == "" {
			tag = in.Tag
		}
		entry := spec.ChangelogEntry{Date: in.Date, Name: in.Name, Email: in.Email, EVR: evr,
			Lines: []string{"Rebase on " + tag}}
		for _, l := range log {
			entry.Lines = append(entry.Lines, l.String())
		}
		if out, err = spec.AddChangelog(out, entry); err != nil {
			return nil, &EditError{Err: err}
		}
		p.Changelog = entry.Text()
	}
	return finish(p, in, applied, out)
}

// logLine is a summary or changelog line about patch num; -1-num keeps
// the number out of the renumbering (a number Insert gave after it, or
// one it reports as renumbered).
type logLine struct {
	num  int
	text string
}

func (l logLine) String() string {
	n := l.num
	if n < 0 {
		n = -1 - n
	}
	return fmt.Sprintf("Patch%d %s", n, l.text)
}

// ungroup turns the rows of a split (one old commit, several rows: one per
// new part) and of a squash (several old commits, one new one) into the
// one-to-one rows the plan works with: a split's first part (in the new
// queue) takes the old commit's patch, the other parts are added after
// it; a squash's first old commit takes the new one, the others are
// dropped, their reason saying into what. Rows without a group pass as
// they are. It goes by the rows' shape, not their status's name.
func ungroup(in []review.Row) []review.Row {
	first := map[string]int{} // old sha -> row index of its first part
	for i, r := range in {
		if r.Old == nil || r.New == nil || r.Upstream {
			continue
		}
		if j, ok := first[r.Old.SHA]; !ok || r.New.Index < in[j].New.Index {
			first[r.Old.SHA] = i
		}
	}
	firstOld := map[string]int{} // new sha -> row index of its first old commit
	for i, r := range in {
		if r.Old == nil || r.New == nil || r.Upstream {
			continue
		}
		if j, ok := firstOld[r.New.SHA]; !ok || r.Old.Index < in[j].Old.Index {
			firstOld[r.New.SHA] = i
		}
	}
	out := make([]review.Row, 0, len(in))
	for i, r := range in {
		switch {
		case r.Old == nil || r.New == nil || r.Upstream:
		case first[r.Old.SHA] != i:
			r = review.Row{Status: review.StatusAdded, New: r.New} // a later part of a split
		case firstOld[r.New.SHA] != i:
			// Squashed into a commit another old one's patch becomes.
			note := r.Note
			if noteLine(note) == "" {
				note = fmt.Sprintf("squashed into %s %s", git.Short(r.New.SHA), r.New.Title)
			}
			r = review.Row{Status: review.StatusDropped, Old: r.Old, Note: note}
		}
		out = append(out, r)
	}
	return out
}

// finish checks the result parses and lists the files nothing declares
// any more.
func finish(p *SyncPlan, in SyncInput, applied []spec.Patch, out []byte) (*SyncPlan, error) {
	p.Out = out
	s, err := spec.Parse(out, in.Options)
	if err != nil {
		return nil, &EditError{Err: fmt.Errorf("edited spec does not parse: %w", err)}
	}
	p.Spec = s
	still := map[string]bool{}
	patches, _ := s.Patches()
	sources, _ := s.Sources()
	for _, x := range append(patches, sources...) {
		still[x.File] = true
	}
	seen := map[string]bool{}
	for _, a := range applied {
		if !still[a.File] && !seen[a.File] {
			p.Remove = append(p.Remove, a.File)
			seen[a.File] = true
		}
	}
	return p, nil
}

// bumpRelease sets the release (--release, else the last number bumped)
// and updates the %globals that held the old tag or version.
func bumpRelease(out []byte, in SyncInput, oldVersion string) ([]byte, []string, error) {
	var head []string
	o, ch, err := spec.SetRelease(out, in.Release, in.Options)
	if err != nil {
		return nil, nil, &EditError{Err: err}
	}
	out = o
	what := "Release"
	if ch.Macro != "" {
		what = "Release (%global " + ch.Macro + ")"
	}
	head = append(head, fmt.Sprintf("%s: %s, now %s", what, ch.Old, ch.New))
	for _, g := range spec.Globals(out) {
		if g.Name == ch.Macro || !namesUpstream(g.Name) {
			continue
		}
		to := ""
		switch {
		case in.OldTag != "" && in.OntoTag != "" && g.Value == in.OldTag:
			to = in.OntoTag
		case in.NewVersion != "" && g.Value == oldVersion:
			to = in.NewVersion
		}
		if to == "" || to == g.Value {
			continue
		}
		if o, _, err := spec.SetGlobal(out, g.Name, to); err == nil {
			out = o
			head = append(head, fmt.Sprintf("%%global %s: %s, now %s", g.Name, g.Value, to))
		}
	}
	return out, head, nil
}

// namesUpstream reports whether a macro's name says it holds the upstream
// commit or tag (package_srccommit, upstream_tag, ...).
func namesUpstream(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "commit") || strings.Contains(n, "tag") || strings.Contains(n, "upstream")
}

// needsRegenerate: the new commit differs from the old one in what the
// import gives (the diff, the subject, the author).
func needsRegenerate(r *review.Row) bool {
	switch r.Status {
	case review.StatusTitle, review.StatusSimilar:
		return true
	}
	o, n := r.Old, r.New
	if n == nil || o == nil {
		return false
	}
	return o.PatchID != n.PatchID || o.Title != n.Title || o.AuthorName != n.AuthorName || o.AuthorEmail != n.AuthorEmail
}

// matchByID pairs each file whose patch-id is non-zero with the new commit
// of that id (the file is already that commit's patch: an earlier sync
// wrote it), else with the old commit of that id; ids must be unique on
// both sides.
func matchByID(files []*fileState, olds []*review.Row, queue []*review.Commit, rowOfNew map[string]*review.Row) {
	newBy := map[patchid.ID][]*review.Commit{}
	for _, c := range queue {
		if !c.PatchID.IsZero() {
			newBy[c.PatchID] = append(newBy[c.PatchID], c)
		}
	}
	oldBy := map[patchid.ID][]*review.Row{}
	for _, r := range olds {
		if !r.Old.PatchID.IsZero() {
			oldBy[r.Old.PatchID] = append(oldBy[r.Old.PatchID], r)
		}
	}
	fileBy := map[patchid.ID]int{}
	for _, f := range files {
		if !f.id.IsZero() {
			fileBy[f.id]++
		}
	}
	for _, f := range files {
		if f.id.IsZero() || fileBy[f.id] != 1 {
			continue
		}
		if cs := newBy[f.id]; len(cs) == 1 {
			f.newC = cs[0]
			if r := rowOfNew[cs[0].SHA]; r != nil && r.Old != nil && r.Old.PatchID == f.id {
				f.row = r // unchanged: the old commit's too
			}
			continue
		}
		if rs := oldBy[f.id]; len(rs) == 1 {
			f.row = rs[0]
			if !rs[0].Upstream {
				f.newC = rs[0].New
			}
		}
	}
}

// doneRows are the old commits an earlier sync took care of: upstream
// ones a comment names by their upstream commit, dropped ones a
// "dropped:" comment gives the reason of, and those whose new commit
// already has its file.
func doneRows(s *spec.Spec, olds []*review.Row, files []*fileState) map[*review.Row]bool {
	done := map[*review.Row]bool{}
	matched := map[*review.Row]bool{}
	hasFile := map[string]bool{}
	for _, f := range files {
		if f.row != nil {
			matched[f.row] = true
		}
		if f.newC != nil {
			hasFile[f.newC.SHA] = true
		}
	}
	reasons := map[string]int{}
	var upstream []string
	for _, c := range s.Commented() {
		if c.Commit != "" {
			upstream = append(upstream, strings.ToLower(c.Commit))
		} else if _, reason, ok := strings.Cut(c.File, ": dropped: "); ok {
			reasons[strings.ReplaceAll(reason, "%%", "%")]++
		}
	}
	for _, r := range olds {
		if matched[r] {
			continue
		}
		switch {
		case r.Upstream:
			for _, c := range upstream {
				if len(c) >= 7 && strings.HasPrefix(r.New.SHA, c) {
					done[r] = true
				}
			}
		case r.Status == review.StatusDropped:
			reason := noteLine(r.Note)
			if reason == "" {
				reason = "no note"
			}
			if reasons[reason] > 0 {
				reasons[reason]--
				done[r] = true
			}
		case r.New != nil && hasFile[r.New.SHA]:
			if r.Status != review.StatusSame && r.Status != review.StatusPatchID {
				done[r] = true // regenerated by an earlier sync
			}
		}
	}
	return done
}

// matchByPosition pairs the files no patch-id matched with the old commits
// no file stands for, in order, when they are as many and each pair sits
// between the same matched neighbours. A file left over, or an old commit
// that needs an edit and has no file, stops the plan.
func matchByPosition(files []*fileState, olds []*review.Row, done map[*review.Row]bool, p *SyncPlan) error {
	represented := map[*review.Row]bool{}
	rowIndex := map[*review.Row]int{}
	for i, r := range olds {
		rowIndex[r] = i
	}
	newRow := map[string]*review.Row{}
	for _, r := range olds {
		if r.New != nil && !r.Upstream {
			newRow[r.New.SHA] = r
		}
	}
	key := make([]int, len(files)) // the old commit a file stands for, or -1
	for i, f := range files {
		key[i] = -1
		r := f.row
		if r == nil && f.newC != nil {
			r = newRow[f.newC.SHA]
		}
		switch {
		case r != nil:
			represented[r] = true
			key[i] = rowIndex[r]
		case f.newC != nil:
			key[i] = -2 // an added commit's file, from an earlier sync
		}
	}
	var lf, lo []int
	var gapF, gapO []int
	prev := -1
	for i := range files {
		if key[i] != -1 {
			prev = max(prev, key[i])
			continue
		}
		lf = append(lf, i)
		gapF = append(gapF, prev)
	}
	prev = -1
	for j, r := range olds {
		if represented[r] {
			prev = j
			continue
		}
		if done[r] {
			continue
		}
		lo = append(lo, j)
		gapO = append(gapO, prev)
	}
	if len(lf) == len(lo) {
		same := true
		for k := range lf {
			same = same && gapF[k] == gapO[k]
		}
		if same {
			for k, i := range lf {
				r := olds[lo[k]]
				files[i].row, files[i].byPos = r, true
				if !r.Upstream {
					files[i].newC = r.New
				}
				represented[r] = true
				p.ByPosition++
			}
			lf, lo = nil, nil
		}
	}
	for _, j := range lo {
		r := olds[j]
		what := ""
		switch {
		case r.Upstream:
			what = "upstream"
		case r.Status == review.StatusDropped:
			what = "dropped"
		case needsRegenerate(r):
			what = "changed"
		default:
			continue // its new commit is added again
		}
		return &UnmatchedError{SHA: r.Old.SHA, Title: r.Old.Title, What: what}
	}
	if len(lf) > 0 {
		f := files[lf[0]].patch
		return fmt.Errorf("patch %d (%s) is none of the old commits: its patch-id matches none and it is not where one is missing: %w", f.Num, f.File, errNoCommit)
	}
	return nil
}

var errNoCommit = errors.New("no commit to match it to")

// planInserts groups the new commits without a file behind the commit
// before them in the queue: in the layer of that commit's patch, or first
// in our layer (after the vendor marker) when it is the last patch of the
// vendor's layer and what follows is ours or nothing. It also says where
// new patches went when the spec has no marker.
func planInserts(s *spec.Spec, files []*fileState, queue []*review.Commit, fileOf map[string]int) ([]spec.Insertion, []*review.Commit, string) {
	var ins []spec.Insertion
	var toAdd []*review.Commit
	vendor := s.VendorLine()
	ours := func(i int) bool { return vendor > 0 && files[i].patch.Line > vendor }
	prevFile := -1
	for qi := 0; qi < len(queue); qi++ {
		if i, ok := fileOf[queue[qi].SHA]; ok {
			prevFile = i
			continue
		}
		var group []*review.Commit
		for ; qi < len(queue); qi++ {
			if _, ok := fileOf[queue[qi].SHA]; ok {
				break
			}
			group = append(group, queue[qi])
		}
		nextFile := -1
		if qi < len(queue) {
			nextFile = fileOf[queue[qi].SHA]
		}
		qi-- // the loop's qi++ comes back to the next filed commit
		in := spec.Insertion{After: -1, Files: make([]string, len(group))}
		switch {
		case prevFile >= 0 && vendor > 0 && !ours(prevFile) && (nextFile < 0 || ours(nextFile)):
			in.Ours = true
		case prevFile >= 0:
			in.After = files[prevFile].patch.Num
		case nextFile >= 0:
			in.Ours = ours(nextFile)
		default:
			in.Ours = vendor > 0
		}
		ins = append(ins, in)
		toAdd = append(toAdd, group...)
	}
	where := ""
	if len(ins) > 0 && vendor == 0 {
		where = "the spec has no vendor marker: new patches were declared in queue order among the others (check that this is the layer you meant)"
	}
	return ins, toAdd, where
}

// numberedStyle: most applied files are named as git format-patch names
// them, NNNN-subject.patch.
func numberedStyle(applied []spec.Patch) bool {
	n := 0
	for _, p := range applied {
		if len(p.File) > 5 && isDigits(p.File[:4]) && p.File[4] == '-' {
			n++
		}
	}
	return len(applied) == 0 || 2*n >= len(applied)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func noteLine(s string) string {
	s = strings.TrimSpace(s)
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(l)
}

// FilePatchID is the patch-id of a patch file, computed from the file's
// own diff text as git patch-id --stable does on a mail; zero when it has
// none or holds more than one patch (a series). A format-patch mail's id
// is its commit's.
func FilePatchID(data []byte) patchid.ID {
	ids, err := patchid.IDs(data)
	if err != nil || len(ids) != 1 {
		return patchid.ID{}
	}
	return ids[0]
}

// VersionOfTag is the version a tag names under a tag template (the one
// import maps a version to its tag with: "v%{version}" makes v3.2.3 name
// 3.2.3); "" when the tag does not fit the template or the template needs
// more than the version.
func VersionOfTag(template, tag string) string {
	t := strings.ReplaceAll(template, "%%", "%")
	before, after, ok := strings.Cut(t, "%{version}")
	if !ok || strings.Contains(before+after, "%{") || !strings.HasPrefix(tag, before) || !strings.HasSuffix(tag, after) || len(tag) <= len(before)+len(after) {
		return ""
	}
	v := tag[len(before) : len(tag)-len(after)]
	if strings.ContainsAny(v, " \t\n%-/") || v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	return v
}
