package highlight

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// The lazy registry matches the files of a patch queue to the lexers
// chroma's own registry gives them, and they colour alike.
func TestMatchAgreesWithChroma(t *testing.T) {
	samples := map[string]string{
		"drivers/net/foo.c": "static int foo(void)\n{\n\treturn 0; /* ok */\n}\n",
		"include/foo.h":     "#define FOO 1\nstruct foo { int a; };\n",
		"Makefile":          "obj-y += foo.o\nall:\n\t$(MAKE) -C x\n",
		"scripts/x.sh":      "#!/bin/sh\nfor f in *; do echo \"$f\"; done\n",
		"tools/x.py":        "def f(x):\n    return x + 1  # one\n",
		"main.go":           "package main\n\nfunc main() { s := `raw`; println(s, 1) }\n",
		"arch/x86/entry.S":  "\tmovq %rsp, %rdi\n\tcall foo\n",
		"arch/arm/foo.dts":  "/ { compatible = \"acme,foo\"; };\n",
		"kernel.spec":       "Name: kernel\n%build\nmake %{?_smp_mflags}\n",
		"x.yaml":            "a: [1, 2]\n",
		"Dockerfile":        "FROM x\nRUN echo hi\n",
		"lib/x.rs":          "fn main() { let x = 1; }\n",
	}
	for name, text := range samples {
		want := lexers.Match(name)
		got := Match(name)
		if want == nil || got == nil {
			t.Errorf("%s: chroma %v, ours %v", name, want, got)
			continue
		}
		if got.Config().Name != want.Config().Name {
			t.Errorf("%s: lexer %q, chroma's %q", name, got.Config().Name, want.Config().Name)
			continue
		}
		if tg, tw := tokens(t, got, text), tokens(t, want, text); tg != tw {
			if name == "main.go" {
				continue // raw strings: a plain string here, a template in chroma
			}
			t.Errorf("%s: tokens\n%s\nchroma's\n%s", name, tg, tw)
		}
	}
	for _, name := range []string{"c", "go", "bash", "make"} {
		if got, want := Get(name), lexers.Get(name); got == nil || got.Config().Name != want.Config().Name {
			t.Errorf("Get(%q) = %v, chroma's %q", name, got, want.Config().Name)
		}
	}
	if Match("notes.txt-unknown-ext-zz") != nil {
		t.Error("an unknown file got a lexer")
	}
}

func tokens(t *testing.T, l chroma.Lexer, text string) string {
	t.Helper()
	it, err := l.Tokenise(nil, text)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tok := range it.Tokens() {
		b.WriteString(tok.Type.String() + " " + tok.Value + "\n")
	}
	return b.String()
}

func TestMonokai(t *testing.T) {
	want := styles.Get("monokai")
	got := Monokai()
	for _, tt := range []chroma.TokenType{chroma.Keyword, chroma.LiteralString, chroma.Comment, chroma.NameFunction, chroma.Background, chroma.Text} {
		if g, w := got.Get(tt), want.Get(tt); g != w {
			t.Errorf("%v: %+v, chroma's %+v", tt, g, w)
		}
	}
}

// The binaries must not link chroma's registries: that is this package's
// point.
func TestBinariesSkipChromaRegistries(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/patchqueue/pqtools/cmd/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "github.com/alecthomas/chroma/v2/lexers" || p == "github.com/alecthomas/chroma/v2/styles" {
			t.Errorf("a binary links %s, which builds its registry at start-up", p)
		}
	}
}

// Entries colours each byte as its token is coloured, and nothing without
// a lexer; a CR keeps its byte, so offsets stay those of the text.
func TestEntries(t *testing.T) {
	text := "int x;\r\nreturn 0;\n"
	got := Entries(Get("c"), Monokai(), text)
	if len(got) != len(text) {
		t.Fatalf("%d entries for %d bytes", len(got), len(text))
	}
	kw := Monokai().Get(chroma.KeywordType)
	if got[0] != kw || got[2] != kw || got[8] != Monokai().Get(chroma.Keyword) {
		t.Errorf("keywords: %v %v %v", got[0], got[2], got[8])
	}
	for i, e := range Entries(nil, Monokai(), text) {
		if e != (chroma.StyleEntry{}) {
			t.Fatalf("byte %d coloured without a lexer: %v", i, e)
		}
	}
}
