// Package spec is a line-preserving model of an RPM spec file, enough to
// read what git import-srpm needs (Name, Version, Release, the patches and
// the order rpm applies them in) and to edit the spec without touching any
// byte that the edit does not mean to change.
//
// The package is pure: it takes bytes and returns values and bytes; it never
// reads files or runs programs. Parse keeps every physical line as it was,
// so Spec.Bytes gives the input back exactly.
//
// The reference is rpm's spec syntax as implemented by rpm 4.18 (the
// version the tests use as an oracle through rpmspec):
//   - logical lines are joined the way rpm's copyNextLineFromOFI does it
//     (a trailing backslash, or an unclosed %{, %( or %[);
//   - tags are case-insensitive; SourceN/PatchN numbers are integers
//     (Patch0001 is 1) and a numberless Patch: gets one more than the
//     highest number seen so far, as rpm >= 4.15 numbers them; %patchlist
//     entries are numbered the same way;
//   - %global expands its body at definition, %define at use; %undefine
//     pops one definition; %{?x}, %{!?x}, %{?x:y}, %{!?x:y}, %%, %[expr]
//     and a few built-ins (expand, basename, dirname, suffix, lower, upper,
//     len, defined, undefined, quote, S, P) are evaluated;
//   - %if/%elif/%else/%endif, %ifarch/%ifnarch/%elifarch and
//     %ifos/%ifnos/%elifos, with rpm's expression language (numbers, quoted
//     strings, == != < > <= >= && || ! + - * / ?: and parentheses);
//   - %autosetup (unless -N) and %autopatch apply patches in declaration
//     order (-m/-M limits, or an explicit list in the order given);
//     %patchN, %patch N and %patch -P N apply the named patches; a bare
//     %patch applies patch 0 as rpm 4.18 still does.
//
// %{lua:...} and %(...) are opaque: they are never executed, and a value
// that depends on one is an error (ErrOpaque) naming it and its line.
//
// Lines of the form "# PatchN: <file>: <sha12> <title>" are patches that
// were commented out because they are upstream; they are reported by
// Spec.Commented. A vendor block starts at a marker comment (by default
// "# XCP-ng patches"); Renumber leaves everything from there on alone.
//
// The editors git import-srpm sync uses change only the lines they are
// about: Edit (upstream, dropped and regenerated patches, Version), Insert
// (new patches between their neighbours, renumbering the rest of their
// layer as Renumber does, %patchN lines of %prep following), SetRelease and
// SetGlobal, and AddChangelog, whose entry rpm's %changelog parser reads.
package spec
