package sbs

import (
	"strings"
	"unicode/utf8"

	"github.com/patchqueue/pqtools/internal/safetext"
)

// TextOptions say how Text renders a layout.
type TextOptions struct {
	// Width is the whole line's width in columns (at least 40).
	Width int
	// Color marks changes with ANSI colours (removed red, added green,
	// changed tokens in reverse video); without it, changed tokens are
	// marked [-like this-] on the left and {+like this+} on the right,
	// as git's --word-diff=plain does, so mail and CI logs show them.
	Color bool
	// Annotate, when set, returns a short note (a blamed commit) for a
	// side of a row, shown in front of it.
	Annotate func(row int, side int) string
}

// Text renders the layout as two columns of text: the old patch on the
// left, the new one on the right, a "|" between them on the rows that
// differ. Tabs are expanded; lines too long for their column end in "…".
// Control characters are shown escaped, not sent to the terminal.
func Text(lay *Layout, o TextOptions) string {
	width := max(o.Width, 40)
	half := (width - 3) / 2
	var b strings.Builder
	for i, r := range lay.Rows {
		left := renderSide(r.Left, half, o, i, 0)
		right := renderSide(r.Right, width-3-half, o, i, 1)
		gutter := " "
		if r.Differs {
			gutter = "|"
		}
		line := left + " " + gutter + " " + right
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

const (
	ansiReset   = "\x1b[m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiReverse = "\x1b[7m"
	ansiNoRev   = "\x1b[27m"
	ansiBold    = "\x1b[1m"
	ansiCyan    = "\x1b[36m"
)

// renderSide is one column: the side's text with its changed tokens
// marked, expanded, cut or padded to exactly w columns.
func renderSide(s Side, w int, o TextOptions, row, side int) string {
	if !s.Present {
		return strings.Repeat(" ", w)
	}
	var cells []cell
	if o.Annotate != nil {
		if a := o.Annotate(row, side); a != "" {
			for _, c := range a + " " {
				cells = append(cells, cell{r: c})
			}
		}
	}
	in := func(p int) bool {
		for _, sp := range s.Changed {
			if p >= sp.Start && p < sp.End {
				return true
			}
		}
		return false
	}
	open, closeMark := "[-", "-]"
	if side == 1 {
		open, closeMark = "{+", "+}"
	}
	marked := false
	col := 0
	for p := 0; p < len(s.Text); {
		r, size := utf8.DecodeRuneInString(s.Text[p:])
		ch := in(p)
		if !o.Color && ch != marked {
			m := open
			if !ch {
				m = closeMark
			}
			for _, c := range m {
				cells = append(cells, cell{r: c})
			}
			marked = ch
		}
		switch {
		case r == '\t':
			for n := 8 - col%8; n > 0; n-- {
				cells = append(cells, cell{r: ' ', changed: ch})
				col++
			}
		case safetext.Line(s.Text[p:p+size]) != s.Text[p:p+size]:
			for _, c := range safetext.Line(s.Text[p : p+size]) {
				cells = append(cells, cell{r: c, changed: ch})
			}
		default:
			cells = append(cells, cell{r: r, changed: ch})
		}
		col++
		p += size
	}
	if !o.Color && marked {
		for _, c := range closeMark {
			cells = append(cells, cell{r: c})
		}
	}
	if len(cells) > w {
		cells = append(cells[:w-1], cell{r: '…'})
	}
	var b strings.Builder
	lineColor := ""
	if o.Color {
		switch s.Kind {
		case KindAdd:
			lineColor = ansiGreen
		case KindDel:
			lineColor = ansiRed
		case KindHunk:
			lineColor = ansiCyan
		case KindHeader:
			if strings.HasPrefix(s.Text, "diff --git ") {
				lineColor = ansiBold
			}
		}
		b.WriteString(lineColor)
	}
	rev := false
	for _, c := range cells {
		if o.Color && c.changed != rev {
			if c.changed {
				b.WriteString(ansiReverse)
			} else {
				b.WriteString(ansiNoRev)
			}
			rev = c.changed
		}
		b.WriteRune(c.r)
	}
	if o.Color && (lineColor != "" || rev) {
		b.WriteString(ansiReset)
	}
	b.WriteString(strings.Repeat(" ", w-len(cells)))
	return b.String()
}

type cell struct {
	r       rune
	changed bool
}
