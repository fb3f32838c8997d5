package srpm

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
)

// BenchmarkImport imports 300 mails and, in the same run, applies the same
// files with a plain loop of git am (one process per patch, as a maintainer's
// script would) in a worktree; it reports the ratio import/loop.
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	m, err := srpmtest.BuildMany(dir, 300)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	open := func(d string) *git.Repo { return openRepo(b, m.Env, d) }
	srpmRepo, code := open(m.SRPM), open(m.Code)
	var imp, loop time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rev, err := Read(ctx, srpmRepo, m.Rev, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Import(ctx, code, rev, ImportOptions{NoRefs: true}); err != nil {
			b.Fatal(err)
		}
		imp += time.Since(start)

		wt := filepath.Join(dir, "loop")
		if _, err := m.Env.Git(m.Code, "worktree", "add", "-q", "--detach", wt, "v4.19.19"); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		for _, p := range m.Patches {
			if _, err := m.Env.Git(wt, "am", "-q", "-3", p); err != nil {
				b.Fatal(err)
			}
		}
		loop += time.Since(start)
		if _, err := m.Env.Git(m.Code, "worktree", "remove", "--force", wt); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(wt)
	}
	b.ReportMetric(imp.Seconds()/float64(b.N), "import-s/op")
	b.ReportMetric(loop.Seconds()/float64(b.N), "git-am-loop-s/op")
	b.ReportMetric(imp.Seconds()/loop.Seconds(), "ratio")
}
