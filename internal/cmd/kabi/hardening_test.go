package kabi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardening pins what the commands say about files that are valid but
// wrong: each case's exit status and stderr.
func TestHardening(t *testing.T) {
	dir := t.TempDir()
	w := func(name, text string) string { return write(t, filepath.Join(dir, name), text) }
	noExports := w("types-only", "s#a struct a { int x ; }\nt#b typedef int b\n")
	hello := w("hello", "hello world\n")
	dupExport := w("dup.symtypes", "f@00000001 int f ( int )\nf@00000002 int f ( long )\nF#a.o f@00000001\nF#b.o f f@00000002\n")
	symtypes := w("Symtypes", "s#a struct a { s#gone * p ; }\nf int f ( s#a * )\ng int g ( void )\n")
	emptyList := w("empty-list", "[drv]\n")
	kabiList := w("kabi-list", "[drv]\n\tf\n")
	mkabi := w("Module.kabi", "0x1\tf\tvmlinux\tEXPORT_SYMBOL\n0x2\tgone\tvmlinux\tEXPORT_SYMBOL\n0x3\tf\tvmlinux\tEXPORT_SYMBOL\n")
	msym := w("Module.symvers", "0x9\tf\tvmlinux\tEXPORT_SYMBOL\n0x8\tgone\tvmlinux\tEXPORT_SYMBOL\n")
	stK := w("St.kabi", "f int f ( int )\n")
	stB := w("St.build", "f int f ( long )\n")
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"report of types only", []string{"report", noExports}, 1,
			"git kabi: " + noExports + " exports no symbol: nothing to report (is it a Symtypes file?)\n"},
		{"not symtypes", []string{"report", hello}, 1,
			"git kabi: " + hello + ":1: malformed symtypes line: the declaration of export \"hello\" does not name it (not a genksyms line)\n"},
		{"duplicate export", []string{"report", dupExport}, 0,
			"warning: " + dupExport + " lists 1 symbol more than once: f\n"},
		{"consolidate dangling", []string{"consolidate", "-i", symtypes, "-o", out, "-k", kabiList}, 0,
			"warning: " + out + " references 1 type defined nowhere (s#gone): the CRCs of exports using it cannot be computed\n"},
		{"consolidate empty list", []string{"consolidate", "-i", noExports, "-o", out, "--kabi", emptyList}, 0,
			"warning: " + emptyList + " lists no symbol: " + out + " keeps no export\n"},
		{"check duplicates and absent", []string{"check", "-k", mkabi, "-s", msym, "-K", stK, "-S", stB}, 1,
			"warning: " + mkabi + " lists 1 symbol more than once: f\n" +
				"warning: 1 changed symbol is not in both " + stK + " and " + stB + " (gone): no type difference can be shown for it;" +
				" collect the Symtypes from the same builds as the Module.kabi and Module.symvers\n"},
	} {
		r := kabi(t, nil, c.args...)
		if r.code != c.code || r.stderr != c.stderr {
			t.Errorf("%s: exit %d, stderr\n%q\nwant %d\n%q", c.name, r.code, r.stderr, c.code, c.stderr)
		}
	}
	// The check still shows the differences it can.
	r := kabi(t, nil, "check", "-k", mkabi, "-s", msym, "-K", stK, "-S", stB)
	if !strings.Contains(r.stdout, "--- f - kABI\n+++ f - Build\n") {
		t.Errorf("check stdout:\n%s", r.stdout)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("consolidate wrote nothing despite warnings only: %v", err)
	}
}
