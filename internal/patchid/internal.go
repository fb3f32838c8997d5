package patchid

import (
	"bytes"
	"crypto/sha1"
	"hash"
	"strconv"
)

// includeModeChange: git 2.39 hashes "oldmode<m>newmode<m>" of modified
// files into the internal id (TestMatchesGitOnEdgeCases, commit
// "binary-and-mode", fails if this is false).
const includeModeChange = true

// internalState recomputes git's internal stable patch-id (diff.c
// diff_get_patch_id with stable=1) from diff-tree text. It differs from
// `git patch-id` in that binary files contribute their object ids instead
// of a "Binary files differ" line, and every file's header is hashed in a
// canonical form built from its unquoted path.
type internalState struct {
	h         hash.Hash
	sum       ID
	sawBinary bool

	inFile     bool
	path       []byte
	mode       []byte // mode of a new or deleted file
	oldMode    []byte
	newMode    []byte
	isNew      bool
	isDeleted  bool
	oldOID     []byte
	newOID     []byte
	binary     bool
	gitlink    bool
	headerDone bool
	scratch    []byte
}

func (s *internalState) reset() {
	if s.h == nil {
		s.h = sha1.New()
	}
	s.h.Reset()
	s.sum = ID{}
	s.sawBinary = false
	s.inFile = false
}

func (s *internalState) write(parts ...[]byte) {
	for _, p := range parts {
		s.h.Write(p)
	}
}

func (s *internalState) emitHeader() {
	if s.headerDone {
		return
	}
	s.headerDone = true
	if s.gitlink {
		return
	}
	p := s.path
	s.write([]byte("diff--git"), []byte("a/"), p, []byte("b/"), p)
	switch {
	case s.isNew:
		s.write([]byte("newfilemode"), s.mode)
	case s.isDeleted:
		s.write([]byte("deletedfilemode"), s.mode)
	case s.oldMode != nil && includeModeChange:
		s.write([]byte("oldmode"), s.oldMode, []byte("newmode"), s.newMode)
	}
	if s.binary {
		return
	}
	switch {
	case s.isNew:
		s.write([]byte("---/dev/null"), []byte("+++b/"), p)
	case s.isDeleted:
		s.write([]byte("---a/"), p, []byte("+++/dev/null"))
	default:
		s.write([]byte("---a/"), p, []byte("+++b/"), p)
	}
}

// endFile flushes the file's hash into the sum: every file, binary or not,
// is one summand (git >= 2.39, "patch-id: fix stable patch id for binary").
func (s *internalState) endFile() {
	if !s.inFile {
		return
	}
	s.emitHeader()
	s.inFile = false
	if s.gitlink {
		return
	}
	if s.binary {
		s.write(s.oldOID, s.newOID)
	}
	var buf [sha1.Size]byte
	addHash(&s.sum, s.h.Sum(buf[:0]))
	s.h.Reset()
}

func (s *internalState) line(line []byte) {
	if bytes.HasPrefix(line, []byte("diff --git ")) {
		s.endFile()
		s.inFile = true
		s.path = removeSpace(diffGitPath(bytes.TrimRight(line[len("diff --git "):], "\n")))
		s.mode, s.isNew, s.isDeleted, s.binary, s.gitlink, s.headerDone = nil, false, false, false, false, false
		s.oldOID, s.newOID, s.oldMode, s.newMode = nil, nil, nil, nil
		return
	}
	if !s.inFile {
		return
	}
	if !s.headerDone {
		l := bytes.TrimRight(line, "\n")
		switch {
		case bytes.HasPrefix(l, []byte("new file mode ")):
			s.isNew, s.mode = true, append([]byte(nil), l[len("new file mode "):]...)
			s.gitlink = s.gitlink || bytes.Equal(s.mode, []byte("160000"))
		case bytes.HasPrefix(l, []byte("deleted file mode ")):
			s.isDeleted, s.mode = true, append([]byte(nil), l[len("deleted file mode "):]...)
			s.gitlink = s.gitlink || bytes.Equal(s.mode, []byte("160000"))
		case bytes.HasPrefix(l, []byte("old mode ")):
			s.oldMode = append([]byte(nil), l[len("old mode "):]...)
			s.gitlink = s.gitlink || bytes.Equal(s.oldMode, []byte("160000"))
		case bytes.HasPrefix(l, []byte("new mode ")):
			s.newMode = append([]byte(nil), l[len("new mode "):]...)
			s.gitlink = s.gitlink || bytes.Equal(s.newMode, []byte("160000"))
		case bytes.HasPrefix(l, []byte("index ")):
			f := bytes.Fields(l[len("index "):])
			if len(f) > 0 {
				if a, b, ok := bytes.Cut(f[0], []byte("..")); ok {
					s.oldOID, s.newOID = append([]byte(nil), a...), append([]byte(nil), b...)
				}
			}
			if len(f) > 1 && bytes.Equal(f[1], []byte("160000")) {
				s.gitlink = true
			}
		case bytes.HasPrefix(l, []byte("Binary files ")), bytes.HasPrefix(l, []byte("GIT binary patch")):
			s.binary, s.sawBinary = true, true
		case bytes.HasPrefix(l, []byte("@@ ")):
			s.emitHeader()
		}
		return
	}
	if bytes.HasPrefix(line, []byte("@@ ")) {
		return
	}
	if bytes.HasPrefix(line, []byte(`\ `)) && len(line) > 12 {
		return
	}
	if s.gitlink {
		return
	}
	s.scratch = s.scratch[:0]
	for _, c := range line {
		if !isSpace(c) {
			s.scratch = append(s.scratch, c)
		}
	}
	s.h.Write(s.scratch)
}

func (s *internalState) finish() ID {
	s.endFile()
	return s.sum
}

func removeSpace(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if !isSpace(c) {
			out = append(out, c)
		}
	}
	return out
}

// diffGitPath extracts the path from the "a/<p> b/<p>" part of a diff --git
// line written without rename detection (both sides name the same path).
func diffGitPath(rest []byte) []byte {
	if len(rest) > 0 && rest[0] == '"' {
		if p, ok := unquoteC(rest); ok {
			return bytes.TrimPrefix(p, []byte("a/"))
		}
	}
	n := (len(rest) - 1) / 2
	if n < 2 {
		return rest
	}
	return rest[2:n]
}

// unquoteC decodes the leading C-style quoted string git writes for paths
// with special characters.
func unquoteC(b []byte) ([]byte, bool) {
	end := 1
	for end < len(b) && b[end] != '"' {
		if b[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(b) {
		return nil, false
	}
	var out []byte
	q := b[1:end]
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c != '\\' || i+1 >= len(q) {
			out = append(out, c)
			continue
		}
		i++
		switch q[i] {
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case '0', '1', '2', '3':
			if i+2 < len(q) {
				if v, err := strconv.ParseUint(string(q[i:i+3]), 8, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			out = append(out, q[i])
		default:
			out = append(out, q[i])
		}
	}
	return out, true
}
