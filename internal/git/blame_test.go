package git_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

const (
	blameA = "f020847bdbb6c02dd56689856e6fe953316624c8"
	blameB = "0123456789abcdef0123456789abcdef01234567"
)

// What git 2.39 prints for `blame --porcelain -L 1,1 -L 3,3`.
var blameSample = blameA + " 1 1 1\n" +
	"author a\nauthor-mail <b>\nauthor-time 1795910496\nauthor-tz +0000\n" +
	"committer a\ncommitter-mail <b>\ncommitter-time 1795910496\ncommitter-tz +0000\n" +
	"summary 1\nboundary\nfilename f\n\ta\n" +
	blameA + " 3 3 1\n\tc\n"

func TestParseBlamePorcelain(t *testing.T) {
	for _, c := range []struct {
		name string
		out  string
		want []git.BlameLine
		err  bool
	}{
		{name: "empty", out: ""},
		{name: "sample", out: blameSample, want: []git.BlameLine{{blameA, 1, 1, true}, {blameA, 3, 3, true}}},
		{name: "group without counts", out: blameB + " 7 2 2\nsummary x\nprevious " + blameA + " f\nfilename f\n\tx\n" + blameB + " 8 3\n\ty\n",
			want: []git.BlameLine{{blameB, 7, 2, false}, {blameB, 8, 3, false}}},
		// The content is the file's: anything after the TAB, even what
		// looks like a header.
		{name: "content like a header", out: blameA + " 1 1 1\nfilename f\n\t" + blameB + " 2 2 2\n",
			want: []git.BlameLine{{blameA, 1, 1, false}}},
		{name: "empty content", out: blameA + " 1 1 1\n\t\n", want: []git.BlameLine{{blameA, 1, 1, false}}},
		{name: "sha256", out: strings.Repeat("ab", 32) + " 1 4 1\n\tz\n", want: []git.BlameLine{{strings.Repeat("ab", 32), 1, 4, false}}},
		{name: "short id", out: "f020847 1 1 1\n\ta\n", err: true},
		{name: "upper-case id", out: strings.ToUpper(blameA) + " 1 1 1\n\ta\n", err: true},
		{name: "no final line", out: blameA + " 1\n\ta\n", err: true},
		{name: "zero line", out: blameA + " 1 0 1\n\ta\n", err: true},
		{name: "negative line", out: blameA + " 1 -2 1\n\ta\n", err: true},
		{name: "signed line", out: blameA + " 1 +2 1\n\ta\n", err: true},
		{name: "too many fields", out: blameA + " 1 1 1 1\n\ta\n", err: true},
		{name: "content without header", out: "\ta\n", err: true},
		{name: "header without content", out: blameA + " 1 1 1\nfilename f\n", err: true},
		{name: "no newline at the end", out: blameA + " 1 1 1\n\ta", err: true},
		{name: "text", out: "fatal: no such path 'f' in HEAD\n", err: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := git.ParseBlamePorcelain([]byte(c.out))
			if c.err {
				if !errors.Is(err, git.ErrBlameFormat) {
					t.Fatalf("got %v, %v; want ErrBlameFormat", got, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func FuzzParseBlamePorcelain(f *testing.F) {
	f.Add([]byte(blameSample))
	f.Add([]byte(blameB + " 7 2 2\nsummary x\n\tx\n" + blameB + " 8 3\n\ty\n"))
	f.Add([]byte("\t\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		lines, err := git.ParseBlamePorcelain(out)
		if err != nil {
			if !errors.Is(err, git.ErrBlameFormat) {
				t.Fatalf("error %v is not ErrBlameFormat", err)
			}
			return
		}
		// What was read writes back to porcelain that reads the same.
		var b strings.Builder
		said := map[string]bool{}
		for _, l := range lines {
			if !git.IsHex(l.Commit) || l.OrigLine < 1 || l.FinalLine < 1 {
				t.Fatalf("bad line %+v", l)
			}
			fmt.Fprintf(&b, "%s %d %d\n", l.Commit, l.OrigLine, l.FinalLine)
			if l.Boundary && !said[l.Commit] {
				b.WriteString("boundary\n") // once per commit, as git does
				said[l.Commit] = true
			}
			b.WriteString("\tx\n")
		}
		again, err := git.ParseBlamePorcelain([]byte(b.String()))
		if err != nil || !reflect.DeepEqual(again, lines) {
			t.Fatalf("round trip: %v %v, want %v", again, err, lines)
		}
	})
}

func TestLineRanges(t *testing.T) {
	for _, c := range []struct {
		lines []int
		want  []git.LineRange
	}{
		{nil, nil},
		{[]int{5}, []git.LineRange{{5, 5}}},
		{[]int{3, 1, 2, 7, 9, 8, 8, 12}, []git.LineRange{{1, 3}, {7, 9}, {12, 12}}},
	} {
		in := append([]int(nil), c.lines...)
		if got := git.LineRanges(in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("LineRanges(%v) = %v, want %v", c.lines, got, c.want)
		}
		if !reflect.DeepEqual(in, c.lines) {
			t.Errorf("LineRanges reordered its argument: %v", in)
		}
	}
}

// Blame against a real repository: two commits, lines asked for out of
// order and in two ranges.
func TestBlame(t *testing.T) {
	sc := repos.NewScratch(t)
	work, g, env := sc.Dir, sc.Git, sc.Env
	write := func(s string) { t.Helper(); sc.Write("-f.c", s) }
	write("a\nb\nc\nd\n")
	g("add", "--", "-f.c")
	g("commit", "-qm", "one")
	first := g("rev-parse", "HEAD")
	write("a\nB\nc\nD")
	g("commit", "-qam", "two")
	second := g("rev-parse", "HEAD")
	ctx := context.Background()
	r := &git.Repo{Dir: work, Env: env.Vars}
	got, err := r.Blame(ctx, "HEAD", "-f.c", git.LineRanges([]int{4, 1, 2})...)
	want := []git.BlameLine{{first, 1, 1, false}, {second, 2, 2, false}, {second, 4, 4, false}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Blame = %v, %v; want %v", got, err, want)
	}
	all, err := r.Blame(ctx, "HEAD~1", "-f.c")
	if err != nil || len(all) != 4 || all[3] != (git.BlameLine{first, 4, 4, false}) {
		t.Errorf("whole file at HEAD~1: %v, %v", all, err)
	}
	// Limited to first..HEAD, the lines older than first are its
	// boundary; the root commit is no boundary without a limit.
	since, err := r.BlameSince(ctx, first, "HEAD", "-f.c")
	wantSince := []git.BlameLine{{first, 1, 1, true}, {second, 2, 2, false}, {first, 3, 3, true}, {second, 4, 4, false}}
	if err != nil || !reflect.DeepEqual(since, wantSince) {
		t.Errorf("BlameSince = %v, %v; want %v", since, err, wantSince)
	}
	if _, err := r.BlameSince(ctx, "--all", "HEAD", "-f.c"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like since: %v", err)
	}
	if _, err := r.Blame(ctx, "--all", "-f.c"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like revision: %v", err)
	}
	if _, err := r.Blame(ctx, "HEAD", "-f.c", git.LineRange{3, 2}); err == nil {
		t.Error("reversed range accepted")
	}
	var ge *git.Error
	if _, err := r.Blame(ctx, "HEAD", "missing.c"); !errors.As(err, &ge) {
		t.Errorf("missing file: %v", err)
	}
}
