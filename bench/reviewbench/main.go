// Command reviewbench times git review-rebase against its peers in one
// run and prints each ratio beside its goal: on a generated near rebase
// (hundreds of upstream and queue commits), cold and warm runs against git
// range-diff; on a generated repository of kernel scale, the cold run
// against git range-diff plus git cherry (git's own "which of these are
// upstream") and against `git log -p | git patch-id --stable`, the warm run
// against range-diff, and peak memory. Run it via bench/run.sh.
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
	out := flag.String("dir", "bench/out", "where the generated repositories are kept between runs")
	bin := flag.String("bin", "bin", "directory holding git-review-rebase")
	upstream := flag.Int("upstream", repos.Kernel().Upstream, "kernel scale: upstream commits between the bases")
	queue := flag.Int("queue", repos.Kernel().Queue, "kernel scale: generic queue patches")
	runs := flag.Int("runs", 3, "runs per command; the best is reported")
	scale := flag.String("scale", "both", "which repository: near (a near rebase), kernel, or both")
	extras := flag.Bool("extras", true, "kernel scale: also time --replay and blame (minutes: the merge-tree peer is slow)")
	flag.Parse()
	var err error
	switch *scale {
	case "near":
		err = runNear(*out, *bin, *runs)
	case "kernel":
		err = runKernel(*out, *bin, *upstream, *queue, *runs, *extras)
	case "both":
		if err = runNear(*out, *bin, *runs); err == nil {
			err = runKernel(*out, *bin, *upstream, *queue, *runs, *extras)
		}
	default:
		err = fmt.Errorf("-scale %q: use near, kernel or both", *scale)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reviewbench:", err)
		os.Exit(1)
	}
}

type timing struct {
	wall   time.Duration
	cpu    time.Duration // user + system, every process of the command
	maxRSS int64         // KiB, the largest process of the command
}

// nearParams is a near rebase: a few hundred upstream commits (a few
// stable releases) under a queue of a couple of hundred patches, the
// shape of a routine rebase of a real downstream queue, in a tree of
// kernel-sized files.
func nearParams() repos.Params {
	p := repos.Kernel()
	p.Upstream, p.Queue, p.Releases = 500, 200, 5
	return p
}

// bench is a generated repository ready to be timed.
type bench struct {
	repo, oldTag, newTag string
	environ              []string
}

// prepare generates the repository of p under out (once; later runs reuse
// it) and describes it.
func prepare(out, bin, name string, p repos.Params) (*bench, error) {
	dir, err := filepath.Abs(filepath.Join(out, fmt.Sprintf("%s-%d-%d-f%d", name, p.Upstream, p.Queue, p.Functions)))
	if err != nil {
		return nil, err
	}
	binAbs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	env, err := repos.NewEnv(dir + "-env")
	if err != nil {
		return nil, err
	}
	repo := filepath.Join(dir, "linux")
	if _, err := os.Stat(filepath.Join(repo, ".git", "pq-complete")); err != nil {
		os.RemoveAll(repo)
		t0 := time.Now()
		fmt.Printf("generating %d upstream commits and a %d-patch queue...\n", p.Upstream, p.Queue)
		fx, err := repos.BuildWithEnv(env, repo, p)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(repo, ".git", "pq-complete"), []byte(fx.OldTag+" "+fx.NewTag+"\n"), 0o644); err != nil {
			return nil, err
		}
		fmt.Printf("generated in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	tags, err := os.ReadFile(filepath.Join(repo, ".git", "pq-complete"))
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(tags))
	b := &bench{repo: repo, oldTag: f[0], newTag: f[1],
		environ: append(env.Environ(), "PATH="+binAbs+string(os.PathListSeparator)+os.Getenv("PATH"))}
	graph := "no commit-graph"
	if _, err := os.Stat(filepath.Join(repo, ".git", "objects", "info", "commit-graph")); err == nil {
		graph = "with a commit-graph"
	}
	fmt.Printf("\n== %s: %s (%s)\n  upstream %s..%s: %s commits; old queue %s; new queue %s\n", name, repo, graph, b.oldTag, b.newTag,
		b.count("rev-list", "--count", b.newTag, "^"+b.oldTag), b.count("rev-list", "--count", b.oldRange()), b.count("rev-list", "--count", b.newRange()))
	fmt.Println("  cold: $GIT_COMMON_DIR/review-rebase (every review cache) removed before each run; git's objects and the OS page cache stay warm, as for the peers")
	fmt.Println("  warm: the caches a previous run of the same review left, its whole result included")
	fmt.Println("  warm without the result: the stage caches only (queue lists, patch-ids, upstream digest, drift verdicts)")
	fmt.Println("  after a review of the old queue: cold, but with the caches the last rebase's review left (the old queue was its new queue: its list, patch-ids and drift tokens)")
	return b, nil
}

func (b *bench) oldRange() string { return b.oldTag + "..queue-old" }
func (b *bench) newRange() string { return b.newTag + "..queue-new" }

func (b *bench) count(args ...string) string {
	c := exec.Command("git", args...)
	c.Dir, c.Env = b.repo, b.environ
	o, _ := c.Output()
	return strings.TrimSpace(string(o))
}

func (b *bench) review() []string {
	return []string{"git", "review-rebase", "--format=json", b.oldRange(), b.newRange()}
}

func (b *bench) cold() (timing, error) {
	os.RemoveAll(filepath.Join(b.repo, ".git", "review-rebase"))
	return measure(b.repo, b.environ, b.review())
}

func (b *bench) warm() (timing, error) { return measure(b.repo, b.environ, b.review()) }

// afterPrevious is a cold run of this review after a review that had the
// old queue as its new queue, as the last rebase's review had: the old
// queue's list, patch-ids and drift tokens are in the caches, nothing else
// of this review is. The previous review (untimed) is stood in for by one
// whose old range is the upstream commit of the old base and whose new
// range is the old queue: its bases differ, so its drift check runs.
func (b *bench) afterPrevious() (timing, error) {
	os.RemoveAll(filepath.Join(b.repo, ".git", "review-rebase"))
	prev := exec.Command("git", "review-rebase", "--format=json", b.oldTag+"~1.."+b.oldTag, b.oldRange())
	prev.Dir, prev.Env = b.repo, b.environ
	if out, err := prev.CombinedOutput(); err != nil {
		return timing{}, fmt.Errorf("the previous review: %v: %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(b.repo, ".git", "review-rebase", "result-*"))
	for _, f := range files {
		os.Remove(f)
	}
	return measure(b.repo, b.environ, b.review())
}

// stages is a warm run without the whole result of the previous one: what
// the stage caches alone give, as after a change of options.
func (b *bench) stages() (timing, error) {
	files, _ := filepath.Glob(filepath.Join(b.repo, ".git", "review-rebase", "result-*"))
	for _, f := range files {
		os.Remove(f)
	}
	return measure(b.repo, b.environ, b.review())
}

func (b *bench) rangeDiff() (timing, error) {
	return measure(b.repo, b.environ, []string{"git", "range-diff", "--no-color", b.oldRange(), b.newRange()})
}

// cherry is git's own "which of the old queue is upstream":
// git cherry <new-base> <old-tip> <old-base>.
func (b *bench) cherry() (timing, error) {
	return measure(b.repo, b.environ, []string{"git", "cherry", b.newTag, "queue-old", b.oldTag})
}

// interleaved runs each named command once per round, runs rounds, so
// that a busy spell of the machine is shared out, and keeps the best wall
// and CPU times and the largest peak memory.
func interleaved(runs int, names []string, fns ...func() (timing, error)) ([]*result, error) {
	out := make([]*result, len(fns))
	for i := 0; i < runs; i++ {
		for j, f := range fns {
			t, err := f()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", names[j], err)
			}
			if out[j] == nil {
				out[j] = &result{t: t}
			}
			out[j].t.wall = min(out[j].t.wall, t.wall)
			out[j].t.cpu = min(out[j].t.cpu, t.cpu)
			out[j].t.maxRSS = max(out[j].t.maxRSS, t.maxRSS)
		}
	}
	return out, nil
}

func row(name string, r *result) {
	fmt.Printf("%-52s %10.3f %10.3f %9d MiB\n", name, r.t.wall.Seconds(), r.t.cpu.Seconds(), r.t.maxRSS/1024)
}

func header() {
	fmt.Printf("\n%-52s %10s %10s %13s\n", "command (best of runs)", "wall s", "CPU s", "peak RSS")
}

// ratio prints a wall-time ratio beside its goal, and the same ratio of
// CPU time: on a busy machine the wall ratio mostly measures the
// scheduler, the CPU ratio the work.
func ratio(name string, got, goal, cpu float64) {
	verdict := "met"
	if got > goal {
		verdict = "NOT met"
	}
	fmt.Printf("%-44s %5.2f  (goal <= %.2f: %s; CPU ratio %.2f)\n", name, got, goal, verdict, cpu)
}

// info prints a ratio that has no goal: what the workflow sees.
func info(name string, got, cpu float64) {
	fmt.Printf("%-44s %5.2f  (no goal; CPU ratio %.2f)\n", name, got, cpu)
}

func cpuSecs(r *result) float64 { return r.t.cpu.Seconds() }

// runNear times a near rebase against git range-diff.
func runNear(out, bin string, runs int) error {
	b, err := prepare(out, bin, "near", nearParams())
	if err != nil {
		return err
	}
	names := []string{"cold", "warm", "stage caches", "after previous", "range-diff"}
	r, err := interleaved(runs, names, b.cold, b.warm, b.stages, b.afterPrevious, b.rangeDiff)
	if err != nil {
		return err
	}
	cold, warm, st, prev, rd := r[0], r[1], r[2], r[3], r[4]
	header()
	row("git review-rebase, cold", cold)
	row("git review-rebase, warm", warm)
	row("git review-rebase, warm without the result", st)
	row("git review-rebase, after a review of the old queue", prev)
	row("git range-diff", rd)
	fmt.Println()
	ratio("near: cold / range-diff", secs(cold)/secs(rd), 0.5, cpuSecs(cold)/cpuSecs(rd))
	ratio("near: warm / range-diff", secs(warm)/secs(rd), 0.1, cpuSecs(warm)/cpuSecs(rd))
	info("near: after previous / range-diff", secs(prev)/secs(rd), cpuSecs(prev)/cpuSecs(rd))
	return nil
}

func secs(r *result) float64 { return r.t.wall.Seconds() }

// runKernel times the kernel-scale review against git range-diff, git
// cherry and git's own patch-id pipeline, then --replay and blame.
func runKernel(out, bin string, upstream, queue, runs int, extras bool) error {
	p := repos.Kernel()
	p.Upstream, p.Queue = upstream, queue
	if p.Releases > upstream/10 {
		p.Releases = upstream / 10
	}
	b, err := prepare(out, bin, "kernel", p)
	if err != nil {
		return err
	}
	pipeline := func() (timing, error) {
		return measurePipe(b.repo, b.environ,
			[]string{"git", "log", "-p", "--no-merges", "--full-index", "--no-renames", "--diff-algorithm=myers", "--no-indent-heuristic", "queue-old", "queue-new", "^" + b.oldTag},
			[]string{"git", "patch-id", "--stable"})
	}
	names := []string{"cold", "warm", "stage caches", "after previous", "range-diff", "cherry", "log -p | patch-id"}
	r, err := interleaved(runs, names, b.cold, b.warm, b.stages, b.afterPrevious, b.rangeDiff, b.cherry, pipeline)
	if err != nil {
		return err
	}
	cold, warm, st, prev, rd, ch, pipe := r[0], r[1], r[2], r[3], r[4], r[5], r[6]
	header()
	row("git review-rebase, cold", cold)
	row("git review-rebase, warm", warm)
	row("git review-rebase, warm without the result", st)
	row("git review-rebase, after a review of the old queue", prev)
	row("git range-diff", rd)
	row("git cherry <new-base> <old-tip> <old-base>", ch)
	row("git log -p | git patch-id --stable (all 3 ranges)", pipe)
	fmt.Println()
	ratio("kernel: cold / (range-diff + cherry)", secs(cold)/(secs(rd)+secs(ch)), 0.3, cpuSecs(cold)/(cpuSecs(rd)+cpuSecs(ch)))
	ratio("kernel: warm / range-diff", secs(warm)/secs(rd), 0.1, cpuSecs(warm)/cpuSecs(rd))
	ratio("kernel: cold / log -p | patch-id", secs(cold)/secs(pipe), 0.6, cpuSecs(cold)/cpuSecs(pipe))
	ratio("kernel: cold / range-diff", secs(cold)/secs(rd), 1.0, cpuSecs(cold)/cpuSecs(rd))
	info("kernel: after previous / (range-diff + cherry)", secs(prev)/(secs(rd)+secs(ch)), cpuSecs(prev)/(cpuSecs(rd)+cpuSecs(ch)))
	peak := float64(max(cold.t.maxRSS, warm.t.maxRSS)) / 1024
	fmt.Printf("%-44s %5.0f  (goal <= 300 MiB: %s)\n", "kernel: peak memory of review-rebase, MiB", peak, map[bool]string{true: "met", false: "NOT met"}[peak <= 300])
	if !extras {
		return nil
	}
	return benchReplay(b.repo, b.environ, b.oldRange(), b.newRange(), warm, runs)
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
	r, err := interleaved(runs, []string{"--replay", "merge-tree"}, func() (timing, error) {
		return measure(repo, environ, []string{"git", "review-rebase", "--format=json", "--replay", oldRange, newRange})
	}, func() (timing, error) {
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
	if err != nil {
		return err
	}
	withReplay, plain := r[0], r[1]
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
	r, err := interleaved(runs, []string{"show --blame", "blame"}, func() (timing, error) {
		return measure(repo, environ, []string{"git", "review-rebase", "show", "--blame", "--width=200", pair[0], pair[1]})
	}, func() (timing, error) {
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
	if err != nil {
		return err
	}
	show, plain := r[0], r[1]
	fmt.Printf("\nblame of a changed pair (%d file(s), both sides):\n", len(files))
	fmt.Printf("show --blame (limited to the fork point, layout included): %.3f s  (want <= 1 s)\n", show.t.wall.Seconds())
	fmt.Printf("plain whole-history git blame of the same files:           %.3f s\n", plain.t.wall.Seconds())
	fmt.Printf("ratio show --blame / plain blame:   %.2f\n", show.t.wall.Seconds()/plain.t.wall.Seconds())
	return nil
}

type result struct {
	t timing
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
	var ns, cpuNS, kib int64
	if _, err := fmt.Sscan(out.String(), &ns, &cpuNS, &kib); err != nil {
		return timing{}, fmt.Errorf("measure: %q: %v", out.String(), err)
	}
	return timing{wall: time.Duration(ns), cpu: time.Duration(cpuNS), maxRSS: kib}, nil
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
	wall := time.Since(t0)
	// Every process the command ran has been waited for, by it or by us.
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Println(wall.Nanoseconds(), cpu.Nanoseconds(), peak)
	return 0
}
