package spec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// mspec writes a small two-layer spec: their patch lines, then (when ours
// is not nil) the marker and our patch lines; %prep applies them with
// %autosetup, or by number with one %patchN line each (byNum).
type mspec struct {
	release string
	their   []string // "N file", or "#N file" for a patch commented out as upstream
	ours    []string
	files   []string
	byNum   bool
}

func patchLines(specs []string) (lines []string, applied []numFile) {
	for _, p := range specs {
		n, f, _ := strings.Cut(p, " ")
		if c, ok := strings.CutPrefix(n, "#"); ok {
			lines = append(lines, fmt.Sprintf("# Patch%s: %s: 0123456789ab upstream title\n", c, f))
			continue
		}
		var num int
		fmt.Sscan(n, &num)
		lines = append(lines, fmt.Sprintf("Patch%s: %s\n", n, f))
		applied = append(applied, numFile{num, f})
	}
	return lines, applied
}

func (s mspec) String() string {
	var b strings.Builder
	rel := s.release
	if rel == "" {
		rel = "1"
	}
	fmt.Fprintf(&b, "Name: pkg\nVersion: 1.0\nRelease: %s\nSummary: test\nLicense: GPL\nSource0: pkg-1.0.tar.gz\n", rel)
	tl, ta := patchLines(s.their)
	for _, l := range tl {
		b.WriteString(l)
	}
	var oa []numFile
	if s.ours != nil {
		b.WriteString("\n# XCP-ng patches\n")
		var ol []string
		ol, oa = patchLines(s.ours)
		for _, l := range ol {
			b.WriteString(l)
		}
	}
	b.WriteString("\n%description\nA package.\n\n%prep\n")
	if s.byNum {
		b.WriteString("%setup -q\n")
		for _, p := range append(ta, oa...) {
			fmt.Fprintf(&b, "%%patch%d -p1\n", p.Num)
		}
	} else {
		b.WriteString("%autosetup -p1\n")
	}
	files := s.files
	if files == nil {
		files = []string{"/usr/bin/a", "/usr/bin/b", "/usr/bin/c", "/usr/bin/d", "/usr/bin/e"}
	}
	b.WriteString("\n%files\n" + strings.Join(files, "\n") + "\n\n%changelog\n* Mon Jan 01 2024 A <a@example.com> - 1.0-1\n- First.\n")
	return b.String()
}

func (s mspec) declared() []numFile {
	_, ta := patchLines(s.their)
	_, oa := patchLines(s.ours)
	return append(ta, oa...)
}

var mergeCases = []struct {
	name               string
	base, theirs, ours mspec
	want               mspec
	shift              int
	added, removed     int
}{
	{name: "insertion mid-list, renumbered by them",
		base:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs: mspec{their: []string{"0 a.patch", "1 n.patch", "2 b.patch", "3 c.patch"}},
		ours:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}, ours: []string{"10 x.patch", "11 y.patch"}},
		want:   mspec{their: []string{"0 a.patch", "1 n.patch", "2 b.patch", "3 c.patch"}, ours: []string{"10 x.patch", "11 y.patch"}},
		added:  1},
	{name: "insertion mid-list, our layer right after theirs",
		base:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs: mspec{their: []string{"0 a.patch", "1 n.patch", "2 b.patch", "3 c.patch"}},
		ours:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}, ours: []string{"3 x.patch", "4 y.patch"}},
		want:   mspec{their: []string{"0 a.patch", "1 n.patch", "2 b.patch", "3 c.patch"}, ours: []string{"4 x.patch", "5 y.patch"}},
		shift:  1, added: 1},
	{name: "appended at the end of their list",
		base:   mspec{their: []string{"0 a.patch", "1 b.patch"}},
		theirs: mspec{their: []string{"0 a.patch", "1 b.patch", "2 n.patch", "3 m.patch"}},
		ours:   mspec{their: []string{"0 a.patch", "1 b.patch"}, ours: []string{"2 x.patch"}},
		want:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 n.patch", "3 m.patch"}, ours: []string{"4 x.patch"}},
		shift:  2, added: 2},
	{name: "removal",
		base:    mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs:  mspec{their: []string{"0 a.patch", "2 c.patch"}},
		ours:    mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}, ours: []string{"1000 x.patch"}},
		want:    mspec{their: []string{"0 a.patch", "2 c.patch"}, ours: []string{"1000 x.patch"}},
		removed: 1},
	{name: "renumbering of theirs",
		base:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs: mspec{their: []string{"100 a.patch", "101 b.patch", "102 c.patch"}},
		ours:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}, ours: []string{"1000 x.patch"}},
		want:   mspec{their: []string{"100 a.patch", "101 b.patch", "102 c.patch"}, ours: []string{"1000 x.patch"}}},
	{name: "replacement",
		base:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs: mspec{their: []string{"0 a.patch", "1 b2.patch", "2 c.patch"}},
		ours:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}, ours: []string{"10 x.patch"}},
		want:   mspec{their: []string{"0 a.patch", "1 b2.patch", "2 c.patch"}, ours: []string{"10 x.patch"}},
		added:  1, removed: 1},
	{name: "ours commented one out, theirs renumbered",
		base:   mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs: mspec{their: []string{"0 n.patch", "1 a.patch", "2 b.patch", "3 c.patch"}},
		ours:   mspec{their: []string{"0 a.patch", "#1 b.patch", "2 c.patch"}, ours: []string{"10 x.patch"}},
		want:   mspec{their: []string{"0 n.patch", "1 a.patch", "#2 b.patch", "3 c.patch"}, ours: []string{"10 x.patch"}},
		added:  1},
	{name: "%patchN lines follow the numbers",
		base:   mspec{byNum: true, their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
		theirs: mspec{byNum: true, their: []string{"0 a.patch", "1 n.patch", "2 b.patch", "3 c.patch"}},
		ours:   mspec{byNum: true, their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}, ours: []string{"3 x.patch"}},
		want:   mspec{byNum: true, their: []string{"0 a.patch", "1 n.patch", "2 b.patch", "3 c.patch"}, ours: []string{"4 x.patch"}},
		shift:  1, added: 1},
	{name: "%files additions on both sides",
		base:   mspec{their: []string{"0 a.patch"}},
		theirs: mspec{their: []string{"0 a.patch"}, files: []string{"/usr/bin/a", "/usr/bin/t", "/usr/bin/b", "/usr/bin/c", "/usr/bin/d", "/usr/bin/e"}},
		ours:   mspec{their: []string{"0 a.patch"}, ours: []string{"10 x.patch"}, files: []string{"/usr/bin/a", "/usr/bin/b", "/usr/bin/c", "/usr/bin/d", "/usr/bin/o", "/usr/bin/e"}},
		want:   mspec{their: []string{"0 a.patch"}, ours: []string{"10 x.patch"}, files: []string{"/usr/bin/a", "/usr/bin/t", "/usr/bin/b", "/usr/bin/c", "/usr/bin/d", "/usr/bin/o", "/usr/bin/e"}}},
	{name: "release bumped by them, patches by both",
		base:   mspec{release: "1", their: []string{"0 a.patch", "1 b.patch"}},
		theirs: mspec{release: "2", their: []string{"0 a.patch", "1 b.patch", "2 n.patch"}},
		ours:   mspec{release: "1", their: []string{"0 a.patch", "1 b.patch"}, ours: []string{"10 x.patch", "11 y.patch"}},
		want:   mspec{release: "2", their: []string{"0 a.patch", "1 b.patch", "2 n.patch"}, ours: []string{"10 x.patch", "11 y.patch"}},
		added:  1},
}

func allFiles(specs ...mspec) []string {
	seen := map[string]bool{}
	var files []string
	for _, s := range specs {
		for _, p := range append(append([]string(nil), s.their...), s.ours...) {
			_, f, _ := strings.Cut(p, " ")
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	return files
}

func TestMergeSpec(t *testing.T) {
	for _, c := range mergeCases {
		t.Run(c.name, func(t *testing.T) {
			res, err := MergeSpec([]byte(c.base.String()), []byte(c.theirs.String()), []byte(c.ours.String()), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(res.Out), c.want.String(); got != want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, want)
			}
			if len(res.Conflicts) != 0 || res.OurShift != c.shift || len(res.Added) != c.added || len(res.Removed) != c.removed {
				t.Errorf("conflicts %v, shift %d, added %v, removed %v", res.Conflicts, res.OurShift, res.Added, res.Removed)
			}
			// rpm reads the result as the patches we meant, in that order.
			rpm := rpmspecView(t, res.Out, allFiles(c.base, c.theirs, c.ours))
			if want := c.want.declared(); !reflect.DeepEqual(rpm.Declared, want) {
				t.Errorf("rpm declares %v, want %v", rpm.Declared, want)
			}
			var files []string
			for _, p := range c.want.declared() {
				files = append(files, p.File)
			}
			if !reflect.DeepEqual(rpm.Applied, files) {
				t.Errorf("rpm applies %v, want %v", rpm.Applied, files)
			}
			// Merging again changes nothing.
			again, err := MergeSpec([]byte(c.theirs.String()), []byte(c.theirs.String()), res.Out, nil)
			if err != nil || string(again.Out) != string(res.Out) {
				t.Errorf("a second merge changes the result (%v)", err)
			}
		})
	}
}

func TestMergeSpecConflict(t *testing.T) {
	base := mspec{release: "1", their: []string{"0 a.patch"}}
	theirs := mspec{release: "2", their: []string{"0 a.patch"}}
	ours := mspec{release: "1.xcpng", their: []string{"0 a.patch"}, ours: []string{"10 x.patch"}}
	res, err := MergeSpec([]byte(base.String()), []byte(theirs.String()), []byte(ours.String()),
		&MergeOptions{Labels: Labels{Ours: "ours.spec", Base: "old.spec", Theirs: "new.spec"}})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(ours.String(), "Release: 1.xcpng\n",
		"<<<<<<< ours.spec\nRelease: 1.xcpng\n||||||| old.spec\nRelease: 1\n=======\nRelease: 2\n>>>>>>> new.spec\n", 1)
	if string(res.Out) != want || !reflect.DeepEqual(res.Conflicts, []int{3}) {
		t.Errorf("conflicts %v, got:\n%s", res.Conflicts, res.Out)
	}
}

func TestMergeSpecErrors(t *testing.T) {
	base := mspec{their: []string{"0 a.patch", "1 b.patch"}}
	for _, c := range []struct {
		name         string
		theirs, ours mspec
		err          error
		msg          string
	}{
		{"no marker", mspec{their: []string{"0 a.patch", "1 b.patch", "2 c.patch"}},
			mspec{their: []string{"0 a.patch", "1 b.patch", "2 x.patch"}},
			ErrNoMarker, `their old spec's patches end at line 8 (Patch1: b.patch); put the marker after that line`},
		{"collision", mspec{their: []string{"0 a.patch", "1 b.patch", "5 n.patch"}},
			mspec{their: []string{"0 a.patch", "5 b.patch"}, ours: []string{"10 x.patch"}},
			ErrDuplicate, "patch number 5 would be used by line 8 (b.patch, from our spec) and line 9 (n.patch, from their new spec)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := MergeSpec([]byte(base.String()), []byte(c.theirs.String()), []byte(c.ours.String()), nil)
			if !errors.Is(err, c.err) || !strings.Contains(fmt.Sprint(err), c.msg) {
				t.Errorf("error %v, want %v containing %q", err, c.err, c.msg)
			}
		})
	}
}

// TestMergeSpecKernel: on the real kernel spec, a patch they insert mid-list
// (renumbering their later patches, as they do) gives exactly what
// renumber and one inserted line give.
func TestMergeSpecKernel(t *testing.T) {
	ours := string(readKernel(t))
	lines := strings.SplitAfter(ours, "\n")
	// Their spec is ours without our layer: the blank line and marker at
	// line 690 down to Patch1069.
	first, last := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "# XCP-ng patches") {
			first = i
		}
		if first >= 0 && strings.HasPrefix(l, "Patch1") && len(l) > 9 {
			last = i
		}
	}
	if first < 0 || last < 0 {
		t.Fatal("kernel.spec has no marker")
	}
	for first > 0 && strings.TrimSpace(lines[first-1]) == "" {
		first--
	}
	base := strings.Join(lines[:first], "") + strings.Join(lines[last+1:], "")
	const newLine = "Patch100: 0001-a-new-fix-from-them.patch\n"
	insertBefore := func(src, before string) string {
		i := strings.Index(src, before)
		if i < 0 {
			t.Fatalf("no %q", before)
		}
		return src[:i] + newLine + src[i:]
	}
	shift := func(src string) string {
		res, err := Renumber([]byte(src), 100, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Out)
	}
	theirs := insertBefore(shift(base), "Patch101:")
	want := insertBefore(shift(ours), "Patch101:")
	res, err := MergeSpec([]byte(base), []byte(theirs), []byte(ours), nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Out) != want {
		t.Fatalf("result differs from renumber 100 1 plus the line:\n%s", unifiedForTest(want, string(res.Out)))
	}
	if len(res.Renumbered) != 498 || len(res.Added) != 1 || res.OurShift != 0 {
		t.Errorf("%d renumbered, added %v, shift %d", len(res.Renumbered), res.Added, res.OurShift)
	}
	// Their removal of one patch is removed from ours, nothing else.
	gone := "Patch7: 0001-GFS2-Flush-the-GFS2-delete-workqueue-before-stopping.patch\n"
	res, err = MergeSpec([]byte(base), []byte(strings.Replace(base, gone, "", 1)), []byte(ours), nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Out) != strings.Replace(ours, gone, "", 1) || len(res.Removed) != 1 {
		t.Errorf("removal: removed %v", res.Removed)
	}
}

func unifiedForTest(a, b string) string {
	al, bl := splitLines(a), splitLines(b)
	var out strings.Builder
	for _, e := range diffScript(al, bl) {
		switch e.Op {
		case '-':
			out.WriteString("-" + al[e.A])
		case '+':
			out.WriteString("+" + bl[e.B])
		}
	}
	return out.String()
}

// FuzzMergeSpec: any three inputs merge or fail with an error, never a
// panic; merging no change of theirs gives our spec back; Merge3 with one
// side unchanged gives the other side.
func FuzzMergeSpec(f *testing.F) {
	for _, c := range mergeCases {
		f.Add([]byte(c.base.String()), []byte(c.theirs.String()), []byte(c.ours.String()))
	}
	f.Add([]byte("Patch0: a\n"), []byte("Patch0: b\n"), []byte("Patch0: a\n# XCP-ng patches\nPatch1: x\n%prep\n%patch -P 1 -p1\n"))
	f.Fuzz(func(t *testing.T, base, theirs, ours []byte) {
		if len(base)+len(theirs)+len(ours) > 8<<10 {
			// Large random inputs only measure Myers' worst case.
			return
		}
		if out, n := Merge3(ours, base, base, Labels{}); n != 0 || string(out) != string(ours) {
			t.Fatalf("Merge3 with theirs unchanged: %d conflicts", n)
		}
		if out, n := Merge3(base, base, theirs, Labels{}); n != 0 || string(out) != string(theirs) {
			t.Fatalf("Merge3 with ours unchanged: %d conflicts", n)
		}
		res, err := MergeSpec(base, theirs, ours, nil)
		if err != nil {
			return
		}
		if len(res.Conflicts) == 0 && strings.Count(string(res.Out), "\n") < strings.Count(string(ours), "\n")-strings.Count(string(base), "\n") {
			t.Fatal("lines lost")
		}
		same, err := MergeSpec(base, base, ours, nil)
		if err == nil && same.OurShift == 0 && len(same.Renumbered) == 0 && string(same.Out) != string(ours) {
			t.Fatalf("merging no change changed our spec:\n%q\n%q", ours, same.Out)
		}
	})
}

func BenchmarkMergeSpecSmall(b *testing.B) {
	c := mergeCases[0]
	for i := 0; i < b.N; i++ {
		_, _ = MergeSpec([]byte(c.base.String()), []byte(c.theirs.String()), []byte(c.ours.String()), nil)
	}
}

func TestPatchLineNumber(t *testing.T) {
	for _, c := range []struct {
		text   string
		at     int
		digits string
		n      int
	}{
		{"%patch3 -p1", 6, "3", 1},
		{"  %patch012", 8, "012", 1},
		{"%patch -P 7 -p1", 10, "7", 1},
		{"%patch -P7", 9, "7", 1},
		{"%patch 4", 7, "4", 1},
		{"%patch -p 1 5", 12, "5", 1},
		{"%patch -P 1 -P 2", 0, "", 2},
		{"%patch 1 2", 0, "", 2},
		{"%patch -p1", 0, "", 0},
		{"%patch -Rp 1", 0, "", 0},     // 1 is the value of -p
		{"%patch -Rp 1 3", 13, "3", 1}, // idem
		{"%patch3 foo", 0, "", 2},      // rpm refuses foo
		{"%patch -p1 %{?x}", 0, "", 1}, // a macro: not a number we know
		{"%patch3\t-P\t4", 0, "", 2},
		{"%autosetup -p1", 0, "", 0},
		{"%patchlist", 0, "", 0},
	} {
		at, digits, n := patchLineNumber(c.text)
		if at != c.at || digits != c.digits || n != c.n {
			t.Errorf("%q: %d %q %d, want %d %q %d", c.text, at, digits, n, c.at, c.digits, c.n)
		}
	}
}

// patchLineNumber is what MergeSpec reads on a %patch line: the offset and
// digits of its one number, and how many patches the line names.
func patchLineNumber(text string) (at int, digits string, n int) {
	refs, err := parsePatchLine(text)
	if r, one := onePatch(refs, err); one {
		return r.start, text[r.start:r.end], 1
	}
	return 0, "", len(refs)
}
