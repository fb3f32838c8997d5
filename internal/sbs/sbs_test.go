package sbs

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

const oldPatch = `commit 1111111111111111111111111111111111111111
Author: Dev <dev@example.com>

    net: fix the thing

diff --git a/net/a.c b/net/a.c
index 1111111..2222222 100644
--- a/net/a.c
+++ b/net/a.c
@@ -10,6 +10,7 @@ int a(void)
 	int ret = 0;
 	if (ret)
 		return ret;
+	ret = fix(dev, 1);
 	return ret;
 }
 
diff --git a/net/b.c b/net/b.c
index 3333333..4444444 100644
--- a/net/b.c
+++ b/net/b.c
@@ -1,3 +1,4 @@
 int b;
+int c;
 int d;
 int e;
`

func TestUnchangedPatchHasNoDifferences(t *testing.T) {
	moved := strings.NewReplacer("@@ -10,6 +10,7 @@", "@@ -42,6 +42,7 @@", "index 1111111..2222222", "index 5555555..6666666",
		"commit 1111111111111111111111111111111111111111", "commit 9999999999999999999999999999999999999999").Replace(oldPatch)
	lay := New(oldPatch, moved)
	if lay.Changed != 1 { // only the commit id line
		for _, r := range lay.Rows {
			if r.Differs {
				t.Logf("%q | %q", r.Left.Text, r.Right.Text)
			}
		}
		t.Fatalf("%d changed rows, want 1 (the commit line)", lay.Changed)
	}
	if strings.Join(lay.Files, ",") != ",net/a.c,net/b.c" {
		t.Errorf("files %v", lay.Files)
	}
}

func TestChangedContextIsPairedWithTokens(t *testing.T) {
	changed := strings.Replace(oldPatch, " \tif (ret)\n", " \tif (ret < 0)\n", 1)
	lay := New(oldPatch, changed)
	var pairs []Row
	for _, r := range lay.Rows {
		if r.Differs {
			pairs = append(pairs, r)
		}
	}
	if len(pairs) != 1 || !pairs[0].Left.Present || !pairs[0].Right.Present {
		t.Fatalf("changed rows: %+v", pairs)
	}
	r := pairs[0]
	if r.Left.Kind != KindContext || r.Right.Kind != KindContext || r.File != "net/a.c" {
		t.Errorf("kinds %v %v file %q", r.Left.Kind, r.Right.Kind, r.File)
	}
	var marked []string
	for _, s := range r.Right.Changed {
		marked = append(marked, r.Right.Text[s.Start:s.End])
	}
	if got := strings.Join(marked, "|"); got != " < 0" {
		t.Errorf("changed tokens on the right: %q", got)
	}
	if len(r.Left.Changed) != 0 {
		t.Errorf("left marks %v", r.Left.Changed)
	}
}

func TestOneSidedFileAndPatch(t *testing.T) {
	noB := oldPatch[:strings.Index(oldPatch, "diff --git a/net/b.c")]
	lay := New(oldPatch, noB)
	start := lay.FileRows["net/b.c"]
	for _, r := range lay.Rows[start:] {
		if r.Right.Present || !r.Differs {
			t.Fatalf("net/b.c row present on the right: %+v", r)
		}
	}
	single := New("", oldPatch)
	for _, r := range single.Rows {
		if r.Left.Present || !r.Right.Present {
			t.Fatalf("single-sided layout: %+v", r)
		}
	}
}

// Whatever the inputs, the left column is the old patch and the right the
// new one, line for line, in order.
func TestLayoutKeepsBothPatches(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for n := 0; n < 300; n++ {
		a := mutate(r, oldPatch)
		b := mutate(r, oldPatch)
		lay := New(a, b)
		var left, right []string
		for _, row := range lay.Rows {
			if row.Left.Present {
				left = append(left, row.Left.Text)
			}
			if row.Right.Present {
				right = append(right, row.Right.Text)
			}
			if !row.Differs && (row.Left.Present != row.Right.Present) {
				t.Fatalf("one-sided row not marked: %+v", row)
			}
		}
		if strings.Join(left, "\n") != strings.TrimSuffix(a, "\n") || strings.Join(right, "\n") != strings.TrimSuffix(b, "\n") {
			t.Fatalf("layout lost or reordered lines:\n%s\n---\n%s", a, b)
		}
	}
}

func mutate(r *rand.Rand, p string) string {
	ls := strings.Split(strings.TrimSuffix(p, "\n"), "\n")
	for e := r.Intn(6); e > 0; e-- {
		i := r.Intn(len(ls))
		switch r.Intn(3) {
		case 0:
			ls = append(ls[:i], ls[i+1:]...)
		case 1:
			ls = append(ls[:i], append([]string{fmt.Sprintf("+\tline %d;", r.Intn(9))}, ls[i:]...)...)
		default:
			ls[i] += " x"
		}
	}
	return strings.Join(ls, "\n") + "\n"
}

// bigPatch is a patch of about n lines over several files.
func bigPatch(n int, variant int) string {
	var b strings.Builder
	b.WriteString("commit 1111111111111111111111111111111111111111\n\n    big\n\n")
	for f := 0; n > 0; f++ {
		fmt.Fprintf(&b, "diff --git a/f%03d.c b/f%03d.c\nindex 1..2 100644\n--- a/f%03d.c\n+++ b/f%03d.c\n", f, f, f, f)
		for h := 0; h < 10 && n > 0; h++ {
			fmt.Fprintf(&b, "@@ -%d,7 +%d,8 @@ int fn%d(void)\n", h*40+variant, h*40+variant, h)
			for l := 0; l < 8; l++ {
				switch {
				case l == 4 && (h+f+variant)%7 == 0:
					fmt.Fprintf(&b, "+\tx = call_%d(%d, v%d);\n", h, l, variant)
				case l == 4:
					fmt.Fprintf(&b, "+\tx = call_%d(%d);\n", h, l)
				default:
					fmt.Fprintf(&b, " \tctx_%d_%d_%d;\n", f, h, l)
				}
				n--
			}
		}
	}
	return b.String()
}

func BenchmarkLayout5000(b *testing.B) {
	old, new := bigPatch(5000, 0), bigPatch(5000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lay := New(old, new)
		if lay.Changed == 0 {
			b.Fatal("no changes found")
		}
	}
}

func TestPreLines(t *testing.T) {
	lay := New(oldPatch, "")
	want := map[string]int{" \tint ret = 0;": 10, " \tif (ret)": 11, " \treturn ret;": 13, " int b;": 1, " int d;": 2}
	for _, r := range lay.Rows {
		if w, ok := want[r.Left.Text]; ok && r.Left.PreLine != w {
			t.Errorf("%q: pre-image line %d, want %d", r.Left.Text, r.Left.PreLine, w)
		}
		if r.Left.Kind == KindAdd && r.Left.PreLine != 0 {
			t.Errorf("added line has a pre-image line: %+v", r.Left)
		}
	}
}
