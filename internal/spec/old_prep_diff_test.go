package spec

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// FuzzPatchLineDiff compares every caller of parsePatchLine with the old
// parser it replaced, on one %prep line (text) and patch numbers a, b.
func FuzzPatchLineDiff(f *testing.F) {
	for _, s := range []string{
		"%patch3 -p1", "%patch 3 -p1", "%patch -P 3 -p1", "%patch -P3", "%patch -p1 -P 3 -P 4",
		"%patch03 -b .orig", "  %patch -Rp1 -P 12", "%patch -p1 %{?x}", "%patch 3 \\\n-p1",
		"%patch -p 1 5", "%patch -P 1 -P 2", "%patch 1 2", "%patch -p1", "%patch3 # c",
	} {
		f.Add(s, 3, 5)
	}
	f.Fuzz(func(t *testing.T, text string, a, b int) {
		for _, l := range joinLogical(splitLines(text)) {
			name, _ := directive(trimLeftSpace(l.text))
			if isPatchDirective(name) {
				diffPatchLine(t, l.text, a, b)
			}
		}
		diffCommentPrep(t, text, a, b)
		diffFollowPrep(t, text, a, b)
	})
}

func diffPatchLine(t *testing.T, text string, a, b int) {
	t.Helper()
	refs, err := parsePatchLine(text)
	ok := err == nil
	// Insert: the one patch.
	on, ook := oldSinglePatch(text)
	r, nok := onePatch(refs, err)
	if (ook != nok || ook && on != r.num) && !explained(text, "single") {
		t.Errorf("single %q: old %d %v, new %d %v", text, on, ook, r.num, nok)
	}
	// MergeSpec: the number on the first physical line.
	first, _, _ := strings.Cut(text, "\n")
	at, digits, n := oldPrepNumber(first)
	if _, ok := parseNum(digits); n == 1 && !ok {
		n = 0
	}
	old := fmt.Sprint(at, digits, n)
	if n > 1 {
		old = "multi"
	}
	var nw string
	switch {
	case ok && len(refs) == 0:
		nw = fmt.Sprint(0, "", 0)
	case !nok || r.end > len(first):
		nw = "multi"
	default:
		nw = fmt.Sprint(r.start, text[r.start:r.end], 1)
	}
	if old != nw && !explained(text, "merge") {
		t.Errorf("merge %q: old %s, new %s", text, old, nw)
	}
	// Insert: rewriting the one number.
	if ook && nok && !strings.Contains(text, "\n") {
		if o, w := oldRenumberPrep(text, on, b), setPatchNum(text, b); o != w && b >= 0 && !explained(text, "renumber") {
			t.Errorf("renumber %q to %d: old %q, new %q", text, b, o, w)
		}
	}
	// Parse: the patches applied, once macros are expanded.
	if name, rest := directive(trimLeftSpace(text)); !strings.Contains(text, "\n") {
		ol, oe := oldPatchList(name[5:], rest)
		nt := "%patch" + name[5:] + rest
		nrefs, ne := patchArgs(nt, len("%patch"))
		nl := []string{"0"}
		if len(nrefs) > 0 {
			nl = nil
		}
		for _, r := range nrefs {
			nl = append(nl, nt[r.start:r.end])
		}
		if ne != nil {
			nl = nil
		}
		if (fmt.Sprint(oe) != fmt.Sprint(ne) || !reflect.DeepEqual(ol, nl)) && !explained(text, "parse") {
			t.Errorf("parse %q: old %q %v, new %q %v", text, ol, oe, nl, ne)
		}
	}
	// Renumber: does the line name a changed patch.
	changed := map[int]bool{a: true}
	p := []prepLine{{line: 1, text: text, refs: refs, err: err}}
	if o, w := oldPrepRefs(p, changed), prepRefs(p, changed); !reflect.DeepEqual(o, w) && !explained(text, "refs") {
		t.Errorf("prepRefs %q changed %d: old %v, new %v", text, a, o, w)
	}
}

func diffCommentPrep(t *testing.T, text string, a, b int) {
	t.Helper()
	src := "Patch1: x\n%prep\n" + text + "\n"
	lo, ln := splitLines(src), splitLines(src)
	ro, rn := &EditResult{}, &EditResult{}
	eo, en := oldCommentPrep(lo, []int{a, b}, ro), commentPrep(ln, []int{a, b}, rn)
	if (fmt.Sprint(eo) != fmt.Sprint(en) || !reflect.DeepEqual(lo, ln) || !reflect.DeepEqual(ro, rn)) && !explained(text, "comment") {
		t.Errorf("commentPrep %q gone %d %d:\nold %v %q %v\nnew %v %q %v", text, a, b, eo, lo, ro, en, ln, rn)
	}
}

func diffFollowPrep(t *testing.T, text string, a, b int) {
	t.Helper()
	src := "Patch1: x\n%prep\n" + text + "\n"
	lines := splitLines(src)
	_, _, preps, _ := scanDecls(lines, "")
	shifted := map[int]int{a: a + 7}
	oo, eo := oldFollowPrep(lines, preps, a, b, shifted, []int{a + 1, a + 2})
	on, en := followPrep(lines, preps, a, b, shifted, []int{a + 1, a + 2})
	if (fmt.Sprint(eo) != fmt.Sprint(en) || !reflect.DeepEqual(oo, on)) && a >= -1 && !explained(text, "follow") {
		t.Errorf("followPrep %q after %d next %d:\nold %v %q\nnew %v %q", text, a, b, eo, oo, en, on)
	}
}

// explained reports whether old and new may differ on text for caller:
// the inputs where an old parser was wrong by rpm 4.18 (see the cases of
// TestParsePatchLineRPM).
func explained(text, caller string) bool {
	classes := map[string]string{
		"single":   "nonnum unicode line6",
		"merge":    "nonnum badopt continued unicode line6 bundled dashdash",
		"renumber": "bundled unicode",
		"refs":     "nonnum unicode line6",
		"comment":  "nonnum unicode line6",
		"follow":   "nonnum badopt nonumber continued bundled unicode line6",
		"parse":    "unicode line6",
	}[caller]
	texts := []string{text}
	for _, l := range joinLogical(splitLines(text)) {
		texts = append(texts, l.text)
	}
	for _, lt := range texts {
		name, rest := directive(trimLeftSpace(lt))
		if !isPatchDirective(name) {
			continue
		}
		refs, err := parsePatchLine(lt)
		var has []string
		if err != nil {
			has = append(has, "badopt")
		} else if len(refs) == 0 {
			has = append(has, "nonumber")
		}
		for _, r := range refs {
			if r.num < 0 {
				has = append(has, "nonnum")
			}
		}
		if strings.Contains(lt, "\n") {
			has = append(has, "continued")
		}
		if strings.ContainsFunc(lt, func(r rune) bool { return r > 127 && unicode.IsSpace(r) || r == '\v' || r == '\f' || r == '\r' }) {
			has = append(has, "unicode")
		}
		if name == "patch" && rest != "" && !strings.ContainsRune(" \t\n", rune(rest[0])) {
			has = append(has, "line6")
		}
		for _, w := range strings.Fields(rest) {
			if w == "--" {
				has = append(has, "dashdash")
				break
			}
			if len(w) > 2 && w[0] == '-' && strings.IndexAny(w[1:], "PpbzFdo") > 0 {
				has = append(has, "bundled")
			}
		}
		for _, h := range has {
			if strings.Contains(classes, h) {
				return true
			}
		}
	}
	return false
}
