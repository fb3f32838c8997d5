package srpm

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/proc"
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
	if r.Date, err = srpm.CommitterDate(ctx, commit); err != nil {
		return nil, err
	}
	files, err := srpm.ListTree(ctx, commit, false, "SPECS/")
	if err != nil {
		return nil, err
	}
	var specs []string
	for _, p := range files {
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
		data, err := decompress(ctx, blobs[i])
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

// catFiles reads "<commit>:<path>" blobs with one git.Repo.ReadObjects,
// following symbolic links inside the revision; a missing path, or a tree
// or submodule where a file should be, gives a nil entry.
func catFiles(ctx context.Context, repo *git.Repo, commit string, paths []string) ([][]byte, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		if strings.ContainsAny(p, "\n\x00") {
			return nil, fmt.Errorf("file name %q: unusable character", p)
		}
		names[i] = commit + ":" + p
	}
	res := make([][]byte, 0, len(paths))
	err := repo.ReadObjects(ctx, names, git.ObjectOptions{FollowSymlinks: true}, func(o git.Object) error {
		p := paths[len(res)]
		switch {
		case o.Missing && o.Unresolved != "missing" && o.Unresolved != "ambiguous":
			// A link git could not follow inside the revision is
			// named, with its text.
			return fmt.Errorf("%s is a symbolic link to %s, which the revision does not hold (%s)", p, strings.TrimSpace(string(o.Data)), o.Unresolved)
		case o.Missing || o.Type != git.TypeBlob:
			res = append(res, nil)
		default:
			res = append(res, bytes.Clone(o.Data))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// decompress undoes the compressions rpm's %patch recognises by their
// magic bytes, where Go's standard library can.
func decompress(ctx context.Context, b []byte) ([]byte, error) {
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
		return unpack(ctx, b, "xz", "xz", "-dc")
	case bytes.HasPrefix(b, []byte{0x5d, 0, 0}):
		return unpack(ctx, b, "lzma", "xz", "--format=lzma", "-dc")
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return unpack(ctx, b, "zstd", "zstd", "-dc")
	}
	return b, nil
}

// unpack runs a decompressor the Go library lacks, as rpm's %patch does.
func unpack(ctx context.Context, b []byte, format, prog string, args ...string) ([]byte, error) {
	path, err := proc.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("%s-compressed patch: %s is not installed", format, prog)
	}
	out, err := proc.Run(ctx, proc.Cmd{Program: path, Args: args, Stdin: bytes.NewReader(b)})
	if err != nil {
		var msg string
		var pe *proc.Error
		if errors.As(err, &pe) {
			msg = strings.TrimSpace(pe.Stderr)
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("%s -dc: %v: %s", prog, cause(err), msg)
	}
	return out, nil
}
