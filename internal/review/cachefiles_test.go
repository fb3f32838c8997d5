package review

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// A cold review writes its caches into review-rebase in the common git
// dir, under the names cachefiles.go lists, and removes the files earlier
// versions wrote there; a file it does not know is left alone.
func TestCacheDirectory(t *testing.T) {
	fx, err := repos.Build(filepath.Join(t.TempDir(), "repo"), repos.Small())
	if err != nil {
		t.Fatal(err)
	}
	repo := repoOf(fx)
	dir := filepath.Join(fx.Dir, ".git", "review-rebase")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range append(slices.Clone(obsoleteCaches), "mine") {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	o := Options{OldBase: fx.OldBase, OldTip: fx.OldTip, NewBase: fx.NewBase, NewTip: fx.NewTip, ResultCache: true}
	if _, err := Run(t.Context(), repo, o); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		name := e.Name()
		if i := strings.LastIndexByte(name, '-'); i > 0 && len(name)-i-1 == 20 {
			name = name[:i+1] + "*" // a keyed file: prefix and 10 bytes of hash
		}
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"drift-tokens", "driftpair-*", "mine", "patch-ids", "queue-*", "queue-*", "result-*", "signatures", "upstream-*"}
	if !slices.Equal(names, want) {
		t.Errorf("cache directory holds %q, want %q", names, want)
	}
}
