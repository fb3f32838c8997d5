package pahole

import (
	"bufio"
	"io"
	"strings"
)

// ParseSizes reads the output of pahole --sizes: one "name<TAB>size<TAB>
// holes" line per type. Lines of another shape are skipped.
func ParseSizes(r io.Reader) map[string]int {
	res := map[string]int{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 2 {
			continue
		}
		if v, err := number(f[1]); err == nil {
			if _, dup := res[f[0]]; !dup {
				res[f[0]] = v
			}
		}
	}
	return res
}
