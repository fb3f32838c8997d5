// Package symtypes reads, merges, writes and compares genksyms type
// information, and recomputes the symbol versions (CRCs) genksyms would give.
//
// It follows two references:
//
//   - the kernel's scripts/genksyms (genksyms.c, parse.y): the per-object
//     ".symtypes" dump written with -T (make KBUILD_SYMTYPES=y), where each
//     line is a name followed by its declaration tokens and type references
//     are written "s#name", "u#name", "e#name", "E#name" or "t#name"; and
//     expand_and_crc_sym, whose expansion this package reproduces to compute
//     CRCs;
//   - the collected "Symtypes" format of the vendor kABI tooling, which
//     merges the dumps of a whole build: a type seen with different
//     definitions is written once per definition as "name@<crc32 of its
//     line>", and "F#<file> ..." lines say which exports each object file
//     defines and which version of each duplicated type it saw.
//
// It also reads and writes the vendor's kABI locked list ("[module]"
// lines, each followed by the locked symbols, one per line): one grammar
// (lockedlist.go) serves every command that takes such a list.
//
// The package is pure: it reads from io.Reader and writes to io.Writer and
// never touches the file system or runs programs, so the command layer owns
// all I/O and this code can be fuzzed.
package symtypes
