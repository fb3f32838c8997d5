package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// This file reads `git log -z --raw --no-abbrev` with the format
// "%H%x00%P%x00[%an%x00%ae%x00%at%x00][%B%x00]": every field of a commit and every field of its
// raw diff (diff.c, diff_flush_raw with -z) ends with a NUL, so the stream
// is a sequence of NUL-terminated tokens. git refuses a NUL in a commit
// message (commit.c, commit_tree_extended), so no message byte can end a
// field early or pass for the start of another record, the way a \x01 or a
// newline could under a separator chosen by us.
//
// Per commit, git writes the format's fields, then the -z record
// terminator (an empty token), then, when the commit changes files, a
// newline and one ":<mode> <mode> <oid> <oid> <status>" token per file
// followed by its path token (two paths for copies and renames).

// RawChange is one file of a commit's raw diff.
type RawChange struct {
	// OldMode and NewMode are the octal file modes (0 for a missing side).
	OldMode, NewMode uint32
	// OldOID and NewOID are full object ids (all zeros for a missing
	// side, or for a work-tree side git did not hash).
	OldOID, NewOID string
	// Status is git's status letter: A, C, D, M, R, T, U or X.
	Status byte
	// Path is the file's path (the destination of a copy or rename).
	Path string
	// OldPath is the source of a copy or rename, "" otherwise.
	OldPath string
}

// LogRecord is one commit of a log walk.
type LogRecord struct {
	Commit  string
	Parents []string
	// The author, read only with WalkOptions.Author.
	AuthorName, AuthorEmail string
	AuthorTime              int64
	// Message is the raw message (%B), read only with WalkOptions.Message.
	Message string
	// Changes are the files the commit changes, read only with
	// WalkOptions.Changes. Parents and Changes are reused for the next
	// record: copy them to keep them (the strings inside may be kept).
	Changes []RawChange
}

// ErrLogFormat is returned (wrapped) for log output that does not follow
// the format WalkLog asked for.
var ErrLogFormat = errors.New("unexpected git log output")

// WalkOptions select commits for WalkLog and say what to read of each.
type WalkOptions struct {
	LogOptions
	// Message reads each commit's raw message.
	Message bool
	// Author reads each commit's author name, email and time.
	Author bool
	// TopoOrder lists no parent before all its children (git log
	// --topo-order), as a queue is shown.
	TopoOrder bool
	// Changes reads the files each commit changes, with object ids and
	// modes, without rename detection. With Paths, every file of a
	// commit that touches them is listed (--full-diff).
	Changes bool
}

// WalkLog lists the commits of o in git log's default order (newest
// first, or oldest first with Reverse) and hands each to fn as git
// produces it; a walk of a large range never holds more than one commit.
// An error from fn stops git and is returned.
func (r *Repo) WalkLog(ctx context.Context, o WalkOptions, fn func(*LogRecord) error) error {
	format := "--format=%H%x00%P%x00"
	if o.Author {
		format += "%an%x00%ae%x00%at%x00"
	}
	if o.Message {
		format += "%B%x00"
	}
	// --literal-pathspecs: paths are file names, not patterns.
	// --no-follow: log.follow would follow one path across renames.
	args := []string{"--literal-pathspecs", "log", "-z", "--no-color", "--no-show-signature", "--no-follow", format}
	if o.Changes {
		args = append(args, "--raw", "--no-abbrev", "--no-renames")
		if len(o.Paths) > 0 {
			args = append(args, "--full-diff")
		}
	}
	if o.TopoOrder {
		args = append(args, "--topo-order")
	}
	return r.stream(ctx, nil, func(out io.Reader) error {
		return ReadLogFields(out, o.Author, o.Message, fn)
	}, o.revArgs(args)...)
}

// ReadLogFields parses the output of WalkLog's git log and calls fn for
// each commit: withAuthor when the format had %an, %ae and %at after %P,
// withMessage when it had %B.
func ReadLogFields(r io.Reader, withAuthor, withMessage bool, fn func(*LogRecord) error) error {
	t := tokenReader{br: bufferedReader(r)}
	var rec LogRecord
	tok, err := t.next()
	for {
		// Between records: the -z terminator of the previous one.
		for err == nil && len(tok) == 0 {
			tok, err = t.next()
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !isObjectID(tok) {
			return fmt.Errorf("%w: %.60q where a commit id was expected", ErrLogFormat, tok)
		}
		rec.Commit, rec.Message = string(tok), ""
		rec.AuthorName, rec.AuthorEmail, rec.AuthorTime = "", "", 0
		rec.Parents, rec.Changes = rec.Parents[:0], rec.Changes[:0]
		if tok, err = t.next(); err != nil {
			return truncated(err, rec.Commit)
		}
		for p := range bytes.FieldsSeq(tok) {
			if !isObjectID(p) {
				return fmt.Errorf("%w: commit %s: parent %.60q", ErrLogFormat, rec.Commit, p)
			}
			rec.Parents = append(rec.Parents, string(p))
		}
		if withAuthor {
			var f [3]string
			for i := range f {
				if tok, err = t.next(); err != nil {
					return truncated(err, rec.Commit)
				}
				f[i] = string(tok)
			}
			at, perr := strconv.ParseInt(f[2], 10, 64)
			if perr != nil {
				return fmt.Errorf("%w: commit %s: author time %.60q", ErrLogFormat, rec.Commit, f[2])
			}
			rec.AuthorName, rec.AuthorEmail, rec.AuthorTime = f[0], f[1], at
		}
		if withMessage {
			if tok, err = t.next(); err != nil {
				return truncated(err, rec.Commit)
			}
			rec.Message = string(tok)
		}
		// The commit's raw diff: ":"-tokens, each with its paths, up to
		// the next commit id or the end.
		for {
			tok, err = t.next()
			if err != nil {
				break
			}
			if len(tok) > 0 && tok[0] == '\n' {
				tok = tok[1:]
			}
			if len(tok) == 0 {
				continue
			}
			if tok[0] != ':' {
				break
			}
			var c RawChange
			paths, perr := parseRawMeta(tok, &c)
			if perr != nil {
				return fmt.Errorf("%w: commit %s: %v", ErrLogFormat, rec.Commit, perr)
			}
			for i := 0; i < paths; i++ {
				p, perr := t.next()
				if perr != nil {
					return truncated(perr, rec.Commit)
				}
				c.OldPath, c.Path = c.Path, string(p)
			}
			rec.Changes = append(rec.Changes, c)
		}
		if err != nil && err != io.EOF {
			return err
		}
		if ferr := fn(&rec); ferr != nil {
			return ferr
		}
	}
}

func truncated(err error, commit string) error {
	if err == io.EOF {
		return fmt.Errorf("%w: commit %s: truncated record", ErrLogFormat, commit)
	}
	return err
}

// parseRawMeta reads ":<old mode> <new mode> <old oid> <new oid> <status>"
// into c and returns how many path tokens follow it.
func parseRawMeta(tok []byte, c *RawChange) (int, error) {
	rest := tok[1:]
	var f [5][]byte
	for i := range f {
		if i == 4 {
			f[i] = rest
			break
		}
		j := bytes.IndexByte(rest, ' ')
		if j < 0 {
			return 0, fmt.Errorf("raw entry %.80q", tok)
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	var ok1, ok2 bool
	c.OldMode, ok1 = parseMode(f[0])
	c.NewMode, ok2 = parseMode(f[1])
	if !ok1 || !ok2 || !isObjectID(f[2]) || !isObjectID(f[3]) || len(f[4]) == 0 {
		return 0, fmt.Errorf("raw entry %.80q", tok)
	}
	c.OldOID, c.NewOID, c.Status = string(f[2]), string(f[3]), f[4][0]
	switch c.Status {
	case 'R', 'C':
		return 2, nil
	case 'A', 'D', 'M', 'T', 'U', 'X':
		return 1, nil
	}
	return 0, fmt.Errorf("raw entry %.80q: status %q", tok, c.Status)
}

func parseMode(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 7 {
		return 0, false
	}
	var m uint32
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, false
		}
		m = m<<3 | uint32(c-'0')
	}
	return m, true
}

// isObjectID reports whether b is a full SHA-1 or SHA-256 object id as git
// prints them.
func isObjectID(b []byte) bool {
	return (len(b) == 40 || len(b) == 64) && isHexID(b)
}

// isHexID reports whether s is non-empty and all lower-case hex digits.
// It takes bytes or a string without converting either.
func isHexID[T ~string | ~[]byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func bufferedReader(r io.Reader) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return br
	}
	return bufio.NewReaderSize(r, 256<<10)
}

// tokenReader yields NUL-terminated tokens without the NUL, valid until
// the next call; only tokens longer than the reader's buffer are copied.
type tokenReader struct {
	br   *bufio.Reader
	long []byte
}

// next returns io.EOF at the end of the stream; an unterminated last
// token is returned before that.
func (t *tokenReader) next() ([]byte, error) {
	tok, err := t.br.ReadSlice(0)
	if err == bufio.ErrBufferFull {
		t.long = append(t.long[:0], tok...)
		for err == bufio.ErrBufferFull {
			tok, err = t.br.ReadSlice(0)
			t.long = append(t.long, tok...)
		}
		tok = t.long
	}
	if err == io.EOF && len(tok) > 0 {
		return tok, nil
	}
	if err != nil {
		return nil, err
	}
	return tok[:len(tok)-1], nil
}
