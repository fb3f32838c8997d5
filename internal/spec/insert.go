package spec

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrNoRoom is returned by Insert when no patch number is free between a
// new patch's neighbours and renumbering its layer would collide with the
// other layer.
var ErrNoRoom = errors.New("no free patch number")

// ErrPrepLayout is returned by Insert when %prep names patches in a way it
// cannot follow (several patches on one %patch line, a %autopatch range).
var ErrPrepLayout = errors.New("%prep cannot be edited to follow")

// Insertion declares new patches right after patch After, so that rpm
// applies them after it and before the patch that followed it.
type Insertion struct {
	// After is the number of the declared patch the new ones follow, or
	// -1 to put them first in their layer.
	After int
	// Ours, with After == -1, is the layer after the vendor marker
	// (false: the patches before it, or all of them without a marker).
	Ours bool
	// Files are the new patches' files, in order; InsertOptions.Name, when
	// set, names them from their number instead.
	Files []string
}

// InsertOptions tune Insert.
type InsertOptions struct {
	// Name gives the file of the k-th new patch overall (in the order of
	// the insertions and their Files) from the number it gets.
	Name func(k, num int) string
}

// InsertResult is the outcome of Insert.
type InsertResult struct {
	Out []byte
	// Added are the new declarations, in the order of the insertions;
	// Line is the line in Out.
	Added []Added
	// Renumbered are the declarations whose number changed to make room,
	// by their input number (Line is the line in the input).
	Renumbered []Renumbered
	// PrepLines are the %prep lines added or renumbered (lines of Out).
	PrepLines []int
}

// Insert declares new patches between existing ones. Each new patch gets
// the next free number after its predecessor (or the numbers just below
// the first patch of its layer); when the numbers up to the next patch of
// the layer are taken, every later patch of the layer, commented ones
// included, is renumbered by the smallest offset that makes room, as
// Renumber would (zero padding kept). The patches of the other layer are
// never renumbered: when room is needed there, Insert refuses with
// ErrNoRoom. A %prep that applies patches one by one (%patchN, %patch N,
// %patch -P N, one patch a line) is edited to follow: the new patches get
// a copy of their predecessor's line, renumbered patches their new
// number; a %prep that cannot be followed so is refused (ErrPrepLayout)
// with the reason. The new lines copy the style of a neighbour's PatchN:
// line. Nothing else changes.
func Insert(src []byte, ins []Insertion, iopts InsertOptions, opts *Options) (*InsertResult, error) {
	o := opts.withDefaults()
	lines := splitLines(string(src))
	res := &InsertResult{}
	decls, vendor, _, err := scanDecls(lines, o.VendorMarker)
	if err != nil {
		return nil, err
	}
	// Where each insertion goes in the input; insertions at one place
	// are merged, in their order, and all are made first to last so
	// that a renumbering never moves a patch already added.
	type group struct {
		at    int
		in    Insertion
		ks    []int // index of each file overall
		first int   // index of the first insertion merged in
	}
	var groups []*group
	byAt := map[[2]int]*group{}
	k := 0
	for g, in := range ins {
		at, _, _, err := place(lines, decls, vendor, in)
		if err != nil {
			return nil, err
		}
		key := [2]int{at, in.After}
		gr := byAt[key]
		if gr == nil {
			gr = &group{at: at, in: Insertion{After: in.After, Ours: in.Ours}, first: g}
			byAt[key] = gr
			groups = append(groups, gr)
		}
		for _, f := range in.Files {
			gr.in.Files = append(gr.in.Files, f)
			gr.ks = append(gr.ks, k)
			k++
		}
	}
	sort.SliceStable(groups, func(a, b int) bool {
		if groups[a].at != groups[b].at {
			return groups[a].at < groups[b].at
		}
		return groups[a].first < groups[b].first
	})
	cur := map[int]int{} // input number -> number now
	for _, d := range decls {
		if !d.auto {
			cur[d.num] = d.num
		}
	}
	added := make([]Added, k)
	for _, gr := range groups {
		in := gr.in
		if len(in.Files) == 0 {
			continue
		}
		if in.After >= 0 {
			in.After = cur[in.After]
		}
		decls, vendor, preps, err := scanDecls(lines, o.VendorMarker)
		if err != nil {
			return nil, err
		}
		at, layer, style, err := place(lines, decls, vendor, in)
		if err != nil {
			return nil, err
		}
		prev, next := -1, -1 // numbers of the neighbours in the layer
		for _, i := range layer {
			d := decls[i]
			if d.auto {
				continue
			}
			if d.phys < at {
				prev = d.num
			} else if next < 0 {
				next = d.num
			}
		}
		n := len(in.Files)
		base := prev + 1
		if in.After == -1 && next >= 0 {
			base = max(prev+1, next-n)
		}
		shift := 0
		if next >= 0 && base+n > next {
			shift = base + n - next
		}
		inLayer := map[int]bool{}
		for _, i := range layer {
			inLayer[i] = true
		}
		newNum := make([]int, len(decls))
		shifted := map[int]int{}
		used := map[int]bool{}
		for i, d := range decls {
			newNum[i] = d.num
			if shift > 0 && inLayer[i] && !d.auto && d.num >= next {
				newNum[i] = d.num + shift
				shifted[d.num] = d.num + shift
			}
			if !d.auto {
				used[newNum[i]] = true
			}
		}
		for m := base; m < base+n; m++ {
			if used[m] {
				return nil, lineErrf(lineOf(decls, m, newNum), ErrNoRoom,
					"%d new patch(es) after Patch%d need number %d, which this line uses in the other layer; renumber first (git import-srpm renumber)", n, prev, m)
			}
		}
		before := effective(decls, func(i int) int { return decls[i].num })
		after := effective(decls, func(i int) int { return newNum[i] })
		if err := collisions(decls, before, after); err != nil {
			if shift > 0 {
				return nil, fmt.Errorf("%w: making room for %d new patch(es) after Patch%d: %w; renumber the other layer first (git import-srpm renumber)", ErrNoRoom, n, prev, err)
			}
			return nil, err
		}
		var news []int
		for m := base; m < base+n; m++ {
			news = append(news, m)
		}
		// %prep first: it comes after the preamble, so its physical
		// indexes are above at.
		if lines, err = followPrep(lines, preps, in.After, next, shifted, news); err != nil {
			return nil, err
		}
		for i, d := range decls {
			if d.auto || newNum[i] == d.num {
				continue
			}
			l := lines[d.phys]
			lines[d.phys] = l[:d.numStart] + formatNum(newNum[i], d.digits) + l[d.numStart+len(d.digits):]
		}
		for orig, c := range cur {
			if to, ok := shifted[c]; ok {
				cur[orig] = to
			}
		}
		for j := range added {
			if to, ok := shifted[added[j].Num]; ok && added[j].File != "" {
				added[j].Num = to
			}
		}
		eol := "\n"
		if at > 0 {
			if prevLine := lines[at-1]; strings.HasSuffix(prevLine, "\r\n") {
				eol = "\r\n"
			} else if !strings.HasSuffix(prevLine, "\n") {
				lines[at-1] += "\n"
			}
		}
		var text []string
		for j := 0; j < n; j++ {
			file := in.Files[j]
			if iopts.Name != nil {
				file = iopts.Name(gr.ks[j], base+j)
			}
			if !validFile(file) {
				return nil, fmt.Errorf("%w: bad file name %q for a new patch", ErrSyntax, file)
			}
			text = append(text, style.prefix+formatNum(base+j, style.digits)+style.sep+file+eol)
			added[gr.ks[j]] = Added{Num: base + j, File: file}
		}
		lines = append(lines[:at], append(text, lines[at:]...)...)
	}
	res.Out = []byte(strings.Join(lines, ""))
	// Report on the result: the added lines and renumbered patches.
	outDecls, _, preps, err := scanDecls(splitLines(string(res.Out)), o.VendorMarker)
	if err != nil {
		return nil, fmt.Errorf("edited spec does not parse: %w", err)
	}
	lineOfNum := map[int]int{}
	for _, d := range outDecls {
		if !d.auto && !d.commented {
			lineOfNum[d.num] = d.line
		}
	}
	for _, a := range added {
		a.Line = lineOfNum[a.Num]
		res.Added = append(res.Added, a)
	}
	for _, d := range decls {
		if !d.auto && cur[d.num] != d.num {
			res.Renumbered = append(res.Renumbered, Renumbered{Line: d.line, Old: d.num, New: cur[d.num]})
		}
	}
	changedNums := map[int]bool{}
	for _, a := range res.Added {
		changedNums[a.Num] = true
	}
	for _, r := range res.Renumbered {
		changedNums[r.New] = true
	}
	for _, p := range preps {
		if r, ok := onePatch(p.refs, p.err); ok && changedNums[r.num] {
			res.PrepLines = append(res.PrepLines, p.line)
		}
	}
	if _, err := Parse(res.Out, opts); err != nil {
		return nil, fmt.Errorf("edited spec does not parse: %w", err)
	}
	return res, nil
}

func lineOf(decls []decl, n int, newNum []int) int {
	for i, d := range decls {
		if newNum[i] == n {
			return d.line
		}
	}
	return 0
}

// lineStyle is how a PatchN: line is written: "Patch" with its
// indentation, the number's padding, the colon and spacing.
type lineStyle struct {
	prefix, digits, sep string
}

// place finds where an insertion goes: the physical index the new lines
// go before, the declarations of its layer (indexes into decls, in
// order), and the style to write them in.
func place(lines []string, decls []decl, vendor int, in Insertion) (int, []int, lineStyle, error) {
	ours := in.Ours
	anchor := -1
	if in.After >= 0 {
		for i, d := range decls {
			if d.auto || d.commented || d.num != in.After {
				continue
			}
			if anchor >= 0 {
				return 0, nil, lineStyle{}, lineErrf(d.line, ErrUnsupported, "patch %d is declared more than once (in %%if branches?); add the new patches by hand", in.After)
			}
			anchor = i
		}
		if anchor < 0 {
			return 0, nil, lineStyle{}, fmt.Errorf("%w: %d", ErrNoPatch, in.After)
		}
		ours = vendor > 0 && decls[anchor].line > vendor
	}
	var layer []int
	for i, d := range decls {
		if (vendor > 0 && d.line > vendor) == ours {
			layer = append(layer, i)
		}
	}
	styleFrom := func(i int) (lineStyle, bool) {
		d := decls[i]
		if d.auto || d.commented {
			return lineStyle{}, false
		}
		c := content(lines[d.phys])
		t, ok := matchTag(c)
		if !ok || t.key != "patch" || strings.HasSuffix(c, "\\") {
			return lineStyle{}, false
		}
		return lineStyle{prefix: c[:t.numStart], digits: t.digits, sep: c[t.numStart+len(t.digits) : t.valueFrom]}, true
	}
	pick := func(prefer int) lineStyle {
		if prefer >= 0 {
			if s, ok := styleFrom(prefer); ok {
				return s
			}
		}
		for _, i := range layer {
			if s, ok := styleFrom(i); ok {
				return s
			}
		}
		for i := range decls {
			if s, ok := styleFrom(i); ok {
				return s
			}
		}
		return lineStyle{prefix: "Patch", sep: ": "}
	}
	if anchor >= 0 {
		d := decls[anchor]
		c := content(lines[d.phys])
		if t, ok := matchTag(c); !ok || t.key != "patch" || strings.HasSuffix(c, "\\") {
			return 0, nil, lineStyle{}, lineErrf(d.line, ErrUnsupported, "patch %d is not declared on a line of its own; add the new patches by hand", d.num)
		}
		return d.phys + 1, layer, pick(anchor), nil
	}
	for _, i := range layer {
		if !decls[i].auto {
			return decls[i].phys, layer, pick(i), nil
		}
	}
	if ours && vendor > 0 {
		return vendor, layer, pick(-1), nil // right after the marker line
	}
	return 0, nil, lineStyle{}, fmt.Errorf("%w: no patch in the layer to add new patches next to", ErrNoPatch)
}

// followPrep edits the %prep lines that apply patches one by one, each
// naming one patch by a plain number on a line of its own: shifted
// patches get their new number, the new ones a copy of the line of the
// patch they follow (or, first in a layer, of the patch they precede).
// Nothing is done when %prep applies the patches with %autosetup or a
// plain %autopatch.
func followPrep(lines []string, preps []prepLine, after, next int, shifted map[int]int, news []int) ([]string, error) {
	type ref struct {
		p   prepLine
		num int
	}
	var refs []ref
	auto := false
	for _, p := range preps {
		if p.auto {
			if p.autoRange() {
				return nil, lineErrf(p.line, ErrPrepLayout, "%%autopatch with a range or a list; add patches %s to it by hand", joinNums(news))
			}
			auto = true
			continue
		}
		if strings.Contains(p.text, "\n") {
			return nil, lineErrf(p.line, ErrPrepLayout, "a %%patch line continued over several lines; add patches %s to %%prep by hand", joinNums(news))
		}
		r, ok := onePatch(p.refs, p.err)
		if !ok && len(p.refs) > 1 {
			return nil, lineErrf(p.line, ErrPrepLayout, "%%patch line applies several patches (%s); add patches %s to %%prep by hand", trimSpace(p.text), joinNums(news))
		}
		if !ok {
			return nil, lineErrf(p.line, ErrPrepLayout, "%%patch line does not name one patch by a plain number (%s); add patches %s to %%prep by hand", trimSpace(p.text), joinNums(news))
		}
		refs = append(refs, ref{p, r.num})
	}
	if len(refs) == 0 {
		return lines, nil
	}
	if auto {
		return nil, lineErrf(refs[0].p.line, ErrPrepLayout, "%%prep applies patches both with %%autopatch and one by one; add patches %s by hand", joinNums(news))
	}
	anchor := -1
	for i, r := range refs {
		if (after >= 0 && r.num == after) || (after < 0 && r.num == next) {
			if anchor >= 0 {
				return nil, lineErrf(r.p.line, ErrPrepLayout, "%%prep applies patch %d twice; add patches %s by hand", r.num, joinNums(news))
			}
			anchor = i
		}
	}
	if anchor < 0 {
		n := after
		if n < 0 {
			n = next
		}
		return nil, fmt.Errorf("%w: %%prep applies patches one by one but not patch %d; add patches %s by hand", ErrPrepLayout, n, joinNums(news))
	}
	out := append([]string(nil), lines...)
	for _, r := range refs {
		if to, ok := shifted[r.num]; ok {
			out[r.p.line-1] = setPatchNum(out[r.p.line-1], to)
		}
	}
	a := refs[anchor]
	tmpl := out[a.p.line-1]
	if !strings.HasSuffix(tmpl, "\n") {
		tmpl += "\n"
		out[a.p.line-1] = tmpl
	}
	var copies []string
	for _, n := range news {
		copies = append(copies, setPatchNum(tmpl, n))
	}
	at := a.p.line // after the anchor
	if after < 0 {
		at = a.p.line - 1 // before it
	}
	return append(out[:at], append(copies, out[at:]...)...), nil
}

func joinNums(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
