package pahole

import (
	"context"
	"debug/dwarf"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/proc"
	"github.com/patchqueue/pqtools/internal/testenv"
)

// needTools skips the test without gcc or pahole, except in CI.
func needTools(t *testing.T) { t.Helper(); testenv.NeedTools(t, "gcc", "pahole") }

// compile builds src with gcc -g -c into dir/name.o. The object must
// define a variable of each type for gcc to emit it.
func compile(t *testing.T, dir, name, src string) string {
	t.Helper()
	return testenv.CompileC(t, dir, name, src, "-g")
}

// dwarfMembers is the oracle: the members of typ in obj as Go's
// debug/dwarf reads them, anonymous members flattened, one
// "name offset size bitoffset bitsize" string each (offsets from the
// start of the type, the bit offset within the unit at offset).
func dwarfMembers(t *testing.T, obj, typ string) (size int64, members []string) {
	t.Helper()
	f, err := elf.Open(obj)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		t.Fatal(err)
	}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			t.Fatalf("%s not in the DWARF of %s", typ, obj)
		}
		if (e.Tag != dwarf.TagStructType && e.Tag != dwarf.TagUnionType) || e.Val(dwarf.AttrName) != typ {
			continue
		}
		ty, err := d.Type(e.Offset)
		if err != nil {
			t.Fatal(err)
		}
		st := ty.(*dwarf.StructType)
		var walk func(st *dwarf.StructType, base int64)
		walk = func(st *dwarf.StructType, base int64) {
			for _, fl := range st.Field {
				off, bits, size := base+fl.ByteOffset, int64(0), fl.Type.Size()
				if fl.BitSize > 0 {
					// DWARF 5 data_bit_offset: the unit is the
					// aligned block of the type's size.
					abs := base*8 + fl.DataBitOffset
					off = abs / 8 / size * size
					bits = abs - off*8
				}
				members = append(members, strings.Join([]string{fl.Name, itoa(off), itoa(size), itoa(bits), itoa(fl.BitSize)}, " "))
				if inner, ok := fl.Type.(*dwarf.StructType); ok && fl.Name == "" {
					walk(inner, off)
				}
			}
		}
		walk(st, 0)
		return ty.Size(), members
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// paholeMembers flattens a parsed layout the way dwarfMembers does.
func paholeMembers(l *Layout) []string {
	var out []string
	var walk func(ms []Member)
	walk = func(ms []Member) {
		for _, m := range ms {
			out = append(out, strings.Join([]string{m.Name, itoa(int64(m.Offset)), itoa(int64(m.Size)), itoa(int64(m.BitOffset)), itoa(int64(m.BitSize))}, " "))
			if m.Name == "" {
				walk(m.Members)
			}
		}
	}
	walk(l.Members)
	return out
}

// The sources of testdata/parse, compiled here, give through Load the
// layout Go's debug/dwarf reads, and holes that fill the gaps between
// the members.
func TestLoadMatchesDWARF(t *testing.T) {
	needTools(t)
	src, err := os.ReadFile("testdata/parse/sources.c")
	if err != nil {
		t.Fatal(err)
	}
	obj := compile(t, t.TempDir(), "sources", string(src))
	for _, typ := range []string{"foo", "inner", "u", "al", "pk", "fl", "ep", "en", "d"} {
		t.Run(typ, func(t *testing.T) {
			l, err := Load(context.Background(), obj, typ)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, l)
			size, want := dwarfMembers(t, obj, typ)
			if int64(l.Size) != size {
				t.Errorf("size %d, DWARF says %d", l.Size, size)
			}
			got := paholeMembers(l)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("pahole:\n%s\nDWARF:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	obj := compile(t, dir, "s", "struct s { int a; } s;\ntypedef struct s s_t; typedef s_t s_t2; s_t2 v;\n"+
		"typedef int myint; myint i;\nenum e { E0 } e;\ntypedef struct { char c; } anon_t; anon_t av;\n")
	plain := filepath.Join(dir, "plain.o")
	if _, err := proc.Run(context.Background(), proc.Cmd{Program: "gcc", Args: []string{"-c", "-o", plain, filepath.Join(dir, "s.c")}}); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "text.o")
	if err := os.WriteFile(text, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		obj, typ string
		want     error
		msg      string
	}{
		{obj, "nope", ErrTypeNotFound, "nope in " + obj + ": type not found"},
		{obj, "a,s", ErrBadTypeName, `"a,s": not a C struct or union name`},
		{obj, "-V", ErrBadTypeName, "not a C struct or union name"},
		{plain, "s", ErrNoDebugInfo, plain + ": no debug information"},
		{text, "s", ErrNotObject, text + ": not an ELF object"},
		{filepath.Join(dir, "missing.o"), "s", os.ErrNotExist, "cannot read " + filepath.Join(dir, "missing.o")},
		{obj, "myint", ErrNotStructOrUnion, "myint is a typedef of int in " + obj + ": not a struct or union"},
		{obj, "e", ErrNotStructOrUnion, "not a struct or union: an enum"},
	}
	for _, tc := range tests {
		_, err := Load(context.Background(), tc.obj, tc.typ)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Load(%s, %s) = %v, want %v and %q", tc.obj, tc.typ, err, tc.want, tc.msg)
		}
	}
	// Typedefs lead to the struct they name.
	for typ, want := range map[string]string{"s": "struct s", "struct s": "struct s", "s_t": "struct s", "s_t2": "struct s", "anon_t": "anon_t"} {
		if l, err := Load(context.Background(), obj, typ); err != nil || l.TypeName() != want || l.Object != obj || len(l.Members) != 1 {
			t.Errorf("Load(%q): %v %+v, want %s", typ, err, l, want)
		}
	}
}
