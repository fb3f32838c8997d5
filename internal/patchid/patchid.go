package patchid

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"
)

// ID is a 20-byte patch-id.
type ID [20]byte

// String is the 40-hex form, or "" for the zero ID (no patch).
func (id ID) String() string {
	if id.IsZero() {
		return ""
	}
	return hex.EncodeToString(id[:])
}

// IsZero reports whether the id is unset (the commit has no patch).
func (id ID) IsZero() bool { return id == ID{} }

// Parse reads a 40-hex id.
func Parse(s string) (ID, error) {
	var id ID
	if len(s) != 40 {
		return id, errors.New("patch-id must be 40 hex digits")
	}
	_, err := hex.Decode(id[:], []byte(s))
	return id, err
}

// Result is the patch-id of one commit in a diff-tree stream.
type Result struct {
	Commit string
	// ID is zero when the commit changes nothing a patch can express
	// (an empty commit), as git patch-id prints nothing for it.
	ID ID
	// Binary is set when a binary file made ID the internal (object id
	// based) variant.
	Binary bool
}

// addHash adds h to sum as little-endian 160-bit numbers with carry; stable
// ids are order-independent sums of per-file hashes.
func addHash(sum *ID, h []byte) {
	var carry uint16
	for i := 0; i < len(sum); i++ {
		carry += uint16(sum[i]) + uint16(h[i])
		sum[i] = byte(carry)
		carry >>= 8
	}
}

// isSpace is git's isspace (sane_ctype in git's ctype.c), which patch-id
// strips: not C's, since a vertical tab or a form feed (old kernel sources
// have them between sections) stays in a line's hash.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// commitLine returns the commit id a line announces, as git patch-id reads
// them: optionally prefixed by "diff-tree ", "commit " or "From ".
func commitLine(line []byte) (string, bool) {
	p := line
	for _, pre := range [][]byte{[]byte("diff-tree "), []byte("commit "), []byte("From ")} {
		if bytes.HasPrefix(p, pre) {
			p = p[len(pre):]
			break
		}
	}
	if len(p) < 40 {
		return "", false
	}
	for _, c := range p[:40] {
		if !isHex(c) {
			return "", false
		}
	}
	return string(bytes.ToLower(p[:40])), true
}

// textState is git patch-id's per-patch state machine (get_one_patchid).
type textState struct {
	h        hash.Hash
	sum      ID
	patchlen int
	before   int
	after    int
	stopped  bool // git stopped reading this patch (its "break")
	scratch  []byte
}

func (t *textState) reset() {
	if t.h == nil {
		t.h = sha1.New()
	}
	t.h.Reset()
	t.sum = ID{}
	t.patchlen = 0
	t.before, t.after = -1, -1
	t.stopped = false
}

func (t *textState) flush() {
	var buf [sha1.Size]byte
	addHash(&t.sum, t.h.Sum(buf[:0]))
	t.h.Reset()
}

func (t *textState) line(line []byte) {
	if t.stopped {
		return
	}
	if bytes.HasPrefix(line, []byte(`\ `)) && len(line) > 12 {
		return
	}
	if t.patchlen == 0 && !bytes.HasPrefix(line, []byte("diff ")) {
		return
	}
	if t.before == -1 {
		switch {
		case bytes.HasPrefix(line, []byte("index ")):
			return
		case bytes.HasPrefix(line, []byte("--- ")):
			t.before, t.after = 1, 1
		case len(line) == 0 || !isAlpha(line[0]):
			t.stopped = true
			return
		}
	}
	if t.before == 0 && t.after == 0 {
		if bytes.HasPrefix(line, []byte("@@ -")) {
			scanHunkHeader(line, &t.before, &t.after)
			return
		}
		if !bytes.HasPrefix(line, []byte("diff ")) {
			t.stopped = true
			return
		}
		t.flush()
		t.before, t.after = -1, -1
	}
	if len(line) > 0 {
		if line[0] == '-' || line[0] == ' ' {
			t.before--
		}
		if line[0] == '+' || line[0] == ' ' {
			t.after--
		}
	}
	t.scratch = t.scratch[:0]
	for _, c := range line {
		if !isSpace(c) {
			t.scratch = append(t.scratch, c)
		}
	}
	t.patchlen += len(t.scratch)
	t.h.Write(t.scratch)
}

func (t *textState) finish() (ID, bool) {
	t.flush()
	return t.sum, t.patchlen > 0
}

// scanHunkHeader mirrors git's scan_hunk_header: on a malformed header the
// counters are left as they were.
func scanHunkHeader(line []byte, before, after *int) {
	digits := func(b []byte) int {
		n := 0
		for n < len(b) && b[n] >= '0' && b[n] <= '9' {
			n++
		}
		return n
	}
	q := line[4:]
	n := digits(q)
	if n < len(q) && q[n] == ',' {
		q = q[n+1:]
		n = digits(q)
	}
	if n == 0 || n+1 >= len(q) || q[n] != ' ' || q[n+1] != '+' {
		return
	}
	r := q[n+2:]
	m := digits(r)
	if m < len(r) && r[m] == ',' {
		r = r[m+1:]
		m = digits(r)
	}
	if m == 0 {
		return
	}
	b, _ := strconv.Atoi(string(q[:n]))
	a, _ := strconv.Atoi(string(r[:m]))
	*before, *after = b, a
}

// Scanner reads the output of `git diff-tree --stdin --always -p ...` (or any
// concatenation of commit-id lines each followed by its diff) and yields one
// Result per commit.
type Scanner struct {
	r       *bufio.Reader
	text    textState
	bin     internalState
	commit  string
	started bool
	err     error
	res     Result
	long    []byte
}

// NewScanner reads diff-tree output from r.
func NewScanner(r io.Reader) *Scanner {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	return &Scanner{r: br}
}

// readLine returns the next line including its newline; the slice is only
// valid until the next call.
func (s *Scanner) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.r.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	return line, err
}

// Scan advances to the next commit's result.
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	for {
		line, err := s.readLine()
		if err != nil {
			if err != io.EOF {
				s.err = err
				return false
			}
			if !s.started {
				return false
			}
			s.emit()
			s.started = false
			return true
		}
		if sha, ok := commitLine(line); ok {
			if s.started {
				s.emit()
				s.begin(sha)
				return true
			}
			s.begin(sha)
			continue
		}
		if !s.started {
			continue // text before the first commit line belongs to no commit
		}
		s.text.line(line)
		s.bin.line(line)
	}
}

func (s *Scanner) begin(sha string) {
	s.started = true
	s.commit = sha
	s.text.reset()
	s.bin.reset()
}

func (s *Scanner) emit() {
	s.res = Result{Commit: s.commit}
	if s.bin.sawBinary {
		s.res.ID, s.res.Binary = s.bin.finish(), true
		return
	}
	if id, ok := s.text.finish(); ok {
		s.res.ID = id
	}
}

// Result is the last scanned commit's result.
func (s *Scanner) Result() Result { return s.res }

// Err is the first read error, if any.
func (s *Scanner) Err() error { return s.err }

// Compute returns the patch-id of a single diff (without a commit line); the
// zero ID when the diff is empty.
func Compute(diff []byte) Result {
	s := scanText(diff)
	if !s.Scan() {
		return Result{}
	}
	r := s.Result()
	r.Commit = ""
	return r
}

// IDs returns the patch-ids of a text without commit lines of its own: a
// diff, or format-patch mails, whose "From <id>" lines each start a patch
// as they do for git patch-id. A diff or a mail gives one id, a series one
// per patch; patches without an id (no diff) are left out.
func IDs(text []byte) ([]ID, error) {
	s := scanText(text)
	var out []ID
	for s.Scan() {
		if id := s.Result().ID; !id.IsZero() {
			out = append(out, id)
		}
	}
	return out, s.Err()
}

// scanText scans a text that has no commit line before its first diff.
func scanText(text []byte) *Scanner {
	return NewScanner(io.MultiReader(strings.NewReader("0000000000000000000000000000000000000000\n"), bytes.NewReader(text)))
}
