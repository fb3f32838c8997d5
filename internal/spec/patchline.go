package spec

import (
	"errors"
	"fmt"
	"strings"
)

// errNotPatchLine is parsePatchLine's error for a line that is not %patch.
var errNotPatchLine = errors.New("not a %patch line")

// patchRef is one patch a %patch line names.
type patchRef struct {
	// num is the patch number, or -1 when the argument is not a plain
	// number (a macro, a quoted or malformed word): rpm either expands it
	// to something this package cannot know or refuses the line.
	num int
	// start and end delimit the argument in the line's text: exactly its
	// digits when num >= 0.
	start, end int
}

// isPatchDirective reports whether the %word of a %prep line is %patch or
// %patchN.
func isPatchDirective(name string) bool {
	return strings.HasPrefix(name, "patch") && isNumber(name[5:])
}

// parsePatchLine reads the patch numbers of a %patch line (text is the
// line, or the joined text of a logical line) as rpm 4.18's doPatchMacro
// (build/parsePrep.c) does: %patchN becomes "%patch -P N...", and so does
// %patch followed by anything but a space, tab or newline; the words
// (split at ASCII white space, like poptParseArgvString) are read as
// popt reads "-P: -p: -b: -z: -F: -d: -o:" with bundling and "--"; the
// patches are the -P values in order, then the other arguments. Options
// rpm does not know are taken as flags, as Parse always did. The line's
// macros are not expanded. It fails with errNotPatchLine when text is not
// a %patch line, and with ErrSyntax when an option lacks its value (rpm
// refuses the line).
func parsePatchLine(text string) (refs []patchRef, err error) {
	lead := len(text) - len(trimLeftSpace(text))
	name, _ := directive(text[lead:])
	if !isPatchDirective(name) {
		return nil, errNotPatchLine
	}
	return patchArgs(text, lead+len("%patch"))
}

// patchArgs reads the arguments of a %patch line from text[i:], right
// after "%patch".
func patchArgs(text string, i int) (refs []patchRef, err error) {
	var pos []patchRef
	word := func() (int, int) { // the next word from i
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		s := i
		for i < len(text) && !isSpace(text[i]) {
			i++
		}
		return s, i
	}
	if i < len(text) && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' {
		s, e := word()
		if s == e {
			return nil, fmt.Errorf("%w: option -P needs a value", ErrSyntax)
		}
		refs = append(refs, patchArg(text, s, e))
	}
	for {
		s, e := word()
		if s == e {
			break
		}
		a := text[s:e]
		if a == "--" {
			for {
				s, e := word()
				if s == e {
					break
				}
				pos = append(pos, patchArg(text, s, e))
			}
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, patchArg(text, s, e))
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if strings.IndexByte("PpbzFdo", c) < 0 {
				continue // a flag
			}
			vs, ve := s+j+1, e
			if vs == ve {
				if vs, ve = word(); vs == ve {
					return nil, fmt.Errorf("%w: option -%c needs a value", ErrSyntax, c)
				}
			}
			if c == 'P' {
				refs = append(refs, patchArg(text, vs, ve))
			}
			break
		}
	}
	return append(refs, pos...), nil
}

// patchArg is the patch named by the argument text[s:e].
func patchArg(text string, s, e int) patchRef {
	n, ok := parseNum(text[s:e])
	if !ok || !isNumber(text[s:e]) {
		n = -1
	}
	return patchRef{num: n, start: s, end: e}
}

// onePatch is the patch a %patch line names when it names exactly one,
// by number.
func onePatch(refs []patchRef, err error) (patchRef, bool) {
	if err != nil || len(refs) != 1 || refs[0].num < 0 {
		return patchRef{}, false
	}
	return refs[0], true
}

// setPatchNum rewrites the number of a physical %patch line naming one
// patch, keeping its zero padding; any other line is returned as it is.
func setPatchNum(line string, to int) string {
	c := content(line)
	r, ok := onePatch(parsePatchLine(c))
	if !ok {
		return line
	}
	return c[:r.start] + formatNum(to, c[r.start:r.end]) + line[r.end:]
}
