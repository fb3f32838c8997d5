// Package demo builds the demo repository for `git review-rebase --demo` and
// the test fixtures on top of it (testdata/repos): an upstream history of C
// files with release tags, a patch queue on an old tag, and its rebase onto
// a newer tag exercising every case the review has to recognise, with
// Expected, the ground truth of what the review must say.
//
// Everything is deterministic (pinned identities, dates and configuration,
// own HOME), so commit ids are stable across runs and machines. Git runs
// through internal/proc, in an environment of its own (Env) that ignores
// the caller's GIT_* variables and configuration.
package demo
