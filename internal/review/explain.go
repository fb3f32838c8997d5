package review

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/sbs"
)

// Explanation is why a changed patch changed: per file, the upstream
// commits between the bases that last touched the lines of the new
// patch's context that differ from the old patch's.
type Explanation struct {
	Row   *Row
	Files []ExplainedFile
}

// ExplainedFile is one file of an Explanation.
type ExplainedFile struct {
	Path    string
	Commits []git.Title // id and subject, in the order of the lines
}

// Explain finds, for a title or similar row, the upstream commits between
// the bases that changed the new patch's context where it differs from the
// old one: a blame of those lines in the new commit's parent, limited to
// old-base..parent, keeping only commits between the bases (queue commits
// and older lines are no explanation). oldPatch and newPatch are the two
// commits' patches (git show). An Explanation without files means no
// upstream commit explains the change: a reviewer has to read it.
func Explain(ctx context.Context, repo *git.Repo, res *Result, row *Row, oldPatch, newPatch string) (*Explanation, error) {
	e := &Explanation{Row: row}
	lines := sbs.New(oldPatch, newPatch).PreLines(1, true)
	files := make([]string, 0, len(lines))
	for f := range lines {
		files = append(files, f)
	}
	sort.Strings(files)
	// The blamed upstream commits of each file, in the order of the
	// lines; their subjects are then read with one git call.
	blamed := make([][]string, len(files))
	var all []string
	seenAll := map[string]bool{}
	for i, f := range files {
		bl, err := repo.BlameSince(ctx, res.Old.Base, row.New.SHA+"^", f, git.LineRanges(lines[f])...)
		if err != nil {
			return nil, fmt.Errorf("blame %s in the parent of %s: %w", f, git.Short(row.New.SHA), err)
		}
		seen := map[string]bool{}
		for _, l := range bl {
			if l.Boundary || seen[l.Commit] || !res.Between[l.Commit] {
				continue
			}
			seen[l.Commit] = true
			blamed[i] = append(blamed[i], l.Commit)
			if !seenAll[l.Commit] {
				seenAll[l.Commit] = true
				all = append(all, l.Commit)
			}
		}
	}
	titles, err := repo.Subjects(ctx, all)
	if err != nil {
		return nil, err
	}
	for i, f := range files {
		ef := ExplainedFile{Path: f}
		for _, c := range blamed[i] {
			ef.Commits = append(ef.Commits, git.Title{SHA: c, Subject: titles[c]})
		}
		if len(ef.Commits) == 0 {
			// Blame follows a renamed file to its old authors, older
			// than the range: the upstream commit that gave the file
			// its new path is the explanation then.
			adders, err := repo.Adders(ctx, git.LogOptions{Include: []string{row.New.SHA + "^"}, Exclude: []string{res.Old.Base}, Paths: []string{f}, NoMerges: true})
			if err != nil {
				return nil, err
			}
			for _, a := range adders {
				if res.Between[a.SHA] {
					ef.Commits = append(ef.Commits, a)
					break
				}
			}
		}
		if len(ef.Commits) > 0 {
			e.Files = append(e.Files, ef)
		}
	}
	return e, nil
}

// Text is the explanation the kernel way, as rebasers write it in the
// commit message:
//
//	[Name: rebase from v4.19.19 to v4.19.325 conflicts:
//	 - path/file.c: 0123456789ab ("upstream title")
//	]
func (e *Explanation) Text(name, oldBase, newBase string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s: rebase from %s to %s conflicts:\n", name, oldBase, newBase)
	for _, f := range e.Files {
		for _, c := range f.Commits {
			fmt.Fprintf(&b, " - %s: %s (%q)\n", f.Path, git.Short(c.SHA), c.Subject)
		}
	}
	b.WriteString("]\n")
	return b.String()
}
