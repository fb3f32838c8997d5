package git

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// BlameLine is one line of `git blame --porcelain`: the commit that last
// touched it, and its line numbers there and in the blamed revision.
type BlameLine struct {
	Commit    string // full object id
	OrigLine  int    // line number in Commit's version of the file
	FinalLine int    // line number in the blamed revision
	// Boundary: the line is older than the range BlameSince was limited
	// to; Commit is then the range's bottom, not the line's author.
	Boundary bool
}

// LineRange is an inclusive range of 1-based line numbers, as blame's -L
// takes it.
type LineRange struct{ Start, End int }

// ErrBlameFormat is returned (wrapped) for output that does not follow
// blame's porcelain format.
var ErrBlameFormat = errors.New("malformed blame porcelain output")

// LineRanges coalesces line numbers (any order, repeats allowed) into the
// fewest ranges that cover them, in order.
func LineRanges(lines []int) []LineRange {
	ls := slices.Clone(lines)
	slices.Sort(ls)
	var rs []LineRange
	for _, l := range ls {
		if n := len(rs); n > 0 && l <= rs[n-1].End+1 {
			rs[n-1].End = max(rs[n-1].End, l)
			continue
		}
		rs = append(rs, LineRange{l, l})
	}
	return rs
}

// Blame runs one `git blame --porcelain` of path as it is in rev, over the
// given line ranges (the whole file when none), and returns its lines in
// output order.
func (r *Repo) Blame(ctx context.Context, rev, path string, ranges ...LineRange) ([]BlameLine, error) {
	return r.BlameSince(ctx, "", rev, path, ranges...)
}

// BlameSince is Blame limited to the commits of since..rev: blame stops
// there instead of walking the whole history (seconds on a kernel), and a
// line older than since is Boundary. An empty since is no limit.
func (r *Repo) BlameSince(ctx context.Context, since, rev, path string, ranges ...LineRange) ([]BlameLine, error) {
	if err := CheckRev(rev); err != nil {
		return nil, err
	}
	if since != "" {
		if err := CheckRev(since); err != nil {
			return nil, err
		}
		rev = since + ".." + rev
	}
	// --root: a root commit is a line's author, not a boundary.
	args := []string{"blame", "--porcelain", "--root"}
	for _, lr := range ranges {
		if lr.Start < 1 || lr.End < lr.Start {
			return nil, fmt.Errorf("blame %s: bad line range %d,%d", path, lr.Start, lr.End)
		}
		args = append(args, "-L", fmt.Sprintf("%d,%d", lr.Start, lr.End))
	}
	// blame takes no --end-of-options (git 2.39): CheckRev keeps rev from
	// being read as an option, "--" does the same for path.
	out, err := r.output(ctx, append(args, rev, "--", path)...)
	if err != nil {
		return nil, err
	}
	return ParseBlamePorcelain(out)
}

// ParseBlamePorcelain reads the output of `git blame --porcelain`
// (Documentation/git-blame.txt, "THE PORCELAIN FORMAT"; builtin/blame.c,
// emit_porcelain): every line of the file is a header
// "<id> <orig-line> <final-line>[ <group-size>]", the commit's details
// ("author ...", "filename ...") the first time it appears, then the line's
// content after a TAB.
func ParseBlamePorcelain(out []byte) ([]BlameLine, error) {
	var res []BlameLine
	boundary := map[string]bool{}
	inEntry := false // a header was read, its content line not yet
	s := string(out)
	for n := 1; s != ""; n++ {
		line, rest, found := strings.Cut(s, "\n")
		if !found {
			return nil, fmt.Errorf("%w: line %d has no newline", ErrBlameFormat, n)
		}
		s = rest
		switch {
		case strings.HasPrefix(line, "\t"):
			if !inEntry {
				return nil, fmt.Errorf("%w: line %d: content without a header", ErrBlameFormat, n)
			}
			inEntry = false
		case inEntry:
			// A detail of the commit: "author ...", "filename ...",
			// "boundary" (the first time a commit appears only).
			if line == "boundary" {
				boundary[res[len(res)-1].Commit] = true
			}
		default:
			bl, err := parseBlameHeader(line)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrBlameFormat, n, err)
			}
			res = append(res, bl)
			inEntry = true
		}
	}
	if inEntry {
		return nil, fmt.Errorf("%w: the last line has no content", ErrBlameFormat)
	}
	for i := range res {
		res[i].Boundary = boundary[res[i].Commit]
	}
	return res, nil
}

func parseBlameHeader(line string) (BlameLine, error) {
	f := strings.Split(line, " ")
	if len(f) != 3 && len(f) != 4 {
		return BlameLine{}, fmt.Errorf("header %q is not <id> <orig> <final> [<count>]", line)
	}
	if (len(f[0]) != 40 && len(f[0]) != 64) || !IsHex(f[0]) {
		return BlameLine{}, fmt.Errorf("header %q: %q is not an object id", line, f[0])
	}
	var nums [3]int
	for i, s := range f[1:] {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || s[0] == '+' {
			return BlameLine{}, fmt.Errorf("header %q: %q is not a line number", line, s)
		}
		nums[i] = v
	}
	return BlameLine{Commit: f[0], OrigLine: nums[0], FinalLine: nums[1]}, nil
}
