package main

import (
	"fmt"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// reportShared says whether go-git reads a `git clone --shared` repository
// (objects reached through objects/info/alternates): opened plainly, as a
// tool would with PlainOpen, and opened with AlternatesFS set to the root
// file system so that the absolute alternates path can be followed.
func (b *bench) reportShared() {
	fmt.Printf("git clone --shared (alternates), %s:\n", b.sharedRepo)
	try := func(name string, open func() (*git.Repository, error)) {
		t0 := time.Now()
		msg, err := func() (string, error) {
			r, err := open()
			if err != nil {
				return "", fmt.Errorf("open: %w", err)
			}
			h, err := r.ResolveRevision(plumbing.Revision(b.newTag))
			if err != nil {
				return "", fmt.Errorf("resolve %s: %w", b.newTag, err)
			}
			if _, err := r.CommitObject(plumbing.NewHash(b.oneCommit)); err != nil {
				return "", fmt.Errorf("read commit %s: %w", b.oneCommit, err)
			}
			n, err := listTree(r, h.String())
			if err != nil {
				return "", fmt.Errorf("list tree: %w", err)
			}
			return fmt.Sprintf("ok: resolve, read a commit, list %d paths", n), nil
		}()
		d := time.Since(t0)
		if err != nil {
			fmt.Printf("  %-40s FAILS: %v\n", name, err)
			return
		}
		fmt.Printf("  %-40s %s (%s)\n", name, msg, seconds(d))
	}
	try("go-git PlainOpen", func() (*git.Repository, error) { return git.PlainOpen(b.sharedRepo) })
	try("go-git with AlternatesFS = /", func() (*git.Repository, error) {
		s := filesystem.NewStorageWithOptions(osfs.New(b.sharedRepo),
			cache.NewObjectLRUDefault(), filesystem.Options{AlternatesFS: osfs.New("/")})
		return git.Open(s, nil)
	})
	t0 := time.Now()
	out, err := b.git(b.sharedRepo, nil, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", b.newTag)
	if err != nil {
		fmt.Printf("  %-40s FAILS: %v\n", "git ls-tree -r", err)
		return
	}
	fmt.Printf("  %-40s ok: %d bytes (%s)\n", "git ls-tree -r", len(out), seconds(time.Since(t0)))
}
