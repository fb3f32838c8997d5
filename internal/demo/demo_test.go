package demo

import (
	"path/filepath"
	"testing"
)

// The generated repository is the same on every machine: tests and golden
// files name its commits.
func TestBuildIsDeterministic(t *testing.T) {
	fx, err := Build(filepath.Join(t.TempDir(), "repo"), Small())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"old base": fx.OldBase, "old tip": fx.OldTip, "new base": fx.NewBase, "new tip": fx.NewTip}
	want := map[string]string{
		"old base": "b8d7ba9b43aa287e841cc062376f253df7b871e8", "old tip": "4db3380c8fbe85235d05a78901b32f258662af07",
		"new base": "30a6a9eda1de7384d16e07f226c82d8e6233246c", "new tip": "bc1829dcde81a6a007eea240f9caef21441d03b5",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s is %s, want %s", k, got[k], w)
		}
	}
	if len(fx.Expected) == 0 || len(fx.Added) == 0 || len(fx.Merges) == 0 {
		t.Errorf("expected %d, added %d, merges %d: every case should be there", len(fx.Expected), len(fx.Added), len(fx.Merges))
	}
	if fx.OldTag == "" || fx.NewTag == "" {
		t.Errorf("tags %q %q", fx.OldTag, fx.NewTag)
	}
}
