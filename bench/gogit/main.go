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
	"syscall"
	"time"

	git "github.com/go-git/go-git/v5"
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
	gc := flag.Bool("gc", true, "pack the copy read with `git gc` first, as a maintained repository is")
	extra := flag.Int("extra", 0, "then add this many small objects in a second pack and time the open again (slow: 1000000 takes minutes)")
	flag.Parse()
	if err := run(*out, *repo, *oldTag, *newTag, *oldQ, *newQ, *upstream, *queue, *runs, *blobs, *patches, *gc, *extra); err != nil {
		fmt.Fprintln(os.Stderr, "gogit:", err)
		os.Exit(1)
	}
}

func run(out, repo, oldTag, newTag, oldQ, newQ string, upstream, queue, runs, nblobs, npatches int, gc bool, extra int) error {
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

	// The copies go beside the generated repository (same file system, so
	// the clone is hard links), or in the temporary directory for -repo.
	parent := filepath.Dir(b.repo)
	if repo != "" {
		parent = ""
	}
	tmp, err := os.MkdirTemp(parent, "gogit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := b.prepare(tmp, nblobs, npatches, gc); err != nil {
		return err
	}
	fmt.Printf("repository: %s\n  read from its clone %s\n", b.repo, b.work)
	fmt.Printf("  %s\n", b.describe())
	fmt.Printf("  %s..%s; %d queue commits, %d with notes; %d blobs; %d patches; git %s; best of %d runs\n\n",
		b.oldTag, b.newTag, len(b.queueCommits), len(b.noteTargets), len(b.blobs), len(b.patchCommits), b.gitVersion(), runs)

	fmt.Printf("load average at start: %s\n\n", loadavg())
	b.table(runs, b.operations())
	fmt.Println(`
ratio = go-git / git: above 1 go-git is slower. Each figure is the best of the
runs; cpu is user+system time of this process and the git processes it ran.
go-git opens the repository on every run, as a tool that is one process per
command would. warm: go-git's wall time on a repository opened, and the same
operation done, once before (its caches full), as a long-lived process might
see it; no ratio, since the tools are not that.`)
	fmt.Println()
	b.reportShared()
	if extra > 0 {
		fmt.Printf("\nadding %d objects in a second pack...\n", extra)
		if err := b.addObjects(extra); err != nil {
			return err
		}
		fmt.Printf("  %s\n\n", b.describe())
		b.table(runs, b.operations()[:2])
	}
	fmt.Printf("\nload average at the end: %s\n", loadavg())
	return nil
}

// loadavg is the first three fields of /proc/loadavg: the machine is
// shared, and wall times mean little when it is busy.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// table times ops with both engines and prints a row for each.
func (b *bench) table(runs int, ops []operation) {
	fmt.Printf("%-44s %9s %9s %6s  %10s %9s %9s  %9s\n", "operation", "go-git", "git", "ratio", "go-git cpu", "git cpu", "cpu ratio", "warm")
	for _, o := range ops {
		cold := func() (string, error) {
			r, err := git.PlainOpen(b.work)
			if err != nil {
				return "", err
			}
			return o.gogit(r)
		}
		// The engines take turns, so a burst of load from elsewhere on
		// the machine falls on both.
		t, err := best(runs, cold, o.git)
		note := ""
		var warm timing
		if err == nil {
			warm, err = b.warm(runs, o.gogit)
		}
		switch {
		case err != nil:
			note = "failed: " + err.Error()
		case o.compare && t[0].answer != t[1].answer:
			note = fmt.Sprintf("ANSWERS DIFFER: go-git %q, git %q", t[0].answer, t[1].answer)
		}
		if note != "" {
			fmt.Printf("%-44s %s\n", o.name, note)
			continue
		}
		fmt.Printf("%-44s %9s %9s %5.1fx  %10s %9s %8.1fx  %9s\n", o.name,
			seconds(t[0].wall), seconds(t[1].wall), t[0].wall.Seconds()/t[1].wall.Seconds(),
			seconds(t[0].cpu), seconds(t[1].cpu), t[0].cpu.Seconds()/t[1].cpu.Seconds(), seconds(warm.wall))
	}
}

// warm times op on a repository opened, and op done, once beforehand.
func (b *bench) warm(runs int, op func(*git.Repository) (string, error)) (timing, error) {
	r, err := git.PlainOpen(b.work)
	if err != nil {
		return timing{}, err
	}
	if _, err := op(r); err != nil {
		return timing{}, err
	}
	t, err := best(runs, func() (string, error) { return op(r) })
	if err != nil {
		return timing{}, err
	}
	return t[0], nil
}

func seconds(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
	}
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// operation is one read the tools do, by both engines. Each function does
// the whole operation from nothing and returns a short answer (a count, a
// size, an id) for the comparison.
type operation struct {
	name  string
	gogit func(*git.Repository) (string, error)
	git   func() (string, error)
	// compare: both engines must give the same answer (false where the
	// output formats differ, as with patch text).
	compare bool
}

type timing struct {
	wall, cpu time.Duration
	answer    string
}

// best runs each of fs n times, in turns, and returns the best wall time
// and the best CPU time of each with its answer.
func best(n int, fs ...func() (string, error)) ([]timing, error) {
	t := make([]timing, len(fs))
	for i := 0; i < n; i++ {
		for j, f := range fs {
			runtime.GC()
			c0 := cpuTime()
			t0 := time.Now()
			ans, err := f()
			d := time.Since(t0)
			c := cpuTime() - c0
			if err != nil {
				return nil, err
			}
			if i == 0 || d < t[j].wall {
				t[j].wall, t[j].answer = d, ans
			}
			if i == 0 || c < t[j].cpu {
				t[j].cpu = c
			}
		}
	}
	return t, nil
}

// cpuTime is the user and system time of this process and of its waited-for
// children so far.
func cpuTime() time.Duration {
	var d time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err == nil {
			d += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return d
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
	out, err := b.git(b.work, nil, "count-objects", "-v")
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
