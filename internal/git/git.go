// Package git owns every invocation of the git binary: argument vectors only,
// a pinned environment, a context for cancellation, and errors that carry the
// command line, exit status and stderr so callers can explain failures.
//
// Parsing here is limited to machine formats (-z, --format with NUL
// separators, plumbing output); callers get parsed values, not text.
package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"

	"github.com/patchqueue/pqtools/internal/proc"
)

// Error is a failed git invocation: the same type as every other program's
// failure, so callers match one type.
type Error = proc.Error

// ErrNotRepository is returned by Open outside a git work tree or git dir.
var ErrNotRepository = errors.New("not a git repository")

// ErrObjectFormat is returned by Open for a repository whose object ids
// are not SHA-1 (extensions.objectFormat = sha256).
var ErrObjectFormat = errors.New("unsupported object format")

// Repo is a repository on disk, addressed by a directory inside it.
type Repo struct {
	// Dir is where git runs (a work tree or a git dir).
	Dir string
	// GitDir and CommonDir are absolute; CommonDir is shared by worktrees and
	// is where caches belong.
	GitDir    string
	CommonDir string
	// Env is appended to the pinned environment (tests set HOME etc. here).
	Env []string

	// primed is what OpenWith resolved along with the repository, for
	// ResolveCommitsShallow to answer without a git process.
	primed *resolution
}

// resolution is the answer of ResolveCommitsShallow for revs.
type resolution struct {
	revs, shas []string
	shallow    bool
}

// OpenOptions tune OpenWith.
type OpenOptions struct {
	// Env is the Repo's Env, for the rev-parse that finds it too.
	Env []string
	// Resolve are revisions that ResolveCommitsShallow will be asked for,
	// exactly so: their commits and the shallow check are read in the
	// same git call as the repository (each git process costs
	// milliseconds before it does anything). When one does not resolve,
	// nothing is kept, and the later call names it.
	Resolve []string
}

// Open finds the repository containing dir.
func Open(ctx context.Context, dir string) (*Repo, error) {
	return OpenWith(ctx, dir, OpenOptions{})
}

// OpenWith is Open with options: the environment, and revisions to resolve
// in the same git process.
func OpenWith(ctx context.Context, dir string, o OpenOptions) (*Repo, error) {
	// git run in a missing directory fails in exec with the whole command
	// line; say what is wrong instead.
	if dir != "" {
		if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s (no such directory)", ErrNotRepository, dir)
		} else if err != nil {
			return nil, err
		} else if !fi.IsDir() {
			return nil, fmt.Errorf("%w: %s (not a directory)", ErrNotRepository, dir)
		}
	}
	r := &Repo{Dir: dir, Env: o.Env}
	args := []string{"rev-parse", "--path-format=absolute", "--absolute-git-dir", "--git-common-dir", "--show-object-format"}
	if len(o.Resolve) > 0 {
		if r, ok := openResolving(ctx, r, args, o.Resolve); ok {
			return r, nil
		}
	}
	out, err := r.output(ctx, args...)
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && ge.ExitCode > 0 {
			return nil, fmt.Errorf("%w: %s", ErrNotRepository, dir)
		}
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 3 {
		return nil, fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	if err := r.setPaths(lines); err != nil {
		return nil, err
	}
	return r, nil
}

// openResolving runs the rev-parse of Open with the shallow check and the
// commits of revs; false when any of it fails, for Open to run alone.
func openResolving(ctx context.Context, r *Repo, args, revs []string) (*Repo, bool) {
	args, err := shallowRevArgs(args, revs)
	if err != nil {
		return nil, false
	}
	out, err := r.output(ctx, args...)
	if err != nil {
		return nil, false
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) < 3 {
		return nil, false
	}
	shas, shallow, ok := parseShallowRevs(lines[3:], len(revs))
	if !ok || r.setPaths(lines[:3]) != nil {
		return nil, false // Open says why
	}
	r.primed = &resolution{revs: append([]string{}, revs...), shas: shas, shallow: shallow}
	return r, true
}

// setPaths takes the git dir, common dir and object format rev-parse
// printed.
func (r *Repo) setPaths(lines []string) error {
	r.GitDir = lines[0]
	r.CommonDir = lines[1]
	if lines[2] != "sha1" {
		// Patch-ids, caches and every object id we print are SHA-1
		// sized; refuse before anything half works.
		return fmt.Errorf("%w: the repository at %s uses %s object ids; only SHA-1 repositories are supported", ErrObjectFormat, lines[1], lines[2])
	}
	return nil
}

// env is the environment every git call gets: the caller's, with output
// made parseable and prompts disabled.
func (r *Repo) env(readOnly bool) []string {
	env := make([]string, 0, len(os.Environ())+8)
	for _, kv := range os.Environ() {
		switch {
		case strings.HasPrefix(kv, "LC_ALL="), strings.HasPrefix(kv, "LANGUAGE="),
			strings.HasPrefix(kv, "GIT_TERMINAL_PROMPT="), strings.HasPrefix(kv, "GIT_OPTIONAL_LOCKS="),
			strings.HasPrefix(kv, "GIT_PAGER="), strings.HasPrefix(kv, "PAGER="):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "LC_ALL=C", "LANGUAGE=C", "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat", "PAGER=cat")
	if readOnly {
		env = append(env, "GIT_OPTIONAL_LOCKS=0")
	}
	return withTuning(append(env, r.Env...))
}

// tuning is configuration every git we run gets, as if by git -c.
//
// core.deltaBaseCacheLimit: git keeps the inflated bases of deltas (96 MB
// by default) in case another object needs them. The reviews stream
// through thousands of distinct objects once (the queues' diffs, the
// upstream walk, blobs by the thousand), so the cache mostly grows, and
// every page it grows into is a page fault, which costs tens of
// microseconds on a virtual machine. Measured on the kernel-scale
// benchmark (bench/run.sh, 2-core VM): diff-tree of both queues 744 ->
// 585 ms, the upstream walk 955 -> 690 ms, cat-file of 45 MB of blobs 265
// -> 160 ms, a cold review 3.9 -> 2.5 s; with deep delta chains (repack
// --depth=250 --window=250) 3.7 -> 2.3 s. Smaller limits lose on the
// walk, whose trees do want their bases.
const tuning = "'core.deltabasecachelimit=8m'"

// withTuning puts tuning in front of the GIT_CONFIG_PARAMETERS env already
// holds (git passes its -c options on in that variable), so that a value
// the user gave with git -c wins. One in a configuration file does not:
// -c options beat files, and reading the user's configuration first
// would cost a git process on every run for a key few people set.
func withTuning(env []string) []string {
	return putFirst(env, "GIT_CONFIG_PARAMETERS", tuning, " ")
}

// mallocTuning is for the git processes that stream bulk output (diffs,
// walks, blobs). Their heaps grow by tens of megabytes, and each new
// 4 KiB page is a page fault, which costs microseconds on a virtual
// machine: perf showed glibc's _int_malloc as the first source of faults
// in every such git. hugetlb=1 has malloc ask for transparent huge pages
// (glibc 2.35 and later; older ones and other C libraries ignore the
// variable), and a 16 MiB top_pad grows the heap in steps large enough to
// be given them. Measured on bench/run.sh's repositories (2-core VM,
// interleaved runs): the upstream walk alone 7150 -> 1800 page faults and
// 0.73 -> 0.68 s; a cold review near 25,600 -> 8,900 faults and 0.58 ->
// 0.47 s; kernel scale 53,000 -> 27,000 faults and 2.58 -> 2.35 s. Short
// commands (rev-parse, notes list) do not get it: there a huge page costs
// more than it saves. top_pad also stops glibc raising its mmap threshold
// as it goes, so blocks of 128 KiB and more are mapped afresh each time;
// with huge pages that costs less than it did: cat-file of 160 blobs of
// about 1 MB went 0.87 -> 0.72 s and 11,100 -> 700 page faults. The
// variable reaches what such a git starts too (a smudge filter under git
// archive, ssh for a lazy fetch): it is malloc's tuning only, harmless
// there. The user's own GLIBC_TUNABLES come after ours, and glibc takes
// the last value of a tunable, so glibc.malloc.hugetlb=0 there turns it
// off.
const mallocTuning = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216"

func withMallocTuning(env []string) []string {
	return putFirst(env, "GLIBC_TUNABLES", mallocTuning, ":")
}

// putFirst returns env with ours at the front of variable key's value
// (joined by sep), so that the caller's own value, read later, wins.
func putFirst(env []string, key, ours, sep string) []string {
	prefix := key + "="
	theirs := ""
	out := env[:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, prefix) {
			theirs = strings.TrimPrefix(kv, prefix)
			continue
		}
		out = append(out, kv)
	}
	if theirs != "" {
		return append(out, prefix+ours+sep+theirs)
	}
	return append(out, prefix+ours)
}

func (r *Repo) spec(readOnly bool, args []string) proc.Cmd {
	return proc.Cmd{Program: "git", Args: args, Dir: r.Dir, Env: r.env(readOnly)}
}

func (r *Repo) command(ctx context.Context, readOnly bool, args []string) *exec.Cmd {
	return proc.Command(ctx, r.spec(readOnly, args))
}

func (r *Repo) wrap(args []string, err error, stderr []byte) error {
	return proc.Wrap(r.spec(true, args), err, stderr)
}

// output runs a read-only git command and returns its stdout.
func (r *Repo) output(ctx context.Context, args ...string) ([]byte, error) {
	return r.invoke(ctx, true, nil, args)
}

// run runs a git command that may write to the repository.
func (r *Repo) run(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	return r.invoke(ctx, false, stdin, args)
}

func (r *Repo) invoke(ctx context.Context, readOnly bool, stdin io.Reader, args []string) ([]byte, error) {
	c := r.spec(readOnly, args)
	c.Stdin = stdin
	return proc.Run(ctx, c)
}

// stream runs a read-only git command, feeding stdin from the given reader
// (may be nil) and handing stdout to consume as it is produced. If consume
// returns an error, git is killed and that error is returned.
func (r *Repo) stream(ctx context.Context, stdin io.Reader, consume func(io.Reader) error, args ...string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := r.command(ctx, true, args)
	cmd.Env = withMallocTuning(cmd.Env)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return r.wrap(args, err, nil)
	}
	if err := cmd.Start(); err != nil {
		return r.wrap(args, err, nil)
	}
	cerr := consume(bufio.NewReaderSize(out, 256<<10))
	if cerr != nil {
		cancel()
		_ = cmd.Wait()
		return cerr
	}
	// Drain so git is not blocked writing output consume did not want.
	_, _ = io.Copy(io.Discard, out)
	return r.wrap(args, cmd.Wait(), stderr.Bytes())
}

// SplitNUL splits NUL-terminated records, dropping the empty tail.
func SplitNUL(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	s = strings.TrimSuffix(s, "\x00")
	return strings.Split(s, "\x00")
}
