package pahole

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// layouts compiles each source and loads struct or union typ from it.
func layouts(t *testing.T, typ string, srcs ...string) []*Layout {
	t.Helper()
	dir := t.TempDir()
	var out []*Layout
	for i, src := range srcs {
		obj := compile(t, dir, fmt.Sprintf("v%d", i), src)
		l, err := Load(context.Background(), obj, typ)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

func statuses(d *Diff) string {
	var s []string
	for _, r := range d.Rows {
		s = append(s, marks[r.Status]+r.Key)
	}
	return strings.Join(s, " ")
}

// Each case is a kABI change as a developer makes it (old, new), and,
// when the layout moved, the change as the fix recipe says to make it
// (fixed): the recipe is right when the fixed layout keeps every old
// offset.
func TestCompareScenarios(t *testing.T) {
	needTools(t)
	tests := []struct {
		name, typ       string
		old, new, fixed string
		rows            string // marks and keys
		kept            bool
		fits            []string
	}{{
		name: "field added in a hole",
		typ:  "s",
		old:  "struct s { int a; long b; char c; } v;",
		new:  "struct s { int a; long b; int x; char c; } v;",
		// x goes where the hole after a was, as the recipe says.
		fixed: "struct s { int a; int x; long b; char c; } v;",
		rows:  " a  b +x ~c",
		fits:  []string{"fix: member `x` (4 bytes) fits in the 4-byte hole at offset 4 after `a`: move it there and the layout keeps every old offset"},
	}, {
		name: "field appended in the tail padding",
		typ:  "s",
		old:  "struct s { long a; int b; } v;",
		new:  "struct s { long a; int b; int c; } v;",
		rows: " a  b +c",
		kept: true,
	}, {
		name:  "field added first fits the tail padding",
		typ:   "s",
		old:   "struct s { long a; int b; } v;",
		new:   "struct s { int c; long a; int b; } v;",
		fixed: "struct s { long a; int b; int c; } v;",
		rows:  "+c ~a ~b",
		fits:  []string{"fix: member `c` (4 bytes) fits in the 4 bytes of tail padding at offset 12: declare it last and the size and every old offset stay"},
	}, {
		name: "field appended beyond the size",
		typ:  "s",
		old:  "struct s { long a; int b; } v;",
		new:  "struct s { long a; int b; long c; } v;",
		rows: " a  b +c",
		fits: []string{"no fit: member `c` (8 bytes) fits in no hole or tail padding of the old layout"},
	}, {
		name: "member type changed",
		typ:  "s",
		old:  "struct s { int a; int b; long c; } v;",
		new:  "struct s { int a; long b; long c; } v;",
		rows: " a !b ~c",
	}, {
		name: "union member grows",
		typ:  "u",
		old:  "union u { int i; char c[6]; } v;",
		new:  "union u { int i; char c[12]; } v;",
		rows: " i !c",
	}, {
		name: "member wrapped in an anonymous union keeps its place",
		typ:  "s",
		old:  "struct s { int a; int b; } v;",
		new:  "struct s { union { int a; unsigned int a_new; }; int b; } v;",
		rows: "+union{a,a_new}  a +a_new  b",
		kept: true,
	}, {
		name:  "bitfield added fits the bit hole",
		typ:   "bf",
		old:   "struct bf { unsigned int f1:3, f2:5; int x; } v;",
		new:   "struct bf { unsigned int f1:3, f2:5; int x; unsigned int f3:4; } v;",
		fixed: "struct bf { unsigned int f1:3, f2:5, f3:4; int x; } v;",
		rows:  " f1  f2  x +f3",
		fits:  []string{"fix: bitfield `f3:4` fits in the 24-bit hole at offset 0 bit 8 after `f2`: declare it right after `f2` and the layout keeps every old offset"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srcs := []string{tc.old, tc.new}
			if tc.fixed != "" {
				srcs = append(srcs, tc.fixed)
			}
			l := layouts(t, tc.typ, srcs...)
			d := Compare(l[0], l[1])
			if got := statuses(d); got != tc.rows {
				t.Errorf("rows %q, want %q", got, tc.rows)
			}
			if d.Kept != tc.kept {
				t.Errorf("kept %v, want %v", d.Kept, tc.kept)
			}
			var fits []string
			for _, f := range d.Fits {
				fits = append(fits, f.String())
			}
			if strings.Join(fits, "\n") != strings.Join(tc.fits, "\n") {
				t.Errorf("fits:\n%s\nwant:\n%s", strings.Join(fits, "\n"), strings.Join(tc.fits, "\n"))
			}
			if tc.fixed != "" {
				if fd := Compare(l[0], l[2]); !fd.Kept {
					var b strings.Builder
					_ = fd.WriteText(&b, 100)
					t.Errorf("the fix the recipe gives moves the layout:\n%s", b.String())
				}
			}
		})
	}
}

func mustParse(t *testing.T, in string) *Layout {
	t.Helper()
	l, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Rows follow the new order, removed members where they were; fits use
// up the room they take. No compiler needed.
func TestCompareTable(t *testing.T) {
	tests := []struct {
		name, old, new string
		rows           string
		kept           bool
		fits           []string
	}{{
		name: "reordered and removed",
		old:  "struct s {\n\tint a; /* 0 4 */\n\tint b; /* 4 4 */\n\tint c; /* 8 4 */\n};\n",
		new:  "struct s {\n\tint c; /* 0 4 */\n\tint a; /* 4 4 */\n};\n",
		rows: "~c ~a -b",
	}, {
		name: "two members, one hole",
		old:  "struct s {\n\tchar a; /* 0 1 */\n\n\t/* XXX 7 bytes hole, try to pack */\n\n\tlong b; /* 8 8 */\n\t/* size: 16, cachelines: 1, members: 2 */\n};\n",
		new:  "struct s {\n\tint x; /* 0 4 */\n\tint y; /* 4 4 */\n\tchar a; /* 8 1 */\n\n\t/* XXX 7 bytes hole, try to pack */\n\n\tlong b; /* 16 8 */\n\tint z; /* 24 4 */\n\t/* size: 32, cachelines: 1, members: 5 */\n};\n",
		rows: "+x +y ~a ~b +z",
		fits: []string{
			"fix: member `x` (4 bytes) fits in the 7-byte hole at offset 4 after `a`: move it there and the layout keeps every old offset",
			"no fit: member `y` (4 bytes) fits in no hole or tail padding of the old layout",
			"no fit: member `z` (4 bytes) fits in no hole or tail padding of the old layout",
		},
	}, {
		name: "unchanged",
		old:  "union u {\n\tint i; /* 0 4 */\n\tchar c[4]; /* 0 4 */\n};\n",
		new:  "union u {\n\tint i; /* 0 4 */\n\tchar c[4]; /* 0 4 */\n};\n",
		rows: " i  c",
		kept: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(mustParse(t, tc.old), mustParse(t, tc.new))
			if got := statuses(d); got != tc.rows {
				t.Errorf("rows %q, want %q", got, tc.rows)
			}
			if d.Kept != tc.kept {
				t.Errorf("kept %v", d.Kept)
			}
			var fits []string
			for _, f := range d.Fits {
				fits = append(fits, f.String())
			}
			if strings.Join(fits, "\n") != strings.Join(tc.fits, "\n") {
				t.Errorf("fits:\n%s\nwant:\n%s", strings.Join(fits, "\n"), strings.Join(tc.fits, "\n"))
			}
		})
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("struct s {\n\tint a; /* 0 4 */\n\n\t/* XXX 4 bytes hole, try to pack */\n\n\tlong b; /* 8 8 */\n};\n",
		"struct s {\n\tint x; /* 0 4 */\n\tint a; /* 4 4 */\n\tlong b; /* 8 8 */\n\tunion {\n\t\tint y; /* 16 4 */\n\t}; /* 16 4 */\n};\n")
	f.Add("struct bf {\n\tunsigned int f1:3; /* 0: 0 4 */\n\n\t/* XXX 29 bits hole, try to pack */\n\n\tint x; /* 4 4 */\n};\n",
		"struct bf {\n\tunsigned int f1:3; /* 0: 0 4 */\n\tunsigned int f2:3; /* 0: 3 4 */\n\tint x; /* 4 4 */\n};\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		old, err := Parse(strings.NewReader(a))
		if err != nil {
			return
		}
		new, err := Parse(strings.NewReader(b))
		if err != nil {
			return
		}
		d := Compare(old, new)
		for _, r := range d.Rows {
			if r.Old == nil && r.New == nil {
				t.Fatalf("empty row %+v", r)
			}
			if r.Status == Removed && d.Kept {
				t.Fatalf("kept with %s removed", r.Key)
			}
		}
		var buf strings.Builder
		if err := d.WriteText(&buf, 60); err != nil {
			t.Fatal(err)
		}
		_ = d.Summary()
	})
}
