package srpm

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/spec"
)

// Revision is one revision of the SRPM repository, evaluated.
type Revision struct {
	Commit   string    // full id of the SRPM commit
	Date     time.Time // its committer date: the fixed date of the import
	SpecPath string    // path of the spec in the SRPM tree
	Name     string
	Version  string
	Release  string // with %{?dist} as ReadOptions said
	Vendor   string
	Patches  []Patch // in the order %prep applies them
}

// Patch is one patch file to apply.
type Patch struct {
	Num  int
	File string // file name in SOURCES/
	Data []byte // decompressed contents
}

// ReadOptions say how to evaluate the spec.
type ReadOptions struct {
	// Dist is the value of %{dist}; when DistSet is false %{?dist} is empty,
	// so branch names do not depend on the host that imports.
	Dist    string
	DistSet bool
	// Vendor overrides the vendor part of the branch name.
	Vendor string
	// NoPatches reads the spec only: enough for the branch name, and much
	// cheaper when looking at every revision of a branch.
	NoPatches bool
}

// Errors of Read, tested with errors.Is.
var (
	ErrNoSpec        = errors.New("no spec file in SPECS/")
	ErrManySpecs     = errors.New("more than one spec file in SPECS/")
	ErrMissingSource = errors.New("file not in SOURCES/")
)

// Read evaluates the spec at rev in the SRPM repository and loads the
// patches it applies, all from git objects.
func Read(ctx context.Context, srpm *git.Repo, rev string, o ReadOptions) (*Revision, error) {
	commit, err := srpm.ResolveCommit(ctx, rev)
	if err != nil {
		return nil, err
	}
	r := &Revision{Commit: commit}
	out, err := srpm.Output(ctx, "show", "-s", "--format=%cI", commit)
	if err != nil {
		return nil, err
	}
	if r.Date, err = time.Parse(time.RFC3339, strings.TrimSpace(string(out))); err != nil {
		return nil, fmt.Errorf("committer date of %s: %w", commit, err)
	}
	out, err = srpm.Output(ctx, "ls-tree", "-z", "--full-tree", "--name-only", commit, "--", "SPECS/")
	if err != nil {
		return nil, err
	}
	var specs []string
	for _, p := range git.SplitNUL(out) {
		if strings.HasSuffix(p, ".spec") {
			specs = append(specs, p)
		}
	}
	switch {
	case len(specs) == 0:
		return nil, ErrNoSpec
	case len(specs) > 1:
		return nil, fmt.Errorf("%w: %s", ErrManySpecs, strings.Join(specs, ", "))
	}
	r.SpecPath = specs[0]
	blobs, err := catFiles(ctx, srpm, commit, []string{r.SpecPath})
	if err != nil {
		return nil, err
	}
	src := blobs[0]
	if src == nil {
		return nil, fmt.Errorf("%s: %w", r.SpecPath, ErrNoSpec)
	}
	opts := &spec.Options{}
	if o.DistSet {
		opts.Define = map[string]string{"dist": o.Dist}
	}
	s, err := spec.Parse(src, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.SpecPath, err)
	}
	for _, f := range []struct {
		dst *string
		get func() (string, error)
		tag string
	}{{&r.Name, s.Name, "Name"}, {&r.Version, s.Version, "Version"}, {&r.Release, s.Release, "Release"}} {
		v, err := f.get()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", r.SpecPath, f.tag, err)
		}
		if v == "" {
			return nil, fmt.Errorf("%s: %s is empty", r.SpecPath, f.tag)
		}
		// rpm leaves an undefined (or self-referencing) macro as it is
		// written; in a branch or tag name it would only puzzle later.
		if m := leftMacro.FindString(v); m != "" {
			return nil, fmt.Errorf("%s: %s %q: macro %s is not defined", r.SpecPath, f.tag, v, m)
		}
		*f.dst = v
	}
	r.Vendor = o.Vendor
	if r.Vendor == "" {
		r.Vendor = "xenserver"
		if bytes.Contains(bytes.ToLower(src), []byte("xcp-ng")) {
			r.Vendor = "xcpng"
		}
	}
	applied, err := s.Applied()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.SpecPath, err)
	}
	if o.NoPatches {
		return r, nil
	}
	paths := make([]string, len(applied))
	for i, p := range applied {
		paths[i] = "SOURCES/" + p.File
	}
	blobs, err = catFiles(ctx, srpm, commit, paths)
	if err != nil {
		return nil, err
	}
	for i, p := range applied {
		if blobs[i] == nil {
			return nil, fmt.Errorf("patch %d (%s): %w", p.Num, p.File, ErrMissingSource)
		}
		data, err := decompress(blobs[i])
		if err != nil {
			return nil, fmt.Errorf("patch %d (%s): %w", p.Num, p.File, err)
		}
		r.Patches = append(r.Patches, Patch{Num: p.Num, File: p.File, Data: data})
	}
	return r, nil
}

// leftMacro finds a macro reference that expansion left in a value.
var leftMacro = regexp.MustCompile(`%\{[^}]*\}?|%[A-Za-z_][A-Za-z0-9_]*`)

// BranchPrefix is "<name>/<vendor>-<version>-<release>", the part the
// pre-base and base branches share.
func (r *Revision) BranchPrefix() string {
	return r.Name + "/" + r.Vendor + "-" + r.Version + "-" + r.Release
}

// DefaultBaseTag is the template of the upstream tag of a version.
const DefaultBaseTag = "v%{version}"

// BaseTag expands a tag template: %{version}, %{name} and %{release}
// stand for the spec's values, %% for a percent sign.
func (r *Revision) BaseTag(template string) string {
	return strings.NewReplacer("%%", "%", "%{version}", r.Version, "%{name}", r.Name, "%{release}", r.Release).Replace(template)
}

// catFiles reads "<commit>:<path>" blobs with one git cat-file --batch; a
// missing path gives a nil entry.
func catFiles(ctx context.Context, repo *git.Repo, commit string, paths []string) ([][]byte, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	var in bytes.Buffer
	for _, p := range paths {
		if strings.ContainsAny(p, "\n\x00") {
			return nil, fmt.Errorf("file name %q: unusable character", p)
		}
		in.WriteString(commit + ":" + p + "\n")
	}
	res := make([][]byte, 0, len(paths))
	err := repo.Stream(ctx, &in, func(r io.Reader) error {
		br := bufio.NewReader(r)
		for _, p := range paths {
			line, err := br.ReadString('\n')
			if err != nil {
				return fmt.Errorf("git cat-file --batch: %w", err)
			}
			f := strings.Fields(line)
			// --follow-symlinks reads a link's target inside the
			// revision; one it cannot follow is named, with its text.
			if len(f) == 2 && (f[0] == "symlink" || f[0] == "dangling" || f[0] == "loop" || f[0] == "notdir") {
				size, err := strconv.ParseInt(f[1], 10, 64)
				if err != nil || size < 0 || size > 1<<16 {
					return fmt.Errorf("git cat-file --batch: unexpected %q", line)
				}
				target := make([]byte, size+1)
				if _, err := io.ReadFull(br, target); err != nil {
					return fmt.Errorf("git cat-file --batch: %w", err)
				}
				return fmt.Errorf("%s is a symbolic link to %s, which the revision does not hold (%s)", p, strings.TrimSpace(string(target)), f[0])
			}
			if len(f) == 2 && f[1] == "missing" || len(f) == 3 && f[1] != "blob" {
				// A tree or submodule where a file should be counts as
				// missing too.
				if len(f) == 3 {
					size, _ := strconv.ParseInt(f[2], 10, 64)
					if _, err := io.CopyN(io.Discard, br, size+1); err != nil {
						return err
					}
				}
				res = append(res, nil)
				continue
			}
			if len(f) != 3 {
				return fmt.Errorf("git cat-file --batch: unexpected %q", line)
			}
			size, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return fmt.Errorf("git cat-file --batch: unexpected %q", line)
			}
			data := make([]byte, size+1)
			if _, err := io.ReadFull(br, data); err != nil {
				return fmt.Errorf("git cat-file --batch: %w", err)
			}
			res = append(res, data[:size])
		}
		return nil
	}, "cat-file", "--batch", "--follow-symlinks")
	return res, err
}

// decompress undoes the compressions rpm's %patch recognises by their
// magic bytes, where Go's standard library can.
func decompress(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		return io.ReadAll(zr)
	case len(b) > 4 && bytes.HasPrefix(b, []byte("BZh")) && b[3] >= '1' && b[3] <= '9':
		return io.ReadAll(bzip2.NewReader(bytes.NewReader(b)))
	case bytes.HasPrefix(b, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return unpack(b, "xz", "xz", "-dc")
	case bytes.HasPrefix(b, []byte{0x5d, 0, 0}):
		return unpack(b, "lzma", "xz", "--format=lzma", "-dc")
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return unpack(b, "zstd", "zstd", "-dc")
	}
	return b, nil
}

// unpack runs a decompressor the Go library lacks, as rpm's %patch does.
func unpack(b []byte, format, prog string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("%s-compressed patch: %s is not installed", format, prog)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("%s -dc: %v: %s", prog, err, msg)
	}
	return out, nil
}
