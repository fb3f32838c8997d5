package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Object is one answer of `git cat-file --batch` (or --batch-check, then
// without Data). Name is the question as asked.
type Object struct {
	Name string
	OID  string
	Type string // blob, tree, commit, tag; empty when not found
	Size int64
	// Missing is set for names git could not resolve ("missing",
	// "ambiguous"), and, with FollowSymlinks, for links that leave the
	// tree ("dangling", "loop", "notdir", "symlink"): then Unresolved holds
	// the word and Data the link text.
	Missing    bool
	Unresolved string
	// Data is the object's content. In ReadObjects' callback it is only
	// valid until the callback returns.
	Data []byte
}

// ObjectOptions tune how objects are asked for.
type ObjectOptions struct {
	// FollowSymlinks resolves <tree-ish>:<path> through symbolic links
	// inside the tree (cat-file --follow-symlinks).
	FollowSymlinks bool
	// CheckOnly asks for type and size without contents (--batch-check).
	CheckOnly bool
}

// ErrBatchProtocol is returned (wrapped) for cat-file output that does not
// follow the batch protocol.
var ErrBatchProtocol = errors.New("unexpected cat-file output")

// ReadObjects asks one `git cat-file` process for every name, in order, and
// hands each answer to fn as it streams in; only one object is held in
// memory at a time. Names may not contain a newline (the protocol is
// line-based): such a name is refused before git runs.
func (r *Repo) ReadObjects(ctx context.Context, names []string, o ObjectOptions, fn func(Object) error) error {
	if len(names) == 0 {
		return nil
	}
	var in bytes.Buffer
	for _, n := range names {
		if strings.ContainsAny(n, "\n\x00") {
			return fmt.Errorf("object name %q: unusable character", n)
		}
		in.WriteString(n)
		in.WriteByte('\n')
	}
	args := []string{"cat-file", "--batch"}
	if o.CheckOnly {
		args[1] = "--batch-check"
	}
	if o.FollowSymlinks {
		args = append(args, "--follow-symlinks")
	}
	return r.stream(ctx, &in, func(out io.Reader) error {
		return ParseBatch(out, names, !o.CheckOnly, fn)
	}, args...)
}

// CatObjects is ReadObjects collecting the answers, in the order asked.
func (r *Repo) CatObjects(ctx context.Context, names []string, o ObjectOptions) ([]Object, error) {
	res := make([]Object, 0, len(names))
	err := r.ReadObjects(ctx, names, o, func(obj Object) error {
		obj.Data = bytes.Clone(obj.Data)
		res = append(res, obj)
		return nil
	})
	return res, err
}

// ParseBatch reads the answers of cat-file --batch (withData) or
// --batch-check to the given names, in order, and calls fn for each. It
// follows git's cat-file.c: "<oid> <type> <size>\n<data>\n", or
// "<name> missing\n" / "<name> ambiguous\n", and with --follow-symlinks
// "<word> <size>\n<text>\n" for links it could not follow.
func ParseBatch(out io.Reader, names []string, withData bool, fn func(Object) error) error {
	br, ok := out.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(out, 1<<20)
	}
	var buf []byte
	for _, name := range names {
		hdr, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("%w: answer for %q: %v", ErrBatchProtocol, name, err)
		}
		obj := Object{Name: name}
		f := strings.Fields(hdr)
		switch {
		case len(f) == 2 && (f[1] == "missing" || f[1] == "ambiguous"):
			obj.Missing, obj.Unresolved = true, f[1]
			if err := fn(obj); err != nil {
				return err
			}
			continue
		case len(f) == 2 && (f[0] == "symlink" || f[0] == "dangling" || f[0] == "loop" || f[0] == "notdir"):
			size, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || size < 0 || size > 1<<20 {
				return fmt.Errorf("%w: %q", ErrBatchProtocol, hdr)
			}
			text := make([]byte, size+1)
			if _, err := io.ReadFull(br, text); err != nil {
				return fmt.Errorf("%w: %v", ErrBatchProtocol, err)
			}
			obj.Missing, obj.Unresolved, obj.Data = true, f[0], text[:size]
			if err := fn(obj); err != nil {
				return err
			}
			continue
		case len(f) != 3:
			return fmt.Errorf("%w: %q", ErrBatchProtocol, hdr)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 || !isHexID(f[0]) {
			return fmt.Errorf("%w: %q", ErrBatchProtocol, hdr)
		}
		obj.OID, obj.Type, obj.Size = f[0], f[1], size
		if withData {
			if buf, err = readExactly(br, buf, size+1); err != nil {
				return fmt.Errorf("%w: %v", ErrBatchProtocol, err)
			}
			if buf[size] != '\n' {
				return fmt.Errorf("%w: object %s not followed by a newline", ErrBatchProtocol, obj.OID)
			}
			obj.Data = buf[:size]
		}
		if err := fn(obj); err != nil {
			return err
		}
	}
	return nil
}

// readExactly reads n bytes into buf (reused when large enough). A size
// from a damaged stream must not allocate before the bytes are there, so
// large objects grow their buffer as data arrives.
func readExactly(br *bufio.Reader, buf []byte, n int64) ([]byte, error) {
	if n <= int64(cap(buf)) || n <= 64<<20 {
		if int64(cap(buf)) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		_, err := io.ReadFull(br, buf)
		return buf, err
	}
	var b bytes.Buffer
	m, err := io.CopyN(&b, br, n)
	if err == nil && m != n {
		err = io.ErrUnexpectedEOF
	}
	return b.Bytes(), err
}

// IsHex reports whether s is non-empty and all lower-case hex digits, as
// git prints object ids.
func IsHex(s string) bool { return isHexID(s) }
