package srpm

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/patchqueue/pqtools/internal/git"
)

// ErrNoBaseTag is returned when the code repository has no commit for the
// upstream tag of the spec's Version.
var ErrNoBaseTag = errors.New("upstream tag not found in the code repository")

// ImportOptions say where the import goes.
type ImportOptions struct {
	BaseTag string // template; DefaultBaseTag when empty
	Force   bool   // replace existing branches
	NoRefs  bool   // build the commits but create no branch (verify)
	Log     io.Writer
	// PrepFrom, when set, is the SRPM repository to run rpmbuild -bp
	// from (RunPrep); its result is the last commit. Dist and DistSet
	// are those the revision was read with.
	PrepFrom *git.Repo
	Dist     string
	DistSet  bool
	// Reuse shares the patch commits of the imports of one --all run.
	Reuse *Reuse
}

// Result is a finished import.
type Result struct {
	Rev     *Revision
	Tag     string // the upstream tag as named
	PreBase string // commit of the tag
	Tip     string // last commit of the import
	// VendorBase is the commit of the upstream vendor's last patch
	// (the branch prefix/vendor-base); empty when the spec has no marker.
	VendorBase string
	Prefix     string // branch prefix; the branches exist unless NoRefs
}

// Import builds rev's branches in code. The branches are created at the
// very end in one transaction, so an import that fails or is interrupted
// leaves no branch behind, and Apply leaves no worktree.
func Import(ctx context.Context, code *git.Repo, rev *Revision, o ImportOptions) (*Result, error) {
	tmpl := o.BaseTag
	if tmpl == "" {
		tmpl = DefaultBaseTag
	}
	res := &Result{Rev: rev, Tag: rev.BaseTag(tmpl), Prefix: rev.BranchPrefix()}
	if !o.NoRefs {
		if err := CheckBranches(ctx, code, res.Prefix, o.Force); err != nil {
			return nil, err
		}
	}
	base, err := code.ResolveCommit(ctx, res.Tag)
	if errors.Is(err, git.ErrUnknownRevision) {
		return nil, fmt.Errorf("%s (Version %s): %w", res.Tag, rev.Version, ErrNoBaseTag)
	}
	if err != nil {
		return nil, err
	}
	res.PreBase = base
	var prep *Prep
	if o.PrepFrom != nil {
		if prep, err = RunPrep(ctx, o.PrepFrom, code, rev, base, o.Dist, o.DistSet); err != nil {
			return nil, err
		}
		defer prep.Remove()
	}
	var patches []string
	if res.Tip, patches, err = Apply(ctx, code, base, rev, o.Log, prep, o.Reuse); err != nil {
		return nil, err
	}
	if res.VendorBase, err = vendorBase(base, rev, patches); err != nil {
		return nil, err
	}
	if o.NoRefs {
		return res, nil
	}
	reason := "import-srpm: " + rev.SpecPath + " at " + rev.Commit
	if err := CreateBranches(ctx, code, res.Prefix, base, res.VendorBase, res.Tip, o.Force, reason); err != nil {
		return nil, err
	}
	return res, nil
}

// vendorBase finds the commit of the upstream vendor's last patch among
// the patch commits Apply listed (one per patch, oldest first): the
// VendorStart-th; base itself when their layer is empty.
func vendorBase(base string, rev *Revision, patches []string) (string, error) {
	if rev.VendorStart < 0 {
		return "", nil
	}
	if rev.VendorStart == 0 {
		return base, nil
	}
	if len(patches) != len(rev.Patches) {
		return "", fmt.Errorf("the import made %d commits for %d patches; cannot tell where the upstream vendor's patches end", len(patches), len(rev.Patches))
	}
	return patches[rev.VendorStart-1], nil
}
