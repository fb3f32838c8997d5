package pahole

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// Table rows longer than their half of the width are cut with "…", and text
// from the object cannot reach the terminal as control characters.
func TestWriteTextWidth(t *testing.T) {
	in := "struct s {\n\tstruct a_very_long_type_name_that_goes_on_and_on *a_very_long_member_name_too; /* 0 8 */\n\tint x; /* 8 4 */\n};\n"
	old, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	old.Object = "old\x1b[2J.o"
	var b bytes.Buffer
	if err := Compare(old, old).WriteText(&b, 60); err != nil {
		t.Fatal(err)
	}
	table, _, _ := strings.Cut(b.String(), "\n\n") // the prose under it wraps
	for _, l := range strings.Split(table, "\n")[1:] {
		if n := utf8.RuneCountInString(l); n > 60 {
			t.Errorf("%d columns: %q", n, l)
		}
	}
	if !strings.Contains(b.String(), "…") || strings.Contains(b.String(), "\x1b") || !strings.Contains(b.String(), `old\e[2J.o`) {
		t.Errorf("got:\n%s", b.String())
	}
}
