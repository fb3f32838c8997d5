package myers

import (
	"math/rand"
	"testing"
)

// apply replays an edit script on a and must give b; and the number of
// matched elements must equal the LCS length (computed by DP): the script
// is then a shortest one.
func checkScript(t *testing.T, a, b []uint64) {
	t.Helper()
	es := Diff(a, b, 1000)
	var got []uint64
	ia, ib, eq := 0, 0, 0
	for _, e := range es {
		switch e.Op {
		case '=':
			if e.A != ia || e.B != ib || a[e.A] != b[e.B] {
				t.Fatalf("bad '=' %+v at %d,%d", e, ia, ib)
			}
			got = append(got, a[e.A])
			ia, ib, eq = ia+1, ib+1, eq+1
		case '-':
			if e.A != ia {
				t.Fatalf("bad '-' %+v at %d", e, ia)
			}
			ia++
		case '+':
			if e.B != ib {
				t.Fatalf("bad '+' %+v at %d", e, ib)
			}
			got = append(got, b[e.B])
			ib++
		}
	}
	if ia != len(a) || ib != len(b) || len(got) != len(b) {
		t.Fatalf("script covers %d/%d and %d/%d", ia, len(a), ib, len(b))
	}
	for i := range got {
		if got[i] != b[i] {
			t.Fatalf("replay differs at %d", i)
		}
	}
	if l := lcs(a, b); eq != l {
		t.Fatalf("script keeps %d, LCS is %d", eq, l)
	}
}

func lcs(a, b []uint64) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] > cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestDiffIsShortest(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 500; i++ {
		a := make([]uint64, r.Intn(40))
		for j := range a {
			a[j] = uint64(r.Intn(5))
		}
		b := append([]uint64(nil), a...)
		for e := r.Intn(8); e > 0; e-- {
			switch p := r.Intn(len(b) + 1); r.Intn(3) {
			case 0:
				b = append(b[:p], append([]uint64{uint64(r.Intn(5))}, b[p:]...)...)
			case 1:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			default:
				if p < len(b) {
					b[p] = uint64(r.Intn(5))
				}
			}
		}
		checkScript(t, a, b)
	}
	checkScript(t, nil, []uint64{1, 2})
	checkScript(t, []uint64{1, 2}, nil)
}
