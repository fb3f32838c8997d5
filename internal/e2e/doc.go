// Package e2e runs the three built binaries as a user does, through git's
// own dispatch where it matters, and pins what they do with bad and hostile
// input: one line on stderr prefixed "git <command>:", the exit status
// (0 ok, 1 problems found, 2 usage, 128+n for signal n), and nothing of the
// user's lost. It has no code of its own.
package e2e
