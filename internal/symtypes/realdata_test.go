package symtypes

import (
	"bytes"
	"os"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

// The shared real data: consolidated Symtypes of two 4.19 vendor kernels.
// Their paths in the shared data.
const (
	realOld = "kabi/Modules.kabi-4.19.19"
	realNew = "kabi/Modules.kabi-4.19.325"
)

func readReal(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.SharedData(t, path))
	if err != nil {
		t.Fatalf("real data: %v", err)
	}
	return b
}

func parseReal(t testing.TB, path string) *Set {
	t.Helper()
	s, err := Parse(bytes.NewReader(readReal(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTripRealFiles(t *testing.T) {
	for _, path := range []string{realOld, realNew} {
		in := readReal(t, path)
		s := parseReal(t, path)
		var out bytes.Buffer
		if _, err := s.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(in, out.Bytes()) {
			a, b := bytes.Split(in, []byte("\n")), bytes.Split(out.Bytes(), []byte("\n"))
			for i := 0; i < len(a) && i < len(b); i++ {
				if !bytes.Equal(a[i], b[i]) {
					t.Fatalf("%s: line %d differs:\n in: %.200s\nout: %.200s", path, i+1, a[i], b[i])
				}
			}
			t.Fatalf("%s: %d lines in, %d out", path, len(a), len(b))
		}
	}
}

func TestReportRealFiles(t *testing.T) {
	for _, path := range []string{realOld, realNew} {
		s := parseReal(t, path)
		rep, err := s.Report()
		if err != nil {
			t.Fatal(err)
		}
		if len(rep) < 1000 {
			t.Errorf("%s: only %d exports", path, len(rep))
		}
	}
}
