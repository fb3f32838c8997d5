package git

import (
	"reflect"
	"testing"
)

func TestParseTitles(t *testing.T) {
	for _, c := range []struct {
		out  string
		want []Title
		ok   bool
	}{
		{"", []Title{}, true},
		{"abc\x00one\x00def\x00two: with \"quotes\"\x00", []Title{{"abc", "one"}, {"def", "two: with \"quotes\""}}, true},
		{"abc\x00\x00", []Title{{"abc", ""}}, true},
		{"abc\x00one\x00def\x00", nil, false},
	} {
		got, err := parseTitles([]byte(c.out))
		if (err == nil) != c.ok || (c.ok && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("parseTitles(%q) = %+v, %v", c.out, got, err)
		}
	}
}

func FuzzParseTitles(f *testing.F) {
	f.Add([]byte("abc\x00one\x00def\x00two\x00"))
	f.Fuzz(func(t *testing.T, out []byte) {
		titles, err := parseTitles(out)
		if err == nil && 2*len(titles) != len(SplitNUL(out)) {
			t.Fatalf("%q: %d titles", out, len(titles))
		}
	})
}
