package git

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseBatch(t *testing.T) {
	blob := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name     string
		out      string
		names    []string
		withData bool
		want     []Object
		err      bool
	}{
		{name: "blob", out: blob + " blob 3\nabc\n", names: []string{"HEAD:f"}, withData: true,
			want: []Object{{Name: "HEAD:f", OID: blob, Type: "blob", Size: 3, Data: []byte("abc")}}},
		{name: "missing then blob", out: "x missing\n" + blob + " blob 0\n\n", names: []string{"x", "y"}, withData: true,
			want: []Object{{Name: "x", Missing: true, Unresolved: "missing"}, {Name: "y", OID: blob, Type: "blob", Data: []byte{}}}},
		{name: "ambiguous", out: "abc ambiguous\n", names: []string{"abc"}, withData: true,
			want: []Object{{Name: "abc", Missing: true, Unresolved: "ambiguous"}}},
		{name: "dangling symlink", out: "dangling 5\nHEAD:\n\n", names: []string{"HEAD:l"}, withData: true,
			want: []Object{{Name: "HEAD:l", Missing: true, Unresolved: "dangling", Data: []byte("HEAD:")}}},
		{name: "check only", out: blob + " tree 40\n", names: []string{"HEAD^{tree}"},
			want: []Object{{Name: "HEAD^{tree}", OID: blob, Type: "tree", Size: 40}}},
		{name: "short data", out: blob + " blob 10\nabc\n", names: []string{"a"}, withData: true, err: true},
		{name: "no newline after data", out: blob + " blob 3\nabcd", names: []string{"a"}, withData: true, err: true},
		{name: "too few answers", out: "", names: []string{"a"}, err: true},
		{name: "garbage header", out: "hello\n", names: []string{"a"}, err: true},
		{name: "negative size", out: blob + " blob -1\n", names: []string{"a"}, withData: true, err: true},
		{name: "not an id", out: "XYZ blob 1\na\n", names: []string{"a"}, withData: true, err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []Object
			err := ParseBatch(strings.NewReader(tc.out), tc.names, tc.withData, func(o Object) error {
				o.Data = bytes.Clone(o.Data)
				got = append(got, o)
				return nil
			})
			if tc.err {
				if !errors.Is(err, ErrBatchProtocol) {
					t.Fatalf("err = %v, want ErrBatchProtocol", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d objects, want %d", len(got), len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.Name != w.Name || g.OID != w.OID || g.Type != w.Type || g.Size != w.Size ||
					g.Missing != w.Missing || g.Unresolved != w.Unresolved || !bytes.Equal(g.Data, w.Data) {
					t.Errorf("object %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func FuzzParseBatch(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef01234567 blob 3\nabc\nx missing\n"), 2, true)
	f.Add([]byte("dangling 5\nHEAD:\n\n"), 1, true)
	f.Add([]byte("0123 tree 40\n"), 1, false)
	f.Fuzz(func(t *testing.T, out []byte, n int, withData bool) {
		if n < 0 || n > 64 {
			return
		}
		names := make([]string, n)
		err := ParseBatch(bytes.NewReader(out), names, withData, func(o Object) error {
			if !o.Missing && int64(len(o.Data)) != o.Size && withData {
				t.Fatalf("data of %d bytes for size %d", len(o.Data), o.Size)
			}
			return nil
		})
		if err != nil && !errors.Is(err, ErrBatchProtocol) {
			t.Fatalf("error not wrapping ErrBatchProtocol: %v", err)
		}
	})
}

func TestParseBatchHugeSize(t *testing.T) {
	out := "0123456789abcdef0123456789abcdef01234567 blob 999999999999\nabc\n"
	err := ParseBatch(strings.NewReader(out), []string{"a"}, true, func(Object) error { return nil })
	if !errors.Is(err, ErrBatchProtocol) {
		t.Fatalf("err = %v, want ErrBatchProtocol", err)
	}
}
