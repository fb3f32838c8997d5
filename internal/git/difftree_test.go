package git

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// events renders what ReadPatches reports, one line per callback.
func events(in string) ([]string, error) {
	var ev []string
	err := ReadPatches(strings.NewReader(in), PatchVisitor{
		Commit: func(id string) { ev = append(ev, "commit "+id) },
		File:   func(h []byte) { ev = append(ev, "file "+string(h)) },
		Binary: func() { ev = append(ev, "binary") },
		Change: func(sign byte, text []byte) { ev = append(ev, fmt.Sprintf("%c%s", sign, text)) },
	})
	return ev, err
}

func TestReadPatches(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"before the first commit", "diff --git a/x b/x\n@@ -1 +1 @@\n+x\n", nil},
		{"one commit", idA + "\ndiff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n\\ No newline at end of file\n",
			[]string{"commit " + idA, "file diff --git a/f b/f", "-old", "+new"}},
		{"header lines are not changes", idA + "\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x",
			[]string{"commit " + idA, "file diff --git a/f b/f", "+x"}},
		{"binary", idA + "\ndiff --git a/b b/b\nindex 1..2\nBinary files a/b and b/b differ\n" +
			idB + "\ndiff --git a/c b/c\nGIT binary patch\nliteral 3\n",
			[]string{"commit " + idA, "file diff --git a/b b/b", "binary", "commit " + idB, "file diff --git a/c b/c", "binary"}},
		{"a commit ends the hunk", idA + "\ndiff --git a/f b/f\n@@ -1 +1 @@\n+a\n" + idB + "\n+not a change\n",
			[]string{"commit " + idA, "file diff --git a/f b/f", "+a", "commit " + idB}},
		{"empty commit", idA + "\n" + idB + "\n", []string{"commit " + idA, "commit " + idB}},
		{"not an id", strings.ToUpper(idA) + "\n" + idA[:39] + "\n", nil},
		{"long line", idA + "\ndiff --git a/f b/f\n@@ -1 +1 @@\n+" + strings.Repeat("y", 300<<10) + "\n-z\n",
			[]string{"commit " + idA, "file diff --git a/f b/f", "+" + strings.Repeat("y", 300<<10), "-z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := events(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%.200q\nwant\n%.200q", got, tt.want)
			}
		})
	}
}

// ReadPatches with no callbacks reads to the end.
func TestReadPatchesNilVisitor(t *testing.T) {
	if err := ReadPatches(strings.NewReader(idA+"\ndiff --git a/f b/f\nBinary files\n@@ -1 +1 @@\n+x\n"), PatchVisitor{}); err != nil {
		t.Fatal(err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestReadPatchesReadError(t *testing.T) {
	if err := ReadPatches(failingReader{}, PatchVisitor{}); err != io.ErrClosedPipe {
		t.Fatalf("error %v", err)
	}
}

// Whatever the input, changes and files belong to a commit, and reading it
// whole or one byte at a time reports the same.
func FuzzReadPatches(f *testing.F) {
	f.Add([]byte(idA + "\ndiff --git a/f b/f\n@@ -1 +1 @@\n-a\n+b\nBinary files a b differ\n"))
	f.Add([]byte("junk\n" + idB + "\n@@ \n+x\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := events(string(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 && !strings.HasPrefix(got[0], "commit ") {
			t.Fatalf("%q before any commit", got[0])
		}
		var slow []string
		err = ReadPatches(&oneByteReader{s: string(in)}, PatchVisitor{
			Commit: func(id string) { slow = append(slow, "commit "+id) },
			File:   func(h []byte) { slow = append(slow, "file "+string(h)) },
			Binary: func() { slow = append(slow, "binary") },
			Change: func(sign byte, text []byte) { slow = append(slow, fmt.Sprintf("%c%s", sign, text)) },
		})
		if err != nil || strings.Join(got, "\n") != strings.Join(slow, "\n") {
			t.Fatalf("byte by byte: %q %v, whole: %q", slow, err, got)
		}
	})
}

type oneByteReader struct{ s string }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.s) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.s[0]
	r.s = r.s[1:]
	return 1, nil
}

// Context lines reach Context, only inside hunks and only when it is set
// (an empty one too, as diff.suppressBlankEmpty writes it); each hunk
// header reaches Hunk.
func TestReadPatchesContext(t *testing.T) {
	in := idA + "\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n ctx1\n-old\n+new\n ctx2\n\n@@ -9 +9 @@\n-x\n\\ No newline at end of file\n+y\n" +
		idB + "\n not in a hunk\n"
	var got []string
	err := ReadPatches(strings.NewReader(in), PatchVisitor{
		Hunk:    func() { got = append(got, "@@") },
		Change:  func(sign byte, text []byte) { got = append(got, fmt.Sprintf("%c%s", sign, text)) },
		Context: func(text []byte) { got = append(got, "="+string(text)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "@@ =ctx1 -old +new =ctx2 = @@ -x +y"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

// Tee hands each event to every visitor, End at the end of the stream,
// and asks for context lines only when one of them does.
func TestTee(t *testing.T) {
	in := idA + "\ndiff --git a/f b/f\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n"
	var a, b []string
	rec := func(to *[]string) PatchVisitor {
		return PatchVisitor{
			Commit: func(id string) { *to = append(*to, "commit") },
			File:   func([]byte) { *to = append(*to, "file") },
			Change: func(sign byte, text []byte) { *to = append(*to, fmt.Sprintf("%c%s", sign, text)) },
			End:    func() { *to = append(*to, "end") },
		}
	}
	tb := rec(&b)
	tb.Context = func(text []byte) { b = append(b, "="+string(text)) }
	if err := ReadPatches(strings.NewReader(in), Tee(rec(&a), tb)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(a, " "); got != "commit file -old +new end" {
		t.Errorf("first visitor: %s", got)
	}
	if got := strings.Join(b, " "); got != "commit file =ctx -old +new end" {
		t.Errorf("second visitor: %s", got)
	}
	if Tee(rec(&a)).Context != nil {
		t.Error("Tee asks for context lines nobody wants")
	}
}
