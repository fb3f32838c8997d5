package spec

import (
	"bytes"
	"os"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(testenv.SharedData(f, kernelSpec)); err == nil {
		f.Add(b)
	}
	for seed := int64(1); seed <= 5; seed++ {
		f.Add([]byte(genSpec(seed, "x86_64").src))
	}
	f.Add([]byte("%define p(a:) %{-a*}\n%global x %{p -a 1}%[1+%{x}]\nName: %{x}\n%if %{?x}\n%endif\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, nil)
		if err == nil {
			if !bytes.Equal(s.Bytes(), data) {
				t.Fatal("round trip differs")
			}
			_, _ = s.Name()
			_, _ = s.Version()
			_, _ = s.Release()
			_, _ = s.Patches()
			_, _ = s.Applied()
			_ = s.Commented()
		}
		res, err := Renumber(data, 1, 7, nil)
		if err == nil {
			if len(res.Out) < len(data) || bytes.Count(res.Out, []byte("\n")) != bytes.Count(data, []byte("\n")) {
				t.Fatal("renumber changed the line structure")
			}
			if len(res.Changes) == 0 && !bytes.Equal(res.Out, data) {
				t.Fatal("renumber changed bytes without reporting a change")
			}
		}
	})
}
