package spec

// The %patch line parsers this package had before parsePatchLine, kept
// as they were (renamed old*) for the differential tests.

import (
	"fmt"
	"strings"
)

// oldPrepNumber finds the patch number of a %patchN, %patch N or %patch -P N
// line: the offset and digits of the one number, and how many numbers the
// line names (0, 1, or more, in which case at and digits are empty).
func oldPrepNumber(text string) (at int, digits string, n int) {
	i := len(text) - len(trimLeftSpace(text))
	if !strings.HasPrefix(text[i:], "%patch") {
		return 0, "", 0
	}
	i += len("%patch")
	if i < len(text) && isDigit(text[i]) {
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		at, digits, n = i, text[i:j], 1
		i = j
	}
	// The other numbers: -P N, -PN, or a positional N (options with an
	// argument skip it).
	argNext, pNext := false, false
	for i < len(text) {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		w := text[i:j]
		switch {
		case w == "":
		case pNext || (!argNext && !strings.HasPrefix(w, "-")):
			if isNumber(w) {
				at, digits, n = i, w, n+1
			}
			pNext, argNext = false, false
		case argNext:
			argNext = false
		case w == "-P":
			pNext = true
		case strings.HasPrefix(w, "-P") && isNumber(w[2:]):
			at, digits, n = i+2, w[2:], n+1
		case len(w) == 2 && strings.ContainsRune("pbzFdo", rune(w[1])):
			argNext = true
		}
		i = j
	}
	if n != 1 {
		return 0, "", n
	}
	return at, digits, n
}

// oldSinglePatch is the number of the one patch a %patch line applies, if it
// names exactly one by number.
func oldSinglePatch(text string) (int, bool) {
	name, rest := directive(trimLeftSpace(text))
	if !strings.HasPrefix(name, "patch") || !isNumber(name[5:]) {
		return 0, false
	}
	if name != "patch" {
		rest = " -P " + name[5:] + rest
	}
	o, pos, err := getopt(strings.Fields(rest), "PpbzFdo")
	if err != nil {
		return 0, false
	}
	list := append(o['P'], pos...)
	if len(list) != 1 {
		return 0, false
	}
	return parseNum(list[0])
}

// oldFollowPrep edits the %prep lines that apply patches one by one: shifted
// patches get their new number, the new ones a copy of the line of the
// patch they follow (or, first in a layer, of the patch they precede).
// Nothing is done when %prep applies the patches with %autosetup or a
// plain %autopatch.
func oldFollowPrep(lines []string, preps []prepLine, after, next int, shifted map[int]int, news []int) ([]string, error) {
	type ref struct {
		p   prepLine
		num int
	}
	var refs []ref
	auto := false
	for _, p := range preps {
		name, rest := directive(trimLeftSpace(p.text))
		if name == "autopatch" {
			o, pos, err := getopt(strings.Fields(rest), "pmM")
			if err != nil || len(o['m']) > 0 || len(o['M']) > 0 || len(pos) > 0 {
				return nil, lineErrf(p.line, ErrPrepLayout, "%%autopatch with a range or a list; add patches %s to it by hand", joinNums(news))
			}
			auto = true
			continue
		}
		n, ok := oldSinglePatch(p.text)
		if !ok {
			if strings.Contains(p.text, "\n") {
				return nil, lineErrf(p.line, ErrPrepLayout, "a %%patch line continued over several lines; add patches %s to %%prep by hand", joinNums(news))
			}
			return nil, lineErrf(p.line, ErrPrepLayout, "%%patch line applies several patches (%s); add patches %s to %%prep by hand", trimSpace(p.text), joinNums(news))
		}
		refs = append(refs, ref{p, n})
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
			out[r.p.line-1] = oldRenumberPrep(out[r.p.line-1], r.num, to)
		}
	}
	a := refs[anchor]
	tmpl := out[a.p.line-1]
	if !strings.HasSuffix(tmpl, "\n") {
		tmpl += "\n"
		out[a.p.line-1] = tmpl
	}
	cur := a.num
	if to, ok := shifted[cur]; ok {
		cur = to
	}
	var copies []string
	for _, n := range news {
		copies = append(copies, oldRenumberPrep(tmpl, cur, n))
	}
	at := a.p.line // after the anchor
	if after < 0 {
		at = a.p.line - 1 // before it
	}
	return append(out[:at], append(copies, out[at:]...)...), nil
}

// oldRenumberPrep rewrites the number of a single-patch %patch line.
func oldRenumberPrep(line string, from, to int) string {
	c := content(line)
	eol := line[len(c):]
	lead := len(c) - len(trimLeftSpace(c))
	name, rest := directive(c[lead:])
	if name != "patch" {
		digits := name[5:]
		return c[:lead] + "%patch" + formatNum(to, digits) + rest + eol
	}
	// "%patch N", "%patch -P N" or "%patch -PN": the one number among
	// the arguments (a value of another option is not it).
	f := strings.Fields(rest)
	for i := 0; i < len(f); i++ {
		a := f[i]
		num, at := "", -1
		switch {
		case len(a) == 2 && a[0] == '-' && strings.IndexByte("PpbzFdo", a[1]) >= 0:
			if a[1] == 'P' && i+1 < len(f) {
				num, at = f[i+1], i+1
			}
			i++
		case strings.HasPrefix(a, "-P"):
			num, at = a[2:], i
		case strings.HasPrefix(a, "-"):
		default:
			num, at = a, i
		}
		if n, ok := parseNum(num); ok && n == from && at >= 0 {
			idx := oldFieldIndex(rest, at) + len(f[at]) - len(num)
			return c[:lead] + "%patch" + rest[:idx] + formatNum(to, num) + rest[idx+len(num):] + eol
		}
	}
	return line
}

// oldFieldIndex is the offset of the i-th whitespace-separated field of s.
func oldFieldIndex(s string, i int) int {
	n := -1
	in := false
	for j := 0; j < len(s); j++ {
		if isSpace(s[j]) {
			in = false
			continue
		}
		if !in {
			in = true
			n++
			if n == i {
				return j
			}
		}
	}
	return len(s)
}

// oldCommentPrep comments out the %prep lines that apply one of the patches
// gone ("#%%patchN -p1", a %% so rpm does not read a macro there); a line
// applying one of them with others is refused.
func oldCommentPrep(lines []string, gone []int, res *EditResult) error {
	isGone := map[int]bool{}
	for _, n := range gone {
		isGone[n] = true
	}
	sec := ""
	for _, l := range joinLogical(lines) {
		if s := section(l.text); s != "" {
			sec = s
			continue
		}
		if sec != "prep" {
			continue
		}
		name, rest := directive(trimLeftSpace(l.text))
		if !strings.HasPrefix(name, "patch") || !isNumber(name[5:]) {
			continue
		}
		if n, ok := oldSinglePatch(l.text); ok {
			if isGone[n] && l.first == l.last {
				o := lines[l.first]
				text := "#" + strings.ReplaceAll(content(o), "%", "%%")
				lines[l.first] = text + o[len(content(o)):]
				res.Changed = append(res.Changed, Changed{Line: l.Line(), Old: content(o), New: text})
			} else if isGone[n] {
				return lineErrf(l.Line(), ErrPrepLayout, "%%patch line continued over several lines; comment out patch %d in %%prep by hand", n)
			}
			continue
		}
		if name != "patch" {
			rest = " -P " + name[5:] + rest
		}
		o, pos, _ := getopt(strings.Fields(rest), "PpbzFdo")
		for _, a := range append(o['P'], pos...) {
			if n, ok := parseNum(a); ok && isGone[n] {
				return lineErrf(l.Line(), ErrPrepLayout, "%%prep applies patch %d together with others (%s); take it out by hand", n, trimSpace(l.text))
			}
		}
	}
	return nil
}

// oldPrepRefs finds %prep lines naming a renumbered patch by number.
func oldPrepRefs(preps []prepLine, changed map[int]bool) []PrepRef {
	var refs []PrepRef
	for _, p := range preps {
		name, rest := directive(trimLeftSpace(p.text))
		hit := false
		if name == "autopatch" {
			opts, pos, err := getopt(strings.Fields(rest), "pmM")
			hit = err != nil || len(opts['m']) > 0 || len(opts['M']) > 0 || len(pos) > 0
		} else {
			if name != "patch" {
				rest = " -P " + name[5:] + rest
			}
			opts, pos, err := getopt(strings.Fields(rest), "PpbzFdo")
			list := append(opts['P'], pos...)
			if len(list) == 0 {
				list = []string{"0"}
			}
			for _, a := range list {
				n, ok := parseNum(a)
				hit = hit || err != nil || !ok || changed[n]
			}
		}
		if hit {
			refs = append(refs, PrepRef{Line: p.line, Text: p.text})
		}
	}
	return refs
}

// oldPatchList is what Parse's (*parser).patch read on a %patch line once
// its macros were expanded (v is the expanded rest of the line).
func oldPatchList(suffix, v string) ([]string, error) {
	rest := v
	if suffix != "" {
		rest = " -P " + suffix + rest
	}
	opts, pos, err := getopt(strings.Fields(rest), "PpbzFdo")
	if err != nil {
		return nil, err
	}
	list := append(append([]string(nil), opts['P']...), pos...)
	if len(list) == 0 {
		list = []string{"0"}
	}
	return list, nil
}
