package symtypes

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

func addRealSeeds(f *testing.F, path string, n int) {
	b, err := os.ReadFile(testenv.SharedData(f, path))
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.Split(b, []byte("\n"))
	for i := 0; i+n < len(lines); i += len(lines) / 8 {
		f.Add(bytes.Join(lines[i:i+n], []byte("\n")))
	}
}

// FuzzParse: no input makes the parser, the writer or the CRC engine panic;
// errors are one line; what parses writes out in a form that parses back
// to the same output.
func FuzzParse(f *testing.F) {
	f.Add([]byte(cmpOld))
	f.Add([]byte("s#d@00000001 struct d { UNKNOWN }\ns#d@00000002 struct d { int x ; }\nf int f ( s#d * )\nF#a.symtypes f s#d@00000001\n"))
	f.Add([]byte("s#a struct a { s#a * n ; E#X x [ E#X ] ; }\nE#X 3\ne int e ( s#a )\n\n"))
	addRealSeeds(f, realOld, 6)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error %q is not one line naming the file", err)
			}
			return
		}
		for _, sym := range s.Exports() {
			_, _ = s.CRC(sym)
		}
		var w1, w2 bytes.Buffer
		if _, err := s.WriteTo(&w1); err != nil {
			t.Fatal(err)
		}
		s2, err := Parse(bytes.NewReader(w1.Bytes()), "rewritten")
		if err != nil {
			t.Fatalf("own output does not parse: %v\n%s", err, w1.Bytes())
		}
		if _, err := s2.WriteTo(&w2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("rewrite not stable:\n%s\n---\n%s", w1.Bytes(), w2.Bytes())
		}
		if c, err := Compare(s, s2); err == nil {
			if len(c.Differ) != 0 {
				t.Fatalf("a set differs from its own rewrite: %v", c.Differ)
			}
		}
	})
}

// FuzzCompare: comparing any two parsable inputs neither panics nor
// produces diffs that fail to write.
func FuzzCompare(f *testing.F) {
	f.Add([]byte(cmpOld), []byte(cmpNew))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		old, err1 := Parse(bytes.NewReader(a), "a")
		new, err2 := Parse(bytes.NewReader(b), "b")
		if err1 != nil || err2 != nil {
			return
		}
		c, err := Compare(old, new)
		if err != nil {
			return
		}
		var out bytes.Buffer
		_ = WriteComparison(&out, old, new, c, true, true)
	})
}

func FuzzParseSymbolList(f *testing.F) {
	f.Add([]byte("[m]\n\tkfree\n"))
	f.Add([]byte("0x12345678\tkfree\tvmlinux\tEXPORT_SYMBOL\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseSymbolList(bytes.NewReader(data), "list")
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
	})
}
