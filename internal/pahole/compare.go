package pahole

import (
	"fmt"
	"strings"
)

// Row statuses of a Diff.
const (
	Same    = "same"    // same offset, size and type
	Moved   = "moved"   // same size and type at another offset
	Changed = "changed" // type or size changed (and maybe moved)
	Added   = "added"
	Removed = "removed"
)

// Diff is the comparison of two layouts of a type.
type Diff struct {
	Old  *Layout `json:"old"`
	New  *Layout `json:"new"`
	Rows []Row   `json:"rows"`
	// Kept: every old member has its old offset and size, and the
	// type its old size: the layout of the old type is unchanged.
	Kept bool `json:"layout_kept"`
	// Fits says, for each member added at the outer level of the new
	// layout, where it fits in the old layout without moving anything
	// (empty when the layout is kept).
	Fits []Fit `json:"fits"`
}

// Row is one member in the merged order of both layouts: the new
// layout's order, with removed members where they were.
type Row struct {
	Status string `json:"status"`
	// Key identifies the member across layouts: its name, prefixed by
	// the names of the named inline structs that hold it; members of
	// anonymous structs and unions are keyed by their name alone, as C
	// reaches them.
	Key   string `json:"key"`
	Depth int    `json:"depth"`
	Old   *Slot  `json:"old"`
	New   *Slot  `json:"new"`
}

// Slot is one member on one side of a Row (Member without the nested
// members, which have rows of their own).
type Slot struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Offset    int    `json:"offset"`
	Size      int    `json:"size"`
	BitOffset int    `json:"bit_offset"`
	BitSize   int    `json:"bit_size"`
	Hole      int    `json:"hole"`
	BitHole   int    `json:"bit_hole"`
}

// Fit is where an added member fits in the old layout.
type Fit struct {
	Member  string `json:"member"`
	Size    int    `json:"size"`
	BitSize int    `json:"bit_size"`
	// Where is "hole", "bit_hole", "tail_padding" or "none".
	Where     string `json:"where"`
	Offset    int    `json:"offset"`     // where the member would go
	BitOffset int    `json:"bit_offset"` // for a bitfield in a bit hole
	Space     int    `json:"space"`      // bytes (bits for a bit hole) free there in the old layout
	After     string `json:"after"`      // the old member the space follows
	// InPlace: the new layout already has the member there.
	InPlace bool `json:"in_place"`
}

type flat struct {
	key   string
	depth int
	slot  Slot
}

// Compare compares the old and new layouts of a type.
func Compare(old, new *Layout) *Diff {
	d := &Diff{Old: old, New: new, Rows: []Row{}, Fits: []Fit{}}
	of, nf := flatten(old.Members), flatten(new.Members)
	oldAt := map[string]int{}
	for i, f := range of {
		oldAt[f.key] = i
	}
	inNew := map[string]bool{}
	for _, f := range nf {
		inNew[f.key] = true
	}
	// A removed member goes right after the row of the old member
	// before it that is still there (first when there is none).
	after := map[string][]flat{}
	prev := ""
	for _, f := range of {
		if inNew[f.key] {
			prev = f.key
		} else {
			after[prev] = append(after[prev], f)
		}
	}
	removed := func(key string) {
		for _, f := range after[key] {
			s := f.slot
			d.Rows = append(d.Rows, Row{Status: Removed, Key: f.key, Depth: f.depth, Old: &s})
		}
	}
	removed("")
	for _, f := range nf {
		s := f.slot
		i, ok := oldAt[f.key]
		if !ok {
			d.Rows = append(d.Rows, Row{Status: Added, Key: f.key, Depth: f.depth, New: &s})
			continue
		}
		o := of[i].slot
		st := Same
		switch {
		case o.Type != s.Type || o.Size != s.Size || o.BitSize != s.BitSize:
			st = Changed
		case o.Offset != s.Offset || o.BitOffset != s.BitOffset:
			st = Moved
		}
		d.Rows = append(d.Rows, Row{Status: st, Key: f.key, Depth: f.depth, Old: &o, New: &s})
		removed(f.key)
	}

	d.Kept = old.Size == new.Size
	for _, r := range d.Rows {
		if r.Old != nil && !r.staysPut() {
			d.Kept = false
		}
	}
	if !d.Kept {
		d.Fits = fits(old, of, d.Rows)
	}
	return d
}

// staysPut says whether the row's member is in both layouts at its old
// offset with its old size.
func (r Row) staysPut() bool {
	return r.Old != nil && r.New != nil && r.Old.Offset == r.New.Offset && r.Old.Size == r.New.Size &&
		r.Old.BitOffset == r.New.BitOffset && r.Old.BitSize == r.New.BitSize
}

// flatten lists the members in order, nested ones after their container.
func flatten(ms []Member) []flat {
	var out []flat
	seen := map[string]int{}
	var walk func(ms []Member, prefix string, depth int)
	walk = func(ms []Member, prefix string, depth int) {
		for _, m := range ms {
			key := prefix + m.Name
			if m.Name == "" {
				names := make([]string, 0, len(m.Members))
				for _, c := range m.Members {
					names = append(names, c.Name)
				}
				kind, _, _ := strings.Cut(m.Type, " ")
				key = prefix + kind + "{" + strings.Join(names, ",") + "}"
			}
			if n := seen[key]; n > 0 {
				seen[key] = n + 1
				key = fmt.Sprintf("%s#%d", key, n+1)
			} else {
				seen[key] = 1
			}
			out = append(out, flat{key: key, depth: depth, slot: Slot{
				Name: m.Name, Type: m.Type, Offset: m.Offset, Size: m.Size,
				BitOffset: m.BitOffset, BitSize: m.BitSize, Hole: m.Hole, BitHole: m.BitHole,
			}})
			inner := prefix
			if m.Name != "" {
				inner = prefix + m.Name + "."
			}
			walk(m.Members, inner, depth+1)
		}
	}
	walk(ms, "", 0)
	return out
}

// space is free room of the old layout: a hole, a bit hole or the tail
// padding.
type space struct {
	where       string
	start, end  int // bytes; for a bit hole, bits within the unit
	unit, usize int // a bit hole's storage unit: offset and size
	after       string
	// The keys of the old members around the room, "" for the end: the
	// room is still there in the new layout when both stay put.
	prevKey, nextKey string
}

// fits places each member added at the outer level, in order, in the
// first hole of the old layout that holds it at its alignment, then in
// the tail padding; a placed member uses up its room. of is
// flatten(old.Members).
func fits(old *Layout, of []flat, rows []Row) []Fit {
	var keys []string // of the old members at the outer level
	for _, f := range of {
		if f.depth == 0 {
			keys = append(keys, f.key)
		}
	}
	keyAt := func(i int) string {
		if i < len(keys) {
			return keys[i]
		}
		return ""
	}
	var spaces []space
	for i, m := range old.Members {
		if m.BitHole > 0 && m.BitSize > 0 {
			start := m.BitOffset + m.BitSize
			spaces = append(spaces, space{where: "bit_hole", start: start, end: start + m.BitHole,
				unit: m.Offset, usize: m.Size, after: m.Name, prevKey: keyAt(i)}) // within the unit: next does not matter
		}
		if m.Hole > 0 {
			start := m.Offset + m.Size
			spaces = append(spaces, space{where: "hole", start: start, end: start + m.Hole, after: m.Name,
				prevKey: keyAt(i), nextKey: keyAt(i + 1)})
		}
	}
	if old.Padding > 0 {
		after := ""
		if n := len(old.Members); n > 0 {
			after = old.Members[n-1].Name
		}
		spaces = append(spaces, space{where: "tail_padding", start: old.Size - old.Padding, end: old.Size, after: after,
			prevKey: keyAt(len(keys) - 1)})
	}
	for i := range spaces {
		if spaces[i].after == "" {
			spaces[i].after = spaces[i].prevKey
		}
	}
	// stays: the old member is at its old offset with its old size.
	stays := map[string]bool{"": true}
	for _, r := range rows {
		if r.staysPut() {
			stays[r.Key] = true
		}
	}
	var added []Row
	for _, r := range rows {
		if r.Status == Added && r.Depth == 0 {
			added = append(added, r)
		}
	}
	// Members already in free room of the old layout stay there.
	out := make([]Fit, len(added))
	placed := make([]bool, len(added))
	for k, r := range added {
		m := r.New
		for i := range spaces {
			s := &spaces[i]
			if !stays[s.prevKey] || !stays[s.nextKey] {
				continue
			}
			if m.BitSize > 0 && s.where == "bit_hole" && m.Offset == s.unit && m.Size == s.usize &&
				m.BitOffset >= s.start && m.BitOffset+m.BitSize <= s.end ||
				m.BitSize == 0 && s.where != "bit_hole" && m.Offset >= s.start && m.Offset+m.Size <= s.end {
				out[k] = Fit{Member: fitName(r), Size: m.Size, BitSize: m.BitSize, Where: s.where,
					Offset: m.Offset, BitOffset: m.BitOffset, Space: s.end - s.start, After: s.after, InPlace: true}
				// The room before the member is not offered to the
				// others: simpler, and never a wrong fit.
				if m.BitSize > 0 {
					s.start = m.BitOffset + m.BitSize
				} else {
					s.start = m.Offset + m.Size
				}
				placed[k] = true
				break
			}
		}
	}
	for k, r := range added {
		if placed[k] {
			continue
		}
		m := r.New
		f := Fit{Member: fitName(r), Size: m.Size, BitSize: m.BitSize, Where: "none"}
		for i := range spaces {
			s := &spaces[i]
			if m.BitSize > 0 {
				if s.where == "bit_hole" && s.usize == m.Size && s.end-s.start >= m.BitSize {
					f.Where, f.Offset, f.BitOffset, f.Space, f.After = s.where, s.unit, s.start, s.end-s.start, s.after
					s.start += m.BitSize
					break
				}
				continue
			}
			if s.where == "bit_hole" || m.Size == 0 {
				continue
			}
			at := roundUp(s.start, align(m.Size))
			if at+m.Size <= s.end {
				f.Where, f.Offset, f.Space, f.After = s.where, at, s.end-s.start, s.after
				s.start = at + m.Size
				break
			}
		}
		out[k] = f
	}
	return out
}

func fitName(r Row) string {
	if r.New.Name != "" {
		return r.New.Name
	}
	return r.Key
}

// align is the alignment assumed for a member of size n: the largest
// power of two dividing n, at most 16. A member of a struct type may need
// less, and more only with an aligned attribute, so a fit found is a
// real one on the usual ABIs.
func align(n int) int {
	a := 1
	for a < 16 && n%(a*2) == 0 {
		a *= 2
	}
	return a
}

func roundUp(n, a int) int { return (n + a - 1) / a * a }
