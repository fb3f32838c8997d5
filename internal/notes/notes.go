// Package notes reads and writes the git notes that explain why a commit of
// the old queue was dropped. Notes live in the repository's notes ref
// (core.notesRef or GIT_NOTES_REF, default refs/notes/commits), which git
// resolves itself, so plain `git log` shows the same notes. Writing never
// silently replaces an existing note.
package notes

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// ErrExists is returned by Add when the commit already has a note.
var ErrExists = errors.New("commit already has a note")

// Read returns the notes of the given commits (full ids) that have one.
func Read(ctx context.Context, r *git.Repo, commits []string) (map[string]string, error) {
	want := make(map[string]bool, len(commits))
	for _, c := range commits {
		want[c] = true
	}
	out, err := r.Output(ctx, "notes", "list")
	if err != nil {
		var ge *git.Error
		// No notes ref yet: nothing to read.
		if errors.As(err, &ge) && ge.ExitCode > 0 && strings.Contains(ge.Stderr, "does not exist") {
			return map[string]string{}, nil
		}
		return nil, fmt.Errorf("list notes: %w", err)
	}
	blobOf := map[string]string{}
	var blobs []string
	for _, line := range strings.Split(string(out), "\n") {
		blob, obj, ok := strings.Cut(line, " ")
		if ok && want[obj] {
			blobOf[blob] = obj
			blobs = append(blobs, blob)
		}
	}
	res := map[string]string{}
	if len(blobs) == 0 {
		return res, nil
	}
	contents, err := CatBlobs(ctx, r, blobs)
	if err != nil {
		return nil, err
	}
	for blob, text := range contents {
		res[blobOf[blob]] = text
	}
	return res, nil
}

// CatBlobs reads blobs through one `git cat-file --batch`.
func CatBlobs(ctx context.Context, r *git.Repo, blobs []string) (map[string]string, error) {
	in := strings.Join(blobs, "\n") + "\n"
	out, err := r.OutputInput(ctx, []byte(in), "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	res := map[string]string{}
	br := bufio.NewReader(bytes.NewReader(out))
	for range blobs {
		hdr, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("cat-file: short output")
		}
		f := strings.Fields(hdr)
		if len(f) != 3 {
			continue // "<id> missing"
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("cat-file: bad header %q", hdr)
		}
		buf := make([]byte, n+1)
		if _, err := ioReadFull(br, buf); err != nil {
			return nil, fmt.Errorf("cat-file: %w", err)
		}
		res[f[0]] = string(buf[:n])
	}
	return res, nil
}

func ioReadFull(br *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := br.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Add attaches text as the note of commit, refusing to replace an existing
// note (ErrExists): editing an existing note is the caller's explicit choice.
func Add(ctx context.Context, r *git.Repo, commit, text string) error {
	if err := git.CheckRev(commit); err != nil {
		return err
	}
	_, err := r.Run(ctx, strings.NewReader(text), "notes", "add", "--file=-", "--end-of-options", commit)
	if err != nil {
		var ge *git.Error
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "existing notes") {
			return fmt.Errorf("%s: %w", commit, ErrExists)
		}
		return err
	}
	return nil
}

// Replace overwrites the note of commit with text; callers use it after the
// user edited the existing note, never blindly.
func Replace(ctx context.Context, r *git.Repo, commit, text string) error {
	if err := git.CheckRev(commit); err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		_, err := r.Run(ctx, nil, "notes", "remove", "--ignore-missing", "--end-of-options", commit)
		return err
	}
	_, err := r.Run(ctx, strings.NewReader(text), "notes", "add", "-f", "--file=-", "--end-of-options", commit)
	return err
}
