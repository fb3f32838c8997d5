package spec

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

const kernelSpec = "spec/kernel.spec" // in the shared data

func readKernel(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.SharedData(t, kernelSpec))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	inputs := map[string][]byte{
		"kernel":      readKernel(t),
		"empty":       nil,
		"no newline":  []byte("Name: x\nVersion: 1"),
		"crlf":        []byte("Name: x\r\nPatch1: a.patch\r\n"),
		"unbalanced":  []byte("%global x %{y}}\nPatch1: a\n"),
		"continued":   []byte("%global a 1 \\\n  2\nName: n\n\n\n"),
		"only spaces": []byte("   \n\t\n"),
	}
	for seed := int64(1); seed <= 30; seed++ {
		inputs["gen"+string(rune('A'+seed))] = []byte(genSpec(seed, "x86_64").src)
	}
	for name, in := range inputs {
		s, err := Parse(in, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := s.Bytes(); !bytes.Equal(got, in) {
			t.Errorf("%s: round trip differs", name)
		}
	}
}

func TestKernelSpec(t *testing.T) {
	src := readKernel(t)
	s, err := Parse(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		get  func() (string, error)
		want string
	}{{s.Name, "kernel"}, {s.Version, "4.19.19"}, {s.Release, "8.0.38.4"}} {
		if got, err := c.get(); err != nil || got != c.want {
			t.Errorf("got %q, %v; want %q", got, err, c.want)
		}
	}
	ps, err := s.Patches()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 603 {
		t.Fatalf("%d patches, want 603", len(ps))
	}
	if s.VendorLine() != 690 {
		t.Errorf("vendor line %d, want 690", s.VendorLine())
	}
	// Cross-check the declarations with the text itself: every Patch line
	// of the file, in order, with its number.
	var want []numFile
	for i, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "Patch"); ok {
			num, file, _ := strings.Cut(rest, ": ")
			var n int
			for _, c := range num {
				n = n*10 + int(c-'0')
			}
			want = append(want, numFile{n, file})
			p := ps[len(want)-1]
			if p.Line != i+1 || p.Vendor != (i+1 > 690) || !p.Numbered {
				t.Errorf("patch %d: line %d vendor %v numbered %v", p.Num, p.Line, p.Vendor, p.Numbered)
			}
		}
	}
	var got []numFile
	for _, p := range ps {
		got = append(got, numFile{p.Num, p.File})
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("declared patches differ from the Patch lines of the file")
	}
	srcs, err := s.Sources()
	if err != nil || len(srcs) != 6 || srcs[3].File != "check-kabi" || srcs[5].Num != 5 {
		t.Errorf("sources %+v, %v", srcs, err)
	}
}

// TestAgainstRpmspec compares Name, Version, Release, the declared patches
// (numbers and files, in order) and the applied order with rpm's own
// reading of the same spec.
func TestAgainstRpmspec(t *testing.T) {
	arch := hostArch(t)
	t.Run("kernel", func(t *testing.T) {
		src := readKernel(t)
		ours := ourView(t, src, &Options{Arch: arch})
		var files []string
		for _, d := range ours.Declared {
			files = append(files, d.File)
		}
		rpm := rpmspecView(t, src, files)
		compareViews(t, ours, rpm)
		if len(rpm.Declared) != 603 || len(rpm.Applied) != 603 {
			t.Errorf("rpm sees %d patches, applies %d", len(rpm.Declared), len(rpm.Applied))
		}
	})
	for seed := int64(1); seed <= 12; seed++ {
		g := genSpec(seed, arch)
		t.Run("gen"+string(rune('a'+seed)), func(t *testing.T) {
			ours := ourView(t, []byte(g.src), &Options{Arch: arch})
			rpm := rpmspecView(t, []byte(g.src), g.files)
			compareViews(t, ours, rpm)
			// The generator's own expectation, a third opinion.
			if !reflect.DeepEqual(ours.Declared, g.declared) || !reflect.DeepEqual(ours.Applied, g.applied) {
				t.Errorf("generator expected %v applied %v", g.declared, g.applied)
			}
			if t.Failed() {
				t.Logf("spec:\n%s", g.src)
			}
		})
	}
}

func compareViews(t *testing.T, ours, rpm rpmView) {
	t.Helper()
	if ours.Name != rpm.Name || ours.Version != rpm.Version || ours.Release != rpm.Release {
		t.Errorf("NVR: ours %q %q %q, rpm %q %q %q", ours.Name, ours.Version, ours.Release, rpm.Name, rpm.Version, rpm.Release)
	}
	if !reflect.DeepEqual(ours.Declared, rpm.Declared) {
		t.Errorf("declared patches:\nours %v\nrpm  %v", ours.Declared, rpm.Declared)
	}
	if !reflect.DeepEqual(ours.Applied, rpm.Applied) {
		t.Errorf("applied order:\nours %v\nrpm  %v", ours.Applied, rpm.Applied)
	}
	if len(rpm.Declared) == 0 {
		t.Error("rpm saw no patches: the probe is broken")
	}
}

// TestMacros checks expansions against values worked out by hand from
// rpm's documented rules (and confirmed with rpm --eval while writing).
func TestMacros(t *testing.T) {
	cases := []struct {
		name, defs, release, want string
	}{
		{"global", "%global a 1", "%{a}", "1"},
		{"bare", "%global a 1", "%a.x", "1.x"},
		{"define lazy", "%define a %{b}\n%define b 2", "%{a}", "2"},
		{"global eager", "%global b 1\n%global a %{b}\n%global b 2", "%{a}", "1"},
		{"define at use", "%define b 1\n%define a %{b}\n%define b 2", "%{a}", "2"},
		{"undefine pops", "%define a 1\n%define a 2\n%undefine a", "%{a}", "1"},
		{"test set", "%global a X", "%{?a}.%{!?a}.%{?a:y}.%{!?a:n}", "X..y."},
		{"test unset", "", "r%{?a}.%{!?a}.%{?a:y}.%{!?a:n}", "r...n"},
		{"?! order", "", "%{?!a:n}", "n"},
		{"bare test", "%global a X", "%?a%!?a", "X"},
		{"escape", "", "1%%", "1%"},
		{"undefined stays", "", "1%{zz}", "1%{zz}"},
		{"continuation", "%global a 1\\\n2", "%{a}", "1\n2"},
		{"nested", "%global a 1\n%global b %{?a:%{a}%{a}}", "%{b}", "11"},
		{"expr", "", "%[1 + 2 * 3]", "7"},
		{"builtins", "%global f /x/y.tar.gz", "%{basename:%{f}}-%{suffix:%{f}}", "y.tar.gz-gz"},
		{"with", "%bcond_without feat", "%{with feat}%{without feat}", "10"},
		{"parametric", "%define p(a:) [%{-a*}|%1|%#]", "%{p -a v one two}", "[v|one|2]"},
		{"nil", "", "1%{nil}", "1"},
		{"name", "", "%{name}-%{version}", "n-1"},
	}
	for _, c := range cases {
		src := c.defs + "\nName: n\nVersion: 1\nRelease: " + c.release + "\n"
		s, err := Parse([]byte(src), nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got, err := s.Release(); err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestConditionals(t *testing.T) {
	cases := []struct {
		cond string
		want bool
	}{
		{"%if 0%{?x}", false},
		{"%if 0%{!?x:1}", true},
		{"%if \"a\" == \"a\"", true},
		{"%if \"a\" != \"a\"", false},
		{"%if 1 && 0", false},
		{"%if 1 || 0", true},
		{"%if !0", true},
		{"%if !(1 == 1)", false},
		{"%if 3 >= 2 && 2 < 3", true},
		{"%if 1 ? 0 : 1", false},
		{"%ifarch x86_64", true},
		{"%ifarch %{ix86} aarch64", false},
		{"%ifnarch aarch64", true},
		{"%ifos linux", true},
		{"%ifnos linux", false},
	}
	for _, c := range cases {
		src := "Name: n\n" + c.cond + "\nPatch1: yes.patch\n%else\nPatch1: no.patch\n%endif\n"
		s, err := Parse([]byte(src), nil)
		if err != nil {
			t.Errorf("%s: %v", c.cond, err)
			continue
		}
		ps, _ := s.Patches()
		if len(ps) != 1 || (ps[0].File == "yes.patch") != c.want {
			t.Errorf("%s: patches %+v, want condition %v", c.cond, ps, c.want)
		}
	}
	// Nested, with %elif.
	src := "%if 0\n%if 1\nPatch1: a\n%endif\n%elif 1\nPatch2: b\n%elif 1\nPatch3: c\n%else\nPatch4: d\n%endif\n"
	s, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ps, _ := s.Patches(); len(ps) != 1 || ps[0].Num != 2 {
		t.Errorf("nested: %+v", ps)
	}
}

func TestNumbering(t *testing.T) {
	src := "Patch: a\nPatch0005: b\nPatch2: c\nPatch: d\n%description\nx\n%patchlist\ne\n\n# comment\nf\n%prep\n%autosetup -p1\n"
	s, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := s.Patches()
	var got []numFile
	for _, p := range ps {
		got = append(got, numFile{p.Num, p.File})
	}
	want := []numFile{{0, "a"}, {5, "b"}, {2, "c"}, {6, "d"}, {7, "e"}, {8, "f"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	ap, _ := s.Applied()
	if len(ap) != 6 || ap[1].File != "b" || ap[2].File != "c" {
		t.Errorf("autosetup applies in declaration order: %+v", ap)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, src string
		err       error
		line      int
		mention   string
	}{
		{"endif alone", "Name: n\n%endif\n", ErrConditional, 2, ""},
		{"else twice", "%if 1\n%else\n%else\n%endif\n", ErrConditional, 3, ""},
		{"unclosed if", "Name: n\n%if 1\nPatch1: a\n", ErrConditional, 2, ""},
		{"duplicate", "Patch1: a\nPatch01: b\n", ErrDuplicate, 2, "line 1"},
		{"bare word", "%if foo == bar\n%endif\n", ErrSyntax, 1, "foo"},
		{"opaque if", "%if %(test -e x && echo 1)\n%endif\n", ErrOpaque, 1, "%(test -e x"},
		{"no patch", "Patch1: a\n%prep\n%patch -P 2\n", ErrNoPatch, 3, "2"},
		{"autopatch none", "Patch1: a\n%prep\n%autopatch 3\n", ErrNoPatch, 3, "3"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.src), nil)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
			continue
		}
		var le *LineError
		var oe *OpaqueError
		switch {
		case errors.As(err, &le):
			if le.Line != c.line {
				t.Errorf("%s: line %d, want %d", c.name, le.Line, c.line)
			}
		case errors.As(err, &oe):
			if oe.Line != c.line {
				t.Errorf("%s: line %d, want %d", c.name, oe.Line, c.line)
			}
		default:
			t.Errorf("%s: %v has no line", c.name, err)
		}
		if !strings.Contains(err.Error(), c.mention) {
			t.Errorf("%s: %q does not mention %q", c.name, err, c.mention)
		}
	}
}

func TestOpaqueValues(t *testing.T) {
	src := "%global stamp %(date +%%s)\n%define luav %{lua: print(1)}\nName: n\nVersion: %{stamp}\nRelease: %{luav}\n" +
		"Patch1: %{name}.patch\nPatch2: x-%{luav}.patch\n%prep\n%autosetup\n"
	s, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Name(); n != "n" || err != nil {
		t.Errorf("name %q %v", n, err)
	}
	_, err = s.Version()
	var oe *OpaqueError
	if !errors.As(err, &oe) || oe.Line != 1 || !strings.Contains(err.Error(), "%(date") {
		t.Errorf("version error %v", err)
	}
	_, err = s.Release()
	if !errors.As(err, &oe) || oe.Line != 2 || !strings.Contains(err.Error(), "%{lua:") {
		t.Errorf("release error %v", err)
	}
	if _, err := s.Patches(); !errors.Is(err, ErrOpaque) || !strings.Contains(err.Error(), "patch 2 (line 7)") {
		t.Errorf("patches error %v", err)
	}
}

func TestCommented(t *testing.T) {
	src := "Patch1: a.patch\n# Patch2: b.patch: 0123456789ab net: fix a thing\n#Patch3: c.patch\n#  patch4 : odd\n# Patch five: no\n"
	s, err := Parse([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Commented{
		{Line: 2, Num: 2, File: "b.patch", Commit: "0123456789ab", Title: "net: fix a thing"},
		{Line: 3, Num: 3, File: "c.patch"},
		{Line: 4, Num: 4, File: "odd"},
	}
	if got := s.Commented(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestVendorMarkerOption(t *testing.T) {
	src := "Patch1: a\n# Vendor stuff\nPatch2: b\n"
	s, err := Parse([]byte(src), &Options{VendorMarker: "# Vendor stuff"})
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := s.Patches()
	if s.VendorLine() != 2 || ps[0].Vendor || !ps[1].Vendor {
		t.Errorf("vendor line %d, patches %+v", s.VendorLine(), ps)
	}
}

func TestExpansionLimits(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "%%define m%d %%{?m%d}%%{?m%d}\n", i, i+1, i+1)
	}
	b.WriteString("%define m40 x\nName: n\nRelease: %{m0}\n%define r %r\nVersion: %r\n")
	s, err := Parse([]byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Release(); !errors.Is(err, ErrRecursion) {
		t.Errorf("exponential expansion: %v", err)
	}
	if _, err := s.Version(); !errors.Is(err, ErrRecursion) {
		t.Errorf("recursive macro: %v", err)
	}
}

// TestGetopt: a %prep directive's options, bundled or not, values glued
// on or in the next argument, "--" ending them.
func TestGetopt(t *testing.T) {
	for _, c := range []struct {
		args string
		opts map[byte][]string
		pos  []string
		err  string
	}{
		{"", map[byte][]string{}, nil, ""},
		{"-p1 -m 3 -M5 7", map[byte][]string{'p': {"1"}, 'm': {"3"}, 'M': {"5"}}, []string{"7"}, ""},
		{"-qp1 - x", map[byte][]string{'q': {""}, 'p': {"1"}}, []string{"-", "x"}, ""},
		{"-m1 -m2 -- -M3", map[byte][]string{'m': {"1", "2"}}, []string{"-M3"}, ""},
		{"-p", nil, nil, "option -p needs a value"},
	} {
		opts, pos, err := getopt(strings.Fields(c.args), "pmM")
		if fmt.Sprint(err) != fmt.Sprint(errorOrNil(c.err)) || !reflect.DeepEqual(opts, c.opts) || !reflect.DeepEqual(pos, c.pos) {
			t.Errorf("%q: %v %q %v, want %v %q %s", c.args, opts, pos, err, c.opts, c.pos, c.err)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: %v is not ErrSyntax", c.args, err)
		}
	}
}

// TestBindArgs: a parametric macro's locals; an option its definition
// does not list is refused.
func TestBindArgs(t *testing.T) {
	for _, c := range []struct {
		opts, args string
		want       map[string]string
		err        string
	}{
		{"", "a b", map[string]string{"0": "m", "1": "a", "2": "b", "*": "a b", "**": "a b", "#": "2"}, ""},
		{"ab:", "-a -b 1 x", map[string]string{"0": "m", "-a": "-a", "-b": "-b 1", "-b*": "1", "1": "x", "*": "x", "**": "-a -b 1 x", "#": "1"}, ""},
		{"ab:", "-ab2 -- -a", map[string]string{"0": "m", "-a": "-a", "-b": "-b 2", "-b*": "2", "1": "-a", "*": "-a", "**": "-ab2 -- -a", "#": "1"}, ""},
		{"a", "-c", nil, "unknown option -c in %m"},
		{"b:", "-b", nil, "option -b of %m needs a value"},
	} {
		got, err := bindArgs(c.opts, "m", strings.Fields(c.args))
		if fmt.Sprint(err) != fmt.Sprint(errorOrNil(c.err)) || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q %q: %v %v, want %v %s", c.opts, c.args, got, err, c.want, c.err)
		}
	}
}

// errorOrNil is the error a case expects: ErrSyntax with msg, or nil.
func errorOrNil(msg string) error {
	if msg == "" {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrSyntax, msg)
}
