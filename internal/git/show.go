package git

import (
	"context"
	"strconv"
)

// ShowOptions tune ShowCommit.
type ShowOptions struct {
	// Format is the --format of the commit's header (git's pretty
	// formats).
	Format string
	// StatWidth, when positive, adds a --stat of that width.
	StatWidth int
	// FunctionContext shows whole functions around changes (-W).
	FunctionContext bool
}

// ShowCommit is `git show` of one commit for a reader: the header in
// o.Format and the patch, without colour, external diff drivers or
// textconv filters.
func (r *Repo) ShowCommit(ctx context.Context, rev string, o ShowOptions) (string, error) {
	if err := CheckRev(rev); err != nil {
		return "", err
	}
	args := []string{"show", "--no-color", "--no-ext-diff", "--no-textconv"}
	if o.StatWidth > 0 {
		args = append(args, "--stat="+strconv.Itoa(o.StatWidth))
	}
	args = append(args, "-p", "--format="+o.Format)
	if o.FunctionContext {
		args = append(args, "-W")
	}
	out, err := r.output(ctx, append(args, "--end-of-options", rev, "--")...)
	return string(out), err
}
