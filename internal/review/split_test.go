package review

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", t.Name(), name), []byte(got), *update)
}

// splitFixture builds one of the split fixtures, and the Repo to review
// it in.
func splitFixture(t *testing.T, name string) (*repos.Fixture, *git.Repo) {
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
	return fx, repoOf(fx)
}

// splitReview builds one of the split fixtures and reviews it.
func splitReview(t *testing.T, name string) (*repos.Fixture, *Result) {
	t.Helper()
	fx, repo := splitFixture(t, name)
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

// --check asks once per split or squash, accepts an explanation in any new
// commit of the group, and nothing of a group carrying exactly the lines.
func TestCheckGroups(t *testing.T) {
	c := commits("a", "orig", "part 1", "part 2", "old 1", "old 2", "combined", "exact", "exact 1", "exact 2")
	res := &Result{Rows: []Row{
		{Status: StatusSplit, Old: c[0], New: c[1], Group: 1, Similarity: 0.95},
		{Status: StatusSplit, Old: c[0], New: c[2], Group: 1, Similarity: 0.95},
		{Status: StatusSquashed, Old: c[3], New: c[5], Group: 2, Similarity: 0.9},
		{Status: StatusSquashed, Old: c[4], New: c[5], Group: 2, Similarity: 0.9, Explained: true},
		{Status: StatusSplit, Old: c[6], New: c[7], Group: 3, Similarity: 1},
		{Status: StatusSplit, Old: c[6], New: c[8], Group: 3, Similarity: 1},
	}}
	got := Check(res)
	if len(got) != 1 || got[0].Row != &res.Rows[0] || got[0].Kind != ProblemChangedWithoutExplanation {
		t.Fatalf("offenders %+v, want the first row of group 1", got)
	}
	if !strings.Contains(got[0].Reason, "split") {
		t.Errorf("reason %q does not say split", got[0].Reason)
	}
	olds, news := res.Sides(&res.Rows[3])
	if len(olds) != 2 || olds[0] != c[3] || len(news) != 1 || news[0] != c[5] {
		t.Errorf("sides of the squash: %v %v", olds, news)
	}
	olds, news = res.Sides(&res.Rows[1])
	if len(olds) != 1 || len(news) != 2 || news[0] != c[1] || news[1] != c[2] {
		t.Errorf("sides of the split: %v %v", olds, news)
	}
	if m := Mark(&res.Rows[0]) + Mark(&res.Rows[2]); m != "{}" {
		t.Errorf("marks %q", m)
	}
	if s := SummaryLine(res); !strings.Contains(s, "4 split, 2 squashed") || !strings.Contains(s, "0 title") {
		t.Errorf("summary %q", s)
	}
}

// The fit: parts within the whole, the whole covered; a fix-up's removed
// line cancels the line its target added.
func TestFitParts(t *testing.T) {
	whole := sig("+a_line_1();", "+a_line_2();", "+b_line_1();", "+b_line_2();")
	for _, c := range []struct {
		name  string
		parts []signature
		fits  bool
	}{
		{"split", []signature{sig("+a_line_1();", "+a_line_2();"), sig("+b_line_1();", "+b_line_2();")}, true},
		{"half missing", []signature{sig("+a_line_1();", "+a_line_2();"), sig("+c_line_1();", "+c_line_2();")}, false},
		{"fixup", []signature{sig("+a_line_1();", "+a_line_2();", "+b_line_1();", "+b_line_X();"), sig("-b_line_X();", "+b_line_2();")}, true},
		{"duplicate part", []signature{sig("+a_line_1();", "+a_line_2();", "+b_line_1();", "+b_line_2();"), sig("+a_line_1();", "+a_line_2();")}, false},
	} {
		f := fitParts(whole, c.parts)
		if got := f.fits(tuning{part: 0.9, whole: 0.9, slack: true}); got != c.fits {
			t.Errorf("%s: fits %v, want %v (%+v)", c.name, got, c.fits, f)
		}
	}
}
