package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain title", "plain title"},
		{"[media] dvb: fix [SCSI] thing", "[media] dvb: fix [SCSI] thing"},
		{"caf\u00e9 \u65e5\u672c", "caf\u00e9 \u65e5\u672c"},
		{"a\x1b]0;pwned\x07b", `a\e]0;pwned\x07b`},
		{"clear\x1b[2J", `clear\e[2J`},
		{"cr\rover", `cr\rover`},
		{"two\nlines", `two\nlines`},
		{"tab\there", `tab\there`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"sep\u2028x", `sep\u2028x`},
		{`back\slash`, `back\slash`},
	}
	for _, tc := range tests {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	in := "first\tline\nsecond \x1b[31mred\x1b[0m\n"
	want := "first\tline\nsecond \\e[31mred\\e[0m\n"
	if got := Text(in); got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("a\x1b[2Jb\r\n\x9b\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Line(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029 {
				t.Fatalf("Line(%q) = %q keeps control %U", s, out, r)
			}
		}
		if clean(s) && out != s {
			t.Fatalf("clean text changed: %q -> %q", s, out)
		}
		if strings.Contains(s, "\x1b") && strings.Contains(out, "\x1b") {
			t.Fatal("escape kept")
		}
	})
}
