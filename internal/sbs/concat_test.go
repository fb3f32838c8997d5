package sbs

import (
	"strings"
	"testing"
)

// A patch split in two, concatenated, lays out against the whole with only
// the headers differing: the files' sections are joined in file order.
func TestConcatSplitParts(t *testing.T) {
	partA := strings.Replace(oldPatch[:strings.Index(oldPatch, "diff --git a/net/b.c")], "net: fix the thing", "net: fix a", 1)
	partB := "commit 2222222222222222222222222222222222222222\nAuthor: Dev <dev@example.com>\n\n    net: fix b\n\n" +
		oldPatch[strings.Index(oldPatch, "diff --git a/net/b.c"):]
	for _, c := range []struct {
		name  string
		parts []string
	}{
		{"in order", []string{partA, partB}},
		{"reversed", []string{partB, partA}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Concat(c.parts...)
			if n := strings.Count(got, "commit "); n != 2 {
				t.Errorf("%d commit headers, want 2:\n%s", n, got)
			}
			if strings.Index(got, "diff --git a/net/a.c") > strings.Index(got, "diff --git a/net/b.c") || strings.Index(got, "    net: fix") > strings.Index(got, "diff --git") {
				t.Errorf("headers first, then files in path order:\n%s", got)
			}
			lay := New(oldPatch, got)
			if strings.Join(lay.Files, ",") != ",net/a.c,net/b.c" {
				t.Errorf("files %v", lay.Files)
			}
			for _, r := range lay.Rows {
				if r.Differs && r.File != "" {
					t.Errorf("file row differs: %q | %q", r.Left.Text, r.Right.Text)
				}
			}
		})
	}
	if Concat() != "" || Concat("", "") != "" {
		t.Error("no patch concatenates to nothing")
	}
}

// One patch concatenated is the patch, as far as the layout can tell.
func FuzzConcatOne(f *testing.F) {
	f.Add(oldPatch)
	f.Add("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n")
	f.Fuzz(func(t *testing.T, p string) {
		if lay := New(p, Concat(p)); lay.Changed != 0 && strings.Count(p, "diff --git ") < 2 {
			t.Fatalf("%d changed rows for one patch", lay.Changed)
		}
	})
}
