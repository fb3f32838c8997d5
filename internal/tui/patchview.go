package tui

import (
	"path/filepath"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/patchqueue/pqtools/internal/highlight"
	"github.com/patchqueue/pqtools/internal/safetext"
	"github.com/patchqueue/pqtools/internal/sbs"
)

// PatchView draws a side-by-side layout: old patch left, new patch right,
// a gutter marking rows that differ, changed tokens emphasised, code
// coloured by chroma for the file's language.
type PatchView struct {
	*tview.Box
	layout  *sbs.Layout
	title   [2]string // header line of each side
	top     int
	cur     int // the cursor's row: Enter shows the commit blamed for it
	hoff    int
	matches []int // rows matching the search terms
	styled  map[[2]int][]tcell.Style
	code    map[[2]int][]tcell.Style // chroma's style per byte of a code line
	lexers  map[string]chroma.Lexer  // per file; lexers.Match tries every lexer's globs
	theme   *chroma.Style
	blame   *blameData
	between map[string]bool
}

// blameData is, per side, file and pre-image line, the blamed commit, and
// each side's own commit (which "blames" its added lines).
type blameData struct {
	lines   [2]map[string]map[int]string
	commits [2]string
}

const blameWidth = 13

// SetBlame shows (or, with nil, hides) the blame column.
func (v *PatchView) SetBlame(b *blameData, between map[string]bool) {
	v.blame, v.between = b, between
}

func (v *PatchView) blamed(idx, side int) string {
	if v.blame == nil || idx >= len(v.layout.Rows) {
		return ""
	}
	r := v.layout.Rows[idx]
	s := r.Left
	if side == 1 {
		s = r.Right
	}
	switch {
	case !s.Present:
		return ""
	case s.Kind == sbs.KindAdd:
		return v.blame.commits[side]
	case s.PreLine > 0:
		return v.blame.lines[side][r.File][s.PreLine]
	}
	return ""
}

// BlamedCursor is the commit blamed for the cursor's row: the side blamed
// on an upstream commit between the bases if one is (that commit is what
// the reviewer is after: it is why the line changed under the patch),
// else the left side, else the right.
func (v *PatchView) BlamedCursor() string {
	l, r := v.blamed(v.cur, 0), v.blamed(v.cur, 1)
	switch {
	case v.between[r] && !v.between[l]:
		return r
	case l != "":
		return l
	}
	return r
}

// NewPatchView shows layout with one header line per side.
func NewPatchView(layout *sbs.Layout, oldTitle, newTitle string) *PatchView {
	v := &PatchView{Box: tview.NewBox(), layout: layout, title: [2]string{oldTitle, newTitle},
		styled: map[[2]int][]tcell.Style{}, code: map[[2]int][]tcell.Style{}, lexers: map[string]chroma.Lexer{}, theme: highlight.Monokai()}
	return v
}

// Layout is what the view shows.
func (v *PatchView) Layout() *sbs.Layout { return v.layout }

// Top is the first row shown.
func (v *PatchView) Top() int { return v.top }

// Cursor is the cursor's row.
func (v *PatchView) Cursor() int { return v.cur }

// rowsShown is how many layout rows fit under the header line.
func (v *PatchView) rowsShown() int {
	_, _, _, h := v.GetInnerRect()
	return max(1, h-1)
}

func (v *PatchView) pageSize() int { return max(1, v.rowsShown()-1) }

func (v *PatchView) lastRow() int { return max(0, len(v.layout.Rows)-1) }

// Scroll moves the view by rows and columns, within bounds, taking the
// cursor along so that it stays on the screen.
func (v *PatchView) Scroll(rows, cols int) {
	v.top = min(max(0, v.top+rows), v.lastRow())
	v.cur = min(max(v.cur+rows, v.top), v.lastRow())
	v.hoff = max(0, v.hoff+cols)
	v.follow()
}

// MoveCursor moves the cursor by rows, scrolling only when it would leave
// the screen.
func (v *PatchView) MoveCursor(rows int) {
	v.cur = min(max(0, v.cur+rows), v.lastRow())
	v.follow()
}

// follow scrolls the least that brings the cursor on the screen.
func (v *PatchView) follow() {
	if v.cur < v.top {
		v.top = v.cur
	}
	if n := v.rowsShown(); v.cur >= v.top+n {
		v.top = v.cur - n + 1
	}
}

// jump puts row i at the top with the cursor on it.
func (v *PatchView) jump(i int) {
	v.top, v.cur = i, i
}

// NextChange moves to the next (dir 1) or previous (dir -1) differing row.
func (v *PatchView) NextChange(dir int) bool {
	for i := v.cur + dir; i >= 0 && i < len(v.layout.Rows); i += dir {
		if v.layout.Rows[i].Differs && !idRow(v.layout.Rows[i]) && (i == 0 || !v.layout.Rows[i-1].Differs || idRow(v.layout.Rows[i-1]) || dir < 0) {
			v.jump(i)
			return true
		}
	}
	return false
}

// idRow reports a row that differs only because object ids do: the
// "commit <sha>" and "index <blob>..<blob>" lines differ in every pair, so
// stopping there made the first "]" move the view by one line and look
// like nothing happened.
func idRow(r sbs.Row) bool {
	for _, p := range []string{"commit ", "index "} {
		if strings.HasPrefix(r.Left.Text, p) && strings.HasPrefix(r.Right.Text, p) {
			return r.Left.Kind == sbs.KindHeader && r.Right.Kind == sbs.KindHeader
		}
	}
	return false
}

// Search marks rows whose text contains every term and returns how many.
func (v *PatchView) Search(terms []string) int {
	v.matches = v.matches[:0]
	if len(terms) == 0 {
		return 0
	}
	for i, r := range v.layout.Rows {
		text := strings.ToLower(r.Left.Text + "\n" + r.Right.Text)
		ok := true
		for _, t := range terms {
			if !strings.Contains(text, t) {
				ok = false
				break
			}
		}
		if ok {
			v.matches = append(v.matches, i)
		}
	}
	return len(v.matches)
}

// NextMatch moves to the next (dir 1) or previous (dir -1) search match.
func (v *PatchView) NextMatch(dir int) bool {
	if dir > 0 {
		for _, m := range v.matches {
			if m > v.cur {
				v.jump(m)
				return true
			}
		}
	} else {
		for i := len(v.matches) - 1; i >= 0; i-- {
			if v.matches[i] < v.cur {
				v.jump(v.matches[i])
				return true
			}
		}
	}
	return false
}

var (
	styleBase   = tcell.StyleDefault
	styleHeader = tcell.StyleDefault.Bold(true)
	styleHunk   = tcell.StyleDefault.Foreground(tcell.ColorTeal)
	styleAddBg  = tcell.NewRGBColor(0, 60, 0)
	styleDelBg  = tcell.NewRGBColor(70, 0, 0)
	styleGutter = tcell.StyleDefault.Foreground(tcell.ColorYellow).Bold(true)
	styleAbsent = tcell.StyleDefault.Foreground(tcell.ColorGray)
)

// Draw renders the visible rows.
func (v *PatchView) Draw(screen tcell.Screen) {
	v.Box.DrawForSubclass(screen, v)
	x, y, w, h := v.GetInnerRect()
	if w < 10 || h < 2 {
		return
	}
	half := (w - 1) / 2
	for i, t := range v.title {
		// Titles come from commit messages: "[media] dvb: fix" must keep
		// its brackets, and no control character may reach the screen.
		tview.Print(screen, tview.Escape(safetext.Line(t)), x+i*(half+1), y, half, tview.AlignLeft, tcell.ColorWhite)
	}
	for row := 0; row < h-1; row++ {
		idx := v.top + row
		if idx >= len(v.layout.Rows) {
			break
		}
		r := v.layout.Rows[idx]
		yy := y + 1 + row
		v.drawSide(screen, idx, 0, r.Left, r.File, x, yy, half)
		gutter := ' '
		if r.Differs {
			gutter = '│'
		}
		st := styleGutter
		if idx == v.cur {
			st = st.Reverse(true)
		}
		screen.SetContent(x+half, yy, gutter, nil, st)
		v.drawSide(screen, idx, 1, r.Right, r.File, x+half+1, yy, w-half-1)
		if idx == v.cur {
			// Underlined rather than reversed: reverse video already
			// marks the changed tokens.
			for xx := x; xx < x+w; xx++ {
				str, cst, width := screen.Get(xx, yy)
				if str == "" {
					str = " "
				}
				screen.Put(xx, yy, str, cst.Underline(true))
				xx += max(width, 1) - 1
			}
		}
	}
}

func (v *PatchView) drawSide(screen tcell.Screen, idx, side int, s sbs.Side, file string, x, y, width int) {
	if v.blame != nil && width > blameWidth+10 {
		sha := v.blamed(idx, side)
		st := tcell.StyleDefault.Foreground(tcell.ColorGray)
		if v.between[sha] {
			st = tcell.StyleDefault.Foreground(tcell.ColorYellow).Bold(true)
		}
		label := "            "
		if len(sha) >= 12 {
			label = sha[:12]
		}
		for i, c := range label {
			screen.SetContent(x+i, y, c, nil, st)
		}
		x, width = x+blameWidth, width-blameWidth
	}
	if !s.Present {
		for i := 0; i < width; i++ {
			screen.SetContent(x+i, y, '·', nil, styleAbsent)
		}
		return
	}
	runes := []rune(strings.ReplaceAll(s.Text, "\t", "        "))
	styles := v.styles(idx, side, s, file)
	for i := 0; i < width; i++ {
		p := v.hoff + i
		if p >= len(runes) {
			break
		}
		st := styleBase
		if p < len(styles) {
			st = styles[p]
		}
		screen.SetContent(x+i, y, runes[p], nil, st)
	}
}

// styles computes (and caches) a style per rune of a side: chroma colours
// for code, a background for added and removed lines, reverse video for
// changed tokens.
func (v *PatchView) styles(idx, side int, s sbs.Side, file string) []tcell.Style {
	if st, ok := v.styled[[2]int{idx, side}]; ok {
		return st
	}
	text := s.Text
	// Byte offset of each rune after tab expansion, to map spans.
	var out []tcell.Style
	var byteOf []int
	for b, c := range text {
		n := 1
		if c == '\t' {
			n = 8
		}
		for j := 0; j < n; j++ {
			out = append(out, styleBase)
			byteOf = append(byteOf, b)
		}
	}
	switch s.Kind {
	case sbs.KindHeader:
		for i := range out {
			out[i] = styleHeader
		}
	case sbs.KindHunk:
		for i := range out {
			out[i] = styleHunk
		}
	case sbs.KindAdd, sbs.KindDel, sbs.KindContext:
		cs := v.codeStyles(idx, side, file)
		for i, b := range byteOf {
			if b < len(cs) {
				out[i] = cs[b]
			}
		}
		bg := tcell.ColorDefault
		if s.Kind == sbs.KindAdd {
			bg = styleAddBg
		} else if s.Kind == sbs.KindDel {
			bg = styleDelBg
		}
		for i := range out {
			out[i] = out[i].Background(bg)
		}
	}
	for _, sp := range s.Changed {
		for i, b := range byteOf {
			if b >= sp.Start && b < sp.End {
				out[i] = out[i].Reverse(true)
			}
		}
	}
	v.styled[[2]int{idx, side}] = out
	return out
}

// codeStyles returns chroma's style for each byte of a code line (its
// +/-/space marker unstyled). The lexer runs over a stretch of a hunk of
// one side at a time, once over the pre-image (context and removed lines)
// and once over the post-image (context and added lines): a comment or a
// string spanning lines is then coloured as such, which lexing line by
// line gets wrong. chroma lexes about 10,000 lines a second here, so the
// stretch is the lines from idx to a few screens on, lexed from up to
// lexLead lines before idx so that a comment opened there is seen; results
// are cached for the lines from idx on.
func (v *PatchView) codeStyles(idx, side int, file string) []tcell.Style {
	key := [2]int{idx, side}
	if st, ok := v.code[key]; ok {
		return st
	}
	rows := v.layout.Rows
	at := func(i int) sbs.Side {
		if side == 0 {
			return rows[i].Left
		}
		return rows[i].Right
	}
	isCode := func(s sbs.Side) bool {
		return s.Present && len(s.Text) > 0 && (s.Kind == sbs.KindContext || s.Kind == sbs.KindAdd || s.Kind == sbs.KindDel)
	}
	inRun := func(i int) bool { return rows[i].File == file && (!at(i).Present || isCode(at(i))) }
	lo, hi := idx, idx
	for lo > 0 && idx-lo < lexLead && inRun(lo-1) {
		lo--
	}
	for hi+1 < len(rows) && hi-idx < lexAhead && inRun(hi+1) {
		hi++
	}
	lexer, ok := v.lexers[file]
	if !ok {
		if file != "" {
			lexer = highlight.Match(filepath.Base(file))
		}
		v.lexers[file] = lexer
	}
	// The pre-image first: context lines keep the post-image's colours.
	for _, image := range []sbs.Kind{sbs.KindDel, sbs.KindAdd} {
		var text strings.Builder
		var members []int
		for i := lo; i <= hi; i++ {
			if s := at(i); isCode(s) && (s.Kind == sbs.KindContext || s.Kind == image) {
				members = append(members, i)
				text.WriteString(s.Text[1:])
				text.WriteByte('\n')
			}
		}
		byByte := v.lex(lexer, text.String())
		off := 0
		for _, i := range members {
			line := at(i).Text
			st := make([]tcell.Style, len(line))
			for b := 1; b < len(line); b++ {
				st[b] = styleBase
				if off+b-1 < len(byByte) {
					st[b] = byByte[off+b-1]
				}
			}
			st[0] = styleBase
			off += len(line) // the line without its marker, and a newline
			if i >= idx {
				v.code[[2]int{i, side}] = st
			}
		}
	}
	return v.code[key]
}

// How far before and after the requested line codeStyles lexes.
const lexLead, lexAhead = 60, 150

// lex returns a style per byte of text; all base without a lexer.
func (v *PatchView) lex(lexer chroma.Lexer, text string) []tcell.Style {
	out := make([]tcell.Style, len(text))
	for i, entry := range highlight.Entries(lexer, v.theme, text) {
		st := styleBase
		if entry.Colour.IsSet() {
			st = st.Foreground(tcell.NewRGBColor(int32(entry.Colour.Red()), int32(entry.Colour.Green()), int32(entry.Colour.Blue())))
		}
		if entry.Bold == chroma.Yes {
			st = st.Bold(true)
		}
		out[i] = st
	}
	return out
}
