package spec

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var testLabels = Labels{Ours: "ours", Base: "base", Theirs: "theirs"}

func TestMerge3Table(t *testing.T) {
	for _, c := range []struct {
		name, base, ours, theirs, want string
		conflicts                      int
	}{
		{"nothing", "a\nb\n", "a\nb\n", "a\nb\n", "a\nb\n", 0},
		{"ours only", "a\nb\nc\n", "a\nB\nc\n", "a\nb\nc\n", "a\nB\nc\n", 0},
		{"theirs only", "a\nb\nc\n", "a\nb\nc\n", "a\nb\nC\n", "a\nb\nC\n", 0},
		{"apart", "a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n", "A\nb\nc\nD\n", 0},
		{"same change", "a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n", "a\nX\nc\n", 0},
		{"one line both", "a\nb\nc\n", "a\nO\nc\n", "a\nT\nc\n",
			"a\n<<<<<<< ours\nO\n||||||| base\nb\n=======\nT\n>>>>>>> theirs\nc\n", 1},
		{"touching", "a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n",
			"a\n<<<<<<< ours\nB\nc\n||||||| base\nb\nc\n=======\nb\nC\n>>>>>>> theirs\nd\n", 1},
		{"insert same place", "a\nb\n", "a\no\nb\n", "a\nt\nb\n",
			"a\n<<<<<<< ours\no\n||||||| base\n=======\nt\n>>>>>>> theirs\nb\n", 1},
		{"delete vs modify", "a\nb\nc\n", "a\nc\n", "a\nB\nc\n",
			"a\n<<<<<<< ours\n||||||| base\nb\n=======\nB\n>>>>>>> theirs\nc\n", 1},
		{"no final newline", "a\nb", "a\nO", "a\nT",
			"a\n<<<<<<< ours\nO\n||||||| base\nb\n=======\nT\n>>>>>>> theirs\n", 1},
		{"empty base", "", "o\n", "t\n", "<<<<<<< ours\no\n||||||| base\n=======\nt\n>>>>>>> theirs\n", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, n := Merge3([]byte(c.ours), []byte(c.base), []byte(c.theirs), testLabels)
			if string(got) != c.want || n != c.conflicts {
				t.Errorf("got %d conflicts:\n%s\nwant %d:\n%s", n, got, c.conflicts, c.want)
			}
			if oracle, on := gitMergeFile(t, c.ours, c.base, c.theirs); oracle != string(got) || on != n {
				t.Errorf("git merge-file gives %d conflicts:\n%s", on, oracle)
			}
		})
	}
}

// genSide edits base the way a maintainer's side might: keeps, deletes,
// replaces and inserts lines. New lines are unique (tag), except that
// shared edits (same for both sides when the same seed draws them) test
// identical changes.
func genSide(r *rand.Rand, base []string, tag string, shared map[int]string) string {
	var b strings.Builder
	n := 0
	for i, l := range base {
		if s, ok := shared[i]; ok && r.Intn(2) == 0 {
			b.WriteString(s)
			continue
		}
		switch r.Intn(12) {
		case 0:
			// deleted
		case 1:
			n++
			fmt.Fprintf(&b, "%s-%d\n", tag, n)
		case 2:
			n++
			fmt.Fprintf(&b, "%s-%d\n%s", tag, n, l)
		case 3:
			n++
			fmt.Fprintf(&b, "%s-%d\n%s-%d\n", tag, n, tag, n+1)
			n++
		default:
			b.WriteString(l)
		}
	}
	if r.Intn(4) == 0 {
		fmt.Fprintf(&b, "%s-end\n", tag)
	}
	return b.String()
}

// TestMerge3Oracle compares Merge3 with git merge-file on generated
// inputs whose line diffs have one answer (every line is unique), so any
// difference is a difference in the merge itself.
func TestMerge3Oracle(t *testing.T) {
	for seed := int64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		var base []string
		for i := 0; i < 1+r.Intn(30); i++ {
			base = append(base, fmt.Sprintf("base-%d\n", i))
		}
		shared := map[int]string{}
		for i := range base {
			if r.Intn(8) == 0 {
				shared[i] = fmt.Sprintf("shared-%d\n", i)
			}
		}
		ours := genSide(r, base, "ours", shared)
		theirs := genSide(r, base, "theirs", shared)
		b := strings.Join(base, "")
		got, n := Merge3([]byte(ours), []byte(b), []byte(theirs), testLabels)
		want, wn := gitMergeFile(t, ours, b, theirs)
		if string(got) != want || n != wn {
			t.Fatalf("seed %d: Merge3 gives %d conflicts:\n%s\ngit merge-file %d:\n%s\nbase:\n%s\nours:\n%s\ntheirs:\n%s",
				seed, n, got, wn, want, b, ours, theirs)
		}
	}
}

// gitMergeFile is the oracle: git merge-file -p --diff3 with the labels of
// testLabels; its exit status is the number of conflicts.
func gitMergeFile(t *testing.T, ours, base, theirs string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range []struct{ name, text string }{{"ours", ours}, {"base", base}, {"theirs", theirs}} {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cmd := exec.Command("git", "merge-file", "-p", "--diff3", "-L", "ours", "-L", "base", "-L", "theirs",
		paths[0], paths[1], paths[2])
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() > 0 && ee.ExitCode() < 127:
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatalf("git merge-file: %v: %s", err, stderr.Bytes())
	}
	return string(out), 0
}
