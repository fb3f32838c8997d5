package notes_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/notes"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func TestNotes(t *testing.T) {
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	named, _, err := repos.Edge(env, filepath.Join(dir, "repo"))
	if err != nil {
		t.Fatal(err)
	}
	r := &git.Repo{Dir: filepath.Join(dir, "repo"), Env: env.Vars}
	ctx := context.Background()
	a, b := named["root"], named["delete"]
	got, err := notes.Read(ctx, r, []string{a, b})
	if err != nil || len(got) != 0 {
		t.Fatalf("no notes ref yet: %v %v", got, err)
	}
	if err := notes.Add(ctx, r, a, "Dropped: upstream.\n"); err != nil {
		t.Fatal(err)
	}
	// Never silently overwritten.
	if err := notes.Add(ctx, r, a, "other\n"); !errors.Is(err, notes.ErrExists) {
		t.Fatalf("second Add: %v", err)
	}
	got, err = notes.Read(ctx, r, []string{a, b})
	if err != nil || got[a] != "Dropped: upstream.\n" || len(got) != 1 {
		t.Fatalf("read back %q, %v", got, err)
	}
	// The same text on two commits is one blob: both have their note.
	if err := notes.Add(ctx, r, b, "Dropped: upstream.\n"); err != nil {
		t.Fatal(err)
	}
	got, err = notes.Read(ctx, r, []string{a, b})
	if err != nil || got[a] != "Dropped: upstream.\n" || got[b] != got[a] {
		t.Fatalf("two notes of one text: %q, %v", got, err)
	}
	// Known texts are taken by blob id, not read; the others are read.
	list, err := notes.List(ctx, r)
	if err != nil || len(list) != 2 || list[0].Blob != list[1].Blob {
		t.Fatalf("list %+v %v", list, err)
	}
	got, err = notes.ReadListed(ctx, r, list, []string{a, b}, map[string]string{list[0].Blob: "kept\n"})
	if err != nil || got[a] != "kept\n" || got[b] != "kept\n" {
		t.Errorf("with the text known: %q %v", got, err)
	}
	got, err = notes.ReadListed(ctx, r, list, []string{b}, map[string]string{"0123456789012345678901234567890123456789": "other\n"})
	if err != nil || len(got) != 1 || got[b] != "Dropped: upstream.\n" {
		t.Errorf("with other texts known: %q %v", got, err)
	}
	// The notes ref is git's: core.notesRef moves reading elsewhere.
	if _, err := env.Git(r.Dir, "config", "core.notesRef", "refs/notes/review"); err != nil {
		t.Fatal(err)
	}
	if got, _ := notes.Read(ctx, r, []string{a}); len(got) != 0 {
		t.Errorf("core.notesRef ignored: %q", got)
	}
	if err := notes.Replace(ctx, r, a, "edited\n"); err != nil {
		t.Fatal(err)
	}
	if got, _ := notes.Read(ctx, r, []string{a}); got[a] != "edited\n" {
		t.Errorf("after Replace: %q", got)
	}
	if err := notes.Add(ctx, r, "--help", "x"); err == nil {
		t.Error("option-like revision accepted")
	}
}
