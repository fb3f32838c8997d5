package git

import (
	"bytes"
	"context"
	"io"
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
	return r.stream(ctx, &in, consume, args...)
}
