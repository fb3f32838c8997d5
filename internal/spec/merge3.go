package spec

import "strings"

// This file is a line-based three-way merge, the one git merge-file does
// (git's xdiff/xmerge.c, xdl_do_merge at the level XDL_MERGE_EAGER that
// git uses with the diff3 conflict style): each side is diffed against the
// base; changes of one side only are taken; changes of both sides that
// overlap or touch (a change ending where the other starts included) are
// one region, taken once when both sides made it identically and a
// conflict otherwise.

// Labels name the three inputs in conflict markers.
type Labels struct {
	Ours, Base, Theirs string
}

// Conflict markers, as git writes them (marker size 7).
const (
	markerOurs   = "<<<<<<<"
	markerBase   = "|||||||"
	markerSep    = "======="
	markerTheirs = ">>>>>>>"
)

type regionKind byte

const (
	regionSame     regionKind = iota // neither side changed the lines
	regionOurs                       // only ours changed them
	regionTheirs                     // only theirs changed them
	regionBoth                       // both changed them the same way
	regionConflict                   // both changed them differently
)

// region is a stretch of the merge: the same lines of base, ours and
// theirs as half-open index ranges.
type region struct {
	kind   regionKind
	b0, b1 int
	o0, o1 int
	t0, t1 int
}

// hunk is a change of one side: base[b0:b1] became side[s0:s1].
type hunk struct{ b0, b1, s0, s1 int }

// hunks are the changes from a to b, each run of non-equal steps one hunk.
func hunks(a, b []string) []hunk {
	var hs []hunk
	in := false
	for _, e := range diffScript(a, b) {
		if e.op == '=' {
			in = false
			continue
		}
		if !in {
			hs = append(hs, hunk{b0: e.a, b1: e.a, s0: e.b, s1: e.b})
			in = true
		}
		h := &hs[len(hs)-1]
		if e.op == '-' {
			h.b1 = e.a + 1
		} else {
			h.s1 = e.b + 1
		}
	}
	return hs
}

// merge3Regions cuts the merge of ours and theirs, both from base, into
// regions covering all three in order.
func merge3Regions(base, ours, theirs []string) []region {
	ho, ht := hunks(base, ours), hunks(base, theirs)
	var rs []region
	i, j := 0, 0
	do, dt := 0, 0 // side index minus base index after the hunks so far
	pos := 0       // base lines before pos are in rs
	same := func(upTo int) {
		if upTo > pos {
			rs = append(rs, region{kind: regionSame, b0: pos, b1: upTo, o0: pos + do, o1: upTo + do, t0: pos + dt, t1: upTo + dt})
		}
	}
	for i < len(ho) || j < len(ht) {
		var lo, hi int
		if j == len(ht) || i < len(ho) && ho[i].b0 <= ht[j].b0 {
			lo, hi = ho[i].b0, ho[i].b1
		} else {
			lo, hi = ht[j].b0, ht[j].b1
		}
		same(lo)
		o0, t0 := lo+do, lo+dt
		gotO, gotT := false, false
		for {
			switch {
			case i < len(ho) && ho[i].b0 <= hi:
				hi = max(hi, ho[i].b1)
				do += (ho[i].s1 - ho[i].s0) - (ho[i].b1 - ho[i].b0)
				gotO = true
				i++
			case j < len(ht) && ht[j].b0 <= hi:
				hi = max(hi, ht[j].b1)
				dt += (ht[j].s1 - ht[j].s0) - (ht[j].b1 - ht[j].b0)
				gotT = true
				j++
			default:
				goto done
			}
		}
	done:
		r := region{b0: lo, b1: hi, o0: o0, o1: hi + do, t0: t0, t1: hi + dt}
		switch {
		case !gotT:
			r.kind = regionOurs
		case !gotO:
			r.kind = regionTheirs
		case equalLines(ours[r.o0:r.o1], theirs[r.t0:r.t1]):
			r.kind = regionBoth
		default:
			r.kind = regionConflict
		}
		rs = append(rs, r)
		pos = hi
	}
	same(len(base))
	return rs
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Merge3 merges ours and theirs, both changed from base, as
// "git merge-file -p --diff3 -L ours -L base -L theirs ours base theirs"
// does, and returns the result and the number of conflicts. A conflict is
// written with git's diff3 markers: "<<<<<<< ours", the ours lines,
// "||||||| base", the base lines, "=======", the theirs lines,
// ">>>>>>> theirs" (labels from l).
func Merge3(ours, base, theirs []byte, l Labels) ([]byte, int) {
	b, o, t := splitLines(string(base)), splitLines(string(ours)), splitLines(string(theirs))
	var out strings.Builder
	n := 0
	for _, r := range merge3Regions(b, o, t) {
		switch r.kind {
		case regionSame, regionOurs, regionBoth:
			writeLines(&out, o[r.o0:r.o1], false)
		case regionTheirs:
			writeLines(&out, t[r.t0:r.t1], false)
		case regionConflict:
			n++
			writeConflict(&out, l, o[r.o0:r.o1], b[r.b0:r.b1], t[r.t0:r.t1])
		}
	}
	return []byte(out.String()), n
}

// writeLines writes lines; in a conflict (nl) a last line without a line
// end gets one, so the marker after it starts a line, as git does.
func writeLines(w *strings.Builder, lines []string, nl bool) {
	for _, s := range lines {
		w.WriteString(s)
	}
	if nl && len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
		w.WriteByte('\n')
	}
}

func writeConflict(w *strings.Builder, l Labels, o, b, t []string) {
	w.WriteString(marker(markerOurs, l.Ours))
	writeLines(w, o, true)
	w.WriteString(marker(markerBase, l.Base))
	writeLines(w, b, true)
	w.WriteString(markerSep + "\n")
	writeLines(w, t, true)
	w.WriteString(marker(markerTheirs, l.Theirs))
}

func marker(m, label string) string {
	if label == "" {
		return m + "\n"
	}
	return m + " " + label + "\n"
}

// edit is one step of a shortest edit script between a and b.
type edit struct {
	op   byte // '=', '-', '+'
	a, b int  // indices in a (for '=' and '-') and b (for '=' and '+')
}

// maxD bounds the work on very different inputs: beyond it the rest is one
// replacement (which a merge then shows as a conflict, never drops).
const maxD = 3000

// diffScript returns a shortest edit script from a to b: the common prefix
// and suffix, and Myers' O(ND) greedy algorithm between them.
func diffScript(a, b []string) []edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	mid := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	out := make([]edit, 0, pre+len(mid)+suf)
	for i := 0; i < pre; i++ {
		out = append(out, edit{'=', i, i})
	}
	for _, e := range mid {
		out = append(out, edit{e.op, e.a + pre, e.b + pre})
	}
	for i := 0; i < suf; i++ {
		out = append(out, edit{'=', len(a) - suf + i, len(b) - suf + i})
	}
	return out
}

func replaceAll(n, m int) []edit {
	out := make([]edit, 0, n+m)
	for i := 0; i < n; i++ {
		out = append(out, edit{'-', i, 0})
	}
	for j := 0; j < m; j++ {
		out = append(out, edit{'+', n, j})
	}
	return out
}

func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(n, m)
	}
	limit := min(n+m, maxD)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int // trace[d] is v[off-d .. off+d] before step d
	dEnd := -1
	for d := 0; d <= limit && dEnd < 0; d++ {
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				dEnd = d
				break
			}
		}
	}
	if dEnd < 0 {
		return replaceAll(n, m)
	}
	at := func(d, k int) int { return trace[d][k+d] }
	var rev []edit
	x, y := n, m
	for d := dEnd; d > 0; d-- {
		k := x - y
		var pk int
		if k == -d || (k != d && at(d, k-1) < at(d, k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(d, pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, edit{'=', x, y})
		}
		if x == px {
			y--
			rev = append(rev, edit{'+', x, y})
		} else {
			x--
			rev = append(rev, edit{'-', x, y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, edit{'=', x, y})
	}
	out := make([]edit, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}
