package importsrpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/proc"
	"github.com/patchqueue/pqtools/internal/srpm"
)

// ImportOptions is everything git import-srpm <srpm-rev> needs.
type ImportOptions struct {
	IO *cliutil.IO

	SRPMRepo string // directory of the SRPM repository; "" is the current one
	CodeRepo string // "" is ../linux (kernel) or ../<Name> beside the SRPM repository
	BaseTag  string
	Vendor   string
	Dist     string
	DistSet  bool
	Force    bool
	All      bool
	Verbose  bool
	Prep     bool
	Jobs     int
	Rev      string
	sizeErr  error // a bad --max-patch-size, reported as a usage error
	// MaxPatchSize caps a compressed patch's decompressed size.
	MaxPatchSize int64
}

// sharedFlags are the options of both import and verify. They are built
// afresh for each use: urfave/cli keeps parsed state in flag values.
func sharedFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "srpm-repo", Usage: "the SRPM repository (default: the current one)", Value: ""},
		&cli.StringFlag{Name: "code-repo", Usage: "the code repository to import into (default: ../linux for a kernel, else ../<Name>, beside the SRPM repository)"},
		&cli.StringFlag{Name: "base-tag", Value: srpm.DefaultBaseTag, Usage: "upstream tag of the spec's Version; %{version}, %{name} and %{release} are replaced"},
		&cli.StringFlag{Name: "vendor", Usage: "vendor part of the branch names (default: xcpng when the spec mentions XCP-ng, else xenserver)"},
		&cli.StringFlag{Name: "dist", Usage: "value of %{dist} (default: empty)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "say how each patch was applied, on stderr"},
		&cli.BoolFlag{Name: "prep", Usage: "also run rpmbuild -bp and commit what %prep changed beyond the patches"},
		&cli.StringFlag{Name: "max-patch-size", Value: "512M", Usage: "refuse a compressed patch that decompresses past `SIZE` bytes (K, M, G suffixes)"},
	}
}

// importFlags are the options of the default action.
func importFlags() []cli.Flag {
	return append(sharedFlags(),
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "replace existing branches"},
		&cli.BoolFlag{Name: "all", Usage: "import every revision of the current SRPM branch that gives a distinct branch name, in parallel"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "imports run at once with --all", DefaultText: "number of CPUs, at most 8"},
	)
}

func (o *ImportOptions) setShared(c *cli.Context) {
	o.SRPMRepo = c.String("srpm-repo")
	o.CodeRepo = c.String("code-repo")
	o.BaseTag = c.String("base-tag")
	o.Vendor = c.String("vendor")
	o.Dist, o.DistSet = c.String("dist"), c.IsSet("dist")
	o.Verbose = c.Bool("verbose")
	o.Prep = c.Bool("prep")
	o.MaxPatchSize, o.sizeErr = parseSize(c.String("max-patch-size"))
}

// parseSize reads a size as "1048576", "512K", "512M" or "1G" (powers of
// 1024, as rpm and most tools read them).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1<<10, t[:n-1]
		case 'm', 'M':
			mult, t = 1<<20, t[:n-1]
		case 'g', 'G':
			mult, t = 1<<30, t[:n-1]
		}
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return 0, cliutil.Usagef("--max-patch-size %q: give a positive size such as 512M or 2G", s)
	}
	return v * mult, nil
}

// srpmOptions are srpm.Import's options; srpmRepo is where --prep reads from.
func (o *ImportOptions) srpmOptions(srpmRepo *git.Repo) srpm.ImportOptions {
	so := srpm.ImportOptions{BaseTag: o.BaseTag, Force: o.Force, Dist: o.Dist, DistSet: o.DistSet}
	if o.Prep {
		so.PrepFrom = srpmRepo
	}
	if o.Verbose {
		so.Log = o.IO.ErrOut
	}
	return so
}

// importAction is the default action: git import-srpm [options] <srpm-rev>.
func importAction(stdio *cliutil.IO, run func(context.Context, any) error) cli.ActionFunc {
	return action(run, func(c *cli.Context) *ImportOptions {
		o := &ImportOptions{IO: stdio}
		o.setShared(c)
		o.Force, o.All, o.Jobs = c.Bool("force"), c.Bool("all"), c.Int("jobs")
		return o
	})
}

func (o *ImportOptions) setArgs(args []string) error {
	switch {
	case o.sizeErr != nil:
		return o.sizeErr
	case o.All && len(args) != 0:
		return cliutil.Usagef("--all takes no revision, got %q", args[0])
	case !o.All && len(args) != 1:
		return cliutil.Usagef("give one <srpm-rev> to import (or --all), got %d argument(s)", len(args))
	case o.Jobs < 0:
		return cliutil.Usagef("--jobs must not be negative (0: the default)")
	case o.BaseTag == "":
		return cliutil.Usagef("--base-tag must not be empty")
	}
	if !o.All {
		o.Rev = args[0]
		if err := git.CheckRev(o.Rev); err != nil {
			return cliutil.Usagef("%v", err)
		}
	}
	return nil
}

func (o *ImportOptions) readOptions() srpm.ReadOptions {
	return srpm.ReadOptions{Dist: o.Dist, DistSet: o.DistSet, Vendor: o.Vendor, MaxPatchSize: o.MaxPatchSize}
}

// openSRPM opens the SRPM repository, having first refused --prep when
// rpmbuild is missing.
func (o *ImportOptions) openSRPM(ctx context.Context) (*git.Repo, error) {
	if err := o.checkPrep(); err != nil {
		return nil, err
	}
	dir := o.SRPMRepo
	if dir == "" {
		dir = o.IO.Dir
	}
	if dir == "" {
		dir = "."
	}
	r, err := git.Open(ctx, dir)
	if errors.Is(err, git.ErrNotRepository) {
		return nil, cliutil.Usagef("%s is not a git repository; run in the SRPM repository or give --srpm-repo", dir)
	}
	if err != nil {
		return nil, err
	}
	r.Env = o.IO.GitEnv
	return r, nil
}

// readRev reads o.Rev from the SRPM repository and opens the code
// repository it is imported into.
func (o *ImportOptions) readRev(ctx context.Context, srpmRepo *git.Repo) (*srpm.Revision, *git.Repo, error) {
	rev, err := srpm.Read(ctx, srpmRepo, o.Rev, o.readOptions())
	if err != nil {
		return nil, nil, readError(o.IO.ErrOut, o.Rev, err)
	}
	code, err := o.openCode(ctx, srpmRepo, rev.Name)
	if err != nil {
		return nil, nil, err
	}
	return rev, code, nil
}

// openCode opens the code repository: --code-repo, or beside the SRPM
// repository the upstream's name (linux for a kernel package), else the
// package's Name.
func (o *ImportOptions) openCode(ctx context.Context, srpmRepo *git.Repo, name string) (*git.Repo, error) {
	dir := o.CodeRepo
	if dir == "" {
		top := srpmRepo.GitDir
		if t, err := srpmRepo.TopLevel(ctx); err == nil && t != "" {
			top = t
		}
		var tried []string
		for _, n := range upstreamNames(name) {
			cand := filepath.Join(filepath.Dir(top), n)
			tried = append(tried, cand)
			if _, err := os.Stat(cand); err == nil {
				dir = cand
				break
			}
		}
		if dir == "" {
			return nil, cliutil.Usagef("no code repository at %s; give --code-repo", strings.Join(tried, " or "))
		}
	}
	r, err := git.Open(ctx, dir)
	if errors.Is(err, git.ErrNotRepository) {
		return nil, cliutil.Usagef("code repository %s is not a git repository; check --code-repo", dir)
	}
	if err != nil {
		return nil, err
	}
	r.Env = o.IO.GitEnv
	// An import killed outright left its temporary worktree registered:
	// remove it now, and say so.
	stale, err := srpm.CleanStale(r)
	for _, w := range stale {
		fmt.Fprintf(o.IO.ErrOut, "git import-srpm: removed the temporary worktree of an interrupted import (process %d): %s\n", w.Pid, w.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("remove a stale temporary worktree: %w", err)
	}
	return r, nil
}

// checkPrep refuses --prep early when rpmbuild is missing.
func (o *ImportOptions) checkPrep() error {
	if !o.Prep {
		return nil
	}
	if _, err := proc.LookPath("rpmbuild"); err != nil {
		return cliutil.Usagef("--prep needs rpmbuild on PATH (Debian package rpm)")
	}
	return nil
}

// upstreamNames are the directory names the code repository of package
// name is looked for under.
func upstreamNames(name string) []string {
	if name == "kernel" || strings.HasPrefix(name, "kernel-") {
		return []string{"linux", name}
	}
	return []string{name}
}

func runImport(ctx context.Context, o *ImportOptions) error {
	srpmRepo, err := o.openSRPM(ctx)
	if err != nil {
		return err
	}
	if o.All {
		return runImportAll(ctx, o, srpmRepo)
	}
	rev, code, err := o.readRev(ctx, srpmRepo)
	if err != nil {
		return err
	}
	res, err := srpm.Import(ctx, code, rev, o.srpmOptions(srpmRepo))
	if err != nil {
		return o.importError(ctx, rev, err)
	}
	fmt.Fprintln(o.IO.Out, resultLine(res))
	return nil
}

// resultLine is the one line an import reports.
func resultLine(res *srpm.Result) string {
	return fmt.Sprintf("%s/base: %d patch(es) on %s, %s (from %s at %s)", res.Prefix, len(res.Rev.Patches),
		res.Tag, git.Short(res.Tip), res.Rev.SpecPath, git.Short(res.Rev.Commit))
}

// readError phrases what went wrong reading a revision of the SRPM
// repository.
func readError(stderr io.Writer, rev string, err error) error {
	var missing *srpm.MissingSourcesError
	switch {
	case errors.Is(err, git.ErrUnknownRevision):
		return cliutil.Usagef("%q is not a revision of the SRPM repository", rev)
	case errors.As(err, &missing):
		// All of them at once: a rebased queue of 600 patches can miss
		// many, and one per run would take as many runs.
		if len(missing.Missing) == 1 {
			return fmt.Errorf("%s: %w; commit the file or fix the spec", rev, err)
		}
		fmt.Fprintf(stderr, "git import-srpm: %s: %d patch files the spec applies are not in SOURCES/; commit them or fix the spec:\n", rev, len(missing.Missing))
		for _, p := range missing.Missing {
			fmt.Fprintf(stderr, "  patch %d: %s\n", p.Num, p.File)
		}
		return cliutil.ErrSilent
	case errors.Is(err, srpm.ErrLFSPointer):
		return fmt.Errorf("%s: %w", rev, err)
	}
	return fmt.Errorf("%s: %w%s", rev, err, macroHint(err))
}

// macroHint says which option defines the macro a Name, Version or
// Release lacked: --dist for %{dist}; no other is defined by an option.
func macroHint(err error) string {
	var um *srpm.UndefinedMacroError
	if !errors.As(err, &um) {
		return ""
	}
	if um.Name() == "dist" {
		return "; give its value with --dist (e.g. --dist=.el7)"
	}
	return fmt.Sprintf("; no option of git import-srpm defines %%{%s}: define it in the spec", um.Name())
}

// importError phrases a failed import for the user and, for a patch that
// does not apply, writes what git am and patch said below that line.
func (o *ImportOptions) importError(ctx context.Context, rev *srpm.Revision, err error) error {
	var pe *srpm.PatchError
	var pre *srpm.PrepError
	switch {
	case ctx.Err() != nil:
		// Whatever failed first (often a git killed by the signal),
		// the reason is the interruption.
		return errors.New("interrupted; no branch was created")
	case errors.As(err, &pre):
		fmt.Fprintf(o.IO.ErrOut, "git import-srpm: %s at %s: %v; no branch was created\n", rev.SpecPath, git.Short(rev.Commit), err)
		if out := strings.TrimSpace(pre.Output); out != "" {
			fmt.Fprintf(o.IO.ErrOut, "%s\n", indent(out))
		}
		return cliutil.ErrSilent
	case errors.As(err, &pe):
		fmt.Fprintf(o.IO.ErrOut, "git import-srpm: %s at %s: %v; no branch was created\n", rev.SpecPath, git.Short(rev.Commit), err)
		if out := strings.TrimSpace(pe.Output); out != "" {
			fmt.Fprintf(o.IO.ErrOut, "%s\n", indent(out))
		}
		return cliutil.ErrSilent
	case errors.Is(err, srpm.ErrBranchExists):
		return fmt.Errorf("%w; use --force to replace it", err)
	case errors.Is(err, srpm.ErrNoBaseTag):
		return fmt.Errorf("%w; fetch upstream tags into the code repository or give --base-tag", err)
	}
	return fmt.Errorf("import %s: %w; no branch was created", git.Short(rev.Commit), err)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// runImportAll imports, in parallel, the newest revision of the current
// branch for each distinct branch name, oldest first, one line each.
// Revisions whose branches exist are skipped unless --force; revisions
// without a usable spec are reported and skipped.
func runImportAll(ctx context.Context, o *ImportOptions, srpmRepo *git.Repo) error {
	// A shallow clone would silently import only the revisions it has.
	if shallow, err := srpmRepo.IsShallow(ctx); err != nil {
		return err
	} else if shallow {
		return fmt.Errorf("the SRPM repository is a shallow clone: --all would miss older revisions; run git fetch --unshallow first")
	}
	if _, err := srpmRepo.ResolveCommit(ctx, "HEAD"); err != nil {
		return fmt.Errorf("the SRPM repository has no commits on HEAD")
	}
	revs, err := srpmRepo.Ancestry(ctx, "HEAD")
	if err != nil {
		return fmt.Errorf("list the revisions of the SRPM branch: %w", err)
	}
	ro := o.readOptions()
	ro.NoPatches = true
	type job struct {
		rev  *srpm.Revision
		line string // set when there is nothing to import
		// after is closed when the import of the previous revision of
		// the same version is over: revisions of one version share most
		// of their patches, which an import takes from the one before
		// (srpm.Reuse) rather than applying them again.
		after, done chan struct{}
	}
	var jobs []*job
	byPrefix := map[string]*job{}
	for _, sha := range revs {
		rev, err := srpm.Read(ctx, srpmRepo, sha, ro)
		if err != nil {
			if errors.Is(err, srpm.ErrNoSpec) {
				continue // before the spec was added
			}
			jobs = append(jobs, &job{line: fmt.Sprintf("%s: skipped: %v%s", git.Short(sha), err, macroHint(err))})
			continue
		}
		if j, ok := byPrefix[rev.BranchPrefix()]; ok {
			j.rev = rev // a later revision of the same version-release wins
			continue
		}
		j := &job{rev: rev}
		byPrefix[rev.BranchPrefix()] = j
		jobs = append(jobs, j)
	}
	if len(byPrefix) == 0 {
		return fmt.Errorf("no revision of the current branch has a spec in SPECS/")
	}
	var code *git.Repo
	for _, j := range jobs {
		if j.rev != nil {
			if code, err = o.openCode(ctx, srpmRepo, j.rev.Name); err != nil {
				return err
			}
			break
		}
	}
	n := o.Jobs
	if n == 0 {
		n = min(runtime.NumCPU(), 8)
	}
	lines := make([]chan string, len(jobs))
	sem := make(chan struct{}, n)
	prog := &progress{w: o.IO.ErrOut, on: o.IO.ErrTTY}
	for _, j := range jobs {
		if j.rev != nil {
			prog.total++
		}
	}
	reuse := &srpm.Reuse{}
	lastOf := map[string]*job{}
	for _, j := range jobs {
		if j.rev == nil {
			continue
		}
		j.done = make(chan struct{})
		if prev := lastOf[j.rev.Version]; prev != nil {
			j.after = prev.done
		}
		lastOf[j.rev.Version] = j
	}
	var wg sync.WaitGroup
	failed := false
	var mu sync.Mutex
	for i, j := range jobs {
		lines[i] = make(chan string, 1)
		if j.rev == nil {
			lines[i] <- j.line
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(j.done)
			if j.after != nil {
				select {
				case <-j.after:
				case <-ctx.Done():
				}
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			name := j.rev.BranchPrefix() + " (" + git.Short(j.rev.Commit) + ")"
			prog.start(name)
			line, ok := importOne(ctx, o, srpmRepo, code, j.rev, reuse)
			prog.finish(name)
			if !ok {
				mu.Lock()
				failed = true
				mu.Unlock()
			}
			lines[i] <- line
		}()
	}
	// Lines come out in revision order, each as soon as it and those
	// before it are done.
	for _, ch := range lines {
		line := <-ch
		prog.print(o.IO.Out, line)
	}
	wg.Wait()
	prog.clear()
	if err := ctx.Err(); err != nil {
		return errors.New("interrupted; the branches listed above as created were created, no other")
	}
	if failed {
		return cliutil.ErrSilent
	}
	return nil
}

// importOne imports one revision for --all and returns its line.
func importOne(ctx context.Context, o *ImportOptions, srpmRepo, code *git.Repo, head *srpm.Revision, reuse *srpm.Reuse) (string, bool) {
	prefix := head.BranchPrefix()
	if !o.Force {
		if err := srpm.CheckBranches(ctx, code, prefix, false); errors.Is(err, srpm.ErrBranchExists) {
			return fmt.Sprintf("%s: exists, skipped (use --force to import again)", prefix), true
		}
	}
	rev, err := srpm.Read(ctx, srpmRepo, head.Commit, o.readOptions())
	if err != nil {
		return fmt.Sprintf("%s: failed: %v%s", prefix, err, macroHint(err)), false
	}
	opts := o.srpmOptions(srpmRepo)
	opts.Log = nil
	opts.Reuse = reuse
	res, err := srpm.Import(ctx, code, rev, opts)
	if err != nil {
		return fmt.Sprintf("%s: failed at %s: %v", prefix, git.Short(rev.Commit), err), false
	}
	return resultLine(res), true
}

// progress is --all's status line on a terminal's stderr: how many
// imports are done of how many, and the revision started last of those
// still running. The result lines on stdout are printed through it, so
// that on a shared terminal the status line is cleared before and drawn
// again after each.
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	on          bool
	done, total int
	running     []string
}

func (p *progress) start(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, name)
	p.draw()
}

func (p *progress) finish(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if i := slices.Index(p.running, name); i >= 0 {
		p.running = slices.Delete(p.running, i, i+1)
	}
	p.draw()
}

// print writes one result line to out.
func (p *progress) print(out io.Writer, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	fmt.Fprintln(out, line)
	p.draw()
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	p.on = false
}

func (p *progress) erase() {
	if p.on {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) draw() {
	switch {
	case !p.on || p.done == 0 && len(p.running) == 0:
	case len(p.running) > 0:
		fmt.Fprintf(p.w, "\r\x1b[Kimport-srpm: %d/%d done, importing %s", p.done, p.total, p.running[len(p.running)-1])
	default:
		fmt.Fprintf(p.w, "\r\x1b[Kimport-srpm: %d/%d done", p.done, p.total)
	}
}
