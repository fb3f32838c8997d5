package importsrpm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkImportAll times `git import-srpm --all` over an SRPM history of
// 12 revisions (200 to 310 patches, each revision 10 more) against its peer
// in the same run: a plain loop of single imports of the same revisions,
// each into a fresh clone of the code repository. The goal is a
// ratio of 0.5 or less.
func BenchmarkImportAll(b *testing.B) {
	const revisions, first, step = 12, 200, 10
	dir := b.TempDir()
	m, g := benchMany(b, dir, first+(revisions-1)*step)
	names := m.Names()
	var revs []string
	for r := 1; r <= revisions; r++ {
		rev, err := m.CommitSpec(fmt.Sprint(r), names[:first+(r-1)*step])
		if err != nil {
			b.Fatal(err)
		}
		revs = append(revs, rev)
	}
	clone := func(name string) string {
		d := filepath.Join(dir, name)
		_ = os.RemoveAll(d)
		g(dir, "clone", "-q", m.Code, d)
		return d
	}
	var allT, loopT time.Duration
	for i := 0; i < b.N; i++ {
		code := clone("all")
		var o, e strings.Builder
		start := time.Now()
		if rc := Main(b.Context(), []string{"git-import-srpm", "--srpm-repo", m.SRPM, "--code-repo", code, "--all"}, ioFor(&o, &e)); rc != 0 {
			b.Fatalf("--all: %s%s", o.String(), e.String())
		}
		allT += time.Since(start)
		if n := strings.Count(g(code, "for-each-ref", "--format=%(refname)", "refs/heads/"), "/base\n") + 1; n < revisions {
			b.Fatalf("--all made %d base branches, want %d", n, revisions)
		}
		code = clone("loop")
		start = time.Now()
		for _, rev := range revs {
			var o, e strings.Builder
			if rc := Main(b.Context(), []string{"git-import-srpm", "--srpm-repo", m.SRPM, "--code-repo", code, rev}, ioFor(&o, &e)); rc != 0 {
				b.Fatalf("import %s: %s%s", rev, o.String(), e.String())
			}
		}
		loopT += time.Since(start)
	}
	b.ReportMetric(allT.Seconds()/float64(b.N), "all-s/op")
	b.ReportMetric(loopT.Seconds()/float64(b.N), "loop-s/op")
	b.ReportMetric(allT.Seconds()/loopT.Seconds(), "ratio")
}
