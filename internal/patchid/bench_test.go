package patchid_test

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// BenchmarkScannerVsGit hashes the same diff-tree stream with our scanner
// and with `git patch-id --stable` and reports the ratio (ours / git).
func BenchmarkScannerVsGit(b *testing.B) {
	p := repos.Small()
	p.Upstream, p.Queue, p.Files = 1500, 150, 200
	fx, err := repos.Build(b.TempDir()+"/repo", p)
	if err != nil {
		b.Fatal(err)
	}
	list, err := fx.Env.Git(fx.Dir, "rev-list", "--all", "--no-merges")
	if err != nil {
		b.Fatal(err)
	}
	r := &git.Repo{Dir: fx.Dir, Env: fx.Env.Vars}
	var stream []byte
	err = r.StreamPatches(context.Background(), strings.Fields(list), nil, func(rd io.Reader) error {
		stream, err = io.ReadAll(rd)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(stream)))
	b.ResetTimer()
	var ours, theirs time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		sc := patchid.NewScanner(bytes.NewReader(stream))
		for sc.Scan() {
		}
		ours += time.Since(t0)
		t1 := time.Now()
		cmd := exec.Command("git", "patch-id", "--stable")
		cmd.Dir, cmd.Env, cmd.Stdin, cmd.Stdout = fx.Dir, fx.Env.Environ(), bytes.NewReader(stream), io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		theirs += time.Since(t1)
	}
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ours/git")
}
