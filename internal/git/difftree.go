package git

import (
	"bufio"
	"bytes"
	"context"
	"io"
)

// PatchVisitor receives the parts of a StreamPatches stream (`git
// diff-tree --stdin -p`: a commit id line, then that commit's patch) that
// readers of changed lines need. Every callback may be nil; slices are
// valid only during the call.
type PatchVisitor struct {
	// Commit starts a commit's patch.
	Commit func(id string)
	// File is a "diff --git " header line, without its newline.
	File func(header []byte)
	// Binary is a "Binary files ... differ" line or a binary patch.
	Binary func()
	// Hunk, when set, starts a hunk (an "@@ " line).
	Hunk func()
	// Change is a line a hunk adds ('+') or removes ('-'), without the
	// sign and the newline.
	Change func(sign byte, text []byte)
	// Context, when set, is a context line of a hunk, without its space
	// and newline.
	Context func(text []byte)
	// End, when set, is called when the stream has been read to its end:
	// a visitor that keeps the current commit's data hands it over then.
	End func()
}

// Tee is a visitor that hands every event to each of vs in turn.
func Tee(vs ...PatchVisitor) PatchVisitor {
	t := PatchVisitor{
		Commit: func(id string) {
			for _, v := range vs {
				if v.Commit != nil {
					v.Commit(id)
				}
			}
		},
		File: func(h []byte) {
			for _, v := range vs {
				if v.File != nil {
					v.File(h)
				}
			}
		},
		Binary: func() {
			for _, v := range vs {
				if v.Binary != nil {
					v.Binary()
				}
			}
		},
		Hunk: func() {
			for _, v := range vs {
				if v.Hunk != nil {
					v.Hunk()
				}
			}
		},
		Change: func(sign byte, text []byte) {
			for _, v := range vs {
				if v.Change != nil {
					v.Change(sign, text)
				}
			}
		},
		Context: func(text []byte) {
			for _, v := range vs {
				if v.Context != nil {
					v.Context(text)
				}
			}
		},
		End: func() {
			for _, v := range vs {
				if v.End != nil {
					v.End()
				}
			}
		},
	}
	// Context lines are most of a patch: skip them when nobody asks.
	for _, v := range vs {
		if v.Context != nil {
			return t
		}
	}
	t.Context = nil
	return t
}

// ReadPatches reads a diff-tree stream: commit id lines, file headers, and
// the +/- lines inside hunks (diff.c's unified format). Lines before the
// first commit belong to none and are skipped. Nothing is allocated per
// line.
func ReadPatches(r io.Reader, v PatchVisitor) error {
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
			case len(l) == 40 && isHexID(l):
				started, inHunk = true, false
				if v.Commit != nil {
					v.Commit(string(l))
				}
			case !started:
			case bytes.HasPrefix(l, []byte("diff --git ")):
				inHunk = false
				if v.File != nil {
					v.File(l)
				}
			case bytes.HasPrefix(l, []byte("Binary files ")), bytes.HasPrefix(l, []byte("GIT binary patch")):
				if v.Binary != nil {
					v.Binary()
				}
			case bytes.HasPrefix(l, []byte("@@ ")):
				inHunk = true
				if v.Hunk != nil {
					v.Hunk()
				}
			case inHunk && (l[0] == '+' || l[0] == '-'):
				if v.Change != nil {
					v.Change(l[0], l[1:])
				}
			case inHunk && l[0] == ' ':
				if v.Context != nil {
					v.Context(l[1:])
				}
			}
		} else if inHunk && len(line) > 0 && v.Context != nil {
			// An empty context line as diff.suppressBlankEmpty writes it.
			v.Context(nil)
		}
		if err == io.EOF {
			if v.End != nil {
				v.End()
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// WalkPatches is StreamPatches read by ReadPatches.
func (r *Repo) WalkPatches(ctx context.Context, commits []string, v PatchVisitor) error {
	return r.StreamPatches(ctx, commits, nil, func(out io.Reader) error { return ReadPatches(out, v) })
}
