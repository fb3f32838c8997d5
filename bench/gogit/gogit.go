package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The go-git engine: each operation answers what the git engine does, on a
// repository the caller opened (every run for the cold column, as a tool
// that is one process per command would; once for the warm column).

func (b *bench) gogitResolve(r *git.Repository) (string, error) {
	h, err := r.ResolveRevision(plumbing.Revision(b.newTag))
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func commitSummary(c *object.Commit, msgBytes int) string {
	return fmt.Sprintf("%s %d parents, %s <%s> %d, %d message bytes",
		c.Hash, c.NumParents(), c.Author.Name, c.Author.Email, c.Author.When.Unix(), msgBytes)
}

func (b *bench) gogitCommit(r *git.Repository) (string, error) {
	c, err := r.CommitObject(plumbing.NewHash(b.oneCommit))
	if err != nil {
		return "", err
	}
	return commitSummary(c, len(c.Message)), nil
}

// gogitQueueLog walks oldQueue ^oldTag: a pre-order walk from the queue's
// tip that stops at the base commit (exact for a queue based on its tag).
func (b *bench) gogitQueueLog(r *git.Repository) (string, error) {
	tip, err := r.ResolveRevision(plumbing.Revision(b.oldQueue))
	if err != nil {
		return "", err
	}
	base, err := r.ResolveRevision(plumbing.Revision(b.oldTag))
	if err != nil {
		return "", err
	}
	c, err := r.CommitObject(*tip)
	if err != nil {
		return "", err
	}
	n, msgBytes := 0, 0
	err = object.NewCommitPreorderIter(c, nil, []plumbing.Hash{*base}).ForEach(func(c *object.Commit) error {
		n++
		msgBytes += len(c.Message)
		return nil
	})
	return fmt.Sprintf("%d commits, %d message bytes", n, msgBytes), err
}

// gogitNotes reads the notes ref's tree (any fan-out) and the note blobs of
// the wanted commits.
func (b *bench) gogitNotes(r *git.Repository) (string, error) {
	ref, err := r.Reference("refs/notes/commits", true)
	if err != nil {
		return "", err
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		return "", err
	}
	t, err := c.Tree()
	if err != nil {
		return "", err
	}
	notes := map[string]plumbing.Hash{}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		if e.Mode != filemode.Dir {
			notes[strings.ReplaceAll(name, "/", "")] = e.Hash
		}
	}
	n, size := 0, int64(0)
	for _, want := range b.queueCommits {
		h, ok := notes[want]
		if !ok {
			continue
		}
		s, err := readBlob(r, h)
		if err != nil {
			return "", err
		}
		n++
		size += s
	}
	return fmt.Sprintf("%d notes, %d bytes", n, size), nil
}

func readBlob(r *git.Repository, h plumbing.Hash) (int64, error) {
	blob, err := r.BlobObject(h)
	if err != nil {
		return 0, fmt.Errorf("blob %s: %w", h, err)
	}
	rd, err := blob.Reader()
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	return io.Copy(io.Discard, rd)
}

func (b *bench) gogitBlobs(r *git.Repository) (string, error) {
	var total int64
	for _, id := range b.blobs {
		s, err := readBlob(r, plumbing.NewHash(id))
		if err != nil {
			return "", err
		}
		total += s
	}
	return fmt.Sprintf("%d blobs, %d bytes", len(b.blobs), total), nil
}

func listTree(r *git.Repository, rev string) (int, error) {
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return 0, err
	}
	c, err := r.CommitObject(*h)
	if err != nil {
		return 0, err
	}
	t, err := c.Tree()
	if err != nil {
		return 0, err
	}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	n := 0
	for {
		_, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		if e.Mode != filemode.Dir {
			n++
		}
	}
}

func (b *bench) gogitTree(r *git.Repository) (string, error) {
	n, err := listTree(r, b.newBase)
	return fmt.Sprintf("%d paths", n), err
}

func (b *bench) gogitPatches(r *git.Repository) (string, error) {
	total := 0
	for _, id := range b.patchCommits {
		c, err := r.CommitObject(plumbing.NewHash(id))
		if err != nil {
			return "", err
		}
		p, err := c.Parent(0)
		if err != nil {
			return "", err
		}
		patch, err := p.Patch(c)
		if err != nil {
			return "", err
		}
		total += len(patch.String())
	}
	return fmt.Sprintf("%d bytes", total), nil
}
