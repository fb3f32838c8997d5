package symtypes

import (
	"bytes"
	"errors"
	"math/rand"
	"strings"
	"testing"
)

func TestPretty(t *testing.T) {
	for _, tc := range []struct{ name, tokens, want string }{
		{"s#foo", "struct foo { int a ; t#bar b ; }", "struct foo {\n\tint a;\n\tbar b;\n}"},
		{"e#e", "enum e { A , B = 2 , C }", "enum e {\n\tA,\n\tB = 2,\n\tC\n}"},
		// not an enum: ", " stays on one line
		{"s#f", "struct f { int ( * fn ) ( s#a * , int ) ; }", "struct f {\n\tint (*fn) (struct a *, int);\n}"},
		{"s#n", "struct n { union { int x ; } u ; char c [ E#N ] ; }", "struct n {\n\tunion {\n\t\tint x;\n\t} u;\n\tchar c [N];\n}"},
		{"t#T", "typedef int T", "typedef int T"},
		{"s#x@0badcafe", "struct x { s#y@12345678 * p ; }", "struct x {\n\tstruct y *p;\n}"},
	} {
		if got := Pretty(&Def{Name: tc.name, Tokens: strings.Fields(tc.tokens)}); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.tokens, got, tc.want)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	// Expected outputs written from difflib's rules: 3 lines of context,
	// ",len" omitted for one-line ranges, "start-1,0" for empty ones,
	// hunks split when more than 6 equal lines separate changes.
	for _, tc := range []struct {
		a, b, want string
	}{
		{"x", "x", ""},
		{"x", "y", "--- A\n+++ B\n@@ -1 +1 @@\n-x\n+y\n"},
		{"a b c", "a b X c", "--- A\n+++ B\n@@ -1,3 +1,4 @@\n a\n b\n+X\n c\n"},
		{"", "a", "--- A\n+++ B\n@@ -0,0 +1 @@\n+a\n"},
		{"1 2 3 4 5 6 7 8 9 10 11 12", "1 X 3 4 5 6 7 8 9 10 Y 12",
			"--- A\n+++ B\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n"},
		{"1 2 3 4 5 6 7 8", "1 X 3 4 5 6 7 Y",
			"--- A\n+++ B\n@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n"},
	} {
		got := unifiedDiff(strings.Fields(tc.a), strings.Fields(tc.b), "A", "B", 3)
		if got != tc.want {
			t.Errorf("%q -> %q:\n got %q\nwant %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// applyUnified rebuilds b from a and a unified diff: an independent check
// that hunks and ranges are consistent.
func applyUnified(t *testing.T, a []string, diff string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	var out []string
	pos := 0
	for _, l := range lines[2:] {
		switch {
		case strings.HasPrefix(l, "@@ -"):
			// "-s,l": the hunk's first old line is s, or follows line s
			// when l is 0.
			r := strings.Fields(l)[1][1:]
			start, length := r, "1"
			if i := strings.IndexByte(r, ','); i >= 0 {
				start, length = r[:i], r[i+1:]
			}
			next := atoi(start) - 1
			if length == "0" {
				next = atoi(start)
			}
			out = append(out, a[pos:next]...)
			pos = next
		case l[0] == ' ':
			if a[pos] != l[1:] {
				t.Fatalf("context %q does not match %q", l, a[pos])
			}
			out = append(out, a[pos])
			pos++
		case l[0] == '-':
			if a[pos] != l[1:] {
				t.Fatalf("deleted %q does not match %q", l, a[pos])
			}
			pos++
		case l[0] == '+':
			out = append(out, l[1:])
		}
	}
	return append(out, a[pos:]...)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestUnifiedDiffApplies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	words := []string{"a", "b", "c", "d", "}", "{"}
	for i := 0; i < 500; i++ {
		gen := func(n int) []string {
			s := make([]string, n)
			for j := range s {
				s[j] = words[r.Intn(len(words))]
			}
			return s
		}
		a := gen(r.Intn(30))
		b := append([]string(nil), a...)
		for k := r.Intn(5); k >= 0; k-- {
			p := r.Intn(len(b) + 1)
			switch r.Intn(3) {
			case 0:
				b = append(b[:p], append(gen(1+r.Intn(3)), b[p:]...)...)
			case 1:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			default:
				if p < len(b) {
					b[p] = "changed"
				}
			}
		}
		d := unifiedDiff(a, b, "A", "B", 3)
		if d == "" {
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Fatalf("no diff for %q -> %q", a, b)
			}
			continue
		}
		if got := applyUnified(t, a, d); strings.Join(got, "\n") != strings.Join(b, "\n") {
			t.Fatalf("%q -> %q: diff\n%s\nrebuilds %q", a, b, d, got)
		}
	}
}

const cmpOld = `s#foo struct foo { int a ; t#bar b ; }
t#bar typedef int bar
s#only_old struct only_old { int x ; }
get_foo int get_foo ( s#foo * )
swap int swap ( s#only_old * )
same int same ( int )
gone void gone ( void )
`

const cmpNew = `s#foo struct foo { int a ; t#bar b ; long c ; }
t#bar typedef long bar
s#only_new struct only_new { int y ; }
get_foo int get_foo ( s#foo * )
swap int swap ( s#only_new * )
same int same ( int )
added void added ( void )
`

// TestCompareHandMade: get_foo differs through struct foo and typedef bar;
// swap's own line differs and its old and new argument types are not
// walked, since neither is referenced on both sides.
func TestCompareHandMade(t *testing.T) {
	old, new := mustParse(t, cmpOld), mustParse(t, cmpNew)
	c, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteComparison(&out, old, new, c, true, true); err != nil {
		t.Fatal(err)
	}
	want := `The following symbols appear only in the Baseline:
gone
The following symbols appear only in the Comparison:
added
The following symbols differ:
get_foo
swap
--- struct foo - Baseline
+++ struct foo - Comparison
@@ -1,4 +1,5 @@
 struct foo {
 	int a;
 	bar b;
+	long c;
 }

--- swap - Baseline
+++ swap - Comparison
@@ -1 +1 @@
-int swap (struct only_old *)
+int swap (struct only_new *)

--- typedef bar - Baseline
+++ typedef bar - Comparison
@@ -1 +1 @@
-typedef int bar
+typedef long bar

`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	if err := WriteComparison(&out, old, new, c, false, false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "--- struct foo - Baseline\n") {
		t.Errorf("without lists:\n%s", out.String())
	}
	if _, err := Compare(mustParse(t, "a int a\n"), mustParse(t, "b int b\n")); !errors.Is(err, ErrNoCommonSymbols) {
		t.Errorf("no common symbols: %v", err)
	}
	c, err = Compare(old, old)
	if err != nil || len(c.Differ) != 0 || len(c.Changes) != 0 {
		t.Errorf("self-compare: %+v %v", c, err)
	}
	// Nothing differs: no heading over an empty list.
	out.Reset()
	if err := WriteComparison(&out, old, old, c, true, true); err != nil || out.Len() != 0 {
		t.Errorf("self-compare output %q %v", out.String(), err)
	}
}

// TestCompareVersions: each side walks with the versions its export's file
// saw, so a type that is only duplicated on one side still compares.
func TestCompareVersions(t *testing.T) {
	old := mustParse(t, "s#d@00000001 struct d { UNKNOWN }\ns#d@00000002 struct d { int x ; }\n"+
		"f int f ( s#d * )\ng int g ( s#d * )\nF#a.symtypes f s#d@00000001\nF#b.symtypes g s#d@00000002\n")
	new := mustParse(t, "s#d struct d { int x ; long y ; }\nf int f ( s#d * )\ng int g ( s#d * )\nF#a.symtypes f\nF#b.symtypes g\n")
	c, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Differ, ",") != "f,g" || len(c.Changes) != 2 ||
		c.Changes[0] != (TypeChange{"s#d", "s#d@00000001", "s#d"}) ||
		c.Changes[1] != (TypeChange{"s#d", "s#d@00000002", "s#d"}) {
		t.Errorf("comparison %+v", c)
	}
}

func TestCompareRealMatchesCRCs(t *testing.T) {
	old, new := parseReal(t, realOld), parseReal(t, realNew)
	c, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Differ) == 0 || len(c.Changes) == 0 {
		t.Fatalf("the two kernels differ, got %+v", c)
	}
	// Every change found must be a real difference of definition lines.
	for _, ch := range c.Changes {
		a, _ := old.Lookup(ch.Old)
		b, _ := new.Lookup(ch.New)
		if a == nil || b == nil || strings.Join(a.Tokens, " ") == strings.Join(b.Tokens, " ") {
			t.Errorf("change %+v is not a difference", ch)
		}
	}
}
