// Command gogit times go-git v5 against the git process for the reads the
// pqtools commands do, on the generated kernel-scale repository that
// bench/run.sh uses (or any repository given with -repo), and prints one
// table: operation | go-git | git | ratio.
//
// Each engine does the whole operation as one command invocation would:
// go-git opens the repository every time (a tool is one process per
// command, so it pays the open on every run) and git is started as the
// tools start it. The best of -runs is reported. The answers of the two
// engines are compared once, so a fast wrong answer cannot win.
//
// It lives in its own module so that the tools' go.mod never lists go-git.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	out := flag.String("dir", "../out", "where the generated repository is kept (shared with bench/reviewbench)")
	repo := flag.String("repo", "", "benchmark this repository instead of the generated one (needs -old and -new)")
	oldTag := flag.String("old", "", "with -repo: the old base (tag or commit)")
	newTag := flag.String("new", "", "with -repo: the new base (tag or commit)")
	oldQ := flag.String("old-queue", "queue-old", "with -repo: the tip of the old queue")
	newQ := flag.String("new-queue", "queue-new", "with -repo: the tip of the new queue")
	upstream := flag.Int("upstream", 25000, "generated: upstream commits between the bases")
	queue := flag.Int("queue", 580, "generated: generic queue patches")
	runs := flag.Int("runs", 3, "runs per operation and engine; the best is reported")
	blobs := flag.Int("blobs", 2000, "blobs to read")
	patches := flag.Int("patches", 500, "commits whose patch text is produced (0 skips)")
	flag.Parse()
	if err := run(*out, *repo, *oldTag, *newTag, *oldQ, *newQ, *upstream, *queue, *runs, *blobs, *patches); err != nil {
		fmt.Fprintln(os.Stderr, "gogit:", err)
		os.Exit(1)
	}
}

func run(out, repo, oldTag, newTag, oldQ, newQ string, upstream, queue, runs, nblobs, npatches int) error {
	var b *bench
	var err error
	if repo != "" {
		if oldTag == "" || newTag == "" {
			return fmt.Errorf("-repo needs -old and -new")
		}
		abs, err := filepath.Abs(repo)
		if err != nil {
			return err
		}
		b = &bench{repo: abs, env: pinnedEnv(), oldTag: oldTag, newTag: newTag}
	} else if b, err = generated(out, upstream, queue); err != nil {
		return err
	}
	b.oldQueue, b.newQueue = oldQ, newQ

	// Copies: a local clone (hard links, so cheap) to add notes to without
	// touching the shared bench data, and a `clone --shared` (alternates).
	tmp, err := os.MkdirTemp(filepath.Dir(b.repo), "gogit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := b.prepare(tmp, nblobs, npatches); err != nil {
		return err
	}
	fmt.Printf("repository: %s (copy with notes: %s)\n", b.repo, b.notesRepo)
	fmt.Printf("  %s\n", b.describe())
	fmt.Printf("  %s..%s; %d queue commits, %d with notes; %d blobs; %d patches; git %s; best of %d runs\n\n",
		b.oldTag, b.newTag, len(b.queueCommits), len(b.noteTargets), len(b.blobs), len(b.patchCommits), b.gitVersion(), runs)

	fmt.Printf("%-44s %10s %10s %8s\n", "operation", "go-git", "git", "ratio")
	for _, o := range b.operations() {
		g, gerr := best(runs, o.gogit)
		p, perr := best(runs, o.git)
		note := ""
		switch {
		case gerr != nil:
			note = "go-git failed: " + gerr.Error()
		case perr != nil:
			note = "git failed: " + perr.Error()
		case o.compare && g.answer != p.answer:
			note = fmt.Sprintf("ANSWERS DIFFER: go-git %q, git %q", g.answer, p.answer)
		}
		if note != "" {
			fmt.Printf("%-44s %s\n", o.name, note)
			continue
		}
		fmt.Printf("%-44s %10s %10s %7.1fx\n", o.name, seconds(g.wall), seconds(p.wall), g.wall.Seconds()/p.wall.Seconds())
	}
	fmt.Println("\nratio = go-git / git: above 1 go-git is slower.")
	fmt.Println()
	b.reportShared(tmp)
	return nil
}

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// operation is one read the tools do, by both engines. Each function does
// the whole operation from nothing and returns a short answer (a count, a
// size, an id) for the comparison.
type operation struct {
	name       string
	gogit, git func() (string, error)
	// compare: both engines must give the same answer (false where the
	// output formats differ, as with patch text).
	compare bool
}

type timing struct {
	wall   time.Duration
	answer string
}

func best(n int, f func() (string, error)) (timing, error) {
	var t timing
	for i := 0; i < n; i++ {
		runtime.GC()
		t0 := time.Now()
		ans, err := f()
		d := time.Since(t0)
		if err != nil {
			return timing{}, err
		}
		if i == 0 || d < t.wall {
			t = timing{wall: d, answer: ans}
		}
	}
	return t, nil
}

func (b *bench) operations() []operation {
	ops := []operation{
		{name: "resolve the new base tag to a commit", gogit: b.gogitResolve, git: b.gitResolve, compare: true},
		{name: "read one commit (message, parents, author)", gogit: b.gogitCommit, git: b.gitCommit, compare: true},
		{name: fmt.Sprintf("read the old queue's %d commits (log)", len(b.oldQueueCommits)), gogit: b.gogitQueueLog, git: b.gitQueueLog, compare: true},
		{name: fmt.Sprintf("read the notes of %d commits", len(b.queueCommits)), gogit: b.gogitNotes, git: b.gitNotes, compare: true},
		{name: fmt.Sprintf("read %d blobs", len(b.blobs)), gogit: b.gogitBlobs, git: b.gitBlobs, compare: true},
		{name: "list every path of the new base's tree", gogit: b.gogitTree, git: b.gitTree, compare: true},
	}
	if len(b.patchCommits) > 0 {
		ops = append(ops, operation{name: fmt.Sprintf("patch text of %d commits", len(b.patchCommits)), gogit: b.gogitPatches, git: b.gitPatches})
	}
	return ops
}

func (b *bench) describe() string {
	out, err := b.git(b.repo, nil, "count-objects", "-v")
	if err != nil {
		return "count-objects: " + err.Error()
	}
	var f []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok && (k == "count" || k == "in-pack" || k == "packs" || k == "size-pack") {
			f = append(f, k+" "+v)
		}
	}
	return "objects: " + strings.Join(f, ", ") + " (size-pack in KiB)"
}

func (b *bench) gitVersion() string {
	out, err := b.git(b.repo, nil, "version")
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "git version ")
}
