package review

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", t.Name(), name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

// splitReview builds one of the split fixtures and reviews it.
func splitReview(t *testing.T, name string) (*repos.Fixture, *Result) {
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
	repo := &git.Repo{Dir: fx.Dir, GitDir: filepath.Join(fx.Dir, ".git"), CommonDir: filepath.Join(fx.Dir, ".git"), Env: fx.Env.Vars}
	res, err := Run(t.Context(), repo, Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	return fx, res
}

// Each fixture's rows, as "status old new" with the fixture's names, and
// the JSON golden.
func TestSplitAndSquash(t *testing.T) {
	want := map[string][]string{
		repos.SplitTwo:     {"patch-id old:quirk new:quirk", "split#1 old:feature new:part1", "split#1 old:feature new:part2"},
		repos.SplitThree:   {"patch-id old:quirk new:quirk", "split#1 old:feature new:part1", "split#1 old:feature new:part2", "split#1 old:feature new:part3"},
		repos.SquashTwo:    {"patch-id old:quirk new:quirk", "squashed#1 old:part1 new:squashed", "squashed#1 old:part2 new:squashed", "added - new:added", "dropped old:dropped -"},
		repos.FixupFolded:  {"patch-id old:quirk new:quirk", "squashed#1 old:target new:target", "patch-id old:between new:between", "squashed#1 old:fixup new:target"},
		repos.ReorderSplit: {"patch-id old:quirk new:quirk", "split#1 old:moved new:part1", "split#1 old:moved new:part2", "patch-id old:other new:other"},
	}
	for _, name := range repos.SplitCases {
		t.Run(name, func(t *testing.T) {
			fx, res := splitReview(t, name)
			names := map[string]string{}
			for n, sha := range fx.Commits {
				names[sha] = n
			}
			side := func(c *Commit) string {
				if c == nil {
					return "-"
				}
				return names[c.SHA]
			}
			var got []string
			for _, r := range res.Rows {
				st := string(r.Status)
				if r.Group > 0 {
					st += "#" + string(rune('0'+r.Group))
				}
				got = append(got, st+" "+side(r.Old)+" "+side(r.New))
			}
			if strings.Join(got, "\n") != strings.Join(want[name], "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want[name], "\n"))
			}
			var b bytes.Buffer
			if err := WriteJSON(&b, res); err != nil {
				t.Fatal(err)
			}
			golden(t, "review.json", b.String())
			b.Reset()
			if err := WriteText(&b, res, false); err != nil {
				t.Fatal(err)
			}
			golden(t, "review.txt", b.String())
		})
	}
}
