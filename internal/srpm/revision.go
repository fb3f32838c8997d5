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
	// VendorStart is the index in Patches of the first patch declared
	// after the vendor marker: Patches[:VendorStart] are the upstream
	// vendor's layer. -1 when the spec has no marker, or when %prep
	// applies a patch of the upstream vendor after one of ours.
	VendorStart int
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
	// MaxPatchSize caps the decompressed size of a compressed patch
	// (0: DefaultMaxPatchSize), so a small .xz cannot take all memory.
	MaxPatchSize int64
}

// DefaultMaxPatchSize is far above any real patch: a whole stable kernel
// series as one patch is under 100 MiB.
const DefaultMaxPatchSize = 512 << 20

// ErrTooLarge is returned (wrapped) for a compressed patch that would
// decompress past the cap.
var ErrTooLarge = errors.New("decompresses past the size limit")

// ErrLFSPointer is returned (wrapped) for a Git LFS pointer where a file's
// contents are needed.
var ErrLFSPointer = errors.New("is a Git LFS pointer, not the file")

// MissingSourcesError lists every patch the spec applies that SOURCES/
// lacks, so that one run names them all.
type MissingSourcesError struct {
	Missing []Patch // Num and File only
}

func (e *MissingSourcesError) Error() string {
	p := e.Missing[0]
	if len(e.Missing) == 1 {
		return fmt.Sprintf("patch %d (%s): %v", p.Num, p.File, ErrMissingSource)
	}
	return fmt.Sprintf("%d patches not in SOURCES/, the first patch %d (%s)", len(e.Missing), p.Num, p.File)
}

func (e *MissingSourcesError) Unwrap() error { return ErrMissingSource }

// IsLFSPointer reports whether b is a Git LFS pointer file (the LFS
// specification: a small text starting with its version line).
func IsLFSPointer(b []byte) bool {
	return len(b) < 1024 && bytes.HasPrefix(b, []byte("version https://git-lfs.github.com/spec/v1\n"))
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
			return nil, fmt.Errorf("%s: %w", r.SpecPath, &UndefinedMacroError{Tag: f.tag, Value: v, Macro: m})
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
	r.VendorStart = vendorStart(s.VendorLine(), applied)
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
	var missing []Patch
	for i, p := range applied {
		if blobs[i] == nil {
			missing = append(missing, Patch{Num: p.Num, File: p.File})
		}
	}
	if len(missing) > 0 {
		return nil, &MissingSourcesError{Missing: missing}
	}
	max := o.MaxPatchSize
	if max <= 0 {
		max = DefaultMaxPatchSize
	}
	for i, p := range applied {
		if IsLFSPointer(blobs[i]) {
			return nil, fmt.Errorf("patch %d (%s) %w: run git lfs pull in the SRPM repository", p.Num, p.File, ErrLFSPointer)
		}
		data, err := decompress(ctx, blobs[i], max)
		if err != nil {
			return nil, fmt.Errorf("patch %d (%s): %w", p.Num, p.File, err)
		}
		r.Patches = append(r.Patches, Patch{Num: p.Num, File: p.File, Data: data})
	}
	return r, nil
}

// vendorStart is the index of the first applied patch declared after the
// vendor marker, when every later one is too; else -1.
func vendorStart(marker int, applied []spec.Patch) int {
	if marker == 0 {
		return -1
	}
	start := len(applied)
	for i, p := range applied {
		switch {
		case p.Vendor && start == len(applied):
			start = i
		case !p.Vendor && start < len(applied):
			return -1
		}
	}
	return start
}

// UndefinedMacroError is a Name, Version or Release whose value uses a
// macro nothing defined (%{dist} without ReadOptions.DistSet, say).
type UndefinedMacroError struct {
	Tag, Value string
	Macro      string // as written: %{dist}, %dist
}

func (e *UndefinedMacroError) Error() string {
	return fmt.Sprintf("%s %q: macro %s is not defined", e.Tag, e.Value, e.Macro)
}

// Name is the macro's name: dist for %{dist}, %{?dist} or %dist.
func (e *UndefinedMacroError) Name() string {
	return strings.TrimLeft(strings.Trim(e.Macro, "%{}"), "?!")
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
func decompress(ctx context.Context, b []byte, max int64) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		return readCapped(zr, "gzip", max)
	case len(b) > 4 && bytes.HasPrefix(b, []byte("BZh")) && b[3] >= '1' && b[3] <= '9':
		return readCapped(bzip2.NewReader(bytes.NewReader(b)), "bzip2", max)
	case bytes.HasPrefix(b, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return unpack(ctx, b, max, "xz", "xz", "-dc")
	case bytes.HasPrefix(b, []byte{0x5d, 0, 0}):
		return unpack(ctx, b, max, "lzma", "xz", "--format=lzma", "-dc")
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return unpack(ctx, b, max, "zstd", "zstd", "-dc")
	}
	return b, nil
}

// readCapped reads r to the end, or fails once it passes max bytes,
// holding at most max+1 of them.
func readCapped(r io.Reader, format string, max int64) ([]byte, error) {
	var w cappedBuffer
	w.max = max
	if _, err := io.Copy(&w, r); err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("%s-compressed: %w (%s; --max-patch-size raises it)", format, ErrTooLarge, sizeText(max))
		}
		return nil, fmt.Errorf("%s: %w", format, err)
	}
	return w.buf.Bytes(), nil
}

// cappedBuffer is a buffer that refuses to grow past max; a decompressor
// writing to it stops (a program on the other end of a pipe gets EPIPE).
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int64
	over bool // a write was refused: the program's own error is the echo
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if int64(c.buf.Len())+int64(len(p)) > c.max {
		c.over = true
		return 0, ErrTooLarge
	}
	return c.buf.Write(p)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("limit %d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("limit %d MiB", n>>20)
	}
	return fmt.Sprintf("limit %d bytes", n)
}

// unpack runs a decompressor the Go library lacks, as rpm's %patch does,
// streaming its output into a capped buffer.
func unpack(ctx context.Context, b []byte, max int64, format, prog string, args ...string) ([]byte, error) {
	path, err := proc.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("%s-compressed patch: %s is not installed", format, prog)
	}
	var out cappedBuffer
	out.max = max
	_, err = proc.Run(ctx, proc.Cmd{Program: path, Args: args, Stdin: bytes.NewReader(b), Stdout: &out})
	if err != nil {
		if out.over {
			return nil, fmt.Errorf("%s-compressed: %w (%s; --max-patch-size raises it)", format, ErrTooLarge, sizeText(max))
		}
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
	return out.buf.Bytes(), nil
}
