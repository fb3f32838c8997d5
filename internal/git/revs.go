package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Commit is the metadata of one commit as read by Log.
type Commit struct {
	SHA         string
	Parents     []string
	AuthorName  string
	AuthorEmail string
	AuthorTime  int64
	Message     string // full raw message (%B)
}

// Subject is the first line of the message, as git shows it.
func (c *Commit) Subject() string {
	s := c.Message
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// IsMerge reports whether the commit has more than one parent.
func (c *Commit) IsMerge() bool { return len(c.Parents) > 1 }

// ErrUnknownRevision is returned when a revision does not name a commit.
var ErrUnknownRevision = errors.New("unknown revision")

// CheckRev refuses revisions that git would read as options; user-supplied
// revisions pass through here before reaching a command line.
func CheckRev(rev string) error {
	if rev == "" {
		return fmt.Errorf("empty revision: %w", ErrUnknownRevision)
	}
	if strings.HasPrefix(rev, "-") {
		return fmt.Errorf("revision %q starts with '-': %w", rev, ErrUnknownRevision)
	}
	return nil
}

// ResolveCommit turns a revision into a full commit id.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	if err := CheckRev(rev); err != nil {
		return "", err
	}
	out, err := r.output(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && ge.ExitCode == 1 {
			return "", fmt.Errorf("%q: %w", rev, ErrUnknownRevision)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// ResolveCommits resolves several revisions with one git call; on failure
// it resolves them one by one to name the one that failed.
func (r *Repo) ResolveCommits(ctx context.Context, revs ...string) ([]string, error) {
	args := []string{"rev-parse", "--verify", "--quiet", "--end-of-options"}
	for _, rev := range revs {
		if err := CheckRev(rev); err != nil {
			return nil, err
		}
	}
	if len(revs) == 1 {
		args = append(args, revs[0]+"^{commit}")
		out, err := r.output(ctx, args...)
		if err == nil {
			return []string{strings.TrimSpace(string(out))}, nil
		}
	} else {
		// No --end-of-options: rev-parse would print it; CheckRev ran.
		batch := []string{"rev-parse"}
		for _, rev := range revs {
			batch = append(batch, rev+"^{commit}")
		}
		if out, err := r.output(ctx, batch...); err == nil {
			if f := strings.Fields(string(out)); len(f) == len(revs) {
				return f, nil
			}
		}
	}
	shas := make([]string, len(revs))
	for i, rev := range revs {
		sha, err := r.ResolveCommit(ctx, rev)
		if err != nil {
			return nil, err
		}
		shas[i] = sha
	}
	return shas, nil
}

// ResolveCommitsShallow is IsShallow and ResolveCommits in one git call
// (each git process costs milliseconds before it does anything); on failure
// it falls back to them, to name the revision that failed.
func (r *Repo) ResolveCommitsShallow(ctx context.Context, revs ...string) (shas []string, shallow bool, err error) {
	if p := r.primed; p != nil && slices.Equal(p.revs, revs) {
		// Once: a Repo may live on (the terminal UI) while refs move.
		r.primed = nil
		return p.shas, p.shallow, nil
	}
	args, err := shallowRevArgs([]string{"rev-parse"}, revs)
	if err != nil {
		return nil, false, err
	}
	if out, err := r.output(ctx, args...); err == nil {
		if shas, shallow, ok := parseShallowRevs(strings.Fields(string(out)), len(revs)); ok {
			return shas, shallow, nil
		}
	}
	if shallow, err = r.IsShallow(ctx); err != nil {
		return nil, false, err
	}
	shas, err = r.ResolveCommits(ctx, revs...)
	return shas, shallow, err
}

// shallowRevArgs appends to a rev-parse command line the shallow check and
// the commits of revs, in the order parseShallowRevs reads their answer.
func shallowRevArgs(args, revs []string) ([]string, error) {
	args = append(args, "--is-shallow-repository")
	for _, rev := range revs {
		if err := CheckRev(rev); err != nil {
			return nil, err
		}
		// No --end-of-options: rev-parse would print it; CheckRev ran.
		args = append(args, rev+"^{commit}")
	}
	return args, nil
}

// parseShallowRevs reads the answer to shallowRevArgs' part of a
// rev-parse: "true" or "false", then n object ids.
func parseShallowRevs(lines []string, n int) (shas []string, shallow, ok bool) {
	if len(lines) != n+1 || (lines[0] != "true" && lines[0] != "false") {
		return nil, false, false
	}
	for _, sha := range lines[1:] {
		if !isHexID(sha) {
			return nil, false, false
		}
	}
	return lines[1:], lines[0] == "true", true
}

// RefExists reports whether a full ref name exists.
func (r *Repo) RefExists(ctx context.Context, ref string) (bool, error) {
	_, err := r.output(ctx, "show-ref", "--verify", "--quiet", ref)
	if err == nil {
		return true, nil
	}
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return false, nil
	}
	return false, err
}

// RefsExist reports which of refs (full names) exist, with one git
// for-each-ref for all of them.
func (r *Repo) RefsExist(ctx context.Context, refs ...string) (map[string]bool, error) {
	want := map[string]bool{}
	for _, ref := range refs {
		want[ref] = true
	}
	out, err := r.output(ctx, append([]string{"for-each-ref", "--format=%(refname)", "--"}, refs...)...)
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		// for-each-ref also lists the refs below a pattern, and matches
		// glob characters: only the names asked for count.
		if want[line] {
			found[line] = true
		}
	}
	return found, nil
}

// IsShallow reports whether the repository is a shallow clone.
func (r *Repo) IsShallow(ctx context.Context) (bool, error) {
	out, err := r.output(ctx, "rev-parse", "--is-shallow-repository")
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(out)) == "true", nil
}

// MergeBase returns the best common ancestor of a and b, or "" if none.
func (r *Repo) MergeBase(ctx context.Context, a, b string) (string, error) {
	out, err := r.output(ctx, "merge-base", "--end-of-options", a, b)
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) && ge.ExitCode == 1 {
			return "", nil
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// IsAncestor reports whether a is an ancestor of (or equal to) b.
func (r *Repo) IsAncestor(ctx context.Context, a, b string) (bool, error) {
	_, err := r.output(ctx, "merge-base", "--is-ancestor", "--end-of-options", a, b)
	if err == nil {
		return true, nil
	}
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return false, nil
	}
	return false, err
}

const logFields = 6

// LogOptions selects commits for Log.
type LogOptions struct {
	// Include and Exclude are full commit ids: Include ^Exclude.
	Include []string
	Exclude []string
	Paths   []string
	// NoMerges drops merge commits (Log still reports how many via the
	// Merges field of the result when CountMerges is set).
	NoMerges bool
	// Reverse lists oldest first.
	Reverse bool
}

// revArgs appends the selection of o to args: --no-merges and --reverse
// when o says so, "--end-of-options", the included and excluded commits,
// "--", the paths.
func (o LogOptions) revArgs(args []string) []string {
	if o.NoMerges {
		args = append(args, "--no-merges")
	}
	if o.Reverse {
		args = append(args, "--reverse")
	}
	args = append(args, "--end-of-options")
	args = append(args, o.Include...)
	for _, e := range o.Exclude {
		args = append(args, "^"+e)
	}
	args = append(args, "--")
	return append(args, o.Paths...)
}

// Log lists commits in topological order with their messages.
func (r *Repo) Log(ctx context.Context, o LogOptions) ([]Commit, error) {
	args := []string{"log", "-z", "--topo-order", "--no-color", "--no-show-signature", "--no-follow",
		"--format=%H%x00%P%x00%an%x00%ae%x00%at%x00%B"}
	out, err := r.output(ctx, o.revArgs(args)...)
	if err != nil {
		return nil, err
	}
	return parseLog(out)
}

func parseLog(out []byte) ([]Commit, error) {
	fields := SplitNUL(out)
	if len(fields)%logFields != 0 {
		return nil, fmt.Errorf("git log: %d fields is not a multiple of %d", len(fields), logFields)
	}
	commits := make([]Commit, 0, len(fields)/logFields)
	for i := 0; i < len(fields); i += logFields {
		f := fields[i : i+logFields]
		t, _ := strconv.ParseInt(f[4], 10, 64)
		c := Commit{SHA: f[0], AuthorName: f[2], AuthorEmail: f[3], AuthorTime: t, Message: f[5]}
		if f[1] != "" {
			c.Parents = strings.Split(f[1], " ")
		}
		commits = append(commits, c)
	}
	return commits, nil
}

// RevList lists commit ids (newest first unless reverse) of Include ^Exclude.
func (r *Repo) RevList(ctx context.Context, o LogOptions) ([]string, error) {
	args := []string{"rev-list", "--topo-order"}
	out, err := r.output(ctx, o.revArgs(args)...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// HasCommits reports whether Include ^Exclude (limited to Paths, without
// merges when NoMerges) holds at least one commit; git stops at the first.
func (r *Repo) HasCommits(ctx context.Context, o LogOptions) (bool, error) {
	args := []string{"rev-list", "-n", "1"}
	out, err := r.output(ctx, o.revArgs(args)...)
	if err != nil {
		return false, err
	}
	return len(bytes.TrimSpace(out)) > 0, nil
}

// Tags maps commit ids to the names of the tags (lightweight or annotated)
// that point at them.
func (r *Repo) Tags(ctx context.Context) (map[string][]string, error) {
	out, err := r.output(ctx, "for-each-ref", "--format=%(objectname)%00%(*objectname)%00%(refname:strip=2)", "refs/tags")
	if err != nil {
		return nil, err
	}
	tags := map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\x00")
		if len(f) != 3 {
			continue
		}
		sha := f[0]
		if f[1] != "" {
			sha = f[1] // annotated: the peeled commit
		}
		tags[sha] = append(tags[sha], f[2])
	}
	return tags, nil
}
