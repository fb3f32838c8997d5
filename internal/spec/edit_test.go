package spec

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

const editSpec = "%global xsrel 1.2\n" +
	"Name: kernel\n" +
	"Version: 4.19.19\n" +
	"Release: %{?xsrel}%{?dist}\n" +
	"Source0: kernel-4.19.19.tar.gz\n" +
	"Patch0:\t0001-fs-a.patch   \n" +
	"patch0002:  quilt-b.patch\r\n" +
	"# Patch3: gone.patch: 0123456789ab fixed upstream\n" +
	"Patch4: https://example.com/dl/carol.patch\n" +
	"\n" +
	"# XCP-ng patches\n" +
	"Patch10: xcp-1.patch\n" +
	"Patch11: xcp-2.patch\n" +
	"\n" +
	"%description\nA test kernel.\n\n%prep\n%autosetup -p1\n"

// lineDiff returns, for inputs with the same number of lines, the
// indexes of lines that differ.
func lineDiff(a, b string) []int {
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	var d []int
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			d = append(d, i+1)
		}
	}
	return d
}

func TestEditUpstreamAndReplace(t *testing.T) {
	res, err := Edit([]byte(editSpec), Edits{
		Upstream: []UpstreamEdit{{Num: 0, Commit: "0a69047d8235", Title: "fs/a: return 55 (100%)"}},
		Replace:  []ReplaceEdit{{Num: 2, File: "quilt-b-rebase-to-v4.19.20.patch"}, {Num: 4, File: "carol-rebase-to-v4.19.20.patch"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"Patch0:\t0001-fs-a.patch   \n", "# Patch0: 0001-fs-a.patch: 0a69047d8235 fs/a: return 55 (100%%)\n",
		"patch0002:  quilt-b.patch\r\n", "patch0002:  quilt-b-rebase-to-v4.19.20.patch\r\n",
		"dl/carol.patch\n", "dl/carol-rebase-to-v4.19.20.patch\n",
	).Replace(editSpec)
	if got := string(res.Out); got != want {
		t.Fatalf("got:\n%q\nwant:\n%q", got, want)
	}
	if d := lineDiff(editSpec, string(res.Out)); len(d) != 3 || d[0] != 6 || d[1] != 7 || d[2] != 9 {
		t.Errorf("changed lines %v, want [6 7 9]", d)
	}
	if len(res.Changed) != 3 || res.Changed[0].Line != 6 || res.Changed[0].Old != "Patch0:\t0001-fs-a.patch   " {
		t.Errorf("changes %+v", res.Changed)
	}
	// The commented patch reads back as upstream.
	s, err := Parse(res.Out, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Commented()
	if len(c) != 2 || c[0].Num != 0 || c[0].File != "0001-fs-a.patch" || c[0].Commit != "0a69047d8235" {
		t.Errorf("commented %+v", c)
	}
}

func TestEditVersion(t *testing.T) {
	src := strings.Replace(editSpec, "Source0: kernel-4.19.19.tar.gz\n", "Source0:  https://cdn/v4.x/linux-4.19.19.tar.xz # 4.19.19\nSource1: kernel-4.19.19.config\n", 1)
	res, err := Edit([]byte(src), Edits{Version: "4.19.20"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("Version: 4.19.19\n", "Version: 4.19.20\n",
		"Source0:  https://cdn/v4.x/linux-4.19.19.tar.xz # 4.19.19\n", "Source0:  https://cdn/v4.x/linux-4.19.20.tar.xz # 4.19.20\n").Replace(src)
	if string(res.Out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", res.Out, want)
	}
	macro := strings.Replace(editSpec, "Version: 4.19.19\n", "%global v 4.19.19\nVersion: %{v}\n", 1)
	if _, err := Edit([]byte(macro), Edits{Version: "4.19.20"}, nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("macro Version: %v", err)
	}
}

func TestEditRefuses(t *testing.T) {
	lua := strings.Replace(editSpec, "Patch4: https://example.com/dl/carol.patch\n", "Patch4: %{lua:\nprint('x')}\n", 1)
	multi := strings.Replace(editSpec, "Patch4: https://example.com/dl/carol.patch\n", "Patch4: carol\\\n.patch\n", 1)
	cases := []struct {
		name  string
		src   string
		edits Edits
		err   error
	}{
		{"no such patch", editSpec, Edits{Replace: []ReplaceEdit{{Num: 3, File: "x.patch"}}}, ErrNoPatch},
		{"twice", editSpec, Edits{Upstream: []UpstreamEdit{{Num: 0, Commit: "0a69047d8235"}}, Replace: []ReplaceEdit{{Num: 0, File: "x.patch"}}}, ErrSyntax},
		{"bad file", editSpec, Edits{Replace: []ReplaceEdit{{Num: 0, File: "a b.patch"}}}, ErrSyntax},
		{"bad commit", editSpec, Edits{Upstream: []UpstreamEdit{{Num: 0, Commit: "xyz"}}}, ErrSyntax},
		{"opaque", lua, Edits{Replace: []ReplaceEdit{{Num: 4, File: "x.patch"}}}, ErrOpaque},
		{"multi-line", multi, Edits{Replace: []ReplaceEdit{{Num: 4, File: "x.patch"}}}, ErrUnsupported},
	}
	for _, c := range cases {
		_, err := Edit([]byte(c.src), c.edits, nil)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		}
	}
}

func TestEditNothing(t *testing.T) {
	for _, e := range []Edits{{}, {Replace: []ReplaceEdit{{Num: 10, File: "xcp-1.patch"}}, Version: "4.19.19"}} {
		res, err := Edit([]byte(editSpec), e, nil)
		if err != nil || string(res.Out) != editSpec || len(res.Changed) != 0 {
			t.Errorf("%+v: an edit to the same value changed the spec: %v %+v", e, err, res)
		}
	}
}

func TestRebaseFileName(t *testing.T) {
	for in, want := range map[string]string{
		"carol.patch":                    "carol-rebase-to-v4.19.20.patch",
		"0003-plain":                     "0003-plain-rebase-to-v4.19.20.patch",
		"foo-rebase-to-v4.19.19.patch":   "foo-rebase-to-v4.19.20.patch",
		"0001-mm-page_alloc.c-fix.patch": "0001-mm-page_alloc.c-fix-rebase-to-v4.19.20.patch",
	} {
		if got := RebaseFileName(in, "v4.19.20"); got != want {
			t.Errorf("RebaseFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEdit checks, on any spec Edit accepts, that only the reported lines
// changed and the added lines were inserted where reported.
func FuzzEdit(f *testing.F) {
	f.Add([]byte(editSpec), 0, 4, true)
	if b, err := os.ReadFile(testenv.SharedData(f, kernelSpec)); err == nil {
		f.Add(b, 6, 100, true)
	}
	for seed := int64(1); seed <= 3; seed++ {
		f.Add([]byte(genSpec(seed, "x86_64").src), 1, 2, false)
	}
	// The last argument once asked for an added patch (now Insert's); it
	// stays so that the corpus still reads.
	f.Fuzz(func(t *testing.T, data []byte, up, repl int, _ bool) {
		e := Edits{}
		if up != repl {
			e.Upstream = []UpstreamEdit{{Num: up, Commit: "0123456789ab", Title: "t"}}
		}
		e.Replace = []ReplaceEdit{{Num: repl, File: "r.patch"}}
		res, err := Edit(data, e, nil)
		if err != nil {
			return
		}
		in := strings.SplitAfter(string(data), "\n")
		out := strings.SplitAfter(string(res.Out), "\n")
		changed := map[int]bool{}
		for _, c := range res.Changed {
			changed[c.Line] = true
		}
		j := 0
		for i := range out {
			if j >= len(in) {
				t.Fatalf("output line %d has no input line", i+1)
			}
			a, b := in[j], out[i]
			if !changed[j+1] && a != b && a+"\n" != b {
				t.Fatalf("line %d changed without being reported: %q -> %q", j+1, a, b)
			}
			j++
		}
		if len(res.Changed) > len(e.Upstream)+len(e.Replace) {
			t.Fatalf("changes %+v for %+v", res.Changed, e)
		}
	})
}
