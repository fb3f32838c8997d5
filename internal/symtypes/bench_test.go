package symtypes

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkCompareReal measures what `git kabi compare` does on the two
// shared kernels: parse both files, compare, write the diffs. The reference
// Python tool takes about 10 s (16 s on the development machine) for this.
func BenchmarkCompareReal(b *testing.B) {
	oldData, newData := readReal(b, realOld), readReal(b, realNew)
	b.ResetTimer()
	for b.Loop() {
		compareReal(b, oldData, newData)
	}
}

// compareReal is one run of git kabi compare on the contents of realOld
// and realNew: parse both, compare, write the report (discarded).
func compareReal(b *testing.B, oldData, newData []byte) (o, n *Set, c *Comparison) {
	b.Helper()
	o, err := Parse(bytes.NewReader(oldData), realOld)
	if err != nil {
		b.Fatal(err)
	}
	n, err = Parse(bytes.NewReader(newData), realNew)
	if err != nil {
		b.Fatal(err)
	}
	c, err = Compare(o, n)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteComparison(io.Discard, o, n, c, true, true); err != nil {
		b.Fatal(err)
	}
	return o, n, c
}
