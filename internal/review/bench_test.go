package review

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// benchFixture is a larger generated repository for the stream readers.
func benchFixture(b *testing.B) (*repos.Fixture, *git.Repo) {
	b.Helper()
	p := repos.Small()
	p.Upstream, p.Queue, p.Files = 1500, 150, 200
	fx, err := repos.Build(filepath.Join(b.TempDir(), "repo"), p)
	if err != nil {
		b.Fatal(err)
	}
	return fx, repoOf(fx)
}

// BenchmarkUpstreamWalk walks the upstream range (git log --raw and its
// reader) as a cold review does.
func BenchmarkUpstreamWalk(b *testing.B) {
	fx, repo := benchFixture(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		err := streamUpstream(context.Background(), repo, fx.NewBase, fx.OldBase, nil, func(upEntry) { n++ })
		if err != nil || n == 0 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkDiffReaders reads one diff-tree stream of every commit with the
// prefilter's line deltas and the similar tier's signatures.
func BenchmarkDiffReaders(b *testing.B) {
	fx, repo := benchFixture(b)
	list, err := fx.Env.Git(fx.Dir, "rev-list", "--all", "--no-merges")
	if err != nil {
		b.Fatal(err)
	}
	var stream []byte
	err = repo.StreamPatches(context.Background(), strings.Fields(list), nil, func(r io.Reader) (e error) {
		stream, e = io.ReadAll(r)
		return
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(stream)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := newDeltaSet().parse(bytes.NewReader(stream)); err != nil {
			b.Fatal(err)
		}
		if _, err := signatures(bytes.NewReader(stream)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountLines reads the post-images of every upstream commit's
// files through the prefilter's blob reader.
func BenchmarkCountLines(b *testing.B) {
	fx, repo := benchFixture(b)
	var reqs []blobReq
	err := streamUpstream(context.Background(), repo, fx.NewBase, fx.OldBase, nil, func(e upEntry) {
		var files []string
		for f := range e.blobs {
			files = append(files, f)
		}
		r, _ := blobRequests(e.SHA, files, e.blobs)
		reqs = append(reqs, r...)
	})
	if err != nil {
		b.Fatal(err)
	}
	wanted := map[uint64]bool{lineKey([]byte("}")): true, lineKey([]byte("return 0;")): true, lineKey([]byte("{")): true}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := countLines(context.Background(), repo, reqs, wanted)
		if err != nil || len(out) == 0 {
			b.Fatal(len(out), err)
		}
	}
}

// BenchmarkDiffTiers compares a cold review with the diff-based tiers
// (similar, split and squash) against one without them (--no-similar), in
// the same run, and reports the ratio.
func BenchmarkDiffTiers(b *testing.B) {
	fx, repo := benchFixture(b)
	run := func(noSimilar bool) time.Duration {
		start := time.Now()
		_, err := Run(context.Background(), repo, Options{OldBase: fx.OldBase, OldTip: fx.OldTip,
			NewBase: fx.NewBase, NewTip: fx.NewTip, NoCache: true, NoSimilar: noSimilar})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var with, without time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		without += run(true)
		with += run(false)
	}
	b.ReportMetric(float64(with)/float64(without), "with/without")
}
