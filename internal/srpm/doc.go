// Package srpm turns one revision of an SRPM repository (SPECS/*.spec and
// SOURCES/* committed in git) into a git branch of the code repository: one
// commit per patch the spec's %prep applies, in rpm's order, on the upstream
// tag of the spec's Version.
//
// It reads the SRPM revision straight from git objects (no checkout), so the
// SRPM work tree is never touched, and applies patches in a temporary
// worktree of the code repository that is always removed, also on error and
// cancellation. Commits are reproducible: the committer identity is fixed,
// the committer date is the SRPM revision's own committer date, and patches
// without an author or date get that fixed identity and date too, so
// importing a revision twice gives the same commit ids.
//
// Patches are applied as rpm's %autosetup -p1 would (patch -p1 --fuzz=2) but
// with git am -3 first for mail-formatted patches, so that authorship and
// messages survive. ParseHeader, the reading of the patch headers, is pure;
// git runs through internal/git, and patch(1) is the only other program run
// here (patch.go).
package srpm
