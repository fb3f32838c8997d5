package importsrpm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// BenchmarkSync600 times the whole sync (review, patch-ids of the files,
// plan, format-patch, writes) of a 600-patch spec after a 600-commit
// rebase with a commit inserted mid-queue; the budget is 2 s. The
// peer, in the same run, is git rev-list over the rebased queue (the
// cheapest look at it): the ratio is reported.
func BenchmarkSync600(b *testing.B) {
	m, g := benchMany(b, b.TempDir(), 600)
	var o, e strings.Builder
	if code := Main(b.Context(), []string{"git-import-srpm", "--srpm-repo", m.SRPM, "--code-repo", m.Code, m.Rev}, ioFor(&o, &e)); code != 0 {
		b.Fatalf("import: %s", e.String())
	}
	c := m.Code
	g(c, "checkout", "-q", "-b", "up", "v4.19.19")
	if err := os.WriteFile(filepath.Join(c, "NEWS"), []byte("new\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	g(c, "add", "NEWS")
	g(c, "commit", "-q", "-m", "NEWS")
	g(c, "tag", "-a", "-m", "4.19.20", "v4.19.20")
	g(c, "checkout", "-q", "-b", "rebased", m.Prefix+"/base~300")
	if err := os.WriteFile(filepath.Join(c, "NEW.txt"), []byte("inserted\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	g(c, "add", "NEW.txt")
	g(c, "commit", "-q", "-m", "inserted mid-queue")
	g(c, "cherry-pick", m.Prefix+"/base~300.."+m.Prefix+"/base")
	g(c, "rebase", "-q", "--onto", "v4.19.20", m.Prefix+"/pre-base")
	b.Chdir(m.SRPM)
	var syncT, peerT time.Duration
	for i := 0; i < b.N; i++ {
		g(m.SRPM, "reset", "-q", "--hard")
		g(m.SRPM, "clean", "-q", "-fd")
		var o, e strings.Builder
		start := time.Now()
		if code := Main(b.Context(), []string{"git-import-srpm", "sync", "--code-repo", c, m.Prefix + "/base..rebased"}, ioFor(&o, &e)); code != 0 {
			b.Fatalf("sync: %s%s", o.String(), e.String())
		}
		syncT += time.Since(start)
		if !strings.Contains(o.String(), "1 added") {
			b.Fatalf("sync: %s", o.String())
		}
		start = time.Now()
		g(c, "rev-list", "--count", "v4.19.20..rebased")
		peerT += time.Since(start)
	}
	b.ReportMetric(syncT.Seconds()/float64(b.N), "sync-s/op")
	b.ReportMetric(peerT.Seconds()/float64(b.N), "rev-list-s/op")
	b.ReportMetric(syncT.Seconds()/peerT.Seconds(), "ratio")
}

// benchMany builds srpmtest.BuildMany's fixture of n patches in dir,
// points the process at its environment, and gives a git that fails the
// benchmark on error.
func benchMany(b *testing.B, dir string, n int) (*srpmtest.Many, func(dir string, args ...string) string) {
	b.Helper()
	m, err := srpmtest.BuildMany(dir, n)
	if err != nil {
		b.Fatal(err)
	}
	syncEnv(b, m.Env)
	return m, func(dir string, args ...string) string { return repos.Git(b, m.Env, dir, args...) }
}

func ioFor(out, errOut *strings.Builder) *cliutil.IO {
	return &cliutil.IO{In: strings.NewReader(""), Out: out, ErrOut: errOut}
}
