package git

import (
	"reflect"
	"strings"
	"testing"
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

func TestParseMergeTree(t *testing.T) {
	ms, err := ParseMergeTree([]byte(sampleMergeTree))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || !ms[0].Clean || ms[0].Tree != t2 || len(ms[0].Entries) != 0 || len(ms[0].Messages) != 0 {
		t.Fatalf("clean merge: %+v", ms)
	}
	m := ms[1]
	if m.Clean || m.Tree != t1 || len(m.Entries) != 5 || len(m.Messages) != 3 {
		t.Fatalf("conflicted merge: %+v", m)
	}
	if e := m.Entries[4]; e != (ConflictEntry{Mode: "100644", OID: o2, Stage: 2, Path: "g"}) {
		t.Errorf("entry %+v", e)
	}
	want := MergeMessage{Paths: []string{"g"}, Type: "CONFLICT (modify/delete)",
		Text: "CONFLICT (modify/delete): g deleted in side and modified in master.\n"}
	if !reflect.DeepEqual(m.Messages[2], want) {
		t.Errorf("message %+v", m.Messages[2])
	}
}

func TestParseMergeTreeErrors(t *testing.T) {
	for _, in := range []string{
		"1\x00" + t1,                                            // truncated
		"2\x00" + t1 + "\x00\x00\x00",                           // bad status
		"1\x00xyz\x00\x00\x00",                                  // bad tree
		"0\x00" + t1 + "\x00bad entry\x00\x00\x00",              // bad entry
		"0\x00" + t1 + "\x00100644 " + o1 + " 4\tf\x00\x00\x00", // bad stage
		"0\x00" + t1 + "\x00\x00x\x00\x00",                      // bad count
		"0\x00" + t1 + "\x00\x002\x00f\x00",                     // truncated message
		"1\x00" + t1 + "\x00100644 " + o1 + " 2\tf\x00\x00\x00", // clean with conflicts
	} {
		if ms, err := ParseMergeTree([]byte(in)); err == nil {
			t.Errorf("%q: no error, %+v", in, ms)
		}
	}
}

func FuzzParseMergeTree(f *testing.F) {
	f.Add([]byte(sampleMergeTree))
	f.Add([]byte("1\x00" + t1 + "\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ParseMergeTree(b)
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.Clean && len(m.Entries) > 0 {
				t.Errorf("clean merge with conflicts")
			}
			if !IsHex(m.Tree) {
				t.Errorf("tree %q", m.Tree)
			}
			for _, e := range m.Entries {
				if e.Stage < 1 || e.Stage > 3 || !IsHex(e.OID) {
					t.Errorf("entry %+v", e)
				}
			}
		}
	})
}

func TestRefTransaction(t *testing.T) {
	tests := []struct {
		name    string
		updates []RefUpdate
		want    string // without start and prepare/commit; "" for an error
	}{
		{"create", []RefUpdate{{Ref: "refs/heads/a", New: o1, Create: true}}, "create refs/heads/a " + o1 + "\n"},
		{"update any", []RefUpdate{{Ref: "refs/heads/a", New: o1}}, "update refs/heads/a " + o1 + "\n"},
		{"update from", []RefUpdate{{Ref: "refs/heads/a", New: o1, Old: o2}}, "update refs/heads/a " + o1 + " " + o2 + "\n"},
		{"delete", []RefUpdate{{Ref: "refs/heads/a", Old: o2}}, "delete refs/heads/a " + o2 + "\n"},
		{"delete any", []RefUpdate{{Ref: "refs/heads/a"}}, "delete refs/heads/a\n"},
		{"create nothing", []RefUpdate{{Ref: "refs/heads/a", Create: true}}, ""},
		{"space", []RefUpdate{{Ref: "refs/heads/a b", New: o1}}, ""},
		{"newline", []RefUpdate{{Ref: "refs/heads/a", New: o1 + "\ndelete refs/heads/main"}}, ""},
		{"option", []RefUpdate{{Ref: "-x", New: o1}}, ""},
		{"no ref", []RefUpdate{{New: o1}}, ""},
	}
	for _, tc := range tests {
		got, err := refTransaction(tc.updates)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: no error: %q", tc.name, got)
			}
			continue
		}
		if err != nil || got != "start\n"+tc.want+"prepare\ncommit\n" {
			t.Errorf("%s: %q %v", tc.name, got, err)
		}
	}
}

func TestCommitObjectBytes(t *testing.T) {
	c := CommitObject{Tree: t1, Parents: []string{o1, o2}, Author: "A <a@b> 1 +0100", Committer: "C <c@d> 2 -0130", Message: "subject\n\nbody\n"}
	want := "tree " + t1 + "\nparent " + o1 + "\nparent " + o2 + "\nauthor A <a@b> 1 +0100\ncommitter C <c@d> 2 -0130\n\nsubject\n\nbody\n"
	if got := string(c.Bytes()); got != want {
		t.Errorf("got %q", got)
	}
	if got := string(CommitObject{Tree: t1, Author: "x", Committer: "y"}.Bytes()); strings.Contains(got, "parent") {
		t.Errorf("root commit %q", got)
	}
}
