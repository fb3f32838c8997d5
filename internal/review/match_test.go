package review

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"

	"github.com/patchqueue/pqtools/internal/patchid"
)

func commits(prefix string, titles ...string) []*Commit {
	var out []*Commit
	for i, t := range titles {
		sha := strings.Repeat(prefix, 40)[:39] + string(rune('a'+i))
		out = append(out, &Commit{SHA: sha, Title: t, Index: i})
	}
	return out
}

func TestPairNearestKeepsOrder(t *testing.T) {
	for _, c := range []struct {
		name     string
		olds     []int // indices of duplicates in an old range of nOld
		news     []int
		nOld     int
		nNew     int
		wantPair [][2]int
	}{
		// The case a greedy nearest-distance pairing gets wrong: the second
		// old duplicate is closer to the first new one.
		{"shifted", []int{14, 16}, []int{17, 19}, 27, 23, [][2]int{{14, 17}, {16, 19}}},
		{"one lost", []int{2, 10, 20}, []int{3, 19}, 22, 22, [][2]int{{2, 3}, {20, 19}}},
		{"one gained", []int{5}, []int{1, 6, 30}, 40, 40, [][2]int{{5, 6}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mk := func(idx []int) []*Commit {
				var out []*Commit
				for _, i := range idx {
					out = append(out, &Commit{Index: i})
				}
				return out
			}
			got := pairNearest(mk(c.olds), mk(c.news), c.nOld, c.nNew)
			if len(got) != len(c.wantPair) {
				t.Fatalf("%d pairs, want %d", len(got), len(c.wantPair))
			}
			for i, p := range got {
				if p[0].Index != c.wantPair[i][0] || p[1].Index != c.wantPair[i][1] {
					t.Errorf("pair %d: %d->%d, want %d->%d", i, p[0].Index, p[1].Index, c.wantPair[i][0], c.wantPair[i][1])
				}
			}
		})
	}
}

func sig(lines ...string) signature {
	var b strings.Builder
	b.WriteString(strings.Repeat("1", 40) + "\ndiff --git a/f.c b/f.c\n@@ -1 +1 @@\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	s, _ := signatures(strings.NewReader(b.String()))
	return s[strings.Repeat("1", 40)]
}

func TestSimilarNeverPairsUnrelated(t *testing.T) {
	olds := commits("a", "fix leak", "add quirk")
	news := commits("b", "plug leak", "unrelated")
	sigs := map[string]signature{
		olds[0].SHA: sig("+\tkfree(buf);", "+\tbuf = NULL;", "+\treturn -ENOMEM;"),
		olds[1].SHA: sig("+\tif (quirk)", "+\t\tapply_quirk(dev);"),
		news[0].SHA: sig("+\tkfree(buf);", "+\tbuf = NULL;", "+\treturn -EINVAL;"),
		news[1].SHA: sig("+\tif (other)", "+\t\tdo_other(dev);"),
	}
	got := pairSimilar(olds, news, sigs)
	if len(got) != 1 || got[0].o != olds[0] || got[0].n != news[0] {
		t.Fatalf("got %d pairs: %+v", len(got), got)
	}
	if got[0].score < minSimilarity || got[0].score >= 1 {
		t.Errorf("score %.2f", got[0].score)
	}
	// White space and braces do not make two patches similar.
	sigs[news[1].SHA] = sig("+\t}", "+", "+\t{", "+ kfree(buf);")
	if got := pairSimilar(olds[1:], news[1:], sigs); len(got) != 0 {
		t.Errorf("unrelated patches paired: %+v", got)
	}
}

func TestTrailerRefs(t *testing.T) {
	msg := "fix\n\ncommit 0123456789abcdef0123456789abcdef01234567 upstream.\n\n(cherry picked from commit FEDCBA9876543210fedcba9876543210fedcba98)\n[ Upstream commit 1111111111112222222222223333333333334444 ]\nnot a commit abc upstream\n"
	got := strings.Join(trailerRefs(msg), ",")
	for _, want := range []string{"0123456789ab", "fedcba987654", "111111111111"} {
		if !strings.Contains(got, want) {
			t.Errorf("refs %s miss %s", got, want)
		}
	}
	if n := len(trailerRefs(msg)); n != 3 {
		t.Errorf("%d refs, want 3: %s", n, got)
	}
}

func TestQueueMatchWinsOverUpstream(t *testing.T) {
	old := commits("a", "net: fix", "mm: fix")
	nw := commits("b", "net: fix")
	up := commits("c", "mm: fix")
	id := patchid.ID{9}
	old[0].PatchID, up[0].PatchID = id, id // net: fix is upstream verbatim...
	up[0].Title = "net: fix"
	nw[0].PatchID = patchid.ID{8} // ...and carried again, changed.
	m := newMatcher(old, nw, up)
	m.strong()
	rows := m.rows(nil)
	if rows[0].Status != StatusTitle || rows[0].Upstream || rows[0].AlsoUpstream != up[0] {
		t.Errorf("carried-again row: %+v", rows[0])
	}
	if rows[1].Status != StatusDropped {
		t.Errorf("mm: fix: %+v", rows[1])
	}
}

func FuzzSignatures(f *testing.F) {
	f.Add([]byte(strings.Repeat("1", 40) + "\ndiff --git a/f b/f\n@@ -1 +1 @@\n-old line\n+new line\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sigs, err := signatures(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sigs {
			if j := jaccard(s, s); len(s) > 0 && j != 1 {
				t.Fatalf("self-similarity %v", j)
			}
		}
	})
}

// A \x01 byte in an upstream message must not split its record.
func TestUpstreamMessageWithSeparatorByte(t *testing.T) {
	s := repos.NewScratch(t)
	work, g, dir := s.Dir, s.Git, t.TempDir()
	g("commit", "-q", "--allow-empty", "-m", "base")
	base := g("rev-parse", "HEAD")
	os.WriteFile(filepath.Join(work, "f.c"), []byte("int f;\n"), 0o644)
	g("add", "f.c")
	msg := filepath.Join(dir, "msg")
	os.WriteFile(msg, []byte("net: odd message\n\nbody with \x01 inside and \x01"+strings.Repeat("b", 40)+" too\n"), 0o644)
	g("commit", "-q", "-F", msg)
	// A message ending in \x01 and a commit id, without a newline: under
	// the old \x01 framing its tail read as the start of a record.
	os.WriteFile(filepath.Join(work, "h.c"), []byte("int h;\n"), 0o644)
	g("add", "h.c")
	os.WriteFile(msg, []byte("fs: tail\n\n\x01"+base), 0o644)
	g("commit", "-q", "--cleanup=verbatim", "-F", msg)
	os.WriteFile(filepath.Join(work, "g.c"), []byte("int g;\n"), 0o644)
	g("add", "g.c")
	g("commit", "-q", "-m", "mm: plain")
	repo := &git.Repo{Dir: work, Env: s.Env.Vars}
	var got []upEntry
	if err := streamUpstream(t.Context(), repo, "HEAD", base, nil, func(e upEntry) { got = append(got, e) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Title != "net: odd message" || fileKeyHash([]string{"f.c"}) != got[2].FileKey ||
		got[1].Title != "fs: tail" || fileKeyHash([]string{"h.c"}) != got[1].FileKey || got[0].Title != "mm: plain" {
		t.Fatalf("records %+v", got)
	}
}

// An old commit whose message names an upstream commit of the range by
// hash, in any wording, is upstream with evidence "mentions <sha12>"; a
// hash too short to tell, outside the range, or in a Fixes: line is not
// evidence, and the details say why.
func TestMentionEvidence(t *testing.T) {
	up := []*Commit{
		{SHA: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", Title: "net: the upstream fix"},
		{SHA: "0a1b2c3d4e99999999999999999999999999999a", Title: "net: a neighbour"},
		{SHA: "77aa88bb99cc00dd11ee22ff33445566778899aa", Title: "mm: upstream rework"},
		{SHA: "1234567890abcdef1234567890abcdef12345678", Title: "fs: the bug"},
	}
	cases := []struct {
		msg  string
		want string // evidence, "" for none
	}{
		{"net: backport\n\nbackport of 0a1b2c3d4e5f6 from mainline\n", "mentions 0a1b2c3d4e5f"},
		{"mm: x\n\nUpstream commit 77aa88bb99cc00dd.\n", "mentions 77aa88bb99cc"},
		{"mm: x\n\n[ Upstream commit 77AA88BB99CC00DD11EE ]\n", "trailer"},
		{"mm: x\n\ncommit 77aa88bb99cc upstream.\n", "trailer"},
		{"mm: x\n\nSee 77aa88bb99 for the rework.\n", "mentions 77aa88bb99cc"},
		{"net: x\n\nbackport of 0a1b2c3d4e\n", ""},                    // two upstream commits start so
		{"net: x\n\nbackport of 0a1b2c3d4\n", ""},                     // 9 digits: too short
		{"net: x\n\nbackport of 99887766554433221100\n", ""},          // not in the range
		{"fs: x\n\nFixes: 1234567890ab (\"fs: the bug\")\n", ""},      // names the fixed commit
		{"fs: x\n\nThis reverts commit 1234567890abcdef1234.\n", ""},  // names the reverted one
		{"fs: x\n\nthe abcdefabcdef is a word of letters only\n", ""}, // no digit: not a hash
	}
	for _, c := range cases {
		old := []*Commit{{SHA: strings.Repeat("f", 40), Title: "x", Message: c.msg}}
		m := newMatcher(old, nil, up)
		m.strong()
		rows := m.rows(nil)
		got := ""
		if rows[0].Upstream {
			got = string(rows[0].Evidence)
		}
		if got != c.want {
			t.Errorf("%q: evidence %q, want %q", c.msg, got, c.want)
		}
	}
	m := newMatcher([]*Commit{{SHA: strings.Repeat("f", 40), Message: "x\n\nbackport of 0a1b2c3d4e and 99887766554433221100\n"}}, nil, up)
	m.strong()
	want := []string{
		"ffffffffffff mentions 0a1b2c3d4e, which names 2 upstream commits between the bases: no evidence",
		"ffffffffffff mentions 99887766554433221100, which names no upstream commit between the bases: no evidence",
	}
	if !reflect.DeepEqual(m.notes, want) {
		t.Errorf("details %q, want %q", m.notes, want)
	}
}

// signatures reads diff-tree --stdin output and returns each commit's
// signature, as the review's own diff pass does (signatureVisitor).
func signatures(r io.Reader) (map[string]signature, error) {
	out := map[string]signature{}
	if err := git.ReadPatches(r, signatureVisitor(out)); err != nil {
		return nil, err
	}
	return out, nil
}
