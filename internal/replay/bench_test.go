package replay

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// BenchmarkReplayTitleMatches replays every title/similar match of a
// generated queue and, in the same run, times as many plain
// git merge-tree --write-tree calls (new-tip-side commit against the old
// commit, the cheapest merge git can be asked for per pair). The metrics:
// batch/merge-tree is the cost of Verdicts (what --replay uses) relative to
// the plain calls, single/merge-tree that of one Replay per pair with every
// detail (what the replay subcommand does), both for the same pairs.
func BenchmarkReplayTitleMatches(b *testing.B) {
	cleanGitEnv(b)
	p := repos.Small()
	p.Upstream, p.Queue, p.Files = 400, 1000, 200
	fx, err := repos.Build(filepath.Join(b.TempDir(), "repo"), p)
	if err != nil {
		b.Fatal(err)
	}
	repo := &git.Repo{Dir: fx.Dir, Env: fx.Env.Vars}
	var pairs []Pair
	for _, e := range fx.Expected {
		if (e.Status == "title" || e.Status == "similar") && e.New != "" {
			pairs = append(pairs, Pair{Old: e.Old, New: e.New})
		}
	}
	ctx := context.Background()
	var batch, single, plain time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rs, err := Verdicts(ctx, repo, pairs)
		if err != nil || len(rs) != len(pairs) {
			b.Fatal(err)
		}
		t1 := time.Now()
		for _, p := range pairs {
			if _, err := Replay(ctx, repo, p.Old, p.New); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		for _, p := range pairs {
			// Exit status 1 means conflicts, not failure.
			// The peer is git itself, run as a user would.
			cmd := exec.CommandContext(ctx, "git", "merge-tree", "--write-tree", p.New, p.Old)
			cmd.Dir, cmd.Env = repo.Dir, append(os.Environ(), repo.Env...)
			if err := cmd.Run(); err != nil {
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
					b.Fatal(err)
				}
			}
		}
		t3 := time.Now()
		batch += t1.Sub(t0)
		single += t2.Sub(t1)
		plain += t3.Sub(t2)
	}
	b.StopTimer()
	b.ReportMetric(float64(len(pairs)), "pairs")
	b.ReportMetric(batch.Seconds()/plain.Seconds(), "batch/merge-tree")
	b.ReportMetric(single.Seconds()/plain.Seconds(), "single/merge-tree")
	b.ReportMetric(float64(batch.Milliseconds())/float64(b.N), "batch-ms/op")
	b.ReportMetric(float64(plain.Milliseconds())/float64(b.N), "merge-tree-ms/op")
}
