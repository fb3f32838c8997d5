package git

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CommitOptions tune Commit.
type CommitOptions struct {
	Message string
	SignOff bool // -s
	// Edit opens the user's editor on Message (-e); Stdin is what the
	// editor reads.
	Edit  bool
	Stdin io.Reader
}

// Commit records the index as a new commit on HEAD and returns what git
// printed (the one-line summary).
func (r *Repo) Commit(ctx context.Context, o CommitOptions) ([]byte, error) {
	args := []string{"commit"}
	if o.SignOff {
		args = append(args, "-s")
	}
	args = append(args, "-m", o.Message)
	if o.Edit {
		args = append(args, "-e")
	}
	return r.run(ctx, o.Stdin, args...)
}

// RevertNoCommit applies the revert of commit to the index and the work
// tree without committing. When the revert stops on conflicts, left in
// the index for the user, the error wraps ErrConflict.
func (r *Repo) RevertNoCommit(ctx context.Context, commit string) error {
	if err := CheckRev(commit); err != nil {
		return err
	}
	_, err := r.run(ctx, nil, "revert", "--no-commit", "--end-of-options", commit)
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		unmerged, uerr := r.output(ctx, "ls-files", "--unmerged", "-z")
		if uerr != nil {
			return uerr
		}
		if len(unmerged) > 0 {
			return fmt.Errorf("revert %s: %w", Short(commit), ErrConflict)
		}
	}
	return err
}

// RevertQuit forgets the revert in progress, leaving the index and the
// work tree as they are.
func (r *Repo) RevertQuit(ctx context.Context) error {
	_, err := r.run(ctx, nil, "revert", "--quit")
	return err
}

// HasStaged reports whether the index differs from HEAD.
func (r *Repo) HasStaged(ctx context.Context) (bool, error) {
	_, err := r.output(ctx, "diff", "--cached", "--quiet", "--no-ext-diff", "--ignore-submodules=none", "--")
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return true, nil
	}
	return false, err
}

// CommitSubject is the subject of commit as git shows it (%s: the first
// paragraph of the message on one line).
func (r *Repo) CommitSubject(ctx context.Context, commit string) (string, error) {
	if err := CheckRev(commit); err != nil {
		return "", err
	}
	out, err := r.output(ctx, "log", "-1", "--no-show-signature", "--format=%s", "--end-of-options", commit, "--")
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// Subjects returns the subject of each of commits (full ids), with one
// git log.
func (r *Repo) Subjects(ctx context.Context, commits []string) (map[string]string, error) {
	out := make(map[string]string, len(commits))
	if len(commits) == 0 {
		return out, nil
	}
	args := []string{"log", "-z", "--no-show-signature", "--no-walk=unsorted", "--format=%H%x00%s", "--end-of-options"}
	for _, c := range commits {
		if err := CheckRev(c); err != nil {
			return nil, err
		}
		args = append(args, c)
	}
	raw, err := r.output(ctx, append(args, "--")...)
	if err != nil {
		return nil, err
	}
	titles, err := parseTitles(raw)
	if err != nil {
		return nil, err
	}
	for _, t := range titles {
		out[t.SHA] = t.Subject
	}
	return out, nil
}

// Title is a commit id and its subject.
type Title struct {
	SHA, Subject string
}

// Titles lists the commits selected by o, in git log's default order, with
// their subjects. Paths are literal (no pathspec magic). With changing set,
// only commits whose diff adds or removes a line matching that extended
// regular expression are kept (git log -G).
func (r *Repo) Titles(ctx context.Context, o LogOptions, changing string) ([]Title, error) {
	args := []string{"--literal-pathspecs", "log", "-z", "--no-show-signature", "--format=%H%x00%s"}
	if changing != "" {
		args = append(args, "-G"+changing)
	}
	out, err := r.output(ctx, o.revArgs(args)...)
	if err != nil {
		return nil, err
	}
	return parseTitles(out)
}

// Adders lists the commits selected by o that added one of its paths,
// newest first; without rename detection a rename counts as adding the new
// path, which is what names the commit that moved a file.
func (r *Repo) Adders(ctx context.Context, o LogOptions) ([]Title, error) {
	args := []string{"--literal-pathspecs", "log", "-z", "--no-show-signature", "--no-renames", "--diff-filter=A", "--format=%H%x00%s"}
	out, err := r.output(ctx, o.revArgs(args)...)
	if err != nil {
		return nil, err
	}
	return parseTitles(out)
}

// parseTitles reads "%H%x00%s" records of log -z: id and subject
// alternate, NUL-separated.
func parseTitles(out []byte) ([]Title, error) {
	f := SplitNUL(out)
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("git log: %d fields is not a multiple of 2", len(f))
	}
	titles := make([]Title, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		titles = append(titles, Title{SHA: f[i], Subject: f[i+1]})
	}
	return titles, nil
}

// Ancestry lists the commits reachable from rev, oldest first, in
// rev-list's default (date) order reversed.
func (r *Repo) Ancestry(ctx context.Context, rev string) ([]string, error) {
	if err := CheckRev(rev); err != nil {
		return nil, err
	}
	out, err := r.output(ctx, "rev-list", "--reverse", rev, "--")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// Trees resolves each revision to the id of its tree.
func (r *Repo) Trees(ctx context.Context, revs ...string) ([]string, error) {
	args := []string{"rev-parse"}
	for _, rev := range revs {
		if err := CheckRev(rev); err != nil {
			return nil, err
		}
		args = append(args, rev+"^{tree}")
	}
	out, err := r.output(ctx, args...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// DiffStat is the --stat of the changes from tree-ish a to b, as git prints
// it for the user (not parsed).
func (r *Repo) DiffStat(ctx context.Context, a, b string) ([]byte, error) {
	if err := CheckRev(a); err != nil {
		return nil, err
	}
	if err := CheckRev(b); err != nil {
		return nil, err
	}
	return r.output(ctx, "diff-tree", "-r", "--stat", "--no-color", "--no-ext-diff", "--no-textconv", a, b, "--")
}

// FormatPatch writes commit as a mail, with options that make the result
// depend on the commit only: no signature, an all-zero From line, 12-digit
// blob ids, no rename detection (so that its patch-id is the commit's),
// and the default prefixes whatever the user's configuration says.
func (r *Repo) FormatPatch(ctx context.Context, commit string) ([]byte, error) {
	if err := CheckRev(commit); err != nil {
		return nil, err
	}
	return r.output(ctx, "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
		"format-patch", "-1", "--stdout", "--no-signature", "--zero-commit", "--abbrev=12",
		"--no-renames", "--no-numbered", "--no-thread", "--no-attach", "--no-relative", commit)
}

// GrepFiles lists the files of tree-ish rev, among those matching the
// globs, with a line matching the extended regular expression pattern;
// none is not an error.
func (r *Repo) GrepFiles(ctx context.Context, rev, pattern string, globs []string) ([]string, error) {
	if err := CheckRev(rev); err != nil {
		return nil, err
	}
	args := append([]string{"grep", "-l", "-z", "-E", "-e", pattern, rev, "--"}, globs...)
	out, err := r.output(ctx, args...)
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && ge.ExitCode == 1 {
			return nil, nil // no match
		}
		return nil, err
	}
	var files []string
	for _, name := range SplitNUL(out) {
		if path, ok := strings.CutPrefix(name, rev+":"); ok {
			files = append(files, path)
		}
	}
	return files, nil
}
