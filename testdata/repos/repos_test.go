package repos

import (
	"strings"
	"testing"
)

func TestBuildSmall(t *testing.T) {
	fx, err := Build(t.TempDir()+"/repo", Small())
	if err != nil {
		t.Fatal(err)
	}
	out, err := fx.Env.Git(fx.Dir, "log", "--oneline", "--graph", fx.OldBase+".."+fx.NewTip)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out)
	if n := strings.Count(out, "\n"); n < 30 {
		t.Errorf("too few commits in the new range: %d", n)
	}
	for _, e := range fx.Expected {
		t.Logf("%-22s %-9s up=%v %s -> %.12s", e.Case, e.Status, e.Upstream, e.Old[:12], e.New)
	}
}
