package symtypes

import (
	"bytes"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *Set {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "test.symtypes")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParse(t *testing.T) {
	text := "s#foo struct foo { int a ; } \n" + // genksyms leaves a trailing space
		"\n   \n" +
		"s#bar@0000abcd struct bar { UNKNOWN }\n" +
		"s#bar@12345678 struct bar { long b ; }\n" +
		"E#N 4\n" +
		"t#T typedef int T\n" +
		"exp1 extern int exp1 ( s#foo * , s#bar * , t#T [ E#N ] )\n" +
		"exp2 int exp2\n" +
		"F#dir/a.symtypes exp1 s#bar@12345678\n"
	s := mustParse(t, text)
	if got := s.Exports(); strings.Join(got, ",") != "exp1,exp2" {
		t.Errorf("exports %v", got)
	}
	if f, _ := s.ExportFile("exp1"); f != "dir/a.symtypes" {
		t.Errorf("exp1 file %q", f)
	}
	if f, ok := s.ExportFile("exp2"); !ok || f != "" {
		t.Errorf("exp2 file %q %v, want known with no file", f, ok)
	}
	foo, ok := s.Lookup("s#foo")
	if !ok || strings.Join(foo.Tokens, " ") != "struct foo { int a ; }" {
		t.Fatalf("s#foo = %+v", foo)
	}
	if want := crc32.ChecksumIEEE([]byte("s#foo struct foo { int a ; }")); foo.CRC != want {
		t.Errorf("s#foo CRC %08x, want CRC of its trimmed line %08x", foo.CRC, want)
	}
	if bar, ok := s.Lookup("s#bar@0000abcd"); !ok || bar.CRC != 0xabcd {
		t.Errorf("s#bar@0000abcd = %+v", bar)
	}
	if s.Len() != 7 {
		t.Errorf("%d definitions, want 7", s.Len())
	}
	// The export's file saw the full bar; the expansion must use it, expand
	// E#N to its value and drop "extern".
	got, err := s.Expand("exp1")
	if err != nil {
		t.Fatal(err)
	}
	want := "int exp1 ( struct foo { int a ; } * , struct bar { long b ; } * , typedef int T [ 4 ] ) "
	if got != want {
		t.Errorf("expansion\n got %q\nwant %q", got, want)
	}
	crc, err := s.CRC("exp1")
	if err != nil || crc != crc32.ChecksumIEEE([]byte(want)) {
		t.Errorf("CRC %08x %v", crc, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"x#foo int\n", "t.symtypes:1: malformed symtypes line: bad type reference"},
		{"s#ok int\ns# int\n", "t.symtypes:2: malformed"},
		{"\n\ns#foo@xyz struct foo { }\n", "t.symtypes:3: malformed symtypes line: bad version"},
		{"s#foo@123456789 struct foo { }\n", "t.symtypes:1: malformed symtypes line: bad version"},
		{"@12345678 int\n", "t.symtypes:1: malformed symtypes line: empty name"},
		{"F# a b\n", "t.symtypes:1: malformed symtypes line: F# line without a file name"},
		{"F#a.symtypes s#foo@zz\n", "t.symtypes:1: malformed symtypes line: bad version"},
		{"F#a.symtypes s#foo\n", "t.symtypes:1: malformed symtypes line: F# line lists type"},
		{"foo int foo ( q#bar )\n", "t.symtypes:1: malformed symtypes line: bad type reference \"q#bar\""},
		{"foo int foo ( s#a#b )\n", "t.symtypes:1: malformed"},
	} {
		_, err := Parse(strings.NewReader(tc.text), "t.symtypes")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: error %v, want prefix %q", tc.text, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error spans lines: %q", tc.text, err)
		}
	}
}

func TestCRCErrors(t *testing.T) {
	s := mustParse(t, "f int f ( t#missing )\ng int g ( s#d * )\ns#d@00000001 struct d { UNKNOWN }\ns#d@00000002 struct d { int x ; }\n")
	if _, err := s.CRC("f"); !errors.Is(err, ErrUndefined) {
		t.Errorf("undefined typedef: %v", err)
	}
	if _, err := s.CRC("g"); !errors.Is(err, ErrMissingVersion) {
		t.Errorf("duplicated type without F# record: %v", err)
	}
	if _, err := s.CRC("nope"); !errors.Is(err, ErrUnknownExport) {
		t.Errorf("unknown export: %v", err)
	}
}

// TestCollect merges two object files' dumps that disagree on struct foo:
// both definitions become versions named by the CRC of their own line and
// each file's F# line records the one it saw.
func TestCollect(t *testing.T) {
	a := "s#foo struct foo { int a ; } \nt#u32 typedef unsigned int u32 \nfa int fa ( s#foo * ) \n"
	b := "s#foo struct foo { UNKNOWN } \nt#u32 typedef unsigned int u32 \nfb int fb ( s#foo * , t#u32 ) \n"
	s := NewSet()
	if err := s.AddFile(strings.NewReader(a), "a.symtypes"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFile(strings.NewReader(b), "sub/b.symtypes"); err != nil {
		t.Fatal(err)
	}
	s.FinishCollect()
	v1 := versionName("s#foo", crc32.ChecksumIEEE([]byte("s#foo struct foo { int a ; }")))
	v2 := versionName("s#foo", crc32.ChecksumIEEE([]byte("s#foo struct foo { UNKNOWN }")))
	defs := []string{v1 + " struct foo { int a ; }", v2 + " struct foo { UNKNOWN }"}
	if v2 < v1 {
		defs[0], defs[1] = defs[1], defs[0]
	}
	want := "fa int fa ( s#foo * )\nfb int fb ( s#foo * , t#u32 )\n" + strings.Join(defs, "\n") + "\n" +
		"t#u32 typedef unsigned int u32\n" +
		"F#a.symtypes fa " + v1 + "\nF#sub/b.symtypes fb " + v2 + "\n"
	var out bytes.Buffer
	if _, err := s.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Fatalf("collected:\n%s\nwant:\n%s", out.String(), want)
	}
	// Each export expands with its own file's version.
	for sym, exp := range map[string]string{
		"fa": "int fa ( struct foo { int a ; } * ) ",
		"fb": "int fb ( struct foo { UNKNOWN } * , typedef unsigned int u32 ) ",
	} {
		if got, err := s.Expand(sym); err != nil || got != exp {
			t.Errorf("%s: %q %v, want %q", sym, got, err, exp)
		}
	}
	red := s.Filter(map[string]bool{"fb": true})
	wantRed := "Reduced files from 2 to 1, a 50.0% reduction.\nReduced symbols from 5 to 4. A 20.0% reduction.\n"
	if red.String() != wantRed {
		t.Errorf("reduction:\n%s\nwant:\n%s", red, wantRed)
	}
	out.Reset()
	if _, err := s.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	// fa is gone with its file; both versions of foo stay (a duplicated
	// type keeps all its versions).
	want = "fb int fb ( s#foo * , t#u32 )\n" + strings.Join(defs, "\n") + "\n" +
		"t#u32 typedef unsigned int u32\nF#sub/b.symtypes fb " + v2 + "\n"
	if out.String() != want {
		t.Errorf("filtered:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestParseSymbolList(t *testing.T) {
	locked, err := ParseSymbolList(strings.NewReader("[mod-a]\n\tkfree\n\tfoo\n[mod-b]\n\tkfree\n\n"), "l")
	if err != nil || len(locked) != 2 || !locked["kfree"] || !locked["foo"] {
		t.Errorf("locked list: %v %v", locked, err)
	}
	symvers, err := ParseSymbolList(strings.NewReader("0x12345678\tkfree\tvmlinux\tEXPORT_SYMBOL\n0x00000001\tbar\tdrivers/x\tEXPORT_SYMBOL_GPL\tNS\n"), "Module.kabi")
	if err != nil || len(symvers) != 2 || !symvers["bar"] {
		t.Errorf("symvers list: %v %v", symvers, err)
	}
	if _, err := ParseSymbolList(strings.NewReader("kfree\n"), "bad"); err == nil || !strings.HasPrefix(err.Error(), "bad:1: ") {
		t.Errorf("want an error naming bad:1, got %v", err)
	}
	// Either format may have been meant: the error describes both.
	_, err = ParseSymbolList(strings.NewReader("kfree\nfoo\n"), "plain")
	if err == nil || !errors.Is(err, ErrMalformedSymbolLst) || !strings.Contains(err.Error(), `"[module]"`) || !strings.Contains(err.Error(), "Module.symvers") {
		t.Errorf("plain list: %v", err)
	}
}

func TestParseSymversErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"0xZZZ\tf\tvmlinux\tEXPORT_SYMBOL\n", `m:1: malformed symbol list: bad CRC "0xZZZ"`},
		{"0x\tf\tvmlinux\tEXPORT_SYMBOL\n", `m:1: malformed symbol list: bad CRC "0x"`},
		{"0x-1\tf\tvmlinux\tEXPORT_SYMBOL\n", `m:1: malformed symbol list: bad CRC "0x-1"`},
		{"0x123456789\tf\tvmlinux\tEXPORT_SYMBOL\n", `m:1: malformed symbol list: bad CRC "0x123456789"`},
		{"0x1\tf\tvmlinux\tEXPORT_SYMBOL\n\n0x2 g vmlinux\n", "m:3: malformed symbol list: 3 of 4 fields"},
		{"0x" + strings.Repeat("f", 100) + " f vmlinux EXPORT_SYMBOL\n", `m:1: malformed symbol list: bad CRC "0x` + strings.Repeat("f", 33) + `"… (`},
	} {
		_, err := ParseSymvers(strings.NewReader(tc.text), "m")
		if err == nil || !errors.Is(err, ErrMalformedSymbolLst) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want prefix %q", tc.text, err, tc.want)
		}
	}
	m, err := ParseSymvers(strings.NewReader("0xdeadBEEF\tf\tvmlinux\tEXPORT_SYMBOL\tNS\n0x0 g m EXPORT_SYMBOL_GPL\n"), "m")
	if err != nil || len(m) != 2 || m["f"].CRC != "0xdeadBEEF" {
		t.Errorf("valid lines: %v %v", m, err)
	}
}

// TestQuoteToken: long tokens, binary ones especially, are cut.
func TestQuoteToken(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"q#x", `"q#x"`},
		{strings.Repeat("a", 38), `"` + strings.Repeat("a", 38) + `"`},
		{strings.Repeat("a", 39), `"` + strings.Repeat("a", 35) + `"…`},
		{strings.Repeat("\x01", 100), `"` + strings.Repeat(`\x01`, 8) + `"…`},
		{strings.Repeat("é", 50), `"` + strings.Repeat("é", 17) + `"…`},
	} {
		if got := quoteToken(tc.in); got != tc.want {
			t.Errorf("quoteToken(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	_, err := Parse(strings.NewReader("f int f ( q#"+strings.Repeat("\xff", 300)+" )\n"), "bin")
	if err == nil || len(err.Error()) > 100 {
		t.Errorf("binary token: %d bytes: %v", len(err.Error()), err)
	}
}

func TestCheck(t *testing.T) {
	kabi := map[string]Symver{
		"same":    {"0x1", "same", "vmlinux", "EXPORT_SYMBOL"},
		"moved":   {"0x2", "moved", "vmlinux", "EXPORT_SYMBOL"},
		"gpl":     {"0x3", "gpl", "vmlinux", "EXPORT_SYMBOL"},
		"changed": {"0x4", "changed", "vmlinux", "EXPORT_SYMBOL"},
		"gone":    {"0x5", "gone", "vmlinux", "EXPORT_SYMBOL"},
	}
	build := map[string]Symver{
		"same":    {"0x1", "same", "vmlinux", "EXPORT_SYMBOL"},
		"moved":   {"0x2", "moved", "drivers/m", "EXPORT_SYMBOL"},
		"gpl":     {"0x3", "gpl", "vmlinux", "EXPORT_SYMBOL_GPL"},
		"changed": {"0x9", "changed", "vmlinux", "EXPORT_SYMBOL"},
		"new":     {"0x6", "new", "vmlinux", "EXPORT_SYMBOL"},
	}
	r := Check(kabi, build)
	got := strings.Join([]string{strings.Join(r.Moved, ","), strings.Join(r.LicenseChanged, ","), strings.Join(r.Changed, ","), strings.Join(r.Removed, ",")}, "|")
	if got != "moved|gpl|changed|gone" || r.OK() {
		t.Errorf("check: %s ok=%v", got, r.OK())
	}
	if r := Check(kabi, kabi); !r.OK() || len(r.Moved) != 0 {
		t.Errorf("identical: %+v", r)
	}
}
