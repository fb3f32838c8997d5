package srpm

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/spec"
)

// syncBenchInput is a 600-patch two-layer spec (300 of the vendor's, 300
// of ours from Patch1000) and the review of a 600-commit rebase: every
// 10th patch changed, every 17th upstream, every 23rd dropped (with a
// note), and a new commit after every 13th.
func syncBenchInput(tb testing.TB) SyncInput {
	const n = 600
	var b strings.Builder
	b.WriteString("Name: kernel\nVersion: 4.19.19\nRelease: 1%{?dist}\nSummary: s\nLicense: l\nSource0: kernel-4.19.19.tar.gz\n")
	num := func(i int) int {
		if i < n/2 {
			return i
		}
		return 1000 + i - n/2
	}
	for i := 0; i < n; i++ {
		if i == n/2 {
			b.WriteString("\n# XCP-ng patches\n")
		}
		fmt.Fprintf(&b, "Patch%d: %04d-patch-%d.patch\n", num(i), i+1, i)
	}
	b.WriteString("\n%description\nd\n\n%prep\n%autosetup -p1\n\n%changelog\n* Mon Jan 01 2024 B <b@example.com> - 4.19.19-1\n- old\n")
	src := []byte(b.String())
	opts := &spec.Options{}
	sp, err := spec.Parse(src, opts)
	if err != nil {
		tb.Fatal(err)
	}
	id := func(k int) patchid.ID { return patchid.ID{byte(k), byte(k >> 8), byte(k >> 16), 1} }
	sha := func(k int) string { return fmt.Sprintf("%040x", k) }
	var rows []review.Row
	ids := make([]patchid.ID, n)
	idx := 0
	for i := 0; i < n; i++ {
		ids[i] = id(i)
		old := &review.Commit{SHA: sha(i), Title: fmt.Sprintf("patch %d", i), PatchID: id(i), Index: i}
		switch {
		case i%17 == 5:
			rows = append(rows, review.Row{Status: review.StatusSame, Upstream: true, Old: old, New: &review.Commit{SHA: sha(100000 + i), Title: old.Title}})
		case i%23 == 7:
			rows = append(rows, review.Row{Status: review.StatusDropped, Old: old, Note: "obsolete"})
		case i%10 == 3:
			rows = append(rows, review.Row{Status: review.StatusSimilar, Old: old, New: &review.Commit{SHA: sha(200000 + i), Title: old.Title, PatchID: id(200000 + i), Index: idx}})
			idx++
		default:
			rows = append(rows, review.Row{Status: review.StatusSame, Old: old, New: &review.Commit{SHA: sha(300000 + i), Title: old.Title, PatchID: id(i), Index: idx}})
			idx++
		}
		if i%13 == 12 {
			rows = append(rows, review.Row{Status: review.StatusAdded, New: &review.Commit{SHA: sha(400000 + i), Title: fmt.Sprintf("new after %d", i), PatchID: id(400000 + i), Index: idx}})
			idx++
		}
	}
	return SyncInput{Rows: rows, Src: src, Spec: sp, Options: opts, FileIDs: ids, Tag: "v4.19.20", OntoTag: "v4.19.20", OldTag: "v4.19.19",
		NewVersion: "4.19.20", Date: time.Unix(1700000000, 0), Name: "B", Email: "b@example.com"}
}

// BenchmarkPlanSync plans the sync of a 600-patch spec after a 600-commit
// rebase (the issue asks for at most 2 s for the whole sync) and, in the
// same run, parses the spec once (the peer): it reports the ratio.
func BenchmarkPlanSync(b *testing.B) {
	in := syncBenchInput(b)
	var plan, parse time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		p, err := PlanSync(in)
		if err != nil {
			b.Fatal(err)
		}
		plan += time.Since(start)
		if p.Added == 0 || p.Changed == 0 || p.Upstream == 0 || p.Dropped == 0 {
			b.Fatalf("plan %+v", p)
		}
		start = time.Now()
		if _, err := spec.Parse(in.Src, in.Options); err != nil {
			b.Fatal(err)
		}
		parse += time.Since(start)
	}
	b.ReportMetric(plan.Seconds()/float64(b.N), "plan-s/op")
	b.ReportMetric(parse.Seconds()/float64(b.N), "parse-s/op")
	b.ReportMetric(plan.Seconds()/parse.Seconds(), "ratio")
}

// TestPlanSync600 keeps the benchmark's input honest: the plan applies
// the new queue in order, and is under the budget even here.
func TestPlanSync600(t *testing.T) {
	in := syncBenchInput(t)
	start := time.Now()
	p, err := PlanSync(in)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("planning took %v, budget 2s", d)
	}
	s, err := spec.Parse(p.Out, in.Options)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := s.Applied()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range in.Rows {
		if r.New != nil && !r.Upstream {
			want = append(want, r.New.Title)
		}
	}
	if len(applied) != len(want) {
		t.Fatalf("%d applied, %d in the new queue", len(applied), len(want))
	}
	// Added patches are where their commits are: file names say.
	for i, a := range applied {
		if strings.HasPrefix(want[i], "new after") && !strings.Contains(a.File, strings.ReplaceAll(want[i], " ", "-")) {
			t.Fatalf("applied #%d is %s, want %q", i, a.File, want[i])
		}
	}
}
