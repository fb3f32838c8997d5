package srpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/proc"
	"github.com/patchqueue/pqtools/internal/spec"
)

// PrepSubject is the subject of the commit that holds what %prep changed
// beyond the patches.
const PrepSubject = "%prep: what rpmbuild -bp changed beyond the patches"

// ErrPrep is returned when rpmbuild -bp fails.
var ErrPrep = errors.New("rpmbuild -bp failed")

// Prep is a tree prepared by rpmbuild -bp, to be committed on top of the
// patches.
type Prep struct {
	tmp string
	Dir string // the prepared source tree (BUILD/<name>-<version>)
}

// Remove deletes the prepared tree.
func (p *Prep) Remove() error {
	if p == nil {
		return nil
	}
	return os.RemoveAll(p.tmp)
}

// RunPrep runs rpmbuild -bp on rev's spec in a temporary %_topdir filled
// from git: the SRPM revision's SPECS/ and SOURCES/, and, when Source0 is
// not committed, a tarball of base written by git archive with the
// %{name}-%{version}/ prefix %setup expects by default. Patch fuzz is 2 and
// %{dist} is dist (empty unless distSet), so the result does not depend on
// the host's macros; HOME points at the topdir so ~/.rpmmacros is not read.
func RunPrep(ctx context.Context, srpm, code *git.Repo, rev *Revision, base, dist string, distSet bool) (p *Prep, err error) {
	tmp, err := os.MkdirTemp("", "git-import-srpm-prep-")
	if err != nil {
		return nil, err
	}
	p = &Prep{tmp: tmp}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp) // p is nil by now
		}
	}()
	paths, err := srpm.ListTree(ctx, rev.Commit, true, "SPECS/", "SOURCES/")
	if err != nil {
		return nil, err
	}
	blobs, err := catFiles(ctx, srpm, rev.Commit, paths)
	if err != nil {
		return nil, err
	}
	var lfs []string
	for i, path := range paths {
		if blobs[i] == nil {
			continue
		}
		if IsLFSPointer(blobs[i]) {
			// Only the pointer is committed: rpmbuild would fail on
			// it ("This does not look like a tar archive"). Source0
			// is built from the code repository below; anything else
			// is named in the error.
			lfs = append(lfs, path)
			continue
		}
		dst := filepath.Join(tmp, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(dst, blobs[i], 0o644); err != nil {
			return nil, err
		}
	}
	src, err := os.ReadFile(filepath.Join(tmp, filepath.FromSlash(rev.SpecPath)))
	if err != nil {
		return nil, err
	}
	opts := &spec.Options{}
	if distSet {
		opts.Define = map[string]string{"dist": dist}
	}
	s, err := spec.Parse(src, opts)
	if err != nil {
		return nil, err
	}
	sources, err := s.Sources()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rev.SpecPath, err)
	}
	for _, so := range sources {
		if so.Num != 0 {
			if i := slices.Index(lfs, "SOURCES/"+so.File); i >= 0 {
				return nil, fmt.Errorf("the spec's Source%d (%s) %w: run git lfs pull in the SRPM repository", so.Num, so.File, ErrLFSPointer)
			}
			continue
		}
		tarball := filepath.Join(tmp, "SOURCES", so.File)
		if _, err := os.Stat(tarball); err == nil {
			break
		}
		// rpm recognises compression by magic bytes, not by name: a
		// plain tar serves whatever Source0 is called.
		if err := os.MkdirAll(filepath.Dir(tarball), 0o755); err != nil {
			return nil, err
		}
		if err := code.Archive(ctx, base, tarball, git.ArchiveOptions{Format: "tar", Prefix: rev.Name + "-" + rev.Version + "/"}); err != nil {
			return nil, fmt.Errorf("write Source0 %s from %s: %w", so.File, base, err)
		}
	}
	distDef := "dist %{nil}"
	if distSet && dist != "" {
		distDef = "dist " + dist
	}
	out, err := proc.Run(ctx, proc.Cmd{Program: "rpmbuild", Args: []string{"-bp", "--nodeps",
		"--define", "_topdir " + tmp,
		"--define", "_sourcedir " + filepath.Join(tmp, "SOURCES"),
		"--define", "_specdir " + filepath.Join(tmp, "SPECS"),
		"--define", "_builddir " + filepath.Join(tmp, "BUILD"),
		"--define", "_default_patch_fuzz 2",
		"--define", distDef,
		filepath.Join(tmp, filepath.FromSlash(rev.SpecPath))},
		Dir: tmp, Env: append(patchEnv(), "HOME="+tmp), CombinedOutput: true})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &PrepError{Output: string(out), Err: fmt.Errorf("%w: %v", ErrPrep, cause(err))}
	}
	ents, err := os.ReadDir(filepath.Join(tmp, "BUILD"))
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range ents {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) != 1 {
		return nil, fmt.Errorf("rpmbuild -bp left %d directories in BUILD, not one: %v", len(dirs), dirs)
	}
	p.Dir = filepath.Join(tmp, "BUILD", dirs[0])
	return p, nil
}

// PrepError is a failed rpmbuild -bp, with what it printed.
type PrepError struct {
	Output string
	Err    error
}

func (e *PrepError) Error() string { return e.Err.Error() }
func (e *PrepError) Unwrap() error { return e.Err }

// commitPrep makes the work tree the prepared tree and commits the
// difference, if any. Backup files patch(1) leaves next to a fuzzed file
// (file.orig) and a .git made by %autosetup -S git are not part of it.
func (w *worktree) commitPrep(ctx context.Context, prepDir string) error {
	ents, err := os.ReadDir(w.dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Name() == ".git" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(w.dir, e.Name())); err != nil {
			return err
		}
	}
	err = filepath.WalkDir(prepDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(prepDir, path)
		if rel == "." {
			return nil
		}
		if rel == ".git" {
			return filepath.SkipDir
		}
		if strings.HasSuffix(rel, ".orig") {
			if _, err := os.Lstat(strings.TrimSuffix(path, ".orig")); err == nil {
				return nil
			}
		}
		return copyEntry(path, filepath.Join(w.dir, rel), d)
	})
	if err != nil {
		return fmt.Errorf("copy the prepared tree: %w", err)
	}
	if err := w.repo.AddAll(ctx, w.settings()); err != nil {
		return err
	}
	if changed, err := w.repo.HasStaged(ctx); err != nil || !changed {
		return err // nil when %prep did nothing beyond the patches
	}
	msg := filepath.Join(w.tmp, "patches", "prep.msg")
	if err := os.WriteFile(msg, []byte(PrepSubject+"\n"), 0o644); err != nil {
		return err
	}
	return w.repo.CommitIndex(ctx, git.CommitIndexOptions{MessageFile: msg, Cleanup: "whitespace", Config: w.settings(),
		Author: &git.Ident{Name: CommitterName, Email: CommitterEmail, Date: GitDate(w.fixed)}})
}

func copyEntry(src, dst string, d fs.DirEntry) error {
	switch {
	case d.IsDir():
		return os.MkdirAll(dst, 0o755)
	case d.Type()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case d.Type().IsRegular():
		info, err := d.Info()
		if err != nil {
			return err
		}
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm()|0o200)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
	return nil // sockets, devices: nothing git would keep
}
