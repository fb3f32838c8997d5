package srpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
)

// The fixed identity of every import commit's committer, and the author of
// patches that name none.
const (
	CommitterName  = "git import-srpm"
	CommitterEmail = "import-srpm@pqtools.invalid"
)

// PatchError is a patch that could not be applied.
type PatchError struct {
	Num    int
	File   string
	Output string // what git am and patch said
	Err    error
}

func (e *PatchError) Error() string {
	return fmt.Sprintf("patch %d (%s) does not apply: %v", e.Num, e.File, e.Err)
}

func (e *PatchError) Unwrap() error { return e.Err }

// ErrNoApply is the reason of a PatchError when patch(1) refused the patch.
var ErrNoApply = errors.New("patch -p1 --fuzz=2 failed")

// Apply builds the commits of rev's patches on base (a commit of code) in a
// temporary worktree that is removed before Apply returns, whatever
// happens, and returns the last commit. No ref of code changes: the commits
// are reachable from nothing until the caller creates branches.
// Progress, one line per patch, goes to log when it is not nil. With a
// prep directory (RunPrep), a last commit makes the tree that directory.
//
// With reuse (--all), the longest prefix of rev's patches an earlier
// import applied on base is taken from it (Reuse), and rev's patch
// commits are offered to the later imports.
//
// The commits of the patches, oldest first, are listed too when they are
// needed: for reuse, and to find the end of the upstream vendor's layer
// (rev.VendorStart > 0); nil otherwise.
func Apply(ctx context.Context, code *git.Repo, base string, rev *Revision, log io.Writer, prep *Prep, reuse *Reuse) (tip string, patches []string, err error) {
	var keys []patchKey
	var reused []string
	from, start := base, 0
	if reuse != nil {
		keys = patchKeys(rev.Patches)
		if prefix := reuse.longest(base, keys); len(prefix) > 0 {
			// A prefix that cannot be written again only costs time:
			// the patches are applied as if there were none.
			if ids, err := recommit(ctx, code, base, prefix, rev.Date); err == nil {
				reused, from, start = ids, ids[len(ids)-1], len(prefix)
			} else if ctx.Err() != nil {
				return "", nil, ctx.Err()
			}
		}
	}
	logf := func(p Patch, how string) {
		if log != nil {
			fmt.Fprintf(log, "patch %d (%s): %s\n", p.Num, p.File, how)
		}
	}
	if start == len(rev.Patches) && start > 0 && prep == nil {
		// Every patch was written again from the revision before: there
		// is nothing to apply, so no worktree to check out (a kernel's
		// 70,000 files) just to read its HEAD.
		for _, p := range rev.Patches {
			logf(p, ByReuse)
		}
		reuse.add(base, keys, reused)
		return from, reused, nil
	}
	tmp, err := os.MkdirTemp("", "git-import-srpm-")
	if err != nil {
		return "", nil, err
	}
	w := &worktree{
		tmp:   tmp,
		dir:   filepath.Join(tmp, filepath.Base(tmp)), // names the worktree in git
		hooks: filepath.Join(tmp, "hooks"),
		fixed: rev.Date,
	}
	// Cleanup runs whatever happened, Ctrl-C included: it needs no git.
	defer func() {
		if cerr := w.remove(code); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := os.Mkdir(w.hooks, 0o755); err != nil {
		return "", nil, err
	}
	if err := os.Mkdir(filepath.Join(tmp, "patches"), 0o755); err != nil {
		return "", nil, err
	}
	w.added = true // even a failed add may have left something to remove
	if err := w.record(code.CommonDir); err != nil {
		return "", nil, fmt.Errorf("record the temporary worktree: %w", err)
	}
	// Only the administrative part is added under the lock; the checkout
	// (a kernel's 70,000 files) is done by the reset below, imports in
	// parallel.
	worktreeMu.Lock()
	err = code.AddWorktree(ctx, w.dir, from, git.WorktreeAddOptions{NoCheckout: true, Config: w.settings()})
	worktreeMu.Unlock()
	if err != nil {
		return "", nil, fmt.Errorf("create a temporary worktree: %w", err)
	}
	w.repo = &git.Repo{Dir: w.dir, Env: append(append([]string(nil), code.Env...),
		"GIT_COMMITTER_NAME="+CommitterName, "GIT_COMMITTER_EMAIL="+CommitterEmail,
		"GIT_COMMITTER_DATE="+GitDate(w.fixed))}
	paths, err := w.repo.Paths(ctx)
	if err != nil {
		return "", nil, err
	}
	w.admin = paths.GitDir
	if err := w.repo.ResetHard(ctx, "HEAD", w.settings()); err != nil {
		return "", nil, fmt.Errorf("check out %.12s in the temporary worktree: %w", from, err)
	}
	for _, p := range rev.Patches[:start] {
		logf(p, ByReuse)
	}
	for i := start; i < len(rev.Patches); {
		if err := ctx.Err(); err != nil {
			return "", nil, err
		}
		// A run of dated mails goes to one git am: starting git once per
		// patch is what an import of hundreds of patches spends its
		// time on. Where the run stops, the failed patch is applied on
		// its own below, with patch(1) as the fallback.
		j := i
		for j < len(rev.Patches) && batchable(rev.Patches[j].Data) {
			j++
		}
		if j-i >= 2 {
			n, err := w.amBatch(ctx, i, rev.Patches[i:j])
			for _, p := range rev.Patches[i : i+n] {
				logf(p, ByAm)
			}
			i += n
			if err != nil {
				return "", nil, err
			}
			if i == j {
				continue
			}
		}
		how, err := w.apply(ctx, i, rev.Patches[i])
		if err != nil {
			return "", nil, err
		}
		logf(rev.Patches[i], how)
		i++
	}
	if (reuse != nil || rev.VendorStart > 0) && len(rev.Patches) > 0 {
		if patches, err = w.repo.RevList(ctx, git.LogOptions{Include: []string{"HEAD"}, Exclude: []string{base}, Reverse: true}); err != nil {
			return "", nil, err
		}
		if reuse != nil && len(patches) == len(rev.Patches) {
			reuse.add(base, keys, patches)
		}
	}
	if prep != nil {
		if err := w.commitPrep(ctx, prep.Dir); err != nil {
			return "", nil, fmt.Errorf("commit what %%prep changed: %w", err)
		}
	}
	tip, err = w.repo.ResolveCommit(ctx, "HEAD")
	return tip, patches, err
}

// worktreeMu makes the imports of one process (--all runs several at once)
// take turns at adding and removing their worktrees: git worktree add and
// remove read every worktree's administrative files, and one that another
// git is writing or deleting at that moment makes them fail ("failed to
// read .../commondir").
var worktreeMu sync.Mutex

// worktree is the temporary worktree an import works in.
type worktree struct {
	tmp   string // removed at the end; holds dir, hooks and patch files
	dir   string
	hooks string // empty: no hook of the user's repository runs
	admin string // the worktree's directory under .git/worktrees
	added bool
	repo  *git.Repo
	fixed time.Time
	// recordPath names this process as the worktree's owner (stale.go).
	recordPath string
}

// settings are given (-c) to every git command that changes the worktree,
// so that user or repository configuration cannot change the result: no
// hooks (a commit-msg hook adding a Change-Id would break
// reproducibility), no signing, no automatic gc, no line-ending conversion.
func (w *worktree) settings() []string {
	return []string{
		"core.hooksPath=" + w.hooks,
		"commit.gpgSign=false",
		"gc.auto=0",
		"maintenance.auto=false",
		"core.autocrlf=false",
		"core.safecrlf=false",
		"core.fileMode=true",
		"core.symlinks=true",
		"am.keepcr=false",
		"am.messageId=false",
		"mailinfo.scissors=false",
		"i18n.commitEncoding=UTF-8",
		"commit.cleanup=whitespace",
		"advice.detachedHead=false",
	}
}

// amOptions are those of every git am of an import.
func (w *worktree) amOptions() git.AmOptions {
	return git.AmOptions{ThreeWay: true, Whitespace: "nowarn", Config: w.settings()}
}

// clean drops what a failed patch left: back to HEAD, no untracked file.
func (w *worktree) clean(ctx context.Context) error {
	if err := w.repo.ResetHard(ctx, "HEAD", w.settings()); err != nil {
		return err
	}
	return w.repo.CleanAll(ctx, w.settings())
}

// batchable reports whether a patch can go to git am together with others:
// a mail with its own date (one without needs its commit amended).
func batchable(data []byte) bool {
	h := ParseHeader(data)
	return h.Mail && !h.Date.IsZero()
}

// amBatch applies patches (the first is the i-th applied) with one git am
// and returns how many it committed. When git am stops at a patch, the
// session is ended keeping those commits, and the tree is cleaned for the
// next attempt; the error is then nil unless cleaning failed or ctx ended.
func (w *worktree) amBatch(ctx context.Context, i int, patches []Patch) (int, error) {
	var files []string
	for k, p := range patches {
		file := filepath.Join(w.tmp, "patches", strconv.Itoa(i+k)+".patch")
		if err := os.WriteFile(file, p.Data, 0o644); err != nil {
			return 0, err
		}
		files = append(files, file)
	}
	start, err := w.repo.ResolveCommit(ctx, "HEAD")
	if err != nil {
		return 0, err
	}
	if amErr := w.repo.Am(ctx, files, w.amOptions()); amErr == nil {
		return len(patches), nil
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	made, err := w.repo.RevList(ctx, git.LogOptions{Include: []string{"HEAD"}, Exclude: []string{start}})
	if err != nil {
		return 0, err
	}
	n := len(made)
	if n >= len(patches) {
		return 0, fmt.Errorf("git am stopped, but %q commits were made of %d", strconv.Itoa(n), len(patches))
	}
	// Quitting keeps HEAD, the commits of the patches before the one that
	// failed; cleaning drops what the failed one left.
	if err := w.repo.AmQuit(ctx, w.settings()); err != nil {
		return n, err
	}
	return n, w.clean(ctx)
}

// How a patch was applied, as Apply logs it.
const (
	ByAm         = "git am -3"
	ByPatch      = "patch -p1 --fuzz=2"
	ByPatchAfter = "patch -p1 --fuzz=2 after git am -3 failed"
	// ByReuse: the commit of an earlier import of the same patches on the
	// same base, written again with this revision's date (--all).
	ByReuse = "as in an earlier revision"
)

// apply makes the commit of patch p (the i-th applied) and says how.
func (w *worktree) apply(ctx context.Context, i int, p Patch) (how string, err error) {
	how = ByPatch
	err = w.applyAs(ctx, i, p, &how)
	return how, err
}

func (w *worktree) applyAs(ctx context.Context, i int, p Patch, how *string) error {
	file := filepath.Join(w.tmp, "patches", strconv.Itoa(i)+".patch")
	if err := os.WriteFile(file, p.Data, 0o644); err != nil {
		return err
	}
	h := ParseHeader(p.Data)
	var amOut string
	if h.Mail {
		err := w.repo.Am(ctx, []string{file}, w.amOptions())
		if err == nil {
			*how = ByAm
			if !h.Date.IsZero() {
				return nil
			}
			// git am dates a mail without a Date: header now; the
			// fixed date keeps imports reproducible.
			return w.repo.CommitIndex(ctx, git.CommitIndexOptions{Amend: true, AllowEmpty: true,
				Date: GitDate(w.fixed), Config: w.settings()})
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		amOut = gitOutput(err)
		*how = ByPatchAfter
		// Back to a clean tree at the previous commit before patch(1)
		// tries; aborting fails when am stopped before starting a session.
		_ = w.repo.AmAbort(ctx, w.settings())
		if err := w.clean(ctx); err != nil {
			return err
		}
	}
	out, err := runPatch(ctx, w.dir, file)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		detail := out
		if amOut != "" {
			detail = "git am -3:\n" + amOut + "\npatch -p1 --fuzz=2:\n" + out
		}
		return &PatchError{Num: p.Num, File: p.File, Output: detail, Err: fmt.Errorf("%w: %s", ErrNoApply, firstLine(out, cause(err)))}
	}
	if err := w.repo.AddAll(ctx, w.settings()); err != nil {
		return err
	}
	name, email := h.Name, h.Email
	if email == "" {
		name, email = CommitterName, CommitterEmail
	}
	date := h.Date
	if date.IsZero() {
		date = w.fixed
	}
	if h.Subject == "" {
		h.Subject = SubjectFromFile(p.File)
	}
	msg := filepath.Join(w.tmp, "patches", strconv.Itoa(i)+".msg")
	if err := os.WriteFile(msg, []byte(h.Message()), 0o644); err != nil {
		return err
	}
	err = w.repo.CommitIndex(ctx, git.CommitIndexOptions{MessageFile: msg, AllowEmpty: true, Cleanup: "whitespace",
		Config: w.settings(), Author: &git.Ident{Name: name, Email: email, Date: GitDate(date)}})
	if err != nil {
		return &PatchError{Num: p.Num, File: p.File, Output: gitOutput(err), Err: fmt.Errorf("commit: %w", err)}
	}
	return nil
}

// remove deletes the worktree and everything Apply wrote outside git's
// object store: the checkout (outside the lock: it is most of the work),
// then this worktree's administrative directory, found by name, so that
// no other worktree is pruned. This is what git worktree remove does, but
// it works too when a killed git left a lock or the add failed half-way.
func (w *worktree) remove(code *git.Repo) error {
	rmErr := os.RemoveAll(w.tmp)
	if w.added {
		worktreeMu.Lock()
		defer worktreeMu.Unlock()
		admin := w.admin
		if admin == "" {
			admin = findAdmin(code.CommonDir, w.dir)
		}
		if admin != "" && strings.Contains(filepath.ToSlash(admin), "/worktrees/") {
			if err := os.RemoveAll(admin); err != nil {
				return fmt.Errorf("remove the temporary worktree %s: %w", w.dir, err)
			}
		}
	}
	if rmErr != nil {
		return fmt.Errorf("remove %s: %w", w.tmp, rmErr)
	}
	// Last: while anything of the worktree is left, the record says
	// whose it is, for CleanStale.
	if w.recordPath != "" {
		os.Remove(w.recordPath)
	}
	return nil
}

// findAdmin finds the administrative directory of the worktree at dir when
// git did not get as far as saying it: the one whose gitdir file points
// into dir.
func findAdmin(commonDir, dir string) string {
	if commonDir == "" {
		return ""
	}
	ents, err := os.ReadDir(filepath.Join(commonDir, "worktrees"))
	if err != nil {
		return ""
	}
	for _, e := range ents {
		admin := filepath.Join(commonDir, "worktrees", e.Name())
		b, err := os.ReadFile(filepath.Join(admin, "gitdir"))
		if err == nil && filepath.Dir(strings.TrimSpace(string(b))) == dir {
			return admin
		}
	}
	return ""
}

// gitOutput is the stderr of a failed git command, for the details.
func gitOutput(err error) string {
	var ge *git.Error
	if errors.As(err, &ge) {
		return strings.TrimSpace(ge.Stderr)
	}
	return err.Error()
}

// firstLine is the first line of what a command printed that says
// something, or its error.
func firstLine(out string, err error) string {
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "patching file") {
			return l
		}
	}
	return err.Error()
}
