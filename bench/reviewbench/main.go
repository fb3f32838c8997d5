// Command reviewbench times git review-rebase against its peers on a
// generated repository of kernel scale, in one run, and prints ratios:
// cold run vs git range-diff, cold run vs git's own
// `git log -p | git patch-id --stable` over the upstream range and both
// queues, warm run vs range-diff, and peak memory. Run it via bench/run.sh.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/patchqueue/pqtools/testdata/repos"
)

func main() {
	// Measuring mode: this process is a small, fresh parent, so the peak RSS
	// the kernel reports for its children is theirs, not inherited from the
	// generator's large heap through fork.
	if len(os.Args) > 2 && os.Args[1] == "-measure" {
		os.Exit(measureMain(os.Args[2], os.Args[3:]))
	}
	out := flag.String("dir", "bench/out", "where the generated repository is kept between runs")
	bin := flag.String("bin", "bin", "directory holding git-review-rebase")
	upstream := flag.Int("upstream", repos.Kernel().Upstream, "upstream commits between the bases")
	queue := flag.Int("queue", repos.Kernel().Queue, "generic queue patches")
	runs := flag.Int("runs", 3, "runs per command; the best is reported")
	flag.Parse()
	if err := run(*out, *bin, *upstream, *queue, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "reviewbench:", err)
		os.Exit(1)
	}
}

type timing struct {
	wall   time.Duration
	maxRSS int64 // KiB, the largest process of the command
}

func run(out, bin string, upstream, queue, runs int) error {
	p := repos.Kernel()
	p.Upstream, p.Queue = upstream, queue
	if p.Releases > upstream/10 {
		p.Releases = upstream / 10
	}
	dir, err := filepath.Abs(filepath.Join(out, fmt.Sprintf("kernel-%d-%d-f%d", upstream, queue, p.Functions)))
	if err != nil {
		return err
	}
	binAbs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	env, err := repos.NewEnv(dir + "-env")
	if err != nil {
		return err
	}
	repo := filepath.Join(dir, "linux")
	var fx *repos.Fixture
	if _, err := os.Stat(filepath.Join(repo, ".git", "pq-complete")); err != nil {
		os.RemoveAll(repo)
		t0 := time.Now()
		fmt.Printf("generating %d upstream commits and a %d-patch queue...\n", upstream, queue)
		if fx, err = repos.BuildWithEnv(env, repo, p); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(repo, ".git", "pq-complete"), []byte(fx.OldTag+" "+fx.NewTag+"\n"), 0o644); err != nil {
			return err
		}
		fmt.Printf("generated in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	tags, err := os.ReadFile(filepath.Join(repo, ".git", "pq-complete"))
	if err != nil {
		return err
	}
	f := strings.Fields(string(tags))
	oldTag, newTag := f[0], f[1]
	environ := append(env.Environ(), "PATH="+binAbs+string(os.PathListSeparator)+os.Getenv("PATH"))
	cache := filepath.Join(repo, ".git", "review-rebase")
	oldRange, newRange := oldTag+"..queue-old", newTag+"..queue-new"

	count := func(args ...string) string {
		c := exec.Command("git", args...)
		c.Dir, c.Env = repo, environ
		o, _ := c.Output()
		return strings.TrimSpace(string(o))
	}
	fmt.Printf("repository: %s\n  upstream %s..%s: %s commits; old queue %s; new queue %s\n", repo, oldTag, newTag,
		count("rev-list", "--count", newTag, "^"+oldTag), count("rev-list", "--count", oldRange), count("rev-list", "--count", newRange))

	ours := []string{"git", "review-rebase", "--format=json", oldRange, newRange}
	cold := best(runs, func() (timing, error) { os.RemoveAll(cache); return measure(repo, environ, ours) })
	warm := best(runs, func() (timing, error) { return measure(repo, environ, ours) })
	rangeDiff := best(runs, func() (timing, error) {
		return measure(repo, environ, []string{"git", "range-diff", "--no-color", oldRange, newRange})
	})
	pipeline := best(runs, func() (timing, error) {
		return measurePipe(repo, environ,
			[]string{"git", "log", "-p", "--no-merges", "--full-index", "--no-renames", "--diff-algorithm=myers", "--no-indent-heuristic", "queue-old", "queue-new", "^" + oldTag},
			[]string{"git", "patch-id", "--stable"})
	})
	for _, t := range []*result{cold, warm, rangeDiff, pipeline} {
		if t.err != nil {
			return t.err
		}
	}
	fmt.Printf("\n%-48s %10s %12s\n", "command (best of runs)", "seconds", "peak RSS")
	row := func(name string, r *result) {
		fmt.Printf("%-48s %10.3f %9d MiB\n", name, r.t.wall.Seconds(), r.t.maxRSS/1024)
	}
	row("git review-rebase, cold cache", cold)
	row("git review-rebase, warm cache", warm)
	row("git range-diff", rangeDiff)
	row("git log -p | git patch-id --stable (all 3 ranges)", pipeline)
	ratio := func(a, b *result) float64 { return a.t.wall.Seconds() / b.t.wall.Seconds() }
	fmt.Printf("\nratio cold / range-diff:            %.2f  (want <= 1.0, aim 0.8)\n", ratio(cold, rangeDiff))
	fmt.Printf("ratio cold / log -p | patch-id:     %.2f  (want <= 0.6)\n", ratio(cold, pipeline))
	fmt.Printf("ratio warm / range-diff:            %.2f  (want <= 0.3)\n", ratio(warm, rangeDiff))
	fmt.Printf("peak memory of review-rebase:       %d MiB (want <= 300)\n", max(cold.t.maxRSS, warm.t.maxRSS)/1024)
	return benchReplay(repo, environ, oldRange, newRange, warm, runs)
}

// benchReplay compares what --replay adds to a warm review with as many
// plain `git merge-tree --write-tree` calls as there are pairs replayed.
func benchReplay(repo string, environ []string, oldRange, newRange string, warm *result, runs int) error {
	c := exec.Command("git", "review-rebase", "--format=json", oldRange, newRange)
	c.Dir, c.Env = repo, environ
	out, err := c.Output()
	if err != nil {
		return fmt.Errorf("review for replay pairs: %v", err)
	}
	var doc struct {
		Rows []struct {
			Status   string `json:"status"`
			Upstream bool   `json:"upstream"`
			Old, New *struct {
				SHA string `json:"sha"`
			}
		} `json:"rows"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return err
	}
	var pairs [][2]string
	for _, r := range doc.Rows {
		if (r.Status == "title" || r.Status == "similar") && !r.Upstream && r.Old != nil && r.New != nil {
			pairs = append(pairs, [2]string{r.Old.SHA, r.New.SHA})
		}
	}
	withReplay := best(runs, func() (timing, error) {
		return measure(repo, environ, []string{"git", "review-rebase", "--format=json", "--replay", oldRange, newRange})
	})
	if withReplay.err != nil {
		return withReplay.err
	}
	plain := best(runs, func() (timing, error) {
		t0 := time.Now()
		for _, p := range pairs {
			c := exec.Command("git", "merge-tree", "--write-tree", "--name-only", p[1]+"^", p[0])
			c.Dir, c.Env = repo, environ
			if err := c.Run(); err != nil {
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 { // 1: conflicts
					return timing{}, fmt.Errorf("merge-tree: %v", err)
				}
			}
		}
		return timing{wall: time.Since(t0)}, nil
	})
	if plain.err != nil {
		return plain.err
	}
	added := withReplay.t.wall - warm.t.wall
	fmt.Printf("\nreplay of %d title/similar pairs (--replay on a warm review): +%.3f s\n", len(pairs), added.Seconds())
	fmt.Printf("%d plain git merge-tree --write-tree calls:               %.3f s\n", len(pairs), plain.t.wall.Seconds())
	fmt.Printf("ratio replay / plain merge-tree:    %.2f  (want about 1)\n", added.Seconds()/plain.t.wall.Seconds())
	if len(pairs) == 0 {
		return nil
	}
	return benchBlame(repo, environ, pairs, runs)
}

// benchBlame times the blame of a changed pair, both sides, as the UI's
// blame column and show --blame do it (limited to the commits after the
// fork point), against a plain whole-history git blame of the new
// commit's files in its parent, which is what the column used to run.
func benchBlame(repo string, environ []string, pairs [][2]string, runs int) error {
	// The first pair whose new commit changes files (an empty commit has
	// nothing to blame).
	var pair [2]string
	var files []string
	for _, p := range pairs {
		c := exec.Command("git", "diff-tree", "--no-commit-id", "--name-only", "-r", p[1]+"^", p[1])
		c.Dir, c.Env = repo, environ
		out, err := c.Output()
		if err != nil {
			return err
		}
		if files = strings.Fields(string(out)); len(files) > 0 {
			pair = p
			break
		}
	}
	if len(files) == 0 {
		return nil
	}
	show := best(runs, func() (timing, error) {
		return measure(repo, environ, []string{"git", "review-rebase", "show", "--blame", "--width=200", pair[0], pair[1]})
	})
	if show.err != nil {
		return show.err
	}
	plain := best(runs, func() (timing, error) {
		t0 := time.Now()
		for _, f := range files {
			for _, rev := range []string{pair[0] + "^", pair[1] + "^"} {
				c := exec.Command("git", "blame", "--porcelain", rev, "--", f)
				c.Dir, c.Env = repo, environ
				_ = c.Run() // a file new on one side has no blame there
			}
		}
		return timing{wall: time.Since(t0)}, nil
	})
	if plain.err != nil {
		return plain.err
	}
	fmt.Printf("\nblame of a changed pair (%d file(s), both sides):\n", len(files))
	fmt.Printf("show --blame (limited to the fork point, layout included): %.3f s  (want <= 1 s)\n", show.t.wall.Seconds())
	fmt.Printf("plain whole-history git blame of the same files:           %.3f s\n", plain.t.wall.Seconds())
	fmt.Printf("ratio show --blame / plain blame:   %.2f\n", show.t.wall.Seconds()/plain.t.wall.Seconds())
	return nil
}

type result struct {
	t   timing
	err error
}

func best(n int, f func() (timing, error)) *result {
	var r *result
	for i := 0; i < n; i++ {
		t, err := f()
		if err != nil {
			return &result{err: err}
		}
		if r == nil || t.wall < r.t.wall {
			r = &result{t: t}
		}
	}
	return r
}

func rss(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// measure runs argv (a "|" argument splits a two-command pipeline) under a
// fresh copy of this program and reads back wall time and peak RSS.
func measure(dir string, env []string, argv []string) (timing, error) {
	self, err := os.Executable()
	if err != nil {
		return timing{}, err
	}
	c := exec.Command(self, append([]string{"-measure", dir}, argv...)...)
	c.Env = env
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		return timing{}, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, errb.String())
	}
	var ns, kib int64
	if _, err := fmt.Sscan(out.String(), &ns, &kib); err != nil {
		return timing{}, fmt.Errorf("measure: %q: %v", out.String(), err)
	}
	return timing{wall: time.Duration(ns), maxRSS: kib}, nil
}

func measurePipe(dir string, env []string, a, b []string) (timing, error) {
	return measure(dir, env, append(append(append([]string{}, a...), "|"), b...))
}

func measureMain(dir string, argv []string) int {
	var cmds []*exec.Cmd
	start := 0
	for i := 0; i <= len(argv); i++ {
		if i == len(argv) || argv[i] == "|" {
			c := exec.Command(argv[start], argv[start+1:i]...)
			c.Dir, c.Stderr = dir, os.Stderr
			cmds = append(cmds, c)
			start = i + 1
		}
	}
	for i := 0; i+1 < len(cmds); i++ {
		pr, pw := io.Pipe()
		cmds[i].Stdout, cmds[i+1].Stdin = pw, pr
		defer pw.Close()
	}
	cmds[len(cmds)-1].Stdout = io.Discard
	t0 := time.Now()
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	var peak int64
	for i, c := range cmds {
		err := c.Wait()
		if w, ok := c.Stdout.(*io.PipeWriter); ok && i+1 < len(cmds) {
			w.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		peak = max(peak, rss(c.ProcessState))
	}
	fmt.Println(time.Since(t0).Nanoseconds(), peak)
	return 0
}
