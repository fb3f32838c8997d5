package srpm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// ErrBranchExists is returned by CheckBranches and CreateBranches when a
// branch exists and force was not asked for.
var ErrBranchExists = errors.New("branch already exists")

// BranchRefs are the refs of the pre-base and base branches of prefix.
func BranchRefs(prefix string) (preBase, base string) {
	return "refs/heads/" + prefix + "/pre-base", "refs/heads/" + prefix + "/base"
}

// VendorBaseRef is the branch prefix/vendor-base: the commit after the
// last patch of the upstream vendor, where our layer starts.
func VendorBaseRef(prefix string) string {
	return "refs/heads/" + prefix + "/vendor-base"
}

// CheckBranches verifies the branch names are valid and, unless force,
// that neither exists, so a long import is not made for nothing.
func CheckBranches(ctx context.Context, code *git.Repo, prefix string, force bool) error {
	pre, base := BranchRefs(prefix)
	refs := []string{pre, base, VendorBaseRef(prefix)}
	// The three differ only in a last component that is always valid: one
	// check of the first says it for all (each check is a git process, and
	// --all imports check every revision's branches).
	if ok, err := code.ValidRefName(ctx, pre); err != nil || !ok {
		return fmt.Errorf("%q is not a valid branch name", strings.TrimPrefix(pre, "refs/heads/"))
	}
	if force {
		return nil
	}
	exists, err := code.RefsExist(ctx, refs...)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if exists[ref] {
			return fmt.Errorf("%s: %w", strings.TrimPrefix(ref, "refs/heads/"), ErrBranchExists)
		}
	}
	return nil
}

// CreateBranches points prefix/pre-base at preBase, prefix/base at tip
// and, when vendorBase is not empty, prefix/vendor-base at it, in one git
// update-ref transaction: the branches appear, or none. Without force an
// existing branch fails the transaction; with force, a vendor-base left
// by an earlier import is deleted when vendorBase is empty.
func CreateBranches(ctx context.Context, code *git.Repo, prefix, preBase, vendorBase, tip string, force bool, reason string) error {
	if err := CheckBranches(ctx, code, prefix, force); err != nil {
		return err
	}
	pre, base := BranchRefs(prefix)
	vb := VendorBaseRef(prefix)
	updates := []git.RefUpdate{{Ref: pre, New: preBase, Create: !force}, {Ref: base, New: tip, Create: !force}}
	switch {
	case vendorBase != "":
		updates = append(updates, git.RefUpdate{Ref: vb, New: vendorBase, Create: !force})
	case force:
		ok, err := code.RefExists(ctx, vb)
		if err != nil {
			return err
		}
		if ok {
			updates = append(updates, git.RefUpdate{Ref: vb})
		}
	}
	if err := code.UpdateRefs(ctx, updates, reason); err != nil {
		return fmt.Errorf("create branches %s/pre-base and %s/base: %w", prefix, prefix, err)
	}
	return nil
}
