// Package sbs lays out two versions of a patch side by side, the way a
// reviewer of a rebase wants to read them: the old patch on the left, the
// new one on the right, aligned file by file and line by line by a real
// diff of the two patch texts (hunk headers and index lines compared
// without their line numbers and object ids, which a rebase always
// changes), changed lines paired, and the tokens that differ inside a
// changed pair marked. It is pure: texts in, rows out; colours and widgets
// are the terminal UI's business.
package sbs

import (
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/myers"
)

// Kind classifies a patch line.
type Kind uint8

// Kinds of lines in a patch.
const (
	KindHeader  Kind = iota // commit header and message, file headers
	KindHunk                // @@ lines
	KindContext             // " " lines
	KindAdd                 // "+" lines
	KindDel                 // "-" lines
	KindOther               // "\ No newline at end of file" and the like
)

// Span is a byte range [Start, End) of a line.
type Span struct{ Start, End int }

// Side is one half of a row.
type Side struct {
	Present bool
	Text    string
	Kind    Kind
	// Changed marks the tokens that differ from the other side of a
	// changed pair.
	Changed []Span
	// PreLine is the line number in the pre-image (the patch's parent)
	// of a context or removed line, 0 otherwise: what blame looks up.
	PreLine int
}

// Row is one line of the side-by-side view.
type Row struct {
	Left, Right Side
	// Differs is set when the two sides are not the same line: a changed
	// pair or a line present on one side only. Rows that differ only by
	// hunk line numbers or object ids are not marked.
	Differs bool
	// File is the path the row belongs to ("" for the commit header).
	File string
}

// Layout is the side-by-side view of two patches.
type Layout struct {
	Rows []Row
	// FileRows maps each file to the index of its first row.
	FileRows map[string]int
	Files    []string
	// Changed counts rows that differ.
	Changed int
}

type section struct {
	file  string
	lines []string
}

// split cuts a patch (git show / format-patch text) into the part before the
// first file and one section per file.
func split(patch string) []section {
	patch = strings.TrimSuffix(patch, "\n")
	if patch == "" {
		return nil
	}
	secs := []section{{file: ""}}
	for _, l := range strings.Split(patch, "\n") {
		if strings.HasPrefix(l, "diff --git ") {
			secs = append(secs, section{file: diffPath(l)})
		}
		cur := &secs[len(secs)-1]
		cur.lines = append(cur.lines, l)
	}
	if len(secs[0].lines) == 0 {
		secs = secs[1:]
	}
	return secs
}

// diffPath takes the b/ side of "diff --git a/x b/y".
func diffPath(l string) string {
	rest := strings.TrimPrefix(l, "diff --git ")
	if i := strings.LastIndex(rest, " b/"); i >= 0 {
		return rest[i+3:]
	}
	return rest
}

func kindOf(l string, inHunk bool) Kind {
	switch {
	case strings.HasPrefix(l, "@@"):
		return KindHunk
	case !inHunk:
		return KindHeader
	case strings.HasPrefix(l, "+"):
		return KindAdd
	case strings.HasPrefix(l, "-"):
		return KindDel
	case strings.HasPrefix(l, " ") || l == "":
		return KindContext
	}
	return KindOther
}

// hunkNumbers is compiled on first use: most runs of the programs never
// lay out a side-by-side view.
var hunkNumbers = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^@@ -\d+(,\d+)? \+\d+(,\d+)? @@`) })

// key is what two lines are compared by: line numbers of hunk headers and
// object ids of index lines always change in a rebase and say nothing.
func key(l string) uint64 {
	switch {
	case strings.HasPrefix(l, "@@"):
		l = hunkNumbers().ReplaceAllString(l, "@@")
	case strings.HasPrefix(l, "index "):
		l = "index"
	case strings.HasPrefix(l, "From ") && len(l) > 45:
		l = "From"
	}
	h := fnv.New64a()
	h.Write([]byte(l))
	return h.Sum64()
}

func keys(ls []string) []uint64 {
	out := make([]uint64, len(ls))
	for i, l := range ls {
		out[i] = key(l)
	}
	return out
}

// New lays out old and new side by side; either may be empty (a commit
// present on one side only).
func New(old, new string) *Layout {
	lay := &Layout{FileRows: map[string]int{}}
	a, b := split(old), split(new)
	// Files come in git's order (sorted by path) on both sides, so a merge
	// walk pairs them and keeps that order.
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i].file == b[j].file:
			lay.add(a[i].file, a[i].lines, b[j].lines)
			i, j = i+1, j+1
		case j >= len(b) || (i < len(a) && a[i].file < b[j].file && !inSecs(b[j:], a[i].file)):
			lay.add(a[i].file, a[i].lines, nil)
			i++
		case i >= len(a) || !inSecs(a[i:], b[j].file):
			lay.add(b[j].file, nil, b[j].lines)
			j++
		default:
			lay.add(a[i].file, a[i].lines, nil)
			i++
		}
	}
	return lay
}

func inSecs(secs []section, file string) bool {
	for _, s := range secs {
		if s.file == file {
			return true
		}
	}
	return false
}

func (lay *Layout) add(file string, a, b []string) {
	if _, ok := lay.FileRows[file]; !ok {
		lay.FileRows[file] = len(lay.Rows)
		lay.Files = append(lay.Files, file)
	}
	inA, inB := false, false // inside a hunk, per side
	preA, preB := 0, 0       // next pre-image line number, per side
	side := func(l string, in *bool, pre *int) Side {
		k := kindOf(l, *in)
		s := Side{Present: true, Text: l, Kind: k}
		switch {
		case k == KindHunk:
			*in = true
			*pre = hunkStart(l)
		case strings.HasPrefix(l, "diff --git "):
			*in = false
		case k == KindContext || k == KindDel:
			s.PreLine = *pre
			*pre++
		}
		return s
	}
	es := myers.Diff(keys(a), keys(b), maxD)
	for x := 0; x < len(es); {
		e := es[x]
		if e.Op == '=' {
			lay.Rows = append(lay.Rows, Row{Left: side(a[e.A], &inA, &preA), Right: side(b[e.B], &inB, &preB), File: file})
			x++
			continue
		}
		// A run of deletions and insertions: pair them in order as changed
		// lines, the surplus stays one-sided.
		var dels, ins []int
		for ; x < len(es) && es[x].Op != '='; x++ {
			if es[x].Op == '-' {
				dels = append(dels, es[x].A)
			} else {
				ins = append(ins, es[x].B)
			}
		}
		for k := 0; k < max(len(dels), len(ins)); k++ {
			r := Row{File: file, Differs: true}
			if k < len(dels) {
				r.Left = side(a[dels[k]], &inA, &preA)
			}
			if k < len(ins) {
				r.Right = side(b[ins[k]], &inB, &preB)
			}
			if r.Left.Present && r.Right.Present {
				r.Left.Changed, r.Right.Changed = tokenDiff(r.Left.Text, r.Right.Text)
			}
			lay.Rows = append(lay.Rows, r)
			lay.Changed++
		}
	}
}

// hunkStart is the first pre-image line of a "@@ -a,b +c,d @@" header.
func hunkStart(l string) int {
	rest, ok := strings.CutPrefix(l, "@@ -")
	if !ok {
		return 0
	}
	n := 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// tokens splits a line into identifier/number runs, white space runs and
// single other characters, returning their spans.
func tokens(s string) []Span {
	var out []Span
	for i := 0; i < len(s); {
		j := i + 1
		switch c := s[i]; {
		case isWord(c):
			for j < len(s) && isWord(s[j]) {
				j++
			}
		case c == ' ' || c == '\t':
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
		}
		out = append(out, Span{i, j})
		i = j
	}
	return out
}

func isWord(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

// tokenDiff marks the tokens of a and b that the other line lacks, merging
// adjacent marks. The first byte (the +/-/space of the patch line) is not a
// token of the code.
func tokenDiff(a, b string) ([]Span, []Span) {
	ta, tb := tokens(a), tokens(b)
	ka, kb := make([]uint64, len(ta)), make([]uint64, len(tb))
	for i, t := range ta {
		ka[i] = key("t" + a[t.Start:t.End])
	}
	for i, t := range tb {
		kb[i] = key("t" + b[t.Start:t.End])
	}
	var sa, sb []Span
	for _, e := range myers.Diff(ka, kb, maxD) {
		switch e.Op {
		case '-':
			sa = addSpan(sa, ta[e.A])
		case '+':
			sb = addSpan(sb, tb[e.B])
		}
	}
	return trimFirst(sa), trimFirst(sb)
}

func addSpan(ss []Span, s Span) []Span {
	if n := len(ss); n > 0 && ss[n-1].End == s.Start {
		ss[n-1].End = s.End
		return ss
	}
	return append(ss, s)
}

func trimFirst(ss []Span) []Span {
	out := ss[:0]
	for _, s := range ss {
		if s.Start == 0 {
			s.Start = 1
		}
		if s.End > s.Start {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// Side returns the row's left (0) or right (1) side.
func (r Row) Side(side int) Side {
	if side == 1 {
		return r.Right
	}
	return r.Left
}

// PreLines lists, per file, the pre-image line numbers of one side (0
// left, 1 right): its context and removed lines, what a blame of the
// patch's parent looks up. With differing, only the rows that differ.
func (lay *Layout) PreLines(side int, differing bool) map[string][]int {
	lines := map[string][]int{}
	for _, r := range lay.Rows {
		s := r.Side(side)
		if s.Present && s.PreLine > 0 && r.File != "" && (!differing || r.Differs) {
			lines[r.File] = append(lines[r.File], s.PreLine)
		}
	}
	return lines
}

// Concat joins several patches into one text that New lays out as one side:
// the commit headers (and messages) of all, one after the other, then each
// file with the sections every patch has for it, in patch order, files
// sorted by path as in a single patch. It is the side of a split's parts or
// of a squash's old commits, against the one commit of the other side.
// One patch is its own text.
func Concat(patches ...string) string {
	if len(patches) == 1 {
		return patches[0]
	}
	var head []string
	byFile := map[string][]string{}
	var files []string
	for _, p := range patches {
		for _, s := range split(p) {
			if s.file == "" && (len(s.lines) == 0 || !strings.HasPrefix(s.lines[0], "diff --git ")) {
				head = append(head, s.lines...)
				continue
			}
			if _, ok := byFile[s.file]; !ok {
				files = append(files, s.file)
			}
			byFile[s.file] = append(byFile[s.file], s.lines...)
		}
	}
	sort.Strings(files)
	out := head
	for _, f := range files {
		out = append(out, byFile[f]...)
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}
