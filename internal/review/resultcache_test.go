package review

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// A cached result is the result: every row, commit and statistic but the
// patch-id counts, and the commits of a split or squash still shared by
// its rows (Sides dedupes them by identity). The notes are read again: a
// note added or removed after the result was cached shows, or does not.
func TestResultCacheRoundTrip(t *testing.T) {
	for _, name := range []string{repos.SplitThree, repos.SquashTwo, repos.FixupFolded} {
		t.Run(name, func(t *testing.T) {
			fx, repo := splitFixture(t, name)
			env, dir := fx.Env, t.TempDir()
			o := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip, ResultCache: true}
			run := func() *Result {
				t.Helper()
				res, err := Run(t.Context(), repo, o)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			cold := run()
			if cached := cacheHit(cold); cached {
				t.Fatal("the first run came from the cache")
			}
			// A note on an old commit, written after the result was cached.
			var noted string
			for _, r := range cold.Rows {
				if r.Old != nil {
					noted = r.Old.SHA
					break
				}
			}
			if _, err := env.Git(fx.Dir, "notes", "add", "-m", "kept for the record", noted); err != nil {
				t.Fatal(err)
			}
			warm := run()
			if !cacheHit(warm) {
				t.Fatalf("the second run did not use the cache: %q", warm.Details)
			}
			if warm.Between != nil || warm.Stats.PatchIDsComputed != 0 ||
				warm.Stats.PatchIDsCached != cold.Stats.PatchIDsComputed+cold.Stats.PatchIDsCached {
				t.Errorf("stats %+v after %+v, Between %d", warm.Stats, cold.Stats, len(warm.Between))
			}
			if len(warm.Rows) != len(cold.Rows) {
				t.Fatalf("%d rows, want %d", len(warm.Rows), len(cold.Rows))
			}
			notes := 0
			for i := range warm.Rows {
				w, c := warm.Rows[i], cold.Rows[i]
				if w.Old != nil && w.Old.SHA == noted {
					if w.Note != "kept for the record\n" && w.Note != "kept for the record" {
						t.Errorf("row %d: note %q", i, w.Note)
					}
					notes++
					w.Note = c.Note
				}
				if !reflect.DeepEqual(w, c) {
					t.Errorf("row %d:\n%+v\nwant\n%+v", i, w, c)
				}
				wo, wn := warm.Sides(&warm.Rows[i])
				co, cn := cold.Sides(&cold.Rows[i])
				if len(wo) != len(co) || len(wn) != len(cn) {
					t.Errorf("row %d: sides %d/%d, want %d/%d", i, len(wo), len(wn), len(co), len(cn))
				}
			}
			if notes == 0 {
				t.Error("the noted commit has no row")
			}
			// The note's text went into the result: the next run reads
			// no note blob, only the notes list.
			trace := filepath.Join(dir, "trace")
			traced := *repo
			traced.Env = append(append([]string{}, repo.Env...), "GIT_TRACE="+trace)
			if _, err := Run(t.Context(), &traced, o); err != nil {
				t.Fatal(err)
			}
			if data, err := os.ReadFile(trace); err != nil || !strings.Contains(string(data), "notes list") || strings.Contains(string(data), "cat-file") {
				t.Errorf("a run with every note known asked git:\n%s%v", data, err)
			}
			// A changed note is a new blob: read, and shown.
			if _, err := env.Git(fx.Dir, "notes", "add", "-f", "-m", "changed", noted); err != nil {
				t.Fatal(err)
			}
			for _, r := range run().Rows {
				if r.Old != nil && r.Old.SHA == noted && strings.TrimSpace(r.Note) != "changed" {
					t.Errorf("changed note shows as %q", r.Note)
				}
			}
			// Removed again: the cached result carries no note of its own.
			if _, err := env.Git(fx.Dir, "notes", "remove", noted); err != nil {
				t.Fatal(err)
			}
			for _, r := range run().Rows {
				if r.Note != "" {
					t.Errorf("note %q left on %s", r.Note, r.Old.SHA)
				}
			}
		})
	}
}

// A damaged or foreign result file is a miss, never a wrong answer; other
// options are another review; a run without ResultCache neither reads nor
// writes one.
func TestResultCacheMisses(t *testing.T) {
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	repo := repoOf(fx)
	o := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip}
	run := func(o Options) *Result {
		t.Helper()
		res, err := Run(t.Context(), repo, o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	results := func() []string {
		files, _ := filepath.Glob(filepath.Join(fx.Dir, ".git", "review-rebase", "result-*"))
		return files
	}
	run(o)
	if len(results()) != 0 {
		t.Fatal("a run without ResultCache wrote a result")
	}
	o.ResultCache = true
	cold := run(o)
	files := results()
	if len(files) != 1 {
		t.Fatalf("results %v", files)
	}
	if cacheHit(run(Options{OldBase: o.OldBase, OldTip: o.OldTip, NewBase: o.NewBase, NewTip: o.NewTip})) {
		t.Error("a run without ResultCache read a result")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"flipped":   append(append(append([]byte{}, data[:len(data)/2]...), data[len(data)/2]^1), data[len(data)/2+1:]...),
		"truncated": data[:len(data)-5],
		"empty":     nil,
	} {
		if err := os.WriteFile(files[0], bad, 0o644); err != nil {
			t.Fatal(err)
		}
		res := run(o)
		if cacheHit(res) || !reflect.DeepEqual(res.Rows, cold.Rows) {
			t.Errorf("%s: hit %v", name, cacheHit(res))
		}
	}
	if !cacheHit(run(o)) {
		t.Error("the damaged result was not written again")
	}
	other := o
	other.NoSimilar = true
	if cacheHit(run(other)) {
		t.Error("--no-similar took the result of a review with the similar tier")
	}
	if !cacheHit(run(other)) {
		t.Error("--no-similar's own result was not kept")
	}
	if len(results()) != 2 {
		t.Errorf("results %v", results())
	}
}

func cacheHit(res *Result) bool {
	for _, d := range res.Details {
		if strings.HasPrefix(d, "review: the result of an earlier run") {
			return true
		}
	}
	return false
}
