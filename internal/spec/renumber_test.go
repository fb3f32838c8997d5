package spec

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// expectRenumber is an independent, regexp-based statement of what
// Renumber must do to each line.
var patchLineRE = regexp.MustCompile(`^(\s*#?\s*[Pp][Aa][Tt][Cc][Hh])(\d+)(\s*:.*)$`)

func expectRenumber(src string, start, offset, vendor int) string {
	lines := strings.SplitAfter(src, "\n")
	for i, l := range lines {
		if vendor > 0 && i+1 >= vendor {
			break
		}
		body := strings.TrimSuffix(l, "\n")
		m := patchLineRE.FindStringSubmatch(body)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if n < start {
			continue
		}
		num := strconv.Itoa(n + offset)
		for len(num) < len(m[2]) && m[2][0] == '0' {
			num = "0" + num
		}
		lines[i] = m[1] + num + m[3] + l[len(body):]
	}
	return strings.Join(lines, "")
}

func TestRenumberKernel(t *testing.T) {
	src := readKernel(t)
	arch := hostArch(t)
	before := ourView(t, src, &Options{Arch: arch})
	var files []string
	for _, d := range before.Declared {
		files = append(files, d.File)
	}
	for _, c := range []struct{ start, offset, changes int }{
		{100, 5, 498}, {0, 1, 598}, {597, 100, 1}, {1, 2000, 597}, {1000, 1, 0},
	} {
		t.Run(fmt.Sprintf("%d%+d", c.start, c.offset), func(t *testing.T) {
			res, err := Renumber(src, c.start, c.offset, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(res.Out), expectRenumber(string(src), c.start, c.offset, 690); got != want {
				t.Error("output differs from the line-by-line expectation")
			}
			if len(res.Changes) != c.changes {
				t.Errorf("%d changes, want %d", len(res.Changes), c.changes)
			}
			// rpm reads the result as the same patches, shifted.
			rpm := rpmspecView(t, res.Out, files)
			if rpm.Version != before.Version || rpm.Release != before.Release {
				t.Errorf("rpm: %s-%s", rpm.Version, rpm.Release)
			}
			if len(rpm.Declared) != len(before.Declared) || !reflect.DeepEqual(rpm.Applied, before.Applied) {
				t.Fatalf("rpm sees %d patches, applied order changed: %v", len(rpm.Declared), !reflect.DeepEqual(rpm.Applied, before.Applied))
			}
			for i, d := range rpm.Declared {
				want := before.Declared[i]
				if want.Num >= c.start && want.Num < 1000 {
					want.Num += c.offset
				}
				if d != want {
					t.Errorf("rpm: patch %d is %v, want %v", i, d, want)
				}
			}
		})
	}
}

func TestRenumber(t *testing.T) {
	twoBlocks := "Name: two\nPatch1: a.patch\nPatch2: b.patch\nPatch3: c.patch\n\nPatch100: x.patch\nPatch101: y.patch\n"
	odd := "Name: odd\nPatch0007:\tseven.patch\n  patch12 :  twelve.patch   # trailing\n#Patch13: gone.patch\n" +
		"# PATCH14: up.patch: 0123456789ab title\n# Patch15 mentioned in prose\nPatch: auto.patch\n\tPatch0099:x\r\n"
	alt := "%if 0%{?a}\nPatch5: a.patch\n%else\nPatch5: b.patch\n%endif\nPatch6: c.patch\n"
	vendor := "Patch1: a\nPatch2: b\n# XCP-ng patches\nPatch1000: v\n%description\nd\n%changelog\n- Patch5: x\n"
	cases := []struct {
		name, src     string
		start, offset int
		err           error
		wantLines     []int // changed lines
	}{
		{"second block", twoBlocks, 100, 100, nil, []int{6, 7}},
		{"first block", twoBlocks, 1, 10, nil, []int{2, 3, 4, 6, 7}},
		{"into first block", twoBlocks, 100, -99, ErrDuplicate, nil},
		{"negative", twoBlocks, 2, -3, ErrNegative, nil},
		{"down is fine", twoBlocks, 100, -90, nil, []int{6, 7}},
		{"odd spacing", odd, 7, 1000, nil, []int{2, 3, 4, 5, 8}},
		{"zero padding", odd, 0, 3, nil, []int{2, 3, 4, 5, 8}},
		{"auto collides", odd, 99, -86, ErrDuplicate, nil},
		{"alternatives collide together", alt, 6, -1, ErrDuplicate, nil},
		{"alternatives", alt, 5, 10, nil, []int{2, 4, 6}},
		{"vendor untouched", vendor, 1, 5, nil, []int{1, 2}},
		{"vendor collision", vendor, 2, 998, ErrDuplicate, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Renumber([]byte(c.src), c.start, c.offset, nil)
			if !errors.Is(err, c.err) {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if err != nil {
				var le *LineError
				if !errors.As(err, &le) || le.Line == 0 {
					t.Errorf("error %v names no line", err)
				}
				return
			}
			vendorLine := 0
			if i := strings.Index(c.src, "# XCP-ng"); i >= 0 {
				vendorLine = strings.Count(c.src[:i], "\n") + 1
			}
			if got, want := string(res.Out), expectRenumber(c.src, c.start, c.offset, vendorLine); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			var lines []int
			for _, ch := range res.Changes {
				lines = append(lines, ch.Line)
				if ch.New != ch.Old+c.offset {
					t.Errorf("change %+v", ch)
				}
			}
			if !reflect.DeepEqual(lines, c.wantLines) {
				t.Errorf("changed lines %v, want %v", lines, c.wantLines)
			}
		})
	}
}

func TestRenumberExactBytes(t *testing.T) {
	in := "Patch0007:\tseven.patch\n  patch12 :  twelve.patch   # trailing\n#Patch13: gone\n\tPatch0099:x\r\n"
	want := "Patch0010:\tseven.patch\n  patch15 :  twelve.patch   # trailing\n#Patch16: gone\n\tPatch0102:x\r\n"
	res, err := Renumber([]byte(in), 0, 3, nil)
	if err != nil || string(res.Out) != want {
		t.Errorf("got %q, %v\nwant %q", res.Out, err, want)
	}
	res, err = Renumber([]byte("Patch0010: a\n"), 0, 995, nil)
	if err != nil || string(res.Out) != "Patch1005: a\n" {
		t.Errorf("widening: %q %v", res.Out, err)
	}
}

func TestRenumberPrepRefs(t *testing.T) {
	// %patch %{n} may name any patch (parseNum once made it patch 17).
	src := "Patch1: a\nPatch2: b\n%prep\n%setup\n%patch1 -p1\n%patch -P 2\n%autopatch -m 2\n%autopatch\n%patch %{n}\n%patch A\n%patch -Rp 2\n"
	res, err := Renumber([]byte(src), 2, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range res.PrepRefs {
		lines = append(lines, r.Line)
	}
	if !reflect.DeepEqual(lines, []int{6, 7, 9, 10}) {
		t.Errorf("prep refs at %v, want [6 7 9 10]", lines)
	}
}
