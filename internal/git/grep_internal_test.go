package git

import (
	"reflect"
	"testing"
)

func TestParseGrepWords(t *testing.T) {
	tree := "1111111111111111111111111111111111111111"
	for _, tc := range []struct {
		in   string
		want map[string][]string
		bad  bool
	}{
		{in: "", want: map[string][]string{}},
		{in: tree + ":a.c\x00foo\n" + tree + ":a.c\x00foo\n" + tree + ":b:c.c\x00foo\n" + tree + ":a.c\x00x.y\n",
			want: map[string][]string{"foo": {"a.c", "b:c.c"}, "x.y": {"a.c"}}},
		{in: tree + ":a.c\x00foo", bad: true},
		{in: "other:a.c\x00foo\n", bad: true},
		{in: tree + ":a.c foo\n", bad: true},
		{in: tree + ":\x00foo\n", bad: true},
	} {
		got, err := parseGrepWords([]byte(tc.in), tree, map[string][]string{})
		if (err != nil) != tc.bad || (!tc.bad && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%q: got %v %v, want %v bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestParsePickaxe(t *testing.T) {
	sha := "2222222222222222222222222222222222222222"
	for _, tc := range []struct {
		in    string
		want  Pickaxe
		found bool
		bad   bool
	}{
		{in: ""},
		{in: "\n"},
		{in: sha + "\x00rename foo\x00\n", want: Pickaxe{Commit: sha, Title: "rename foo"}, found: true},
		{in: sha + "\x00rename foo\n", bad: true},
		{in: "xyz\x00t\x00\n", bad: true},
	} {
		got, found, err := parsePickaxe([]byte(tc.in))
		if (err != nil) != tc.bad || got != tc.want || found != tc.found {
			t.Errorf("%q: got %+v %v %v", tc.in, got, found, err)
		}
	}
}

func FuzzParseGrepWords(f *testing.F) {
	f.Add([]byte("t:a.c\x00foo\n"), "t")
	f.Fuzz(func(t *testing.T, b []byte, tree string) {
		got, err := parseGrepWords(b, tree, map[string][]string{})
		if err == nil {
			for w, paths := range got {
				if w == "" || len(paths) == 0 {
					t.Fatalf("empty entry %q %v", w, paths)
				}
			}
		}
	})
}
