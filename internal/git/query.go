package git

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Paths are where a repository keeps its files, all absolute.
type Paths struct {
	GitDir    string // this work tree's git dir
	CommonDir string // shared by all work trees
	Objects   string // the object directory (GIT_OBJECT_DIRECTORY honoured)
}

// Paths asks git where the repository's directories are, honouring
// GIT_DIR, GIT_OBJECT_DIRECTORY and worktrees as git itself does.
func (r *Repo) Paths(ctx context.Context) (Paths, error) {
	out, err := r.output(ctx, "rev-parse", "--path-format=absolute", "--absolute-git-dir", "--git-common-dir", "--git-path", "objects")
	if err != nil {
		return Paths{}, err
	}
	return parsePaths(out)
}

func parsePaths(out []byte) (Paths, error) {
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 3 {
		return Paths{}, fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	return Paths{GitDir: lines[0], CommonDir: lines[1], Objects: lines[2]}, nil
}

// CommitterDate is the committer date of a commit, in the committer's time
// zone.
func (r *Repo) CommitterDate(ctx context.Context, commit string) (time.Time, error) {
	if err := CheckRev(commit); err != nil {
		return time.Time{}, err
	}
	out, err := r.output(ctx, "show", "-s", "--format=%cI", "--end-of-options", commit)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(out)))
	if err != nil {
		return time.Time{}, fmt.Errorf("committer date of %s: %w", commit, err)
	}
	return t, nil
}

// ListTree lists the paths (relative to the top, whatever the directory
// git runs in) of treeish under the given paths, recursively when asked;
// without recursion a directory is listed as one entry.
func (r *Repo) ListTree(ctx context.Context, treeish string, recursive bool, paths ...string) ([]string, error) {
	if err := CheckRev(treeish); err != nil {
		return nil, err
	}
	args := []string{"ls-tree", "-z", "--full-tree", "--name-only"}
	if recursive {
		args = append(args, "-r")
	}
	// No --end-of-options: after it, ls-tree would take "--" for a path.
	args = append(args, treeish, "--")
	out, err := r.output(ctx, append(args, paths...)...)
	if err != nil {
		return nil, err
	}
	return SplitNUL(out), nil
}

// ValidRefName reports whether name is a well-formed full ref name (git
// check-ref-format).
func (r *Repo) ValidRefName(ctx context.Context, name string) (bool, error) {
	if name == "" || strings.HasPrefix(name, "-") {
		return false, nil
	}
	_, err := r.output(ctx, "check-ref-format", name)
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return false, nil
	}
	return err == nil, err
}

// ArchiveOptions tune Archive.
type ArchiveOptions struct {
	Format string // "tar" when empty
	Prefix string // prepended to every path, normally "dir/"
}

// Archive writes treeish as an archive to the file output.
func (r *Repo) Archive(ctx context.Context, treeish, output string, o ArchiveOptions) error {
	if err := CheckRev(treeish); err != nil {
		return err
	}
	format := o.Format
	if format == "" {
		format = "tar"
	}
	args := []string{"archive", "--format=" + format}
	if o.Prefix != "" {
		args = append(args, "--prefix="+o.Prefix)
	}
	_, err := r.run(ctx, nil, append(args, "-o", output, "--end-of-options", treeish)...)
	return err
}
