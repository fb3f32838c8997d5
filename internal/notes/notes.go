// Package notes reads and writes the git notes that explain why a commit of
// the old queue was dropped. Notes live in the repository's notes ref
// (core.notesRef or GIT_NOTES_REF, default refs/notes/commits), which git
// resolves itself, so plain `git log` shows the same notes. Writing never
// silently replaces an existing note.
package notes

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// ErrExists is returned by Add when the commit already has a note (git
// answered git.ErrNoteExists).
var ErrExists = errors.New("commit already has a note")

// Read returns the notes of the given commits (full ids) that have one.
func Read(ctx context.Context, r *git.Repo, commits []string) (map[string]string, error) {
	list, err := List(ctx, r)
	if err != nil {
		return nil, err
	}
	return ReadListed(ctx, r, list, commits, nil)
}

// List lists every note of the notes ref. It needs no commit ids, so a
// caller may start it before it knows which commits it wants, and hand
// the list to ReadListed once it does.
func List(ctx context.Context, r *git.Repo) ([]git.Note, error) {
	list, err := r.ListNotes(ctx, git.NoteOptions{})
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	return list, nil
}

// ReadListed returns the notes of the given commits (full ids) that have
// one in list (from List). The text of a note whose blob id is in known
// (blob id -> text) is taken from there: a blob id names its content, so
// a caller may keep texts from run to run and never hold a stale one.
func ReadListed(ctx context.Context, r *git.Repo, list []git.Note, commits []string, known map[string]string) (map[string]string, error) {
	want := make(map[string]bool, len(commits))
	for _, c := range commits {
		want[c] = true
	}
	res := map[string]string{}
	// Notes with the same text share their blob: each blob is read once,
	// for every commit it annotates.
	of := map[string][]string{}
	var blobs []string
	for _, n := range list {
		if !want[n.Object] {
			continue
		}
		if text, ok := known[n.Blob]; ok {
			res[n.Object] = text
			continue
		}
		if of[n.Blob] == nil {
			blobs = append(blobs, n.Blob)
		}
		of[n.Blob] = append(of[n.Blob], n.Object)
	}
	if len(blobs) == 0 {
		return res, nil
	}
	contents, err := CatBlobs(ctx, r, blobs)
	if err != nil {
		return nil, err
	}
	for blob, text := range contents {
		for _, c := range of[blob] {
			res[c] = text
		}
	}
	return res, nil
}

// CatBlobs reads blobs (full ids) through one git.Repo.ReadObjects; the
// result maps each blob found to its contents.
func CatBlobs(ctx context.Context, r *git.Repo, blobs []string) (map[string]string, error) {
	res := map[string]string{}
	err := r.ReadObjects(ctx, blobs, git.ObjectOptions{}, func(o git.Object) error {
		if !o.Missing {
			res[o.OID] = string(o.Data)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Add attaches text as the note of commit, refusing to replace an existing
// note (ErrExists): editing an existing note is the caller's explicit choice.
func Add(ctx context.Context, r *git.Repo, commit, text string) error {
	if err := r.AddNote(ctx, commit, text, false, git.NoteOptions{}); err != nil {
		if errors.Is(err, git.ErrNoteExists) {
			return fmt.Errorf("%s: %w", commit, ErrExists)
		}
		return err
	}
	return nil
}

// Replace overwrites the note of commit with text; callers use it after the
// user edited the existing note, never blindly.
func Replace(ctx context.Context, r *git.Repo, commit, text string) error {
	if strings.TrimSpace(text) == "" {
		return r.RemoveNote(ctx, commit, true, git.NoteOptions{})
	}
	return r.AddNote(ctx, commit, text, true, git.NoteOptions{})
}
