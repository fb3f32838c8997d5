package symtypes

import (
	"bytes"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
)

// Lines that are not genksyms output are errors naming file and line.
func TestParseNotSymtypes(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"hello world\n", `t:1: malformed symtypes line: the declaration of export "hello" does not name it`},
		{"s#a struct a { int x ; }\nhello world\n", `t:2: malformed symtypes line: the declaration of export "hello"`},
		{"foo\n", `t:1: malformed symtypes line: the declaration of export "foo" does not name it`},
		{"--- a/x.c\n", `t:1: malformed symtypes line: "---" is neither a type`},
		{"0x1234abcd\tkfree\tvmlinux\tEXPORT_SYMBOL\n", `t:1: malformed symtypes line: "0x1234abcd" is neither a type`},
		{"[module]\n\tkfree\n", `t:1: malformed symtypes line: "[module]" is neither a type`},
		{"diff --git a/x b/x\n", `t:1: malformed symtypes line: the declaration of export "diff" does not name it`},
	} {
		_, err := Parse(strings.NewReader(tc.text), "t")
		if err == nil || !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want prefix %q", tc.text, err, tc.want)
		}
	}
	// What genksyms writes for exports passes: functions, variables,
	// function pointers.
	for _, ok := range []string{
		"f int f ( void )\n",
		"jiffies extern volatile unsigned long jiffies\n",
		"cb int ( * cb ) ( int )\n",
		"f@0000abcd int f ( void )\n",
	} {
		if _, err := Parse(strings.NewReader(ok), "t"); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// chain is a Symtypes whose export reaches a typedef chain n deep.
func chain(n int) []byte {
	var b bytes.Buffer
	b.WriteString("f int f ( t#t0 )\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "t#t%d typedef t#t%d t%d\n", i, i+1, i)
	}
	fmt.Fprintf(&b, "t#t%d typedef int t%d\n", n, n)
	return b.Bytes()
}

// TestDeepChain: expansion, comparison and filtering walk a chain far
// deeper than a recursive walk could within a small stack (a 3M-deep
// chain overflowed Go's 1 GB stack). The stack is capped so a recursive
// walk fails here at 50k.
func TestDeepChain(t *testing.T) {
	old := debug.SetMaxStack(4 << 20)
	defer debug.SetMaxStack(old)
	const n = 50000
	s, err := Parse(bytes.NewReader(chain(n)), "deep")
	if err != nil {
		t.Fatal(err)
	}
	exp, err := s.Expand("f")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(exp, "int f ( typedef typedef ") || !strings.HasSuffix(exp, " t2 t1 t0 ) ") || !strings.Contains(exp, fmt.Sprintf("typedef int t%d t%d ", n, n-1)) {
		t.Errorf("expansion %.60q…%q", exp, exp[len(exp)-40:])
	}
	if _, err := s.CRC("f"); err != nil {
		t.Fatal(err)
	}
	s2, err := Parse(bytes.NewReader(bytes.Replace(chain(n), []byte("typedef int"), []byte("typedef long"), 1)), "deep2")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(s, s2)
	if err != nil || len(c.Differ) != 1 || len(c.Changes) != 1 || c.Changes[0].Name != fmt.Sprintf("t#t%d", n) {
		t.Fatalf("compare: %v %+v", err, c)
	}
	if red := s.Filter(map[string]bool{"f": true}); red.SymbolsAfter != n+2 {
		t.Errorf("filter kept %d", red.SymbolsAfter)
	}
	if d := s.Dangling(); len(d) != 0 {
		t.Errorf("dangling %v", d)
	}
}

func TestParseSymversLayouts(t *testing.T) {
	for _, tc := range []struct{ name, line string }{
		{"up to 5.3", "0x0000abcd\tkfree\tdrivers/m\tEXPORT_SYMBOL_GPL\n"},
		{"5.4 no namespace", "0x0000abcd\tkfree\t\tdrivers/m\tEXPORT_SYMBOL_GPL\n"},
		{"5.4 namespace", "0x0000abcd\tkfree\tUSB_STORAGE\tdrivers/m\tEXPORT_SYMBOL_GPL\n"},
		{"5.5+ no namespace", "0x0000abcd\tkfree\tdrivers/m\tEXPORT_SYMBOL_GPL\t\n"},
		{"5.5+ namespace", "0x0000abcd\tkfree\tdrivers/m\tEXPORT_SYMBOL_GPL\tUSB_STORAGE\n"},
		{"spaces", "0x0000abcd kfree drivers/m EXPORT_SYMBOL_GPL\n"},
	} {
		m, err := ParseSymvers(strings.NewReader(tc.line), "m")
		want := Symver{CRC: "0x0000abcd", Symbol: "kfree", Module: "drivers/m", Type: "EXPORT_SYMBOL_GPL"}
		if err != nil || m["kfree"] != want {
			t.Errorf("%s: %+v %v", tc.name, m["kfree"], err)
		}
	}
}

func TestSameCRC(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"0x33940a0", "0x033940a0", true},
		{"0x0", "0x00000000", true},
		{"0xABCD", "0x0000abcd", true},
		{"0x1", "0x2", false},
		{"junk", "junk", true},
		{"junk", "0x0", false},
	} {
		if got := SameCRC(tc.a, tc.b); got != tc.same {
			t.Errorf("SameCRC(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
	kabi := map[string]Symver{"f": {CRC: "0x033940a0", Symbol: "f", Module: "vmlinux", Type: "EXPORT_SYMBOL"}}
	build := map[string]Symver{"f": {CRC: "0x33940a0", Symbol: "f", Module: "vmlinux", Type: "EXPORT_SYMBOL"}}
	if r := Check(kabi, build); !r.OK() || len(r.Changed) != 0 {
		t.Errorf("leading zero counted as a change: %+v", r)
	}
}

func TestDuplicates(t *testing.T) {
	_, dupes, err := ParseSymversDuplicates(strings.NewReader("0x1 a m EXPORT_SYMBOL\n0x2 b m EXPORT_SYMBOL\n0x3 a m EXPORT_SYMBOL\n0x4 a m EXPORT_SYMBOL\n"), "m")
	if err != nil || strings.Join(dupes, ",") != "a" {
		t.Errorf("symvers duplicates %v %v", dupes, err)
	}
	s := NewSet()
	for i, text := range []string{"f int f ( int )\n", "f int f ( long )\ng int g\n"} {
		if err := s.AddFile(strings.NewReader(text), fmt.Sprintf("%d.symtypes", i)); err != nil {
			t.Fatal(err)
		}
	}
	if d := s.DuplicateExports(); strings.Join(d, ",") != "f" {
		t.Errorf("duplicate exports %v", d)
	}
}

func TestDangling(t *testing.T) {
	s := mustParse(t, "f int f ( s#a * , t#b , s#d * )\ns#a struct a { s#c * x ; t#b y ; }\nt#b typedef int b\ns#d@00000001 struct d { UNKNOWN }\n")
	if d := s.Dangling(); strings.Join(d, ",") != "s#c" {
		t.Errorf("dangling %v", d)
	}
}

// FuzzParseSymvers: no line makes the parser panic; errors are one line;
// CRCs that parse compare equal to themselves.
func FuzzParseSymvers(f *testing.F) {
	f.Add([]byte("0x0000abcd\tkfree\tUSB\tdrivers/m\tEXPORT_SYMBOL_GPL\n"))
	f.Add([]byte("0xabcd\tkfree\tdrivers/m\tEXPORT_SYMBOL_GPL\t\n0x1 kfree m EXPORT_SYMBOL\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := ParseSymversDuplicates(bytes.NewReader(data), "m")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, v := range m {
			if !SameCRC(v.CRC, v.CRC) {
				t.Fatalf("%q differs from itself", v.CRC)
			}
		}
	})
}
