package spec

import (
	"sort"
	"strconv"
	"strings"
)

// Renumbered is one line Renumber changed.
type Renumbered struct {
	Line     int
	Old, New int
}

// PrepRef is a %prep line that names a renumbered patch by number;
// Renumber does not change it, so the caller should warn.
type PrepRef struct {
	Line int
	Text string
}

// RenumberResult is the outcome of Renumber.
type RenumberResult struct {
	Out      []byte
	Changes  []Renumbered
	PrepRefs []PrepRef
	// VendorLine is the line of the vendor marker, whose block stayed as
	// it was; 0 when the spec has no marker and every patch from start on
	// was renumbered.
	VendorLine int
}

// decl is a patch declaration as written, whether rpm sees it or not.
type decl struct {
	line      int // 1-based
	phys      int // physical line index
	numStart  int // offset of the digits in the line
	digits    string
	num       int
	commented bool
	auto      bool // numberless: rpm assigns the number
}

// Renumber adds offset to the number of every PatchN: line and every
// "# PatchN:" comment with N >= start that comes before the vendor
// marker. It works on the text as written, conditionals included, so that
// alternative declarations in %if/%else branches move together. It changes
// nothing but those digits, keeps leading zeros (the width of a
// zero-padded number is kept as a minimum), and refuses with ErrNegative or
// ErrDuplicate rather than produce a negative number or give two patches,
// commented ones included, the same number when they had different ones.
func Renumber(src []byte, start, offset int, opts *Options) (*RenumberResult, error) {
	o := opts.withDefaults()
	lines := splitLines(string(src))
	decls, vendor, prepLines, err := scanDecls(lines, o.VendorMarker)
	if err != nil {
		return nil, err
	}
	newNum := make([]int, len(decls))
	var changes []Renumbered
	changed := map[int]bool{}
	for i, d := range decls {
		newNum[i] = d.num
		if d.auto || d.num < start || (vendor > 0 && d.line >= vendor) {
			continue
		}
		n := d.num + offset
		if n < 0 {
			return nil, lineErrf(d.line, ErrNegative, "patch %d would become %d", d.num, n)
		}
		if n > 999999999 {
			return nil, lineErrf(d.line, ErrSyntax, "patch %d would become %d, out of range", d.num, n)
		}
		newNum[i] = n
		changed[d.num] = true
		changes = append(changes, Renumbered{Line: d.line, Old: d.num, New: n})
	}
	before := effective(decls, func(i int) int { return decls[i].num })
	after := effective(decls, func(i int) int { return newNum[i] })
	if err := collisions(decls, before, after); err != nil {
		return nil, err
	}
	out := append([]string(nil), lines...)
	for i, d := range decls {
		if d.auto || newNum[i] == d.num {
			continue
		}
		l := out[d.phys]
		out[d.phys] = l[:d.numStart] + formatNum(newNum[i], d.digits) + l[d.numStart+len(d.digits):]
	}
	res := &RenumberResult{Out: []byte(strings.Join(out, "")), Changes: changes, VendorLine: vendor}
	if len(changes) > 0 {
		res.PrepRefs = prepRefs(prepLines, changed)
	}
	return res, nil
}

// formatNum writes n keeping the zero padding of the number it replaces.
func formatNum(n int, old string) string {
	s := strconv.Itoa(n)
	if len(old) > 1 && old[0] == '0' && len(s) < len(old) {
		s = strings.Repeat("0", len(old)-len(s)) + s
	}
	return s
}

// prepLine is a %prep line that applies patches: %autopatch, or %patch
// with the patches parsePatchLine reads on it.
type prepLine struct {
	line int    // 1-based line of its first physical line
	text string // the logical line's text
	auto bool   // %autopatch
	refs []patchRef
	err  error // %patch: parsePatchLine's error
}

// autoRange reports whether an %autopatch line limits the patches it
// applies, with -m, -M or a list of numbers, or cannot be read: it then
// names patches by number, and an edit of the numbers must see to it.
func (p prepLine) autoRange() bool {
	_, rest := directive(trimLeftSpace(p.text))
	opts, pos, err := getopt(strings.Fields(rest), "pmM")
	return err != nil || len(opts['m']) > 0 || len(opts['M']) > 0 || len(pos) > 0
}

// scanDecls finds every patch declaration in the preamble sections, the
// vendor marker line, and the %prep lines that apply patches. A number out
// of range is an error, reported after the scan: the %prep lines found are
// good all the same.
func scanDecls(lines []string, marker string) (decls []decl, vendor int, preps []prepLine, err error) {
	sec := ""
	marker = trimSpace(marker)
	for _, l := range joinLogical(lines) {
		if s := section(l.text); s != "" {
			sec = s
			continue
		}
		first := content(lines[l.first])
		trimmed := trimLeftSpace(first)
		switch {
		case sec == "prep":
			if name, _ := directive(trimmed); name == "autopatch" {
				preps = append(preps, prepLine{line: l.Line(), text: l.text, auto: true})
			} else if isPatchDirective(name) {
				refs, err := parsePatchLine(l.text)
				preps = append(preps, prepLine{line: l.Line(), text: l.text, refs: refs, err: err})
			}
		case sec == "patchlist":
			if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				decls = append(decls, decl{line: l.Line(), phys: l.first, auto: true})
			}
		case !isPreamble(sec):
		case strings.HasPrefix(trimmed, "#"):
			if vendor == 0 && marker != "" && strings.HasPrefix(trimSpace(first), marker) {
				vendor = l.Line()
			}
			if digits, at, _, ok := matchCommentedPatch(first); ok {
				n, ok := parseNum(digits)
				if !ok {
					if err == nil {
						err = lineErrf(l.Line(), ErrSyntax, "patch number %s out of range", digits)
					}
					continue
				}
				decls = append(decls, decl{line: l.Line(), phys: l.first, numStart: at, digits: digits, num: n, commented: true})
			}
		default:
			t, ok := matchTag(first)
			if !ok || t.key != "patch" {
				continue
			}
			d := decl{line: l.Line(), phys: l.first, numStart: t.numStart, digits: t.digits, auto: t.digits == ""}
			if !d.auto {
				if d.num, ok = parseNum(t.digits); !ok {
					if err == nil {
						err = lineErrf(l.Line(), ErrSyntax, "patch number %s out of range", t.digits)
					}
					continue
				}
			}
			decls = append(decls, d)
		}
	}
	return decls, vendor, preps, err
}

// effective numbers every active declaration as rpm would if it saw all of
// them, numberless ones included; commented ones keep their written number.
func effective(decls []decl, num func(int) int) []int {
	eff := make([]int, len(decls))
	next := 0
	for i, d := range decls {
		switch {
		case d.commented:
			eff[i] = num(i)
			continue
		case d.auto:
			eff[i] = next
		default:
			eff[i] = num(i)
		}
		if eff[i] >= next {
			next = eff[i] + 1
		}
	}
	return eff
}

// collisions refuses a result where two declarations share a number they
// did not share before (declarations in %if/%else branches may).
func collisions(decls []decl, before, after []int) error {
	byNum := map[int][]int{}
	for i, n := range after {
		byNum[n] = append(byNum[n], i)
	}
	var bad []int
	for n, idx := range byNum {
		for _, i := range idx[1:] {
			if before[i] != before[idx[0]] {
				bad = append(bad, n)
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Ints(bad)
	idx := byNum[bad[0]]
	var where []string
	for _, i := range idx {
		where = append(where, strconv.Itoa(decls[i].line))
	}
	return lineErrf(decls[idx[len(idx)-1]].line, ErrDuplicate,
		"patch number %d would be used by lines %s", bad[0], strings.Join(where, ", "))
}

// prepRefs finds %prep lines naming a renumbered patch by number.
func prepRefs(preps []prepLine, changed map[int]bool) []PrepRef {
	var refs []PrepRef
	for _, p := range preps {
		var hit bool
		switch {
		case p.auto:
			hit = p.autoRange()
		case p.err != nil:
			hit = true
		case len(p.refs) == 0:
			hit = changed[0] // rpm applies patch 0
		}
		for _, r := range p.refs {
			hit = hit || r.num < 0 || changed[r.num]
		}
		if hit {
			refs = append(refs, PrepRef{Line: p.line, Text: p.text})
		}
	}
	return refs
}
