package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// bench is the generated repository and what the operations need of it.
type bench struct {
	repo               string   // the repository as generated (read only here)
	env                []string // pinned git environment
	oldTag, newTag     string
	oldQueue, newQueue string

	// Filled by prepare.
	newBase         string   // commit id of newTag
	oneCommit       string   // the new queue's tip
	oldQueueCommits []string // oldTag..oldQueue
	queueCommits    []string // both queues
	noteTargets     []string // commits given a note in work
	blobs           []string // blob ids the queues touch
	patchCommits    []string // non-merge upstream commits
	work            string   // local clone of repo with notes: what is read
	sharedRepo      string   // `git clone --shared` of work
}

// generated returns the kernel-scale repository that bench/run.sh uses,
// generating it first when it is missing. The path and the completion
// marker are the ones bench/reviewbench uses, so the two share one copy.
func generated(out string, upstream, queue int) (*bench, error) {
	p := repos.Kernel()
	p.Upstream, p.Queue = upstream, queue
	if p.Releases > upstream/10 {
		p.Releases = upstream / 10
	}
	dir, err := filepath.Abs(filepath.Join(out, fmt.Sprintf("kernel-%d-%d-f%d", upstream, queue, p.Functions)))
	if err != nil {
		return nil, err
	}
	env, err := repos.NewEnv(dir + "-env")
	if err != nil {
		return nil, err
	}
	repo := filepath.Join(dir, "linux")
	marker := filepath.Join(repo, ".git", "pq-complete")
	if _, err := os.Stat(marker); err != nil {
		os.RemoveAll(repo)
		t0 := time.Now()
		fmt.Printf("generating %d upstream commits and a %d-patch queue in %s...\n", upstream, queue, repo)
		fx, err := repos.BuildWithEnv(env, repo, p)
		if err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		if err := os.WriteFile(marker, []byte(fx.OldTag+" "+fx.NewTag+"\n"), 0o644); err != nil {
			return nil, err
		}
		fmt.Printf("generated in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	tags, err := os.ReadFile(marker)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(tags))
	if len(f) != 2 {
		return nil, fmt.Errorf("%s: want two tags, have %q", marker, tags)
	}
	return &bench{repo: repo, env: append(env.Environ(), "GIT_OPTIONAL_LOCKS=0"), oldTag: f[0], newTag: f[1]}, nil
}
