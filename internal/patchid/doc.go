// Package patchid computes git patch-ids from diff text, so that a commit's id
// here equals the one git itself gives it.
//
// For text patches the id is exactly `git patch-id --stable` (git's
// builtin/patch-id.c, v2.39) of the output of
//
//	git diff-tree -p --full-index --no-renames --diff-algorithm=myers --no-indent-heuristic
//
// which is the id git cherry and git rebase use to recognise a patch. For a
// commit that changes a binary file, `git patch-id` cannot tell two different
// binary changes apart (it only sees "Binary files ... differ"), so such
// commits get git's internal stable id instead (diff.c diff_get_patch_id, as
// printed by `git format-patch --base` in prerequisite-patch-id lines), which
// hashes the full object ids of the binary blobs.
//
// The package is pure: readers in, ids out; running git is the caller's job.
package patchid
