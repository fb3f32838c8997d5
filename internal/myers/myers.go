// Package myers computes shortest edit scripts between two sequences with
// Myers' O(ND) greedy algorithm. It is the one diff of the pure packages:
// sbs aligns the two sides of a patch with it, spec merges specs three ways.
package myers

// Edit is one step of an edit script from a to b.
type Edit struct {
	Op   byte // '=', '-', '+'
	A, B int  // indices in a (for '=' and '-') and b (for '=' and '+')
}

// Diff returns a shortest edit script from a to b. The common prefix and
// suffix cost nothing and are most of what rebased patches and spec
// revisions share. maxD bounds the work on hopelessly different inputs:
// beyond it the rest is reported as one replacement, which is what a
// reader sees anyway; the trace keeps only the live diagonals of each
// step, O(maxD^2) ints at most.
func Diff[T comparable](a, b []T, maxD int) []Edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	mid := greedy(a[pre:len(a)-suf], b[pre:len(b)-suf], maxD)
	out := make([]Edit, 0, pre+len(mid)+suf)
	for i := 0; i < pre; i++ {
		out = append(out, Edit{'=', i, i})
	}
	for _, e := range mid {
		out = append(out, Edit{e.Op, e.A + pre, e.B + pre})
	}
	for i := 0; i < suf; i++ {
		out = append(out, Edit{'=', len(a) - suf + i, len(b) - suf + i})
	}
	return out
}

func replaceAll(n, m int) []Edit {
	out := make([]Edit, 0, n+m)
	for i := 0; i < n; i++ {
		out = append(out, Edit{'-', i, 0})
	}
	for j := 0; j < m; j++ {
		out = append(out, Edit{'+', n, j})
	}
	return out
}

func greedy[T comparable](a, b []T, maxD int) []Edit {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(n, m)
	}
	limit := min(n+m, maxD)
	off := limit + 1
	v := make([]int, 2*limit+3)
	// trace[d] holds v[off-d .. off+d] as it was before step d.
	var trace [][]int
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
	var rev []Edit
	x, y := n, m
	for d := dEnd; d > 0; d-- {
		k := x - y
		var pk int
		// The step that reached diagonal k at d came from k+1 (an
		// insertion) or k-1 (a deletion), decided as the forward pass did
		// with the values before step d, i.e. those after step d-1.
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
			rev = append(rev, Edit{'=', x, y})
		}
		if x == px {
			y--
			rev = append(rev, Edit{'+', x, y})
		} else {
			x--
			rev = append(rev, Edit{'-', x, y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, Edit{'=', x, y})
	}
	out := make([]Edit, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}
