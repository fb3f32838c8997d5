package srpm

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/spec"
)

const planSpec = "Name: kernel\n" +
	"Version: 4.19.19\n" +
	"Release: 1\n" +
	"Patch0: a.patch\n" +
	"Patch1: b.patch\n" +
	"Patch2: c.patch\n" +
	"# Patch3: gone.patch: 0123456789ab fixed upstream\n" +
	"Patch4: d.patch\n" +
	"\n" +
	"# XCP-ng patches\n" +
	"Patch10: x.patch\n" +
	"\n" +
	"%description\nt\n\n%prep\n%autosetup -p1\n"

func pid(b byte) patchid.ID { return patchid.ID{b} }

func sha(c string) string { return strings.Repeat(c, 40) }

// planRows: the old queue a b c d x (patch-ids 1..5) rebased: a is
// upstream, b changed (new patch-id 9), c and x the same, d dropped with a
// note, and one commit e (patch-id 14) added between b and c.
func planRows() []review.Row {
	old := func(i int, title string) *review.Commit {
		return &review.Commit{SHA: sha(string(rune('1' + i))), Title: title, PatchID: pid(byte(i + 1)), Index: i}
	}
	nw := func(c, title string, id byte, index int) *review.Commit {
		return &review.Commit{SHA: sha(c), Title: title, PatchID: pid(id), Index: index}
	}
	return []review.Row{
		// Rows come in review order; the planner sorts by Index.
		{Status: review.StatusAdded, New: nw("e", "drivers: add e", 14, 1)},
		{Status: review.StatusSame, Old: old(4, "x"), New: nw("f", "x", 5, 3)},
		{Status: review.StatusSame, Upstream: true, Old: old(0, "a"), New: &review.Commit{SHA: sha("a"), Title: "a upstream"}},
		{Status: review.StatusTitle, Old: old(1, "b"), New: nw("b", "b v2", 9, 0)},
		{Status: review.StatusSame, Old: old(2, "c"), New: nw("c", "c", 3, 2)},
		{Status: review.StatusDropped, Old: old(3, "d"), Note: "obsolete: 100% replaced by b v2\n\nlong story"},
	}
}

func planInput(t *testing.T, src string, ids []patchid.ID, rows []review.Row) SyncInput {
	t.Helper()
	opts := &spec.Options{}
	sp, err := spec.Parse([]byte(src), opts)
	if err != nil {
		t.Fatal(err)
	}
	return SyncInput{Rows: rows, Src: []byte(src), Spec: sp, Options: opts, FileIDs: ids, Tag: "v4.19.20",
		OntoTag: "v4.19.20", OldTag: "v4.19.19", Date: time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC), Name: "Ann Maint", Email: "ann@example.com"}
}

func TestPlanSync(t *testing.T) {
	in := planInput(t, planSpec, []patchid.ID{pid(1), pid(2), pid(3), pid(4), pid(5)}, planRows())
	in.NewVersion = "4.19.20"
	p, err := PlanSync(in)
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := []string{
		"Release: 1, now 2",
		"Version: 4.19.19, now 4.19.20",
		"Patch0 a.patch: upstream as aaaaaaaaaaaa a upstream, commented out",
		"Patch1 b.patch: title, now b-rebase-to-v4.19.20.patch (from bbbbbbbbbbbb b v2)",
		"Patch5 d.patch: dropped (444444444444 d), commented out: obsolete: 100% replaced by b v2",
		"Patch2 drivers-add-e.patch: added (from eeeeeeeeeeee drivers: add e)",
		"Patch2 c.patch: now Patch3, to make room",
		"Patch3 (commented out) gone.patch: now Patch4, to make room",
		"Patch4 d.patch: now Patch5, to make room",
	}
	if !reflect.DeepEqual(p.Summary, wantSummary) {
		t.Errorf("summary:\n%s\nwant:\n%s", strings.Join(p.Summary, "\n"), strings.Join(wantSummary, "\n"))
	}
	wantFiles := []SyncFile{{"b-rebase-to-v4.19.20.patch", sha("b")}, {"drivers-add-e.patch", sha("e")}}
	if !reflect.DeepEqual(p.Files, wantFiles) {
		t.Errorf("files %+v", p.Files)
	}
	if !reflect.DeepEqual(p.Remove, []string{"a.patch", "b.patch", "d.patch"}) {
		t.Errorf("remove %q", p.Remove)
	}
	if got := [8]int{p.Upstream, p.Changed, p.Added, p.Dropped, p.Unchanged, p.Renumbered, p.Already, p.ByPosition}; got != [8]int{1, 1, 1, 1, 2, 3, 0, 0} {
		t.Errorf("counts %v", got)
	}
	want := "Name: kernel\n" +
		"Version: 4.19.20\n" +
		"Release: 2\n" +
		"# Patch0: a.patch: aaaaaaaaaaaa a upstream\n" +
		"Patch1: b-rebase-to-v4.19.20.patch\n" +
		"Patch2: drivers-add-e.patch\n" +
		"Patch3: c.patch\n" +
		"# Patch4: gone.patch: 0123456789ab fixed upstream\n" +
		"# Patch5: d.patch: dropped: obsolete: 100%% replaced by b v2\n" +
		"\n" +
		"# XCP-ng patches\n" +
		"Patch10: x.patch\n" +
		"\n" +
		"%description\nt\n\n%prep\n%autosetup -p1\n" +
		"\n%changelog\n" +
		"* Sun Nov 29 2026 Ann Maint <ann@example.com> - 4.19.20-2\n" +
		"- Rebase on v4.19.20\n" +
		"- Patch0 a.patch: upstream as aaaaaaaaaaaa a upstream\n" +
		"- Patch1 b.patch: regenerated as b-rebase-to-v4.19.20.patch (bbbbbbbbbbbb b v2)\n" +
		"- Patch5 d.patch: dropped: obsolete: 100%% replaced by b v2\n" +
		"- Patch2 drivers-add-e.patch: added (eeeeeeeeeeee drivers: add e)\n"
	if string(p.Out) != want {
		t.Errorf("edited spec:\n%s\nwant:\n%s", p.Out, want)
	}

	// Planning again on the result finds everything done: the comments
	// name the upstream commit and the note, the files carry the new
	// patch-ids.
	again := planInput(t, string(p.Out), []patchid.ID{pid(9), pid(14), pid(3), pid(5)}, planRows())
	again.NewVersion = "4.19.20"
	p2, err := PlanSync(again)
	if err != nil {
		t.Fatal(err)
	}
	if string(p2.Out) != string(p.Out) || len(p2.Files) != 0 || len(p2.Remove) != 0 || p2.Already != 4 || p2.Unchanged != 2 || len(p2.Summary) != 0 {
		t.Errorf("second plan: %+v\n%s", p2, p2.Out)
	}
}

func TestPlanSyncCases(t *testing.T) {
	all := []patchid.ID{pid(1), pid(2), pid(3), pid(4), pid(5)}
	errTag := errors.New("no single tag")
	only := func(keep ...int) []review.Row {
		rows := planRows()
		var out []review.Row
		for _, i := range keep {
			out = append(out, rows[i])
		}
		return out
	}
	// Nothing changed but a, upstream now.
	quiet := func() []review.Row {
		rows := planRows()[1:5]
		rows[2] = review.Row{Status: review.StatusSame, Old: rows[2].Old, New: &review.Commit{SHA: sha("b"), Title: "b", PatchID: pid(2), Index: 0}}
		rows = append(rows, review.Row{Status: review.StatusSame, Old: planRows()[5].Old, New: &review.Commit{SHA: sha("d"), Title: "d", PatchID: pid(4), Index: 2}})
		return rows
	}
	noNote := func() []review.Row {
		rows := planRows()
		rows[5].Note = ""
		return rows
	}
	for _, c := range []struct {
		name   string
		src    string
		ids    []patchid.ID
		rows   []review.Row
		tagErr error
		modify func(*SyncInput)
		check  func(*SyncPlan, error) string
	}{
		{"a changed patch needs the tag", planSpec, all, planRows(), errTag, nil, func(_ *SyncPlan, err error) string {
			if err != errTag {
				return "want the tag's error"
			}
			return ""
		}},
		{"no changed patch, no tag needed", planSpec, all, quiet(), errTag, nil, func(p *SyncPlan, err error) string {
			if err != nil || p.Upstream != 1 || p.Unchanged != 4 {
				return "want one upstream, four unchanged"
			}
			return ""
		}},
		{"dropped without a note stops", planSpec, all, noNote(), nil, nil, func(_ *SyncPlan, err error) string {
			var ue *UnexplainedError
			if !errors.As(err, &ue) || len(ue.Rows) != 1 || ue.Rows[0].Old.Title != "d" {
				return "want UnexplainedError naming d"
			}
			return ""
		}},
		{"dropped without a note, allowed", planSpec, all, noNote(), nil, func(in *SyncInput) { in.AllowUnexplained = true }, func(p *SyncPlan, err error) string {
			if err != nil || !strings.Contains(string(p.Out), "# Patch5: d.patch: dropped: no note\n") {
				return "want d commented out with no note"
			}
			return ""
		}},
		{"no file has the upstream commit's patch-id", planSpec, []patchid.ID{{}, {}, {}, {}, pid(7)}, only(2), nil, nil, func(_ *SyncPlan, err error) string {
			var ue *UnmatchedError
			if !errors.As(err, &ue) || ue.What != "upstream" || ue.SHA != sha("1") {
				return "want UnmatchedError"
			}
			return ""
		}},
		{"paired by position", planSpec, []patchid.ID{pid(1), {}, pid(3), pid(4), pid(5)}, planRows(), nil, nil, func(p *SyncPlan, err error) string {
			if err != nil || p.ByPosition != 1 || p.Changed != 1 {
				return "want b paired by position and changed"
			}
			return ""
		}},
		{"reordered files do not pair by position", planSpec, []patchid.ID{{}, pid(1), pid(3), pid(2), pid(5)}, only(3, 5), nil, nil, func(p *SyncPlan, err error) string {
			var ue *UnmatchedError
			if !errors.As(err, &ue) || ue.What != "dropped" {
				return "want d unmatched"
			}
			return ""
		}},
		{"the rebase reordered kept patches", planSpec, all, func() []review.Row {
			r := planRows()
			r[4].New.Index = 9 // c after x
			return r
		}(), nil, nil, func(_ *SyncPlan, err error) string {
			var re *ReorderError
			if !errors.As(err, &re) || re.After != "x.patch" {
				return "want a ReorderError"
			}
			return ""
		}},
		{"explicit release, no changelog", planSpec, all, planRows(), nil, func(in *SyncInput) { in.Release = "7"; in.NoChangelog = true }, func(p *SyncPlan, err error) string {
			if err != nil || !strings.Contains(string(p.Out), "Release: 7\n") || strings.Contains(string(p.Out), "%changelog") {
				return "want Release 7 and no changelog"
			}
			return ""
		}},
		{"%patchN lines follow", strings.Replace(planSpec, "%autosetup -p1\n", "%setup -q\n%patch0 -p1\n%patch1 -p1\n%patch2 -p1\n%patch4 -p1\n%patch10 -p1\n", 1), all, planRows(), nil, nil, func(p *SyncPlan, err error) string {
			if err != nil || !strings.Contains(string(p.Out), "#%%patch0 -p1\n%patch1 -p1\n%patch2 -p1\n%patch3 -p1\n#%%patch4 -p1\n%patch10 -p1\n") {
				return "want %prep following"
			}
			return ""
		}},
		{"%patch line for two patches", strings.Replace(planSpec, "%autosetup -p1\n", "%setup -q\n%patch -P 0 -P 1 -p1\n%patch2 -p1\n%patch4 -p1\n%patch10 -p1\n", 1), all, planRows(), nil, nil, func(_ *SyncPlan, err error) string {
			var ee *EditError
			if !errors.As(err, &ee) || !errors.Is(err, spec.ErrPrepLayout) {
				return "want EditError wrapping spec.ErrPrepLayout"
			}
			return ""
		}},
		{"no marker: says where new patches went", strings.Replace(planSpec, "# XCP-ng patches\n", "", 1), all, planRows(), nil, nil, func(p *SyncPlan, err error) string {
			if err != nil || !strings.Contains(strings.Join(p.Warnings, "\n"), "no vendor marker") {
				return "want a warning"
			}
			return ""
		}},
		{"globals naming the upstream commit follow the tag", "%global package_srccommit v4.19.19\n%global other v4.19.19\n" + planSpec, all, planRows(), nil, nil, func(p *SyncPlan, err error) string {
			if err != nil || !strings.HasPrefix(string(p.Out), "%global package_srccommit v4.19.20\n%global other v4.19.19\n") {
				return "want package_srccommit updated"
			}
			return ""
		}},
		{"version stays while the tag moved", planSpec, all, quiet(), nil, nil, func(p *SyncPlan, err error) string {
			if err != nil || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "Version stays 4.19.19 while the base moved from v4.19.19 to v4.19.20") {
				return "want a warning"
			}
			return ""
		}},
		{"wrong number of patch-ids", planSpec, all[:2], planRows(), nil, nil, func(_ *SyncPlan, err error) string {
			if err == nil {
				return "want an error"
			}
			return ""
		}},
	} {
		in := planInput(t, c.src, c.ids, c.rows)
		in.TagErr = c.tagErr
		if c.modify != nil {
			c.modify(&in)
		}
		p, err := PlanSync(in)
		if msg := c.check(p, err); msg != "" {
			out := ""
			if p != nil {
				out = string(p.Out)
			}
			t.Errorf("%s: %s; got %+v, %v\n%s", c.name, msg, p, err, out)
		}
	}
}

func TestFilePatchID(t *testing.T) {
	one := "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\n" +
		"diff --git a/f b/f\nindex 1111111..2222222 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
	if FilePatchID([]byte(one)).IsZero() {
		t.Error("one patch: zero id")
	}
	if !FilePatchID([]byte(one + "\n" + strings.Replace(one, "+b", "+c", 1))).IsZero() {
		t.Error("a series has an id")
	}
	if !FilePatchID([]byte("no diff here\n")).IsZero() {
		t.Error("no diff has an id")
	}
}

func FuzzFilePatchID(f *testing.F) {
	f.Add([]byte("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Deterministic, and the input is left as it was.
		cp := bytes.Clone(data)
		id := FilePatchID(data)
		if !bytes.Equal(cp, data) {
			t.Fatal("input changed")
		}
		if FilePatchID(cp) != id {
			t.Fatal("not deterministic")
		}
	})
}

func TestVersionOfTag(t *testing.T) {
	for _, c := range []struct{ template, tag, want string }{
		{"v%{version}", "v3.2.3", "3.2.3"},
		{"v%{version}", "3.2.3", ""},
		{"%{version}", "3.2.3", "3.2.3"},
		{"linux-%{version}-rc", "linux-6.1-rc", "6.1"},
		{"v%{version}", "v", ""},
		{"v%{version}", "vnext", ""},
		{"%{name}-%{version}", "x-1", ""},
		{"v%{version}", "v1.2-3", ""},
	} {
		if got := VersionOfTag(c.template, c.tag); got != c.want {
			t.Errorf("VersionOfTag(%q, %q) = %q, want %q", c.template, c.tag, got, c.want)
		}
	}
}

// TestPlanSyncGroups: review rows of a split (one old commit, two rows) and
// a squash (two old commits, one new one), as review-rebase gives them
// with its split and squash tier: the split's first part takes the patch
// and the second is added after it; the squash's first old commit takes
// the new one, the second is dropped, saying into what.
func TestPlanSyncGroups(t *testing.T) {
	old := func(i int) *review.Commit {
		return &review.Commit{SHA: sha(string(rune('1' + i))), Title: fmt.Sprintf("p%d", i), PatchID: pid(byte(i + 1)), Index: i}
	}
	nw := func(c string, id byte, index int, title string) *review.Commit {
		return &review.Commit{SHA: sha(c), Title: title, PatchID: pid(id), Index: index}
	}
	x := nw("f", 5, 4, "p4")
	squashed := nw("c", 30, 2, "p2 and p3")
	rows := []review.Row{
		{Status: review.StatusSame, Old: old(0), New: nw("a", 1, 0, "p0")},
		{Status: review.Status("split"), Old: old(1), New: nw("b", 20, 1, "p1")},
		{Status: review.Status("squashed"), Old: old(2), New: squashed},
		{Status: review.Status("squashed"), Old: old(3), New: squashed},
		{Status: review.Status("split"), Old: old(1), New: nw("e", 21, 3, "p1, second half")},
		{Status: review.StatusSame, Old: old(4), New: x},
	}
	src := strings.Replace(planSpec, "# Patch3: gone.patch: 0123456789ab fixed upstream\n", "", 1)
	src = strings.Replace(src, "Patch4: d.patch\n", "Patch3: d.patch\n", 1)
	in := planInput(t, src, []patchid.ID{pid(1), pid(2), pid(3), pid(4), pid(5)}, rows)
	p, err := PlanSync(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Patch0: a.patch\nPatch1: b-rebase-to-v4.19.20.patch\nPatch2: c-rebase-to-v4.19.20.patch\n" +
			"# Patch3: d.patch: dropped: squashed into cccccccccccc p2 and p3\n\n# XCP-ng patches\nPatch9: p1-second-half.patch\nPatch10: x.patch\n\n",
	} {
		if !strings.Contains(string(p.Out), want) {
			t.Errorf("edited spec lacks %q:\n%s", want, p.Out)
		}
	}
}
