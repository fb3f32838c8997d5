package symtypes

import (
	"fmt"
	"sort"
	"strings"
)

// unifiedDiff reproduces Python's difflib.unified_diff(a, b, fromfile,
// tofile, n=context) with SequenceMatcher(None, a, b) and its default
// autojunk heuristic, so hunks split and align exactly as the reference
// tool's do. Lines in a and b carry no newline; every output line gets one.
func unifiedDiff(a, b []string, fromfile, tofile string, context int) string {
	groups := groupedOpcodes(opcodes(a, b), context)
	if len(groups) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", fromfile, tofile)
	for _, g := range groups {
		first, last := g[0], g[len(g)-1]
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", unifiedRange(first.i1, last.i2), unifiedRange(first.j1, last.j2))
		for _, op := range g {
			if op.tag == 'e' {
				for _, l := range a[op.i1:op.i2] {
					sb.WriteString(" " + l + "\n")
				}
				continue
			}
			if op.tag == 'r' || op.tag == 'd' {
				for _, l := range a[op.i1:op.i2] {
					sb.WriteString("-" + l + "\n")
				}
			}
			if op.tag == 'r' || op.tag == 'i' {
				for _, l := range b[op.j1:op.j2] {
					sb.WriteString("+" + l + "\n")
				}
			}
		}
	}
	return sb.String()
}

// unifiedRange is difflib's _format_range_unified.
func unifiedRange(start, stop int) string {
	beginning, length := start+1, stop-start
	if length == 1 {
		return fmt.Sprint(beginning)
	}
	if length == 0 {
		beginning--
	}
	return fmt.Sprintf("%d,%d", beginning, length)
}

type opcode struct {
	tag            byte // 'r'eplace, 'd'elete, 'i'nsert, 'e'qual
	i1, i2, j1, j2 int
}

type match struct{ a, b, size int }

type matcher struct {
	a, b []string
	b2j  map[string][]int
}

func newMatcher(a, b []string) *matcher {
	m := &matcher{a: a, b: b, b2j: map[string][]int{}}
	for j, l := range b {
		m.b2j[l] = append(m.b2j[l], j)
	}
	// autojunk: in long sequences, lines occurring in more than 1% of b
	// are "popular" and not used to seed matches.
	if n := len(b); n >= 200 {
		ntest := n/100 + 1
		for l, idx := range m.b2j {
			if len(idx) > ntest {
				delete(m.b2j, l)
			}
		}
	}
	return m
}

func (m *matcher) longest(alo, ahi, blo, bhi int) match {
	besti, bestj, bestsize := alo, blo, 0
	j2len := map[int]int{}
	for i := alo; i < ahi; i++ {
		newj2len := map[int]int{}
		for _, j := range m.b2j[m.a[i]] {
			if j < blo {
				continue
			}
			if j >= bhi {
				break
			}
			k := j2len[j-1] + 1
			newj2len[j] = k
			if k > bestsize {
				besti, bestj, bestsize = i-k+1, j-k+1, k
			}
		}
		j2len = newj2len
	}
	// No junk without an isjunk function, so only the plain extension of
	// difflib applies (popular lines may extend a match).
	for besti > alo && bestj > blo && m.a[besti-1] == m.b[bestj-1] {
		besti, bestj, bestsize = besti-1, bestj-1, bestsize+1
	}
	for besti+bestsize < ahi && bestj+bestsize < bhi && m.a[besti+bestsize] == m.b[bestj+bestsize] {
		bestsize++
	}
	return match{besti, bestj, bestsize}
}

func (m *matcher) matchingBlocks() []match {
	type span struct{ alo, ahi, blo, bhi int }
	queue := []span{{0, len(m.a), 0, len(m.b)}}
	var blocks []match
	for len(queue) > 0 {
		q := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		x := m.longest(q.alo, q.ahi, q.blo, q.bhi)
		if x.size == 0 {
			continue
		}
		blocks = append(blocks, x)
		if q.alo < x.a && q.blo < x.b {
			queue = append(queue, span{q.alo, x.a, q.blo, x.b})
		}
		if x.a+x.size < q.ahi && x.b+x.size < q.bhi {
			queue = append(queue, span{x.a + x.size, q.ahi, x.b + x.size, q.bhi})
		}
	}
	sort.Slice(blocks, func(i, j int) bool {
		if blocks[i].a != blocks[j].a {
			return blocks[i].a < blocks[j].a
		}
		if blocks[i].b != blocks[j].b {
			return blocks[i].b < blocks[j].b
		}
		return blocks[i].size < blocks[j].size
	})
	var out []match
	var cur match
	for _, x := range blocks {
		if cur.a+cur.size == x.a && cur.b+cur.size == x.b {
			cur.size += x.size
			continue
		}
		if cur.size > 0 {
			out = append(out, cur)
		}
		cur = x
	}
	if cur.size > 0 {
		out = append(out, cur)
	}
	return append(out, match{len(m.a), len(m.b), 0})
}

func opcodes(a, b []string) []opcode {
	var ops []opcode
	i, j := 0, 0
	for _, x := range newMatcher(a, b).matchingBlocks() {
		var tag byte
		switch {
		case i < x.a && j < x.b:
			tag = 'r'
		case i < x.a:
			tag = 'd'
		case j < x.b:
			tag = 'i'
		}
		if tag != 0 {
			ops = append(ops, opcode{tag, i, x.a, j, x.b})
		}
		i, j = x.a+x.size, x.b+x.size
		if x.size > 0 {
			ops = append(ops, opcode{'e', x.a, i, x.b, j})
		}
	}
	return ops
}

// groupedOpcodes is SequenceMatcher.get_grouped_opcodes.
func groupedOpcodes(codes []opcode, n int) [][]opcode {
	if len(codes) == 0 {
		codes = []opcode{{'e', 0, 1, 0, 1}}
	}
	codes = append([]opcode(nil), codes...)
	if c := &codes[0]; c.tag == 'e' {
		c.i1, c.j1 = max(c.i1, c.i2-n), max(c.j1, c.j2-n)
	}
	if c := &codes[len(codes)-1]; c.tag == 'e' {
		c.i2, c.j2 = min(c.i2, c.i1+n), min(c.j2, c.j1+n)
	}
	var groups [][]opcode
	var group []opcode
	for _, c := range codes {
		if c.tag == 'e' && c.i2-c.i1 > 2*n {
			group = append(group, opcode{'e', c.i1, min(c.i2, c.i1+n), c.j1, min(c.j2, c.j1+n)})
			groups = append(groups, group)
			group = nil
			c.i1, c.j1 = max(c.i1, c.i2-n), max(c.j1, c.j2-n)
		}
		group = append(group, c)
	}
	if len(group) > 0 && !(len(group) == 1 && group[0].tag == 'e') {
		groups = append(groups, group)
	}
	return groups
}
