package symtypes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/symtypes/symtypestest"
)

func TestParseLockedList(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     ModuleUses
		err      string
	}{
		{"sections", "[a-module]\n\tkfree\n\tmemcpy\n\n[b-module]\n\tkfree\n", ModuleUses{"kfree": {"a-module", "b-module"}, "memcpy": {"a-module"}}, ""},
		{"repeated", "[b]\n\tx\n[a]\n\tx\n[b]\n\tx\n", ModuleUses{"x": {"a", "b"}}, ""},
		{"empty", "", ModuleUses{}, ""},
		{"no section", "\tkfree\n", nil, "l:1: malformed symbol list: symbol \"kfree\" before the first [module] line"},
		{"unclosed", "[a\n\tx\n", nil, "l:1: malformed symbol list: section \"[a\" does not end with \"]\""},
		{"empty section", "[]\n", nil, "l:1: malformed symbol list: section \"[]\" has no name"},
		{"two words", "[a]\n\tx y\n", nil, "l:2: malformed symbol list: symbol \"x y\" has more than one word"},
		{"Module.kabi", "0x1234 kfree vmlinux EXPORT_SYMBOL\n", nil, "before the first [module] line"},
	} {
		got, err := ParseLockedList(strings.NewReader(tc.in), "l")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrMalformedSymbolLst) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: error %v, want one line containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, got, err, tc.want)
		}
	}
}

func TestImpactHandMade(t *testing.T) {
	old, new := mustParse(t, symtypestest.ImpactOld), mustParse(t, symtypestest.ImpactNew)
	c, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	uses, err := ParseLockedList(strings.NewReader("[m1]\n\ta\n\td\n[m2]\n\tc\n\tsame\n[m3]\n\tsame\n"), "l")
	if err != nil {
		t.Fatal(err)
	}
	got := ImpactOf(old, new, c, uses)
	var b strings.Builder
	for _, im := range got {
		fmt.Fprintf(&b, "%s: %v %v\n", im.Change.Name, im.Exports, im.Modules)
	}
	// By exports, then modules, then name.
	want := `s#inner: [a b c e] [m1 m2]
s#other: [d] [m1]
f: [f] []
s#lone: [e] []
`
	if b.String() != want {
		t.Errorf("impact:\n%s\nwant:\n%s", b.String(), want)
	}
	var out bytes.Buffer
	if err := WriteImpact(&out, got, true); err != nil {
		t.Fatal(err)
	}
	wantText := `*** IMPACT ***

struct inner: 4 exports, 2 modules
  exports: a b c e
  modules: m1 m2

struct other: 1 export, 1 module
  exports: d
  modules: m1

f: 1 export, 0 modules
  exports: f

struct lone: 1 export, 0 modules
  exports: e

`
	if out.String() != wantText {
		t.Errorf("text:\n%s\nwant:\n%s", out.String(), wantText)
	}
	out.Reset()
	if err := WriteImpact(&out, got[:1], false); err != nil {
		t.Fatal(err)
	}
	if want := "*** IMPACT ***\n\nstruct inner: 4 exports\n  exports: a b c e\n\n"; out.String() != want {
		t.Errorf("without modules: %q, want %q", out.String(), want)
	}
}

func TestWrapList(t *testing.T) {
	var words []string
	for i := range 30 {
		words = append(words, fmt.Sprintf("symbol_%02d", i))
	}
	var b strings.Builder
	wrapList(&b, "  exports:", words)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("not wrapped:\n%s", b.String())
	}
	var back []string
	for i, l := range lines {
		if len(l) > 100 {
			t.Errorf("line %d is %d columns", i, len(l))
		}
		if i > 0 && !strings.HasPrefix(l, strings.Repeat(" ", 10)+" symbol") {
			t.Errorf("continuation %q not indented under the first word", l)
		}
		back = append(back, strings.Fields(l)...)
	}
	if !reflect.DeepEqual(back[1:], words) {
		t.Errorf("words lost or reordered: %v", back)
	}
}

// TestImpactDeepChain: an export reaching a changed type through 200,000
// types, with the Go stack capped at 4 MiB. The reverse walk keeps its own
// queue; a recursive walk needs tens of bytes of stack a level and
// overflows the cap, as a 3M-deep chain overflowed the default stack.
func TestImpactDeepChain(t *testing.T) {
	old := debug.SetMaxStack(4 << 20)
	defer debug.SetMaxStack(old)
	depth := 200_000
	// Built directly: parsing three million lines would take most of the
	// test's time and is tested elsewhere.
	s := NewSet()
	name := func(i int) string { return "s#t" + strconv.Itoa(i) }
	for i := 0; i < depth; i++ {
		// Only the reference: the walk reads nothing else, and the
		// whole declaration would triple the test's memory.
		s.defs[name(i)] = &Def{Name: name(i), Tokens: []string{name(i + 1)}}
	}
	bottom := name(depth)
	s.defs[bottom] = &Def{Name: bottom, Tokens: []string{"int"}}
	s.defs["root"] = &Def{Name: "root", Tokens: []string{"void", "root", "(", name(0), "*", ")"}}
	s.exports["root"] = ""
	c := &Comparison{Differ: []string{"root"}, Changes: []TypeChange{{bottom, bottom, bottom}}}
	got := ImpactOf(s, s, c, ModuleUses{"root": {"m"}})
	if len(got) != 1 || !reflect.DeepEqual(got[0].Exports, []string{"root"}) || !reflect.DeepEqual(got[0].Modules, []string{"m"}) {
		t.Errorf("impact %+v", got)
	}
}

// TestImpactRealFiles pins the impact of the changes between the two
// shared 4.19 kernels, with the locked list they were consolidated with.
func TestImpactRealFiles(t *testing.T) {
	old, new := parseReal(t, realOld), parseReal(t, realNew)
	uses, err := ParseLockedList(bytes.NewReader(readReal(t, realList)), realList)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	got := ImpactOf(old, new, c, uses)
	mods := map[string]bool{}
	for _, ms := range uses {
		for _, m := range ms {
			mods[m] = true
		}
	}
	reachedExports, reachedModules := map[string]bool{}, map[string]bool{}
	for _, im := range got {
		for _, e := range im.Exports {
			reachedExports[e] = true
		}
		for _, m := range im.Modules {
			reachedModules[m] = true
		}
	}
	t.Logf("%d changed types, %d differing exports, %d locked symbols in %d modules; top: %s with %d exports, %d modules",
		len(got), len(c.Differ), len(uses), len(mods), got[0].Change.Name, len(got[0].Exports), len(got[0].Modules))
	for _, p := range []struct {
		what      string
		got, want int
	}{
		{"changed types", len(got), 105},
		{"differing exports", len(c.Differ), 812},
		{"modules in the locked list", len(mods), 44},
		{"exports reached by some changed type", len(reachedExports), wantReachedExports},
		{"modules reached", len(reachedModules), wantReachedModules},
		{"exports of the most impactful type", len(got[0].Exports), wantTopExports},
		{"modules of the most impactful type", len(got[0].Modules), wantTopModules},
	} {
		if p.got != p.want {
			t.Errorf("%s: %d, want %d", p.what, p.got, p.want)
		}
	}
	if got[0].Change.Name != wantTop {
		t.Errorf("most impactful type %s, want %s", got[0].Change.Name, wantTop)
	}
	for i := 1; i < len(got); i++ {
		if len(got[i].Exports) > len(got[i-1].Exports) {
			t.Fatalf("not sorted by impact at %d: %s", i, got[i].Change.Name)
		}
	}
	// Every differing export reaches some changed type: the walk of
	// Compare started from them.
	for _, e := range c.Differ {
		if !reachedExports[e] {
			t.Errorf("%s differs but reaches no changed type", e)
		}
	}
}

// realList is the locked list the shared files were consolidated with.
const realList = "kabi/xcpng-8.3-kabi_lockedlist"

// Pinned on the shared files (go test -run TestImpactRealFiles -v prints
// the counts).
const (
	wantReachedExports = 812
	wantReachedModules = 44
	wantTopExports     = 806
	wantTopModules     = 44
	wantTop            = "s#trace_seq"
)

// BenchmarkCompareImpactReal is BenchmarkCompareReal plus the impact of
// every changed type, with the locked list: what `git kabi compare
// --impact -l` does. It reports the ratio to the compare alone.
func BenchmarkCompareImpactReal(b *testing.B) {
	oldData, newData, listData := readReal(b, realOld), readReal(b, realNew), readReal(b, realList)
	run := func(impact bool) {
		o, n, c := compareReal(b, oldData, newData)
		if !impact {
			return
		}
		uses, err := ParseLockedList(bytes.NewReader(listData), realList)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteImpact(io.Discard, ImpactOf(o, n, c, uses), true); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time as well as wall time: on a shared machine the wall time
	// says more about the other processes.
	cpu := func() int64 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	var plain, with, plainCPU, withCPU int64
	for b.Loop() {
		t0, c0 := time.Now().UnixNano(), cpu()
		run(false)
		t1, c1 := time.Now().UnixNano(), cpu()
		run(true)
		t2, c2 := time.Now().UnixNano(), cpu()
		plain += t1 - t0
		with += t2 - t1
		plainCPU += c1 - c0
		withCPU += c2 - c1
	}
	b.ReportMetric(float64(with)/float64(b.N)/1e6, "ms-with-impact/op")
	b.ReportMetric(float64(withCPU)/float64(b.N)/1e6, "cpu-ms-with-impact/op")
	b.ReportMetric(float64(plain)/float64(b.N)/1e6, "ms-compare/op")
	b.ReportMetric(float64(plainCPU)/float64(b.N)/1e6, "cpu-ms-compare/op")
	b.ReportMetric(float64(withCPU)/float64(plainCPU), "cpu-ratio")
}
