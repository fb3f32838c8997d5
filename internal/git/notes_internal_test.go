package git

import (
	"errors"
	"reflect"
	"testing"
)

const (
	hexA = "0123456789abcdef0123456789abcdef01234567"
	hexB = "89abcdef0123456789abcdef0123456789abcdef"
)

func TestParseNotesList(t *testing.T) {
	tests := []struct {
		out  string
		want []Note
		err  bool
	}{
		{"", nil, false},
		{hexA + " " + hexB + "\n", []Note{{Blob: hexA, Object: hexB}}, false},
		{hexA + " " + hexB + "\n" + hexB + " " + hexA + "\n", []Note{{hexA, hexB}, {hexB, hexA}}, false},
		{"garbage\n", nil, true},
		{hexA + " HEAD\n", nil, true},
	}
	for _, tc := range tests {
		got, err := ParseNotesList([]byte(tc.out))
		if (err != nil) != tc.err || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %+v %v", tc.out, got, err)
		}
	}
}

func FuzzParseNotesList(f *testing.F) {
	f.Add([]byte(hexA + " " + hexB + "\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		notes, err := ParseNotesList(out)
		if err != nil {
			return
		}
		for _, n := range notes {
			if !IsHex(n.Blob) || !IsHex(n.Object) {
				t.Errorf("note %+v", n)
			}
		}
	})
}

// The stderr texts are those git 2.39 prints under LC_ALL=C.
func TestClassify(t *testing.T) {
	tests := []struct {
		stderr string
		table  []stderrMatch
		want   error
	}{
		{"error: Cannot add notes. Found existing notes for object " + hexA + ". Use '-f' to overwrite existing notes\n", notesErrors, ErrNoteExists},
		{"error: no note found for object " + hexA + ".\n", notesErrors, ErrNoNote},
		{"Object " + hexA + " has no note\n", notesErrors, ErrNoNote},
		{"fatal: ref refs/notes/x does not exist\n", notesErrors, ErrNoNotesRef},
		{"fatal: prepare: cannot lock ref 'refs/heads/main': reference already exists\n", refErrors, ErrRefExists},
		{"fatal: prepare: cannot lock ref 'refs/heads/main': is at " + hexA + " but expected " + hexB + "\n", refErrors, ErrRefStale},
		{"fatal: cannot lock ref 'refs/heads/nope': unable to resolve reference 'refs/heads/nope'\n", refErrors, ErrRefStale},
		{"fatal: something else\n", notesErrors, nil},
		{"fatal: something else\n", refErrors, nil},
	}
	for _, tc := range tests {
		base := &Error{Program: "git", Args: []string{"x"}, ExitCode: 1, Stderr: tc.stderr}
		err := classify(base, tc.table)
		for _, s := range []error{ErrNoteExists, ErrNoNote, ErrNoNotesRef, ErrRefExists, ErrRefStale} {
			if errors.Is(err, s) != (s == tc.want) {
				t.Errorf("%q: errors.Is(%v) = %v", tc.stderr, s, !(s == tc.want))
			}
		}
		var ge *Error
		if !errors.As(err, &ge) || err.Error() != base.Error() {
			t.Errorf("%q: the git error is lost: %v", tc.stderr, err)
		}
	}
	if classify(nil, notesErrors) != nil {
		t.Error("nil error classified")
	}
	// A program that did not run is not read.
	notRun := &Error{Program: "git", ExitCode: -1, Stderr: "does not exist"}
	if err := classify(notRun, notesErrors); errors.Is(err, ErrNoNotesRef) {
		t.Error("classified a git that did not run")
	}
}
