package kabitui

import (
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/rivo/tview"

	"github.com/patchqueue/pqtools/internal/highlight"
	"github.com/patchqueue/pqtools/internal/safetext"
)

// cLexer is chroma's C lexer, looked up once: highlight.Get walks the whole
// registry.
var cLexer = sync.OnceValue(func() chroma.Lexer { return chroma.Coalesce(highlight.Get("c")) })

// theme is the colour scheme of review-rebase's patch view.
var theme = highlight.Monokai()

// tab is how a tab of the pretty definitions shows: types nest deep, and
// the diff panel shares the screen with the table.
const tab = "    "

// Backgrounds of added and removed lines, as in review-rebase's patch view.
const (
	addBg = "#003c00"
	delBg = "#460000"
)

// ColorDiff renders a unified diff of C definitions as tview-tagged text:
// chroma's C colours on the code, a green or red background on added and
// removed lines, bold file headers and teal hunk headers. Every line is
// made terminal-safe first, its tabs expanded to tabWidth spaces.
func ColorDiff(diff string) string {
	lines := strings.Split(diff, "\n")
	for i, l := range lines {
		lines[i] = safetext.Line(strings.ReplaceAll(l, "\t", tab))
	}
	// Lex the code of all code lines as one text, so a token never
	// straddles the marker column.
	var code strings.Builder
	isCode := func(l string) bool {
		return l != "" && !strings.HasPrefix(l, "--- ") && !strings.HasPrefix(l, "+++ ") && !strings.HasPrefix(l, "@@")
	}
	for _, l := range lines {
		if isCode(l) {
			code.WriteString(l[1:])
			code.WriteByte('\n')
		}
	}
	colours := lexColours(code.String())
	var b strings.Builder
	off := 0
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch {
		case l == "":
		case strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ "):
			b.WriteString("[::b]" + tview.Escape(l) + "[::-]")
		case strings.HasPrefix(l, "@@"):
			b.WriteString("[teal]" + tview.Escape(l) + "[-]")
		default:
			bg := "-"
			switch l[0] {
			case '+':
				bg = addBg
			case '-':
				bg = delBg
			}
			b.WriteString("[-:" + bg + "]" + tview.Escape(l[:1]))
			text := l[1:]
			for start := 0; start < len(text); {
				end := start + 1
				for end < len(text) && colours[off+end] == colours[off+start] {
					end++
				}
				fmt.Fprintf(&b, "[%s:%s]%s", colours[off+start], bg, tview.Escape(text[start:end]))
				start = end
			}
			b.WriteString("[-:-]")
			off += len(text) + 1
		}
	}
	return b.String()
}

// lexColours returns a tview colour ("#rrggbb", or "-" for the default)
// for each byte of text.
func lexColours(text string) []string {
	out := make([]string, len(text))
	for i, e := range highlight.Entries(cLexer(), theme, text) {
		out[i] = "-"
		if e.Colour.IsSet() {
			out[i] = e.Colour.String()
		}
	}
	return out
}
