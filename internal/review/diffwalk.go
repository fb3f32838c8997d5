package review

import (
	"bufio"
	"bytes"
	"io"
)

// diffVisitor receives the parts of `git diff-tree --stdin -p` output that
// the similar tier and the prefilter read. Slices are valid only during
// the call.
type diffVisitor struct {
	commit func(sha string)
	file   func(header []byte) // a "diff --git " line
	binary func()              // "Binary files ... differ" or a binary patch
	change func(sign byte, text []byte)
}

// walkDiffs reads a diff-tree stream: commit id lines, file headers, and the
// +/- lines inside hunks. Lines before the first commit belong to none.
func walkDiffs(r io.Reader, v diffVisitor) error {
	br := bufio.NewReaderSize(r, 256<<10)
	started, inHunk := false, false
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if l := bytes.TrimSuffix(line, []byte("\n")); len(l) > 0 {
			switch {
			case len(l) == 40 && isHexBytes(l):
				started, inHunk = true, false
				v.commit(string(l))
			case !started:
			case bytes.HasPrefix(l, []byte("diff --git ")):
				inHunk = false
				if v.file != nil {
					v.file(l)
				}
			case bytes.HasPrefix(l, []byte("Binary files ")), bytes.HasPrefix(l, []byte("GIT binary patch")):
				if v.binary != nil {
					v.binary()
				}
			case bytes.HasPrefix(l, []byte("@@ ")):
				inHunk = true
			case inHunk && (l[0] == '+' || l[0] == '-'):
				v.change(l[0], l[1:])
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func isHexBytes(b []byte) bool {
	for _, c := range b {
		if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
			return false
		}
	}
	return true
}
