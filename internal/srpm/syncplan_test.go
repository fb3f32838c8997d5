package srpm

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

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
// upstream, b changed (new patch-id 9), c and x the same, d dropped, and
// one commit e added (patch-id 14).
func planRows() []review.Row {
	old := func(i int, title string) *review.Commit {
		return &review.Commit{SHA: sha(string(rune('1' + i))), Title: title, PatchID: pid(byte(i + 1)), Index: i}
	}
	return []review.Row{
		// Rows come in review order; the planner sorts old ones by Index.
		{Status: review.StatusAdded, New: &review.Commit{SHA: sha("e"), Title: "drivers: add e", PatchID: pid(14)}},
		{Status: review.StatusSame, Old: old(4, "x"), New: &review.Commit{SHA: sha("f"), Title: "x", PatchID: pid(5)}},
		{Status: review.StatusSame, Upstream: true, Old: old(0, "a"), New: &review.Commit{SHA: sha("a"), Title: "a upstream"}},
		{Status: review.StatusTitle, Old: old(1, "b"), New: &review.Commit{SHA: sha("b"), Title: "b v2", PatchID: pid(9)}},
		{Status: review.StatusSame, Old: old(2, "c"), New: &review.Commit{SHA: sha("c"), Title: "c", PatchID: pid(3)}},
		{Status: review.StatusDropped, Old: old(3, "d")},
	}
}

func planInput(t *testing.T, src string, ids []patchid.ID, rows []review.Row) SyncInput {
	t.Helper()
	opts := &spec.Options{}
	sp, err := spec.Parse([]byte(src), opts)
	if err != nil {
		t.Fatal(err)
	}
	return SyncInput{Rows: rows, Src: []byte(src), Spec: sp, Options: opts, FileIDs: ids, Tag: "v4.19.20"}
}

func TestPlanSync(t *testing.T) {
	in := planInput(t, planSpec, []patchid.ID{pid(1), pid(2), pid(3), pid(4), pid(5)}, planRows())
	in.NewVersion = "4.19.20"
	p, err := PlanSync(in)
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := []string{
		"Version: 4.19.19, now 4.19.20",
		"Patch0 a.patch: upstream as aaaaaaaaaaaa a upstream, commented out",
		"Patch1 b.patch: title, now b-rebase-to-v4.19.20.patch (from bbbbbbbbbbbb b v2)",
		"Patch11 0011-drivers-add-e.patch: added (from eeeeeeeeeeee drivers: add e)",
		"dropped, needs a decision: 444444444444 d (Patch4 d.patch)",
	}
	if !reflect.DeepEqual(p.Summary, wantSummary) {
		t.Errorf("summary:\n%s\nwant:\n%s", strings.Join(p.Summary, "\n"), strings.Join(wantSummary, "\n"))
	}
	wantFiles := []SyncFile{{"b-rebase-to-v4.19.20.patch", sha("b")}, {"0011-drivers-add-e.patch", sha("e")}}
	if !reflect.DeepEqual(p.Files, wantFiles) {
		t.Errorf("files %+v", p.Files)
	}
	if got := [7]int{p.Upstream, p.Changed, p.Added, p.Dropped, p.Unchanged, p.Already, p.ByPosition}; got != [7]int{1, 1, 1, 1, 2, 0, 0} {
		t.Errorf("counts %v", got)
	}
	out := string(p.Out)
	for _, want := range []string{"Version: 4.19.20\n", "# Patch0: a.patch: aaaaaaaaaaaa a upstream\n", "Patch1: b-rebase-to-v4.19.20.patch\n",
		"Patch10: x.patch\nPatch11: 0011-drivers-add-e.patch\n", "Patch4: d.patch\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("edited spec lacks %q:\n%s", want, out)
		}
	}

	// Planning again on the result finds everything done: the comment
	// names the upstream commit, the files carry the new patch-ids.
	again := planInput(t, out, []patchid.ID{pid(9), pid(3), pid(4), pid(5), pid(14)}, planRows())
	again.NewVersion = "4.19.20"
	p2, err := PlanSync(again)
	if err != nil {
		t.Fatal(err)
	}
	if string(p2.Out) != out || len(p2.Files) != 0 || p2.Already != 3 || p2.Dropped != 1 || len(p2.Summary) != 1 {
		t.Errorf("second plan: %+v", p2)
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
	for _, c := range []struct {
		name   string
		src    string
		ids    []patchid.ID
		rows   []review.Row
		tagErr error
		check  func(*SyncPlan, error) string
	}{
		{"a changed patch needs the tag", planSpec, all, planRows(), errTag, func(_ *SyncPlan, err error) string {
			if err != errTag {
				return "want the tag's error"
			}
			return ""
		}},
		{"no changed patch, no tag needed", planSpec, all, only(1, 2, 4), errTag, func(p *SyncPlan, err error) string {
			if err != nil || p.Upstream != 1 || p.Unchanged != 2 {
				return "want one upstream, two unchanged"
			}
			return ""
		}},
		{"no file has the upstream commit's patch-id", planSpec, make([]patchid.ID, 5), only(2), nil, func(_ *SyncPlan, err error) string {
			var ue *UnmatchedError
			if !errors.As(err, &ue) || ue.What != "upstream" || ue.SHA != sha("1") {
				return "want UnmatchedError"
			}
			return ""
		}},
		{"paired by position", planSpec, []patchid.ID{pid(1), {}, pid(3), pid(4), pid(5)}, planRows(), nil, func(p *SyncPlan, err error) string {
			if err != nil || p.ByPosition != 1 || p.Changed != 1 {
				return "want b paired by position and changed"
			}
			return ""
		}},
		{"reordered files pair by patch-id only", planSpec, []patchid.ID{pid(2), pid(1), pid(3), {}, pid(5)}, only(3, 5), nil, func(p *SyncPlan, err error) string {
			if err != nil || p.ByPosition != 0 || !strings.Contains(strings.Join(p.Summary, "\n"), "Patch0 a.patch: title") ||
				!strings.Contains(strings.Join(p.Summary, "\n"), "(no patch file matched)") {
				return "want b as Patch0 and d unmatched"
			}
			return ""
		}},
		{"%prep would not apply an added patch", strings.Replace(planSpec, "%autosetup -p1\n", "%setup -q\n%patch0 -p1\n", 1), all[:1], only(0), nil, func(_ *SyncPlan, err error) string {
			var ee *EditError
			if !errors.As(err, &ee) || !errors.Is(err, spec.ErrNotApplied) {
				return "want EditError wrapping spec.ErrNotApplied"
			}
			return ""
		}},
		{"wrong number of patch-ids", planSpec, all[:2], planRows(), nil, func(_ *SyncPlan, err error) string {
			if err == nil {
				return "want an error"
			}
			return ""
		}},
	} {
		in := planInput(t, c.src, c.ids, c.rows)
		in.TagErr = c.tagErr
		p, err := PlanSync(in)
		if msg := c.check(p, err); msg != "" {
			t.Errorf("%s: %s; got %+v, %v", c.name, msg, p, err)
		}
	}
}

func TestMapPatches(t *testing.T) {
	id := func(b byte) patchid.ID { return patchid.ID{b} }
	var zero patchid.ID
	for _, c := range []struct {
		name           string
		commits, files []patchid.ID
		want           map[int]int
		byPosition     int
	}{
		{"same order, a file without a usable id: paired by position", []patchid.ID{id(1), id(2), id(3)}, []patchid.ID{id(1), zero, id(3)}, map[int]int{0: 0, 1: 1, 2: 2}, 1},
		{"out of order: only patch-id pairs", []patchid.ID{id(1), id(2), id(3)}, []patchid.ID{id(2), id(1), zero}, map[int]int{0: 1, 1: 0}, 0},
		{"a duplicated id pairs nothing", []patchid.ID{id(1), id(1)}, []patchid.ID{id(1), id(2), id(3)}, map[int]int{}, 0},
		{"no pair at all: nothing by position", []patchid.ID{zero, zero}, []patchid.ID{zero, zero}, map[int]int{}, 0},
	} {
		m, pos := mapPatches(c.commits, c.files)
		if !reflect.DeepEqual(m, c.want) || pos != c.byPosition {
			t.Errorf("%s: %v %d, want %v %d", c.name, m, pos, c.want, c.byPosition)
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
