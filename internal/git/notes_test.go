package git_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// edgeRepo builds the edge-case repository and opens it.
func edgeRepo(t *testing.T) (*git.Repo, *repos.Env, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	named, _, err := repos.Edge(env, filepath.Join(dir, "repo"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := git.Open(context.Background(), filepath.Join(dir, "repo"))
	if err != nil {
		t.Fatal(err)
	}
	r.Env = env.Vars
	return r, env, named
}

func TestNotes(t *testing.T) {
	r, _, named := edgeRepo(t)
	ctx := context.Background()
	a, b := named["root"], named["delete"]
	var o git.NoteOptions
	if l, err := r.ListNotes(ctx, o); err != nil || len(l) != 0 {
		t.Fatalf("no notes ref yet: %v %v", l, err)
	}
	if _, err := r.ShowNote(ctx, a, o); !errors.Is(err, git.ErrNoNote) {
		t.Errorf("show without a note: %v", err)
	}
	if err := r.AddNote(ctx, a, "first\n", false, o); err != nil {
		t.Fatal(err)
	}
	err := r.AddNote(ctx, a, "second\n", false, o)
	var ge *git.Error
	if !errors.Is(err, git.ErrNoteExists) || !errors.As(err, &ge) || ge.Args[0] != "notes" {
		t.Errorf("second add: %v", err)
	}
	if err := r.AppendNote(ctx, a, "more\n", o); err != nil {
		t.Fatal(err)
	}
	if got, err := r.ShowNote(ctx, a, o); err != nil || got != "first\n\nmore\n" {
		t.Errorf("after append: %q %v", got, err)
	}
	if err := r.AddNote(ctx, b, "b\n", true, o); err != nil {
		t.Fatal(err)
	}
	l, err := r.ListNotes(ctx, o)
	if err != nil || len(l) != 2 {
		t.Fatalf("list: %v %v", l, err)
	}
	for _, n := range l {
		if n.Object != a && n.Object != b || !git.IsHex(n.Blob) {
			t.Errorf("note %+v", n)
		}
	}
	// Another notes ref holds none of them.
	if l, err := r.ListNotes(ctx, git.NoteOptions{Ref: "refs/notes/other"}); err != nil || len(l) != 0 {
		t.Errorf("other ref: %v %v", l, err)
	}
	if err := r.RemoveNote(ctx, b, false, o); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveNote(ctx, b, false, o); !errors.Is(err, git.ErrNoNote) {
		t.Errorf("remove twice: %v", err)
	}
	if err := r.RemoveNote(ctx, b, true, o); err != nil {
		t.Errorf("remove --ignore-missing: %v", err)
	}
	if err := r.AddNote(ctx, "--help", "x", false, o); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like object: %v", err)
	}
}
