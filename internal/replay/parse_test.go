package replay

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

const (
	t1 = "98dfffe6116eae03cf52174964c1dd7b3a5bfac0"
	t2 = "948be7c6bc2ffe7ace7228aa44f1bf1c5bf74247"
	o1 = "01e79c32a8c99c557f0757da7cb6d65b3414466d"
	o2 = "e95635a8eae8594d2b02938195eb45a8e170a8cd"
	o3 = "ace2f8e8075fe2f88993330e798ae0f222e1765c"
)

// Recorded from git 2.39 merge-tree --write-tree --stdin -z --messages: a
// clean merge, then one with a content and a modify/delete conflict.
var sampleMergeTree = "1\x00" + t2 + "\x00\x00\x00" +
	"0\x00" + t1 + "\x00" +
	"100644 " + o1 + " 1\tf\x00100644 " + o2 + " 2\tf\x00100644 " + o3 + " 3\tf\x00" +
	"100644 " + o1 + " 1\tg\x00100644 " + o2 + " 2\tg\x00\x00" +
	"1\x00f\x00Auto-merging\x00Auto-merging f\n\x00" +
	"1\x00f\x00CONFLICT (contents)\x00CONFLICT (content): Merge conflict in f\n\x00" +
	"1\x00g\x00CONFLICT (modify/delete)\x00CONFLICT (modify/delete): g deleted in side and modified in master.\n\x00" +
	"\x00"

// conflicts groups what git.ParseMergeTree read by path.
func TestConflicts(t *testing.T) {
	ms, err := git.ParseMergeTree([]byte(sampleMergeTree))
	if err != nil || len(ms) != 2 {
		t.Fatal(ms, err)
	}
	if cs := conflicts(&ms[0]); len(cs) != 0 {
		t.Errorf("clean merge: %+v", cs)
	}
	cs := conflicts(&ms[1])
	if len(cs) != 2 || cs[0].Path != "f" || cs[1].Path != "g" {
		t.Fatalf("conflicts %+v", cs)
	}
	if !slices.Equal(cs[0].Kinds, []string{"contents"}) || cs[0].Base.OID != o1 || cs[0].Upstream.OID != o2 || cs[0].Patch.OID != o3 {
		t.Errorf("f: %+v", cs[0])
	}
	if !slices.Equal(cs[0].Messages, []string{"Auto-merging f", "CONFLICT (content): Merge conflict in f"}) {
		t.Errorf("f messages: %q", cs[0].Messages)
	}
	if !slices.Equal(cs[1].Kinds, []string{"modify/delete"}) || cs[1].Patch.OID != "" || len(cs[1].Messages) != 1 {
		t.Errorf("g: %+v", cs[1])
	}
}

func FuzzConflicts(f *testing.F) {
	f.Add([]byte(sampleMergeTree))
	f.Add([]byte("1\x00" + t1 + "\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := git.ParseMergeTree(b)
		if err != nil {
			return
		}
		for i := range ms {
			m := &ms[i]
			for _, c := range conflicts(m) {
				if c.Path == "" && len(m.Entries) == 0 {
					t.Errorf("conflict without entry")
				}
			}
		}
	})
}

func TestRegions(t *testing.T) {
	merged := strings.Join([]string{
		"a", "b", "c",
		"<<<<<<< ours", "U1", "||||||| base", "B1", "=======", "P1", ">>>>>>> theirs",
		"d", "e", "f", "g",
		"<<<<<<< ours", "U2", "=======", ">>>>>>> theirs", // merge style, empty patch side
		"h",
	}, "\n") + "\n"
	tests := []struct {
		name     string
		resolved string
		want     string // resolutions, "?" when not found
	}{
		{"both found", "a\nb\nc\nR1\nR1b\nd\ne\nf\ng\nR2\nh\n", "[R1 R1b] [R2]"},
		{"empty resolution", "a\nb\nc\nd\ne\nf\ng\nh\n", "[] []"},
		{"context changed after the first", "a\nb\nc\nR1\nX\ne\nf\ng\nR2\nh\n", "? [R2]"},
		{"repeated context taken in order", "a\nb\nc\nR1\nd\ne\nf\ng\na\nb\nc\nd\ne\nf\ng\nR2\nh\n", "[R1] [a b c d e f g R2]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := Regions([]byte(merged), []byte(tc.resolved), true)
			if len(rs) != 2 {
				t.Fatalf("%d regions", len(rs))
			}
			if rs[0].Line != 4 || rs[1].Line != 15 || !slices.Equal(rs[0].Base, []string{"B1"}) ||
				!slices.Equal(rs[0].Upstream, []string{"U1"}) || !slices.Equal(rs[0].Patch, []string{"P1"}) ||
				rs[1].Base != nil || rs[1].Patch != nil {
				t.Errorf("regions %+v", rs)
			}
			var got []string
			for _, r := range rs {
				if r.Resolved {
					got = append(got, fmt.Sprint(r.Resolution))
				} else {
					got = append(got, "?")
				}
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("resolutions %s, want %s", s, tc.want)
			}
		})
	}
	// The same context before both regions: the second is searched after
	// the first's resolution.
	same := "x\ny\n<<<<<<< o\nU1\n=======\nP1\n>>>>>>> t\nx\ny\n<<<<<<< o\nU2\n=======\nP2\n>>>>>>> t\nend\n"
	rs := Regions([]byte(same), []byte("x\ny\nR1\nx\ny\nR2\nend\n"), true)
	if len(rs) != 2 || !slices.Equal(rs[0].Resolution, []string{"R1"}) || !slices.Equal(rs[1].Resolution, []string{"R2"}) {
		t.Errorf("repeated context: %+v", rs)
	}
	// At the start and the end of the file, and an unterminated marker.
	rs = Regions([]byte("<<<<<<< o\nU\n=======\nP\n>>>>>>> t\n"), []byte("R\n"), true)
	if len(rs) != 1 || !rs[0].Resolved || !slices.Equal(rs[0].Resolution, []string{"R"}) {
		t.Errorf("whole-file region: %+v", rs)
	}
	if rs := Regions([]byte("<<<<<<< o\nU\n=======\n"), nil, true); len(rs) != 0 {
		t.Errorf("unterminated: %+v", rs)
	}
	if rs := Regions([]byte("<<<<<<<<< not a marker\n"), nil, false); len(rs) != 0 {
		t.Errorf("long marker: %+v", rs)
	}
}

func FuzzRegions(f *testing.F) {
	f.Add([]byte("a\n<<<<<<< o\nU\n||||||| b\nB\n=======\nP\n>>>>>>> t\nb\n"), []byte("a\nR\nb\n"))
	f.Fuzz(func(t *testing.T, merged, resolved []byte) {
		res := splitLines(resolved)
		for _, r := range Regions(merged, resolved, true) {
			if r.Line < 1 {
				t.Errorf("line %d", r.Line)
			}
			if r.Resolved && len(r.Resolution) > len(res) {
				t.Errorf("resolution longer than the file")
			}
		}
	})
}
