package git

import (
	"bytes"
	"context"
	"io"
	"strings"
)

// PatchIDDiffArgs make `git diff-tree --stdin` print, for each commit id read
// on stdin, the commit id and the diff that git's patch-id is defined on:
// Myers, three lines of context, no indent heuristic, no renames, full object
// ids, standard prefixes, and nothing a user's configuration could change.
var PatchIDDiffArgs = []string{
	"diff-tree", "--stdin", "--always", "--root", "-p", "--full-index", "--no-renames",
	"--diff-algorithm=myers", "--no-indent-heuristic", "--unified=3", "--no-color",
	"--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative",
}

// StreamPatches runs diff-tree over commits (full ids) and hands its output
// to consume while it is produced.
func (r *Repo) StreamPatches(ctx context.Context, commits []string, extra []string, consume func(io.Reader) error) error {
	var in bytes.Buffer
	for _, c := range commits {
		in.WriteString(c)
		in.WriteByte('\n')
	}
	args := append(append([]string{}, PatchIDDiffArgs...), extra...)
	return r.Stream(ctx, &in, consume, args...)
}

// ChangedFiles maps each non-merge commit of Include ^Exclude (limited to
// Paths when given, but listing every file the commit touches) to the files
// it changes, without rename detection. Listing names costs a tree diff, far
// less than a patch.
func (r *Repo) ChangedFiles(ctx context.Context, o LogOptions) (map[string][]string, error) {
	args := []string{"--literal-pathspecs", "log", "-z", "--no-merges", "--no-renames", "--name-only", "--format=%x01%H"}
	if len(o.Paths) > 0 {
		args = append(args, "--full-diff")
	}
	out, err := r.Output(ctx, o.revArgs(args)...)
	if err != nil {
		return nil, err
	}
	files := map[string][]string{}
	for _, rec := range bytes.Split(out, []byte{1}) {
		if len(rec) == 0 {
			continue
		}
		sha, rest, _ := bytes.Cut(rec, []byte{0})
		rest = bytes.TrimPrefix(rest, []byte{'\n'})
		var fs []string
		for _, f := range SplitNUL(rest) {
			if f != "" {
				fs = append(fs, f)
			}
		}
		files[strings.TrimSpace(string(sha))] = fs
	}
	return files, nil
}
