// Package symtypestest holds, for tests, the hand-made pair of Symtypes
// files (genksyms output, the format of internal/symtypes) whose changed
// types reach exports and the modules of a locked list in every way the
// impact of a kABI break is computed: through another type, directly,
// only on the new side, and an export's own declaration. The tests of
// internal/symtypes (the impact) and of git kabi (compare --impact and
// its golden files) read the same files from here. It imports nothing, so
// that internal/symtypes' own tests can use it.
package symtypestest

// ImpactOld and ImpactNew: struct inner grows a member; it is reached
// from a and b through struct outer, and from c directly; d uses only
// struct other, which changes on its own; e reaches inner only in the new
// set (struct lone gains a pointer to it); f's own declaration changes;
// same does not change.
const (
	ImpactOld = `s#inner struct inner { int x ; }
s#outer struct outer { s#inner i ; }
s#other struct other { int y ; }
s#lone struct lone { int z ; }
a int a ( s#outer * )
b int b ( s#outer * , int )
c void c ( s#inner * )
d void d ( s#other * )
e void e ( s#lone * )
f int f ( int )
same void same ( void )
`
	ImpactNew = `s#inner struct inner { int x ; long w ; }
s#outer struct outer { s#inner i ; }
s#other struct other { int y ; char q ; }
s#lone struct lone { int z ; s#inner * p ; }
a int a ( s#outer * )
b int b ( s#outer * , int )
c void c ( s#inner * )
d void d ( s#other * )
e void e ( s#lone * )
f long f ( int )
same void same ( void )
`
)

// ImpactList is a locked list of three modules for ImpactOld and
// ImpactNew: net-module uses a (reaching struct inner) and d (struct
// other), block-module c (struct inner) and same, misc only same, which
// reaches nothing.
const ImpactList = "[net-module]\n\ta\n\td\n[block-module]\n\tc\n\tsame\n[misc]\n\tsame\n"
