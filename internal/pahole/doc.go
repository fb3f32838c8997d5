// Package pahole reads the memory layout of a C struct or union from an
// object built with debug information (a vmlinux or a .o compiled with -g),
// by running pahole(1) from the dwarves project (Debian package pahole),
// and compares two layouts for a kABI fix: which members moved, which were
// added or removed, and where an added member would fit in a hole or the
// tail padding of the old layout without moving any old offset.
//
// The API, for the command and the kabi terminal UI:
//
//	Load(ctx, obj, typ string) (*Layout, error) // runs pahole -C typ obj
//	Parse(r io.Reader) (*Layout, error)         // pure: pahole's output in, layout out
//	Compare(old, new *Layout) *Diff
//	(*Diff).WriteText(w io.Writer, width int) error // side by side, moved members marked
//	(*Diff).WriteJSON(w io.Writer) error
//	(*Diff).Summary() []string // the prose under the table: size change, moves, fix recipes
//
// A Diff's Rows (status same, moved, changed, added or removed, with the
// old and new member) and Fits are plain data for a UI to render itself.
//
// Parse follows the text pahole prints for -C (dwarves' dwarves_fprintf.c,
// checked with pahole 1.24): one member per line with its offset and size
// in a trailing /* offset size */ comment (/* offset: bit size */ for a
// bitfield), anonymous and inline structs and unions nested in braces, and
// the /* XXX N bytes hole */, /* size: ... */ and /* padding: N */
// comments. Member names come from the C declarator; type names are
// pahole's spelling (pahole 1.24 misspells a pointer to an array or an
// array of function pointers; offsets and sizes are right, and the tests
// check them against Go's debug/dwarf). Parse is pure and takes no I/O; only Load runs a
// program, through internal/proc.
package pahole
