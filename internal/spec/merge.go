package spec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNoMarker is returned by MergeSpec when our spec has no marker line,
// so its patches cannot be told from theirs.
var ErrNoMarker = errors.New("no marker line")

// MergeOptions say how MergeSpec reads the specs and marks conflicts.
type MergeOptions struct {
	// VendorMarker starts our layer in our spec: their patches are
	// declared before it, ours from it on. Default DefaultVendorMarker.
	VendorMarker string
	Labels       Labels
}

// MergedPatch is a patch declaration MergeSpec added or removed.
type MergedPatch struct {
	Num  int
	File string
	Line int // 1-based: in the result when added, in our spec when removed
}

// MergeResult is the outcome of MergeSpec.
type MergeResult struct {
	Out []byte
	// Conflicts are the 1-based lines of Out where a conflict starts
	// ("<<<<<<<"); Out is written with the markers all the same.
	Conflicts []int
	// Added are their new patches, now declared in our spec; Removed are
	// the patches they removed, gone from it.
	Added, Removed []MergedPatch
	// Renumbered are the patch lines of our spec whose number changed
	// (Line is the line in our spec).
	Renumbered []Renumbered
	// OurShift is what was added to our layer's numbers to make room for
	// theirs (0 when their numbers stayed below ours).
	OurShift int
	// PrepRefs are %prep lines naming a patch by number that MergeSpec
	// could not rewrite (several numbers on one line, or a patch no
	// longer declared).
	PrepRefs []PrepRef
}

// MergeSpec merges into ours what changed from their old spec (base) to
// their new one (theirs). Our spec is theirs plus our layer: the marker
// line (opts.VendorMarker) and our patch declarations after it.
//
// Patch numbers are taken out of the comparison: PatchN: lines, "# PatchN:"
// comments and %patchN lines in %prep are compared by their text with the
// number replaced by the patch file, so that a renumbering is not a change
// of the line. The rest is merged line by line as git merge-file does
// (Merge3), our layer aside so that their patches appended at the end of
// their list do not meet it. Then numbers are given back: a patch of their
// layer gets their new number unless only we renumbered it, their new
// patches get theirs, and when their numbers reach ours, our whole layer
// is shifted up by the same offset (as Renumber shifts a block); %patchN
// lines follow the numbers of their files. A number two different patches
// would share is refused with ErrDuplicate, naming both lines.
//
// Conflicting changes are written with diff3 markers (see Merge3) and
// listed in Conflicts: nothing either side changed is dropped.
func MergeSpec(base, theirs, ours []byte, opts *MergeOptions) (*MergeResult, error) {
	var o MergeOptions
	if opts != nil {
		o = *opts
	}
	if o.VendorMarker == "" {
		o.VendorMarker = DefaultVendorMarker
	}
	b, err := readMergeSide(base, "")
	if err != nil {
		return nil, fmt.Errorf("their old spec: %w", err)
	}
	t, err := readMergeSide(theirs, "")
	if err != nil {
		return nil, fmt.Errorf("their new spec: %w", err)
	}
	u, err := readMergeSide(ours, o.VendorMarker)
	if err != nil {
		return nil, fmt.Errorf("our spec: %w", err)
	}
	if u.vendor == 0 {
		return nil, noMarker(u, b, o.VendorMarker)
	}
	m := &merger{b: b, t: t, u: u, labels: o.Labels}
	m.cutLayer()
	m.merge()
	m.placeLayer()
	return m.finish()
}

// sideDecl is a patch declaration with a written number.
type sideDecl struct {
	decl
	file string
}

// prepNum is a %prep line naming one patch by number.
type prepNum struct {
	at     int // offset of the digits
	digits string
	file   string
	decl   int // physical line of the declaration it names
}

// mergeSide is one of the three specs as MergeSpec compares it.
type mergeSide struct {
	lines  []string
	norm   []string // lines with patch numbers replaced by their files
	decls  map[int]*sideDecl
	auto   map[int]bool // numberless declarations
	preps  map[int]*prepNum
	multi  map[int]bool // %patch lines naming other than one patch by number
	num    map[string]int
	nums   map[string]map[int]bool // file -> every number it has
	vendor int                     // 1-based line of the marker, 0 if none
}

func readMergeSide(src []byte, marker string) (*mergeSide, error) {
	s := &mergeSide{
		lines: splitLines(string(src)), decls: map[int]*sideDecl{}, auto: map[int]bool{},
		preps: map[int]*prepNum{}, multi: map[int]bool{}, num: map[string]int{}, nums: map[string]map[int]bool{},
	}
	s.norm = append([]string(nil), s.lines...)
	decls, vendor, preps, err := scanDecls(s.lines, marker)
	if err != nil {
		return nil, err
	}
	s.vendor = vendor
	byNum := map[int]*sideDecl{}
	for _, d := range decls {
		if d.auto {
			s.auto[d.phys] = true
			continue
		}
		f := declFile(content(s.lines[d.phys]), d)
		s.decls[d.phys] = &sideDecl{decl: d, file: f}
		l := s.lines[d.phys]
		s.norm[d.phys] = l[:d.numStart] + "\x00" + l[d.numStart+len(d.digits):]
		if _, ok := s.num[f]; !ok {
			s.num[f] = d.num
		}
		if s.nums[f] == nil {
			s.nums[f] = map[int]bool{}
		}
		s.nums[f][d.num] = true
		// %patchN names the active declaration of N.
		if _, ok := byNum[d.num]; !ok && !d.commented {
			byNum[d.num] = s.decls[d.phys]
		}
	}
	for _, p := range preps {
		if p.auto || p.err == nil && len(p.refs) == 0 {
			continue
		}
		phys := p.line - 1
		// Only a number on the first physical line can be rewritten.
		r, ok := onePatch(p.refs, p.err)
		if !ok || r.end > len(content(s.lines[phys])) {
			s.multi[phys] = true
			continue
		}
		d, declared := byNum[r.num]
		if !declared {
			continue
		}
		l := s.lines[phys]
		digits := l[r.start:r.end]
		s.preps[phys] = &prepNum{at: r.start, digits: digits, file: d.file, decl: d.phys}
		s.norm[phys] = l[:r.start] + "\x00" + d.file + "\x00" + l[r.end:]
	}
	return s, nil
}

// declFile is the file a declaration names: the value of PatchN:, or what
// comes before the first ":" of a "# PatchN:" comment.
func declFile(text string, d decl) string {
	if d.commented {
		_, _, rest, _ := matchCommentedPatch(text)
		f, _, _ := strings.Cut(rest, ":")
		return trimSpace(f)
	}
	t, _ := matchTag(text)
	return t.value
}

// noMarker says where their patches end in our spec, for the user to put
// the marker after that line.
func noMarker(u, b *mergeSide, marker string) error {
	last := -1
	for phys, d := range u.decls {
		if _, ok := b.num[d.file]; ok && phys > last {
			last = phys
		}
	}
	if last < 0 {
		return fmt.Errorf("%w %q in our spec, and none of its patches is in their old spec: put the marker before the first patch of yours", ErrNoMarker, marker)
	}
	return fmt.Errorf("%w %q in our spec: their old spec's patches end at line %d (%s); put the marker after that line, before your first patch",
		ErrNoMarker, marker, last+1, trimSpace(u.lines[last]))
}

// outLine is a line of the merge: a line of one side, or a marker.
type outLine struct {
	side     byte // 'b', 'o', 't', or 0 for a conflict marker
	idx      int  // physical line index in that side
	text     string
	conflict bool
	layer    bool // a line of our layer
}

type merger struct {
	b, t, u *mergeSide
	labels  Labels
	// our layer: u.lines[start:end]
	start, end int
	rest       []int // indexes of u's lines outside our layer
	out        []outLine
}

// cutLayer sets our layer aside: from the marker (and the blank lines
// before it, back to their last patch) to our last patch declaration.
func (m *merger) cutLayer() {
	mk := m.u.vendor - 1
	lastTheir, lastOur := -1, mk
	for phys := range m.u.decls {
		if phys < mk {
			lastTheir = max(lastTheir, phys)
		} else {
			lastOur = max(lastOur, phys)
		}
	}
	for phys := range m.u.auto {
		if phys < mk {
			lastTheir = max(lastTheir, phys)
		} else {
			lastOur = max(lastOur, phys)
		}
	}
	m.start, m.end = mk, lastOur+1
	for m.start-1 > lastTheir && trimSpace(m.u.lines[m.start-1]) == "" {
		m.start--
	}
	for i := range m.u.lines {
		if i < m.start || i >= m.end {
			m.rest = append(m.rest, i)
		}
	}
}

// merge runs the three-way line merge on the normalized lines.
func (m *merger) merge() {
	rest := make([]string, len(m.rest))
	for i, idx := range m.rest {
		rest[i] = m.u.norm[idx]
	}
	add := func(side byte, idx int, conflict bool) {
		m.out = append(m.out, outLine{side: side, idx: idx, conflict: conflict})
	}
	mark := func(text string) { m.out = append(m.out, outLine{text: text, conflict: true}) }
	for _, r := range merge3Regions(m.b.norm, rest, m.t.norm) {
		switch r.kind {
		case regionSame, regionOurs, regionBoth:
			for i := r.o0; i < r.o1; i++ {
				add('o', m.rest[i], false)
			}
		case regionTheirs:
			for i := r.t0; i < r.t1; i++ {
				add('t', i, false)
			}
		case regionConflict:
			mark(marker(markerOurs, m.labels.Ours))
			for i := r.o0; i < r.o1; i++ {
				add('o', m.rest[i], true)
			}
			mark(marker(markerBase, m.labels.Base))
			for i := r.b0; i < r.b1; i++ {
				add('b', i, true)
			}
			mark(markerSep + "\n")
			for i := r.t0; i < r.t1; i++ {
				add('t', i, true)
			}
			mark(marker(markerTheirs, m.labels.Theirs))
		}
	}
}

func (m *merger) side(c byte) *mergeSide {
	switch c {
	case 'b':
		return m.b
	case 't':
		return m.t
	}
	return m.u
}

// isDecl reports whether l declares a patch.
func (m *merger) isDecl(l outLine) bool {
	if l.side == 0 {
		return false
	}
	s := m.side(l.side)
	return s.decls[l.idx] != nil || s.auto[l.idx]
}

// placeLayer puts our layer back after the line that came before it in
// our spec, past the patch declarations that follow that line in the
// merge (their patches appended to the list), or, when that line is
// gone, after the last patch declaration of the merge.
func (m *merger) placeLayer() {
	at := -1
	if m.start > 0 {
		for i, l := range m.out {
			if l.side == 'o' && l.idx == m.start-1 && !l.conflict {
				at = i + 1
				break
			}
		}
	}
	if at < 0 {
		for i, l := range m.out {
			if m.isDecl(l) {
				at = i + 1
			}
		}
	}
	if at < 0 {
		at = 0
		if m.start > 0 {
			at = len(m.out)
		}
	}
	for at < len(m.out) {
		l := m.out[at]
		if l.side == 0 && strings.HasPrefix(l.text, markerOurs) {
			for at < len(m.out) && !(m.out[at].side == 0 && strings.HasPrefix(m.out[at].text, markerTheirs)) {
				at++
			}
			at++
			continue
		}
		if l.conflict || !m.isDecl(l) {
			break
		}
		at++
	}
	at = min(at, len(m.out))
	var layer []outLine
	for i := m.start; i < m.end; i++ {
		layer = append(layer, outLine{side: 'o', idx: i, layer: true})
	}
	m.out = append(m.out[:at], append(layer, m.out[at:]...)...)
}

// finish gives the numbers back and writes the result.
func (m *merger) finish() (*MergeResult, error) {
	res := &MergeResult{}
	num := make([]int, len(m.out))
	final := map[string]int{}  // file -> number in the result
	byDecl := map[[2]int]int{} // side, declaration line -> number in the result
	maxTheir, minOur := -1, -1
	for i, l := range m.out {
		if l.side == 0 {
			continue
		}
		d := m.side(l.side).decls[l.idx]
		if d == nil {
			continue
		}
		switch {
		case l.layer:
			num[i] = d.num
			if minOur < 0 || d.num < minOur {
				minOur = d.num
			}
			continue
		case l.conflict || l.side == 't':
			num[i] = d.num
		default:
			num[i] = d.num
			nb, inB := m.b.num[d.file]
			nt, inT := m.t.num[d.file]
			if inT && (!inB || d.num == nb) {
				num[i] = nt
			}
		}
		maxTheir = max(maxTheir, num[i])
		if !l.conflict {
			byDecl[[2]int{int(l.side), l.idx}] = num[i]
		}
		if _, ok := final[d.file]; !ok && !l.conflict {
			final[d.file] = num[i]
		}
	}
	if minOur >= 0 && maxTheir >= minOur {
		res.OurShift = maxTheir + 1 - minOur
	}
	for i, l := range m.out {
		if l.layer {
			if d := m.u.decls[l.idx]; d != nil {
				num[i] = d.num + res.OurShift
				byDecl[[2]int{int(l.side), l.idx}] = num[i]
				if _, ok := final[d.file]; !ok {
					final[d.file] = num[i]
				}
			}
		}
	}
	if err := m.collisions(num); err != nil {
		return nil, err
	}
	var out strings.Builder
	line := 0
	for i, l := range m.out {
		line++
		if l.side == 0 {
			out.WriteString(l.text)
			if strings.HasPrefix(l.text, markerOurs) {
				res.Conflicts = append(res.Conflicts, line)
			}
			continue
		}
		s := m.side(l.side)
		text := s.lines[l.idx]
		if l.conflict {
			writeLines(&out, []string{text}, i+1 < len(m.out) && m.out[i+1].side == 0)
			continue
		}
		if d := s.decls[l.idx]; d != nil {
			if num[i] != d.num {
				text = text[:d.numStart] + formatNum(num[i], d.digits) + text[d.numStart+len(d.digits):]
				if l.side == 'o' {
					res.Renumbered = append(res.Renumbered, Renumbered{Line: l.idx + 1, Old: d.num, New: num[i]})
				}
			}
			if _, had := m.u.num[d.file]; l.side == 't' && !had {
				res.Added = append(res.Added, MergedPatch{Num: num[i], File: d.file, Line: line})
			}
		}
		if p := s.preps[l.idx]; p != nil {
			n, ok := byDecl[[2]int{int(l.side), p.decl}]
			if !ok {
				n, ok = final[p.file]
			}
			if !ok {
				res.PrepRefs = append(res.PrepRefs, PrepRef{Line: line, Text: content(text)})
			} else {
				text = text[:p.at] + formatNum(n, p.digits) + text[p.at+len(p.digits):]
			}
		}
		if s.multi[l.idx] && (res.OurShift != 0 || len(res.Renumbered) > 0) {
			res.PrepRefs = append(res.PrepRefs, PrepRef{Line: line, Text: content(text)})
		}
		out.WriteString(text)
	}
	for phys, d := range m.u.decls {
		if phys >= m.start && phys < m.end {
			continue
		}
		_, inB := m.b.num[d.file]
		_, inT := m.t.num[d.file]
		if _, kept := final[d.file]; inB && !inT && !kept {
			res.Removed = append(res.Removed, MergedPatch{Num: d.num, File: d.file, Line: phys + 1})
		}
	}
	sort.Slice(res.Removed, func(i, j int) bool { return res.Removed[i].Line < res.Removed[j].Line })
	sort.Slice(res.Renumbered, func(i, j int) bool { return res.Renumbered[i].Line < res.Renumbered[j].Line })
	res.Out = []byte(out.String())
	return res, nil
}

// collisions refuses two different patches with one number, unless one
// of the three specs gave them the same number too (alternatives in
// %if/%else branches).
func (m *merger) collisions(num []int) error {
	type use struct {
		line int
		file string
		side byte
	}
	byNum := map[int][]use{}
	line := 0
	for i, l := range m.out {
		line++
		if l.side == 0 || l.conflict {
			continue
		}
		d := m.side(l.side).decls[l.idx]
		if d == nil {
			continue
		}
		for _, prev := range byNum[num[i]] {
			if prev.file == d.file || m.shared(prev.file, d.file) {
				continue
			}
			return lineErrf(line, ErrDuplicate, "patch number %d would be used by line %d (%s, %s) and line %d (%s, %s)",
				num[i], prev.line, prev.file, sideName(prev.side), line, d.file, sideName(l.side))
		}
		byNum[num[i]] = append(byNum[num[i]], use{line: line, file: d.file, side: l.side})
	}
	return nil
}

func sideName(side byte) string {
	if side == 't' {
		return "from their new spec"
	}
	return "from our spec"
}

// shared reports whether some spec gave files a and b one number.
func (m *merger) shared(a, b string) bool {
	for _, s := range []*mergeSide{m.b, m.t, m.u} {
		for n := range s.nums[a] {
			if s.nums[b][n] {
				return true
			}
		}
	}
	return false
}
