package spec

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const insHead = "Name: k\nVersion: 1\nRelease: 1\nSummary: s\nLicense: l\n"

func TestInsert(t *testing.T) {
	auto := "\n%description\nd\n\n%prep\n%autosetup -p1\n"
	for _, c := range []struct {
		name    string
		src     string
		ins     []Insertion
		want    string // the spec after the head; "" with wantErr
		wantErr error
		errText string
	}{
		{
			name: "free number between neighbours",
			src:  "Patch1: a.patch\nPatch5: b.patch\n" + auto,
			ins:  []Insertion{{After: 1, Files: []string{"n.patch"}}},
			want: "Patch1: a.patch\nPatch2: n.patch\nPatch5: b.patch\n" + auto,
		},
		{
			name: "no room: later patches of the layer move, commented ones too",
			src:  "Patch1: a.patch\nPatch2: b.patch\n# Patch3: c.patch: 0123456789ab up\nPatch4: d.patch\n" + auto,
			ins:  []Insertion{{After: 1, Files: []string{"n.patch", "m.patch"}}},
			want: "Patch1: a.patch\nPatch2: n.patch\nPatch3: m.patch\nPatch4: b.patch\n# Patch5: c.patch: 0123456789ab up\nPatch6: d.patch\n" + auto,
		},
		{
			name: "padding and style of the line kept",
			src:  "Patch0001:\ta.patch\nPatch0002:\tb.patch\n" + auto,
			ins:  []Insertion{{After: 1, Files: []string{"n.patch"}}},
			want: "Patch0001:\ta.patch\nPatch0002:\tn.patch\nPatch0003:\tb.patch\n" + auto,
		},
		{
			name: "last of the layer: the next number",
			src:  "Patch0: a.patch\nPatch1: b.patch\n\n# XCP-ng patches\nPatch10: x.patch\n" + auto,
			ins:  []Insertion{{After: 1, Files: []string{"n.patch"}}},
			want: "Patch0: a.patch\nPatch1: b.patch\nPatch2: n.patch\n\n# XCP-ng patches\nPatch10: x.patch\n" + auto,
		},
		{
			name: "first of our layer: just below its first patch",
			src:  "Patch0: a.patch\nPatch1: b.patch\n\n# XCP-ng patches\nPatch10: x.patch\nPatch11: y.patch\n" + auto,
			ins:  []Insertion{{After: -1, Ours: true, Files: []string{"n.patch"}}},
			want: "Patch0: a.patch\nPatch1: b.patch\n\n# XCP-ng patches\nPatch9: n.patch\nPatch10: x.patch\nPatch11: y.patch\n" + auto,
		},
		{
			name: "our layer renumbered, the vendor's left alone",
			src:  "Patch0: a.patch\nPatch1: b.patch\n\n# XCP-ng patches\nPatch10: x.patch\nPatch11: y.patch\n" + auto,
			ins:  []Insertion{{After: 10, Files: []string{"n.patch"}}, {After: 0, Files: []string{"m.patch"}}},
			want: "Patch0: a.patch\nPatch1: m.patch\nPatch2: b.patch\n\n# XCP-ng patches\nPatch10: x.patch\nPatch11: n.patch\nPatch12: y.patch\n" + auto,
		},
		{
			name: "first of all: numbers from zero, the rest moves",
			src:  "Patch0: a.patch\nPatch1: b.patch\n" + auto,
			ins:  []Insertion{{After: -1, Files: []string{"n.patch"}}},
			want: "Patch0: n.patch\nPatch1: a.patch\nPatch2: b.patch\n" + auto,
		},
		{
			name: "two insertions at one place keep their order",
			src:  "Patch0: a.patch\nPatch9: b.patch\n" + auto,
			ins:  []Insertion{{After: 0, Files: []string{"n.patch"}}, {After: 0, Files: []string{"m.patch"}}},
			want: "Patch0: a.patch\nPatch1: n.patch\nPatch2: m.patch\nPatch9: b.patch\n" + auto,
		},
		{
			name: "%patchN lines follow",
			src:  "Patch0: a.patch\nPatch1: b.patch\nPatch2: c.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch1 -p1 -b .b\n%patch -P 2 -p1\n",
			ins:  []Insertion{{After: 0, Files: []string{"n.patch"}}},
			want: "Patch0: a.patch\nPatch1: n.patch\nPatch2: b.patch\nPatch3: c.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch1 -p1\n%patch2 -p1 -b .b\n%patch -P 3 -p1\n",
		},
		{
			name: "%patch N form copied for the new one",
			src:  "Patch0: a.patch\nPatch5: b.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch -p1 0\n%patch -p1 5\n",
			ins:  []Insertion{{After: 5, Files: []string{"n.patch"}}},
			want: "Patch0: a.patch\nPatch5: b.patch\nPatch6: n.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch -p1 0\n%patch -p1 5\n%patch -p1 6\n",
		},
		{
			name: "bundled options: the number rpm reads moves, not the -p value",
			src:  "Patch0: a.patch\nPatch1: b.patch\nPatch2: c.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch -Rp 1 1\n%patch -RP2 -p1\n",
			ins:  []Insertion{{After: 0, Files: []string{"n.patch"}}},
			want: "Patch0: a.patch\nPatch1: n.patch\nPatch2: b.patch\nPatch3: c.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch1 -p1\n%patch -Rp 1 2\n%patch -RP3 -p1\n",
		},
		{
			name:    "a %patch line continued over two lines",
			src:     "Patch0: a.patch\nPatch1: b.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch -p1\\\n1\n",
			ins:     []Insertion{{After: 0, Files: []string{"n.patch"}}},
			wantErr: ErrPrepLayout,
			errText: "line 15: %prep cannot be edited to follow: a %patch line continued over several lines",
		},
		{
			name:    "a macro for the number",
			src:     "Patch0: a.patch\nPatch1: b.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch %{n} -p1\n",
			ins:     []Insertion{{After: 0, Files: []string{"n.patch"}}},
			wantErr: ErrPrepLayout,
			errText: "does not name one patch by a plain number (%patch %{n} -p1)",
		},
		{
			name:    "collision with the other layer",
			src:     "Patch0: a.patch\nPatch1: b.patch\n# XCP-ng patches\nPatch2: x.patch\n" + auto,
			ins:     []Insertion{{After: 1, Files: []string{"n.patch"}}},
			wantErr: ErrNoRoom,
			errText: "line 9: no free patch number: 1 new patch(es) after Patch1 need number 2, which this line uses in the other layer",
		},
		{
			name:    "several patches on one %patch line",
			src:     "Patch0: a.patch\nPatch1: b.patch\n\n%description\nd\n\n%prep\n%setup -q\n%patch -P 0 -P 1 -p1\n",
			ins:     []Insertion{{After: 0, Files: []string{"n.patch"}}},
			wantErr: ErrPrepLayout,
			errText: "applies several patches (%patch -P 0 -P 1 -p1); add patches 1 to %prep by hand",
		},
		{
			name:    "%autopatch range",
			src:     "Patch0: a.patch\nPatch1: b.patch\n\n%description\nd\n\n%prep\n%setup -q\n%autopatch -p1 -M 1\n",
			ins:     []Insertion{{After: 0, Files: []string{"n.patch"}}},
			wantErr: ErrPrepLayout,
		},
		{
			name:    "no such patch",
			src:     "Patch0: a.patch\n" + auto,
			ins:     []Insertion{{After: 3, Files: []string{"n.patch"}}},
			wantErr: ErrNoPatch,
		},
		{
			name:    "bad file name",
			src:     "Patch0: a.patch\n" + auto,
			ins:     []Insertion{{After: 0, Files: []string{"a b.patch"}}},
			wantErr: ErrSyntax,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Insert([]byte(insHead+c.src), c.ins, InsertOptions{}, nil)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) || !strings.Contains(fmt.Sprint(err), c.errText) {
					t.Fatalf("err %v, want %v containing %q", err, c.wantErr, c.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(string(res.Out), insHead); got != c.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, c.want)
			}
			s, err := Parse(res.Out, nil)
			if err != nil {
				t.Fatal(err)
			}
			applied, err := s.Applied()
			if err != nil {
				t.Fatal(err)
			}
			at := map[string]int{}
			for i, p := range applied {
				at[p.File] = i
			}
			for _, a := range res.Added {
				if s.Line(a.Line) == "" || !strings.Contains(s.Line(a.Line), a.File) {
					t.Errorf("added %+v: line %q", a, s.Line(a.Line))
				}
				if _, ok := at[a.File]; !ok {
					t.Errorf("added %s is not applied", a.File)
				}
			}
		})
	}
}

// TestInsertIsRenumber: the declarations Insert moves are moved exactly
// as Renumber moves them (the oracle), in the layer before the marker.
func TestInsertIsRenumber(t *testing.T) {
	src := insHead + "Patch1: a.patch\nPatch02: b.patch\n# Patch3: c.patch: 0123456789ab up\nPatch4: d.patch\n# XCP-ng patches\nPatch100: x.patch\n\n%description\nd\n\n%prep\n%autosetup -p1\n"
	res, err := Insert([]byte(src), []Insertion{{After: 1, Files: []string{"n.patch", "m.patch"}}}, InsertOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ren, err := Renumber([]byte(src), 2, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.SplitAfter(string(res.Out), "\n") {
		if !strings.Contains(l, "n.patch") && !strings.Contains(l, "m.patch") {
			kept = append(kept, l)
		}
	}
	if got := strings.Join(kept, ""); got != string(ren.Out) {
		t.Errorf("insert without its new lines:\n%s\nrenumber:\n%s", got, ren.Out)
	}
	if len(res.Renumbered) != len(ren.Changes) {
		t.Errorf("renumbered %+v, renumber changed %+v", res.Renumbered, ren.Changes)
	}
	for i := range ren.Changes {
		if i < len(res.Renumbered) && res.Renumbered[i] != ren.Changes[i] {
			t.Errorf("renumbered %+v, renumber %+v", res.Renumbered[i], ren.Changes[i])
		}
	}
}

func TestInsertName(t *testing.T) {
	src := insHead + "Patch1: a.patch\nPatch2: b.patch\n\n%description\nd\n\n%prep\n%autosetup -p1\n"
	res, err := Insert([]byte(src), []Insertion{{After: 2, Files: []string{"", ""}}, {After: 1, Files: []string{""}}},
		InsertOptions{Name: func(k, num int) string { return fmt.Sprintf("%04d-k%d.patch", num, k) }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Patch1: a.patch\nPatch2: 0002-k2.patch\nPatch3: b.patch\nPatch4: 0004-k0.patch\nPatch5: 0005-k1.patch\n"
	if !strings.Contains(string(res.Out), want) {
		t.Fatalf("got:\n%s", res.Out)
	}
	if len(res.Added) != 3 || res.Added[0].File != "0004-k0.patch" || res.Added[2].File != "0002-k2.patch" {
		t.Errorf("added %+v", res.Added)
	}
}

func FuzzInsert(f *testing.F) {
	for seed := int64(1); seed <= 5; seed++ {
		f.Add([]byte(genSpec(seed, "x86_64").src), 1, 2, false)
	}
	f.Add([]byte(insHead+"Patch0: a\nPatch1: b\n%prep\n%patch0 -p1\n%patch -P 1\n"), 0, 1, false)
	f.Add([]byte(insHead+"Patch0: a\n# XCP-ng patches\nPatch1: b\n%prep\n%autosetup\n"), -1, 1, true)
	f.Fuzz(func(t *testing.T, data []byte, after, n int, ours bool) {
		if n < 1 || n > 5 || after < -1 {
			return
		}
		files := make([]string, n)
		for i := range files {
			files[i] = fmt.Sprintf("new%d.patch", i)
		}
		res, err := Insert(data, []Insertion{{After: after, Ours: ours, Files: files}}, InsertOptions{}, nil)
		if err != nil {
			return
		}
		if len(res.Added) != n {
			t.Fatalf("%d added, want %d", len(res.Added), n)
		}
		// n new declarations, at most n new %prep lines, and perhaps a
		// terminator for a last line that had none.
		in, out := bytes.Count(data, []byte("\n")), bytes.Count(res.Out, []byte("\n"))
		if out < in+n || out > in+2*n+1 {
			t.Fatalf("%d lines, input %d, %d added", out, in, n)
		}
		if _, err := Parse(res.Out, nil); err != nil {
			t.Fatalf("result does not parse: %v", err)
		}
	})
}
