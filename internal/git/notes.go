package git

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Errors of the notes methods, recognised from git's answer.
var (
	// ErrNoteExists: the object already has a note and the call does not
	// replace it.
	ErrNoteExists = errors.New("object already has a note")
	// ErrNoNote: the object has no note.
	ErrNoNote = errors.New("object has no note")
	// ErrNoNotesRef: the notes ref cannot be read at all.
	ErrNoNotesRef = errors.New("notes ref does not exist")
)

// notesErrors are what builtin/notes.c says, for the sentinels above.
var notesErrors = []stderrMatch{
	{"Found existing notes for object", ErrNoteExists}, // add, copy
	{"Cannot add notes. Found existing notes", ErrNoteExists},
	{"no note found for object", ErrNoNote}, // show, list <object>, edit
	{"has no note", ErrNoNote},              // remove
	{"does not exist", ErrNoNotesRef},       // an unreadable notes ref
}

// Note is one entry of `git notes list`: the note's blob and the object it
// annotates.
type Note struct {
	Blob, Object string
}

// NoteOptions tune the notes methods.
type NoteOptions struct {
	// Ref is the notes ref (--ref); empty means git's own choice:
	// GIT_NOTES_REF, core.notesRef, refs/notes/commits.
	Ref string
}

func (o NoteOptions) args(sub ...string) []string {
	args := []string{"notes"}
	if o.Ref != "" {
		args = append(args, "--ref="+o.Ref)
	}
	return append(args, sub...)
}

// ListNotes lists every note of the notes ref; none when the ref does not
// exist yet.
func (r *Repo) ListNotes(ctx context.Context, o NoteOptions) ([]Note, error) {
	out, err := r.output(ctx, o.args("list")...)
	if err != nil {
		err = classify(err, notesErrors)
		if errors.Is(err, ErrNoNotesRef) {
			return nil, nil
		}
		return nil, err
	}
	return ParseNotesList(out)
}

// ParseNotesList reads `git notes list`: one "<note blob> <object>" line
// per note (builtin/notes.c, list_each_note).
func ParseNotesList(out []byte) ([]Note, error) {
	var notes []Note
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" {
			continue
		}
		blob, obj, ok := strings.Cut(line, " ")
		if !ok || !IsHex(blob) || !IsHex(obj) {
			return nil, fmt.Errorf("git notes list: unexpected line %q", line)
		}
		notes = append(notes, Note{Blob: blob, Object: obj})
	}
	return notes, nil
}

// ShowNote returns the note of object, or ErrNoNote.
func (r *Repo) ShowNote(ctx context.Context, object string, o NoteOptions) (string, error) {
	if err := CheckRev(object); err != nil {
		return "", err
	}
	out, err := r.output(ctx, o.args("show", "--end-of-options", object)...)
	if err != nil {
		return "", classify(err, notesErrors)
	}
	return string(out), nil
}

// AddNote attaches text as the note of object. It never replaces an
// existing note (ErrNoteExists) unless force is set.
func (r *Repo) AddNote(ctx context.Context, object, text string, force bool, o NoteOptions) error {
	if err := CheckRev(object); err != nil {
		return err
	}
	sub := []string{"add"}
	if force {
		sub = append(sub, "-f")
	}
	_, err := r.run(ctx, strings.NewReader(text), o.args(append(sub, "--file=-", "--end-of-options", object)...)...)
	return classify(err, notesErrors)
}

// AppendNote adds text to the note of object as a new paragraph, creating
// the note when there is none.
func (r *Repo) AppendNote(ctx context.Context, object, text string, o NoteOptions) error {
	if err := CheckRev(object); err != nil {
		return err
	}
	_, err := r.run(ctx, strings.NewReader(text), o.args("append", "--file=-", "--end-of-options", object)...)
	return classify(err, notesErrors)
}

// RemoveNote removes the note of object; without one it fails with
// ErrNoNote unless ignoreMissing is set.
func (r *Repo) RemoveNote(ctx context.Context, object string, ignoreMissing bool, o NoteOptions) error {
	if err := CheckRev(object); err != nil {
		return err
	}
	sub := []string{"remove"}
	if ignoreMissing {
		sub = append(sub, "--ignore-missing")
	}
	_, err := r.run(ctx, nil, o.args(append(sub, "--end-of-options", object)...)...)
	return classify(err, notesErrors)
}
