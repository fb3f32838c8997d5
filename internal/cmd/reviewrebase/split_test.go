package reviewrebase

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func splitFixture(t *testing.T, name string) *repos.Fixture {
	t.Helper()
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	fx, err := repos.Split(env, filepath.Join(dir, "repo"), name)
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// show lays a split out as the original against its parts (given joined
// by commas), -p does it once per group under the group's rows, and
// --check accepts a split that carries exactly the original's lines.
func TestShowSplit(t *testing.T) {
	fx := splitFixture(t, repos.SplitThree)
	c := fx.Commits
	parts := c["new:part1"] + "," + c["new:part2"] + "," + git.Short(c["new:part3"])
	r := runIn(t, fx, fx.Dir, "show", "--width=160", c["old:feature"], parts)
	if r.code != 0 {
		t.Fatalf("show: exit %d %s", r.code, r.stderr)
	}
	golden(t, "show-160.txt", r.stdout)
	for _, part := range []string{"new:part1", "new:part2", "new:part3"} {
		if !strings.Contains(r.stdout, c[part]) {
			t.Errorf("show does not hold %s", part)
		}
	}
	ranges := []string{fx.OldBase + ".." + fx.OldTip, fx.NewBase + ".." + fx.NewTip}
	p := runIn(t, fx, fx.Dir, append([]string{"--format=text", "-p", "--width=160"}, ranges...)...)
	if p.code != 0 {
		t.Fatalf("-p: exit %d %s", p.code, p.stderr)
	}
	if n := strings.Count(p.stdout, c["old:feature"]); n != 1 {
		t.Errorf("-p shows the split %d times, want once:\n%s", n, p.stdout)
	}
	if !strings.Contains(p.stdout, r.stdout) {
		t.Errorf("-p does not hold the group's side-by-side:\n%s", p.stdout)
	}
	if k := runIn(t, fx, fx.Dir, append([]string{"--check"}, ranges...)...); k.code != 0 {
		t.Errorf("--check on an exact split: exit %d\n%s", k.code, k.stdout)
	}
	for _, bad := range [][]string{
		{"show", c["old:feature"], c["new:part1"] + ",-x"},
	} {
		if r := runIn(t, fx, fx.Dir, bad...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, r.code)
		}
	}
	if r := runIn(t, fx, fx.Dir, "show", c["old:feature"], c["new:part1"]+",nosuchrev"); r.code == 0 || !strings.Contains(r.stderr, "nosuchrev") {
		t.Errorf("show with an unknown part: exit %d %q", r.code, r.stderr)
	}
}
