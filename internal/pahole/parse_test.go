package pahole

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dump writes a layout one member per line, for golden files and tables.
func dump(l *Layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s size=%d cachelines=%d padding=%d bit_padding=%d\n", l.TypeName(), l.Size, l.Cachelines, l.Padding, l.BitPadding)
	var walk func(ms []Member, depth int)
	walk = func(ms []Member, depth int) {
		for _, m := range ms {
			fmt.Fprintf(&b, "%s%q %q off=%d size=%d", strings.Repeat("  ", depth), m.Name, m.Type, m.Offset, m.Size)
			if m.BitSize > 0 {
				fmt.Fprintf(&b, " bits=%d:%d", m.BitOffset, m.BitSize)
			}
			if m.Hole > 0 {
				fmt.Fprintf(&b, " hole=%d", m.Hole)
			}
			if m.BitHole > 0 {
				fmt.Fprintf(&b, " bit_hole=%d", m.BitHole)
			}
			b.WriteString("\n")
			walk(m.Members, depth+1)
		}
	}
	walk(l.Members, 1)
	return b.String()
}

func goldenFile(t *testing.T, path string, got []byte) {
	t.Helper()
	testenv.Golden(t, path, got, *update)
}

// The outputs of pahole 1.24 under testdata/parse (from sources.c there)
// parse to the layouts of the .want files.
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/parse/*.pahole")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			l, err := Parse(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, l)
			goldenFile(t, strings.TrimSuffix(f, ".pahole")+".want", []byte(dump(l)))
		})
	}
}

// The hexadecimal output of --hex parses to the same layout.
func TestParseHex(t *testing.T) {
	dec, err := os.ReadFile("testdata/parse/kitchen-sink.pahole")
	if err != nil {
		t.Fatal(err)
	}
	hex, err := os.ReadFile("testdata/parse/hex.pahole")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(bytes.NewReader(dec))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(bytes.NewReader(hex))
	if err != nil {
		t.Fatal(err)
	}
	if dump(a) != dump(b) {
		t.Errorf("decimal:\n%s\nhex:\n%s", dump(a), dump(b))
	}
}

// checkInvariants: members of a struct follow each other at their
// offsets, with pahole's hole between them.
func checkInvariants(t *testing.T, l *Layout) {
	t.Helper()
	if l.Kind != "union" {
		for i := 0; i+1 < len(l.Members); i++ {
			m, n := l.Members[i], l.Members[i+1]
			if m.BitSize > 0 || n.BitSize > 0 || m.Size == 0 {
				continue
			}
			if end := m.Offset + m.Size + m.Hole; end != n.Offset {
				t.Errorf("%s at %d size %d hole %d, but %s at %d", m.Name, m.Offset, m.Size, m.Hole, n.Name, n.Offset)
			}
		}
	}
	for _, m := range l.Members {
		if m.Offset+m.Size > l.Size {
			t.Errorf("%s ends at %d, beyond the size %d", m.Name, m.Offset+m.Size, l.Size)
		}
	}
}

func TestParseTable(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{name: "minimal", in: "struct s {\n\tint a; /* 0 4 */\n};\n",
			want: "struct s size=4 cachelines=1 padding=0 bit_padding=0\n  \"a\" \"int\" off=0 size=4\n"},
		{name: "empty struct", in: "struct e {\n};\n", want: "struct e size=0 cachelines=0 padding=0 bit_padding=0\n"},
		{name: "noise before", in: "pahole: warning\nstruct s {\n\tchar c; /* 0 1 */\n\t/* size: 1, cachelines: 1, members: 1 */\n};\n",
			want: "struct s size=1 cachelines=1 padding=0 bit_padding=0\n  \"c\" \"char\" off=0 size=1\n"},
		{name: "function pointer", in: "struct s {\n\tint (*cb)(struct s *, int); /* 0 8 */\n};\n",
			want: "struct s size=8 cachelines=1 padding=0 bit_padding=0\n  \"cb\" \"int (*)(struct s *, int)\" off=0 size=8\n"},
		{name: "2d array", in: "struct s {\n\tchar m[2][3]; /* 0 6 */\n};\n",
			want: "struct s size=6 cachelines=1 padding=0 bit_padding=0\n  \"m\" \"char[2][3]\" off=0 size=6\n"},
		{name: "attribute", in: "struct s {\n\tint b __attribute__((__aligned__(16))); /* 16 4 */\n} __attribute__((__aligned__(64)));\n",
			want: "struct s size=20 cachelines=1 padding=0 bit_padding=0\n  \"b\" \"int\" off=16 size=4\n"},
		{name: "typedef anonymous", in: "typedef struct {\n\tint a; /* 0 4 */\n} t_t;\n",
			want: "t_t size=4 cachelines=1 padding=0 bit_padding=0\n  \"a\" \"int\" off=0 size=4\n"},
		{name: "typedef of a struct", in: "typedef struct bar foo;\n", err: "foo is a typedef of bar"},
		{name: "typedef of a typedef", in: "typedef foo foo2;\n", err: "foo2 is a typedef of foo"},
		{name: "enum", in: "enum en2 {\n\tQ = 0,\n};\n", err: "not a struct or union: an enum"},
		{name: "nothing", in: "", err: ErrNoLayout.Error()},
		{name: "only noise", in: "pahole: type 'x' not found\n", err: ErrNoLayout.Error()},
		{name: "truncated", in: "struct s {\n\tint a; /* 0 4 */\n", err: "ends inside struct s"},
		{name: "no offsets", in: "struct s {\n\tint a;\n};\n", err: "line 2: member without offset and size"},
		{name: "bad number", in: "struct s {\n\tint a; /* x 4 */\n};\n", err: `bad number "x"`},
		{name: "huge number", in: "struct s {\n\tint a; /* 0 99999999999999999999 */\n};\n", err: "bad number"},
		{name: "negative", in: "struct s {\n\tint a; /* -1 4 */\n};\n", err: "bad number"},
		{name: "three fields", in: "struct s {\n\tint a; /* 0 4 5 */\n};\n", err: "want offset and size"},
		{name: "no name", in: "struct s {\n\tint; /* 0 4 */\n};\n", err: "no member name"},
		{name: "nested function pointer", in: "struct s {\n\tvoid (*(*fp)[3])(int); /* 0 8 */\n};\n",
			want: "struct s size=8 cachelines=1 padding=0 bit_padding=0\n  \"fp\" \"void (*(*)[3])(int)\" off=0 size=8\n"},
		{name: "no type", in: "struct s {\n\ta; /* 0 4 */\n};\n", err: "no type before the member name"},
		{name: "bad bitfield", in: "struct s {\n\tint a:x; /* 0: 0 4 */\n};\n", err: "bad bitfield width"},
		{name: "bit offset without bitfield", in: "struct s {\n\tint a; /* 0: 3 4 */\n};\n", err: "not a bitfield"},
		{name: "unterminated comment", in: "struct s {\n\tint a; /* 0 4\n};\n", err: "unterminated comment"},
		{name: "inline without offsets", in: "struct s {\n\tunion {\n\t\tint a; /* 0 4 */\n\t};\n};\n", err: "no offset and size after an inline union"},
		{name: "bad inline name", in: "struct s {\n\tunion {\n\t\tint a; /* 0 4 */\n\t} x y; /* 0 4 */\n};\n", err: "bad member name"},
		{name: "unbalanced", in: "struct s {\n\tvoid (*f(int); /* 0 8 */\n};\n", err: "unbalanced parenthesis"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(l); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader("")); !errors.Is(err, ErrNoLayout) {
		t.Errorf("empty input: %v, want ErrNoLayout", err)
	}
}

func TestParseDeepNesting(t *testing.T) {
	in := "struct s {\n" + strings.Repeat("union {\n", 10000)
	if _, err := Parse(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("error %v", err)
	}
}

func TestParseSizes(t *testing.T) {
	got := ParseSizes(strings.NewReader("u\t8\t0\nbad line\nv\tx\t0\nu\t9\t0\nw\t0x10\t1\n"))
	if len(got) != 2 || got["u"] != 8 || got["w"] != 16 {
		t.Errorf("got %v", got)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/parse/*.pahole")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("struct s {\n\tunion {\n\t\tint a; /* 0 4 */\n\t} x; /* 0 4 */\n};\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Parse(strings.NewReader(in))
		if err != nil {
			return
		}
		// Whatever parses can be compared and rendered.
		d := Compare(l, l)
		if !d.Kept {
			t.Errorf("a layout differs from itself:\n%s", in)
		}
		var b bytes.Buffer
		if err := d.WriteText(&b, 80); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
	})
}
