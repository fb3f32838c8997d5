package symtypes

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestParseSymbolListLocked: the locked list form of ParseSymbolList is
// the locked list grammar, chosen by the first non-blank character.
func TestParseSymbolListLocked(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]bool
	}{
		{"sections", "[mod-a]\n\tkfree\n\tfoo\n[mod-b]\n\tkfree\n[mod-c]\n", map[string]bool{"kfree": true, "foo": true}},
		{"blank lines first", "\n\t\n[m]\n\tx\n", map[string]bool{"x": true}},
		{"indented section", "  [m]\r\n\tx\r\n", map[string]bool{"x": true}},
		{"sections only", "[m]\n", map[string]bool{}},
	} {
		got, err := ParseSymbolList(strings.NewReader(tc.in), "l")
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, got, err, tc.want)
		}
	}
	// What the list form used to skip or take as a symbol is an error,
	// wanting a locked list only: the file opened with a section.
	for _, tc := range []struct{ in, want string }{
		{"[m]\n\tx y\n", `l:2: malformed symbol list: symbol "x y" has more than one word`},
		{"[m\n\tx\n", `l:1: malformed symbol list: section "[m" does not end with "]"`},
		{"[m]\n\tx\n[]\n", `l:3: malformed symbol list: section "[]" has no name`},
		{"\n[m]\n\tx]\n", `l:3: malformed symbol list: symbol "x]" has a bracket`},
		{"[m]\n\tf\n0x1 g vmlinux EXPORT_SYMBOL\n", `l:3: malformed symbol list: symbol "0x1 g vmlinux EXPORT_SYMBOL" has more than one word`},
	} {
		_, err := ParseSymbolList(strings.NewReader(tc.in), "l")
		if err == nil || err.Error() != tc.want+wantLocked || !errors.Is(err, ErrMalformedSymbolLst) {
			t.Errorf("%q: error\n %v\nwant\n %s", tc.in, err, tc.want+wantLocked)
		}
	}
}
