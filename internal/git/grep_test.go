package git_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

func TestGrepWordsAndPickaxe(t *testing.T) {
	r, g := newWorkRepo(t)
	ctx := context.Background()
	write := func(name, body string) {
		p := filepath.Join(r.Dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.c", "int foo_init(void);\nint foo_initx;\n")
	write("dir/b.py", "raise SR.SROSError(1)\n")
	write("c:d.txt", "foo_init\n")
	g("add", ".")
	g("commit", "-qm", "base")
	base := g("rev-parse", "HEAD")
	write("a.c", "int foo_setup(void);\nint foo_initx;\n")
	g("commit", "-qam", "rename foo_init")
	renamed := g("rev-parse", "HEAD")
	write("dir/b.py", "raise xs_errors.SROSError(1)\n")
	g("commit", "-qam", "move SROSError")
	tip := g("rev-parse", "HEAD")

	got, err := r.GrepWords(ctx, base, []string{"foo_init", "SR.SROSError", "absent"}, nil)
	want := map[string][]string{"foo_init": {"a.c", "c:d.txt"}, "SR.SROSError": {"dir/b.py"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("grep base: %v %v, want %v", got, err, want)
	}
	got, err = r.GrepWords(ctx, tip, []string{"foo_init", "SR.SROSError"}, []string{"a.c", "dir/b.py"})
	if err != nil || len(got) != 0 {
		t.Errorf("grep tip: %v %v, want nothing", got, err)
	}
	if _, err := r.GrepWords(ctx, tip, []string{"a\nb"}, nil); err == nil {
		t.Error("a word with a newline was accepted")
	}
	if _, err := r.GrepWords(ctx, "--output=x", []string{"a"}, nil); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like tree: %v", err)
	}

	changes, err := r.DiffTreeRaw(ctx, base, tip)
	if err != nil || len(changes) != 2 || changes[0].Path != "a.c" || changes[1].Path != "dir/b.py" || changes[0].Status != 'M' {
		t.Errorf("diff-tree: %+v %v", changes, err)
	}

	p, found, err := r.LastPickaxe(ctx, tip, base, `(^|[^A-Za-z0-9_])foo_init([^A-Za-z0-9_]|$)`, []string{"a.c"})
	if err != nil || !found || p.Commit != renamed || p.Title != "rename foo_init" {
		t.Errorf("pickaxe: %+v %v %v, want %s", p, found, err, renamed)
	}
	_, found, err = r.LastPickaxe(ctx, tip, base, `nowhere`, nil)
	if err != nil || found {
		t.Errorf("pickaxe of nothing: %v %v", found, err)
	}
}

func TestParseRawDiff(t *testing.T) {
	z := "0000000000000000000000000000000000000000"
	a := "1111111111111111111111111111111111111111"
	for _, tc := range []struct {
		in   string
		want []git.RawChange
		bad  bool
	}{
		{in: ""},
		{in: ":100644 100644 " + a + " " + a + " M\x00f.c\x00",
			want: []git.RawChange{{OldMode: 0o100644, NewMode: 0o100644, OldOID: a, NewOID: a, Status: 'M', Path: "f.c"}}},
		{in: ":000000 100644 " + z + " " + a + " A\x00new file\x00:100644 000000 " + a + " " + z + " D\x00gone\x00",
			want: []git.RawChange{{NewMode: 0o100644, OldOID: z, NewOID: a, Status: 'A', Path: "new file"},
				{OldMode: 0o100644, OldOID: a, NewOID: z, Status: 'D', Path: "gone"}}},
		{in: ":100644 100644 " + a + " " + a + " R100\x00old\x00new\x00",
			want: []git.RawChange{{OldMode: 0o100644, NewMode: 0o100644, OldOID: a, NewOID: a, Status: 'R', Path: "new", OldPath: "old"}}},
		{in: ":100644 100644 " + a + " " + a + " M\x00", bad: true},
		{in: "f.c\x00", bad: true},
		{in: ":100644 100644 abc abc M\x00f\x00", bad: true},
	} {
		got, err := git.ParseRawDiff([]byte(tc.in))
		if (err != nil) != tc.bad || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %+v %v, want %+v bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func FuzzParseRawDiff(f *testing.F) {
	f.Add([]byte(":100644 100644 1111111111111111111111111111111111111111 1111111111111111111111111111111111111111 M\x00f.c\x00"))
	f.Add([]byte(":1 2 3 4 R\x00a\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		changes, err := git.ParseRawDiff(b)
		if err == nil {
			for _, c := range changes {
				if len(c.OldOID) != 40 && len(c.OldOID) != 64 {
					t.Fatalf("bad oid %q", c.OldOID)
				}
			}
		}
	})
}
