package pahole

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/patchqueue/pqtools/internal/safetext"
)

// marks are the first column of a row of WriteText.
var marks = map[string]string{Same: " ", Moved: "~", Changed: "!", Added: "+", Removed: "-"}

// WriteText writes the two layouts side by side in width columns (at
// least 60; 0 means 100): each row a member with its offset and size,
// marked ~ moved, ! type or size changed, + added, - removed; the holes
// of each side under the member they follow; then the size change, the
// members that moved, and where each added member fits without moving
// any old offset.
func (d *Diff) WriteText(w io.Writer, width int) error {
	if width == 0 {
		width = 100
	}
	width = max(width, 60)
	cell := (width - 5) / 2
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s → %s\n", safetext.Line(d.New.TypeName()), side(d.Old), side(d.New))
	line := func(mark, l, r string) {
		b.WriteString(strings.TrimRight(fmt.Sprintf("%s %s | %s", mark, pad(clip(l, cell), cell), clip(r, cell)), " ") + "\n")
	}
	head := fmt.Sprintf("%7s %5s  %s", "offset", "size", "member")
	line(" ", "old "+strings.Repeat("-", cell-4), "new "+strings.Repeat("-", cell-4))
	line(" ", head, head)
	used := map[string]bool{}
	// A hole follows its member's nested members: it waits here until a
	// row at the member's depth or above.
	type hole struct {
		depth int
		l, r  string
	}
	var pending []hole
	flush := func(depth int) {
		for len(pending) > 0 && pending[len(pending)-1].depth >= depth {
			h := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			line(" ", h.l, h.r)
		}
	}
	for _, r := range d.Rows {
		used[r.Status] = true
		flush(r.Depth)
		line(marks[r.Status], slotText(r.Old, r.Depth), slotText(r.New, r.Depth))
		lh, rh := holeText(r.Old, r.Depth), holeText(r.New, r.Depth)
		if lh != "" || rh != "" {
			pending = append(pending, hole{r.Depth, lh, rh})
		}
	}
	flush(0)
	var pads []string
	for _, l := range []*Layout{d.Old, d.New} {
		if l.Padding > 0 {
			pads = append(pads, fmt.Sprintf("%7s %5d  /* padding */", "", l.Padding))
		} else {
			pads = append(pads, "")
		}
	}
	if pads[0] != "" || pads[1] != "" {
		line(" ", pads[0], pads[1])
	}
	var legend []string
	for _, s := range []string{Moved, Changed, Added, Removed} {
		if used[s] {
			legend = append(legend, marks[s]+" "+s)
		}
	}
	if len(legend) > 0 {
		fmt.Fprintf(&b, "(%s)\n", strings.Join(legend, ", "))
	}
	b.WriteString("\n")
	for _, s := range d.Summary() {
		b.WriteString(safetext.Line(s) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is the prose under the table: the size change, the moved,
// changed, added and removed members, and the fix recipe.
func (d *Diff) Summary() []string {
	var out []string
	switch delta := d.New.Size - d.Old.Size; {
	case delta == 0:
		out = append(out, fmt.Sprintf("size: %d bytes, unchanged", d.New.Size))
	default:
		out = append(out, fmt.Sprintf("size: %d → %d bytes (%+d), cachelines: %d → %d",
			d.Old.Size, d.New.Size, delta, d.Old.Cachelines, d.New.Cachelines))
	}
	byStatus := map[string][]string{}
	for _, r := range d.Rows {
		switch r.Status {
		case Moved:
			byStatus[r.Status] = append(byStatus[r.Status], fmt.Sprintf("`%s` %s → %s", r.Key, offText(r.Old), offText(r.New)))
		case Changed:
			s := fmt.Sprintf("`%s` %s (%d bytes) → %s (%d bytes)", r.Key, slotType(r.Old), r.Old.Size, slotType(r.New), r.New.Size)
			if r.Old.Offset != r.New.Offset || r.Old.BitOffset != r.New.BitOffset {
				s += fmt.Sprintf(", at %s → %s", offText(r.Old), offText(r.New))
			}
			byStatus[r.Status] = append(byStatus[r.Status], s)
		case Added:
			byStatus[r.Status] = append(byStatus[r.Status], fmt.Sprintf("`%s` at %s", r.Key, offText(r.New)))
		case Removed:
			byStatus[r.Status] = append(byStatus[r.Status], fmt.Sprintf("`%s` from %s", r.Key, offText(r.Old)))
		}
	}
	for _, s := range []string{Moved, Changed, Added, Removed} {
		if l := byStatus[s]; len(l) > 0 {
			out = append(out, s+": "+strings.Join(l, ", "))
		}
	}
	if d.Kept {
		out = append(out, "layout kept: every old member keeps its offset and size, and the size is unchanged")
		return out
	}
	for _, f := range d.Fits {
		out = append(out, f.String())
	}
	return out
}

// String is the fix recipe for one added member.
func (f Fit) String() string {
	if f.InPlace {
		if f.BitSize > 0 {
			return fmt.Sprintf("ok: bitfield `%s:%d` is in the %d-bit hole at offset %d after `%s`: it moves nothing",
				f.Member, f.BitSize, f.Space, f.Offset, f.After)
		}
		where := fmt.Sprintf("%d-byte hole at offset %d after `%s`", f.Space, f.Offset, f.After)
		if f.Where == "tail_padding" {
			where = fmt.Sprintf("%d bytes of tail padding at offset %d", f.Space, f.Offset)
		}
		return fmt.Sprintf("ok: member `%s` (%s) is in the %s: it moves nothing", f.Member, byteCount(f.Size), where)
	}
	switch f.Where {
	case "hole":
		return fmt.Sprintf("fix: member `%s` (%s) fits in the %d-byte hole at offset %d after `%s`: move it there and the layout keeps every old offset",
			f.Member, byteCount(f.Size), f.Space, f.Offset, f.After)
	case "bit_hole":
		return fmt.Sprintf("fix: bitfield `%s:%d` fits in the %d-bit hole at offset %d bit %d after `%s`: declare it right after `%s` and the layout keeps every old offset",
			f.Member, f.BitSize, f.Space, f.Offset, f.BitOffset, f.After, f.After)
	case "tail_padding":
		return fmt.Sprintf("fix: member `%s` (%s) fits in the %d bytes of tail padding at offset %d: declare it last and the size and every old offset stay",
			f.Member, byteCount(f.Size), f.Space, f.Offset)
	}
	if f.BitSize > 0 {
		return fmt.Sprintf("no fit: bitfield `%s:%d` fits in no bit hole of the old layout", f.Member, f.BitSize)
	}
	return fmt.Sprintf("no fit: member `%s` (%s) fits in no hole or tail padding of the old layout", f.Member, byteCount(f.Size))
}

func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// WriteJSON writes the diff as one JSON document: the two layouts, the
// merged rows and the fits (see the json tags of Diff).
func (d *Diff) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

func side(l *Layout) string {
	cl := "cachelines"
	if l.Cachelines == 1 {
		cl = "cacheline"
	}
	return fmt.Sprintf("%s (%d bytes, %d %s)", safetext.Line(l.Object), l.Size, l.Cachelines, cl)
}

func offText(s *Slot) string {
	if s.BitSize > 0 {
		return fmt.Sprintf("%d:%d", s.Offset, s.BitOffset)
	}
	return fmt.Sprint(s.Offset)
}

func slotType(s *Slot) string {
	if s.BitSize > 0 {
		return fmt.Sprintf("%s:%d", s.Type, s.BitSize)
	}
	return s.Type
}

func slotText(s *Slot, depth int) string {
	if s == nil {
		return ""
	}
	decl := s.Type
	if s.Name != "" {
		decl += " " + s.Name
	}
	if s.BitSize > 0 {
		decl += fmt.Sprintf(":%d", s.BitSize)
	}
	return fmt.Sprintf("%7s %5d  %s%s", offText(s), s.Size, strings.Repeat("  ", depth), safetext.Line(decl))
}

func holeText(s *Slot, depth int) string {
	if s == nil || s.Hole == 0 && s.BitHole == 0 {
		return ""
	}
	var parts []string
	if s.BitHole > 0 {
		parts = append(parts, fmt.Sprintf("%d-bit hole", s.BitHole))
	}
	if s.Hole > 0 {
		parts = append(parts, fmt.Sprintf("%d-byte hole", s.Hole))
	}
	return fmt.Sprintf("%7s %5s  %s/* %s */", "", "", strings.Repeat("  ", depth), strings.Join(parts, ", "))
}

// clip cuts s to n runes, ending with … when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}
