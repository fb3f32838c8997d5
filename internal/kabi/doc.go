// Package kabi holds the rules of kABI maintenance that git kabi applies,
// with no I/O and no git: the message templates of !kabi commits and
// reverts, the Fixes:/Reverts: trailers they carry and how `git kabi list`
// classifies them against a range, and what `git kabi blame` looks for in
// the source (the line defining a genksyms symtypes name, the members a
// changed definition names). The command layer (internal/cmd/kabi) runs
// git through internal/git and prints; the Symtypes format itself is
// internal/symtypes.
package kabi
