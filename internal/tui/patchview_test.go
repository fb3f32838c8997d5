package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/sbs"
)

// A comment spanning lines is coloured as a comment on every line: the
// lexer sees the hunk, not one line (alone, " * probe" lexes as an
// operator and a name).
func TestHighlightSpansLines(t *testing.T) {
	patch := strings.Join([]string{
		"diff --git a/drivers/foo.c b/drivers/foo.c",
		"--- a/drivers/foo.c",
		"+++ b/drivers/foo.c",
		"@@ -1,3 +1,6 @@",
		" int a;",
		"+/*",
		"+ * probe the device",
		"+ */",
		" int b;",
		" int c;",
		"",
	}, "\n")
	v := NewPatchView(sbs.New(patch, patch), "old", "new")
	row := func(text string) int {
		for i, r := range v.Layout().Rows {
			if r.Right.Text == text {
				return i
			}
		}
		t.Fatalf("no row %q", text)
		return -1
	}
	styleAt := func(text string, b int) tcell.Style {
		i := row(text)
		return v.codeStyles(i, 1, v.Layout().Rows[i].File)[b]
	}
	open := styleAt("+/*", 1)
	if open == styleBase {
		t.Fatal("the comment opener is not coloured")
	}
	for _, c := range []struct {
		text string
		b    int
	}{{"+ * probe the device", 2}, {"+ * probe the device", 4}, {"+ */", 3}} {
		if got := styleAt(c.text, c.b); got != open {
			t.Errorf("%q byte %d: %v, want the comment's %v", c.text, c.b, got, open)
		}
	}
	if got := styleAt(" int b;", 1); got == open {
		t.Error("the line after the comment is still coloured as a comment")
	}
}
