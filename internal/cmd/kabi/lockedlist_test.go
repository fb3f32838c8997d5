package kabi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildModule compiles C source with gcc -c into dir/name (a .ko: for the
// symbol table, a kernel module is a relocatable object like any other).
func buildModule(t *testing.T, dir, name, src string) {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(t.TempDir(), "m.c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("gcc", "-c", "-O1", "-fno-asynchronous-unwind-tables", "-o", filepath.Join(dir, name), c).CombinedOutput()
	if err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
}

const (
	modA = `extern void kfree(const void *);
extern void *__kmalloc(unsigned long, int);
extern int printk(const char *, ...);
extern unsigned char byte_rev_table[256];
static int local_helper(int x) { return x + 1; }
int defined_here(int x) { kfree(__kmalloc(8, 0)); printk("%d", byte_rev_table[x]); return local_helper(x); }
`
	modB = `extern void kfree(const void *);
extern int Zeta_sym(void);
extern unsigned int crc32_le(unsigned int, const unsigned char *, unsigned long);
int other(void) { kfree(0); return Zeta_sym() + crc32_le(0, 0, 0); }
`
	modC = `extern int netif_rx(void *);
int c_main(void *skb) { return netif_rx(skb); }
`
)

func TestLockedList(t *testing.T) {
	dir := t.TempDir()
	drvA := filepath.Join(dir, "drivers", "drv-a")
	buildModule(t, filepath.Join(drvA, "src"), "a.ko", modA)
	buildModule(t, filepath.Join(drvA, "src", "sub"), "b.ko", modB)
	// Not modules: ignored.
	os.WriteFile(filepath.Join(drvA, "src", "a.o"), []byte("junk"), 0o644)
	drvC := filepath.Join(dir, "drivers", "drv-c")
	buildModule(t, drvC, "c.ko", modC)

	out := filepath.Join(dir, "locked")
	r := kabi(t, nil, "lockedlist", out, drvA+"/")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("exit %d: %q %q", r.code, r.stdout, r.stderr)
	}
	got, _ := os.ReadFile(out)
	// Both modules, sorted the way sort -u sorts in an English locale,
	// each symbol once; defined and static symbols left out.
	want := "[drv-a]\n\tbyte_rev_table\n\tcrc32_le\n\tkfree\n\t__kmalloc\n\tprintk\n\tZeta_sym\n"
	if string(got) != want {
		t.Fatalf("locked list:\n%s\nwant:\n%s", got, want)
	}

	// --append adds a section and keeps the file's.
	r = kabi(t, nil, "lockedlist", "--append", out, drvC)
	got, _ = os.ReadFile(out)
	if r.code != 0 || string(got) != want+"[drv-c]\n\tnetif_rx\n" {
		t.Fatalf("append: exit %d %q:\n%s", r.code, r.stderr, got)
	}
	// Appending a driver again replaces its section in place.
	buildModule(t, drvA, "extra.ko", "extern int zz_new(void);\nint e(void) { return zz_new(); }\n")
	r = kabi(t, nil, "lockedlist", "--append", out, drvA)
	got, _ = os.ReadFile(out)
	if wantA := strings.Replace(want, "\tZeta_sym\n", "\tZeta_sym\n\tzz_new\n", 1); r.code != 0 || string(got) != wantA+"[drv-c]\n\tnetif_rx\n" {
		t.Fatalf("re-append: exit %d %q:\n%s", r.code, r.stderr, got)
	}
	// Without --append the file is rewritten.
	r = kabi(t, nil, "lockedlist", out, drvC)
	got, _ = os.ReadFile(out)
	if r.code != 0 || string(got) != "[drv-c]\n\tnetif_rx\n" {
		t.Fatalf("rewrite: exit %d %q:\n%s", r.code, r.stderr, got)
	}
	// The result reads back as a locked list.
	if _, err := parseListFile(out); err != nil {
		t.Error(err)
	}
}

func TestLockedListErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, "x.ko"), []byte(strings.Repeat("not an ELF file\n", 10)), 0o644)
	good := filepath.Join(dir, "a", "drv")
	buildModule(t, good, "m.ko", modC)
	other := filepath.Join(dir, "b", "drv")
	buildModule(t, other, "m.ko", modC)
	notList := filepath.Join(dir, "notlist")
	os.WriteFile(notList, []byte("kfree\n"), 0o644)
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lockedlist", out}, 2, "git kabi: lockedlist: expected an output file and at least one driver directory"},
		{[]string{"lockedlist", out, empty}, 1, "git kabi: no *.ko under " + empty + ": build the driver first\n"},
		{[]string{"lockedlist", out, filepath.Join(dir, "none")}, 1, "git kabi: cannot read " + filepath.Join(dir, "none") + ": no such file or directory\n"},
		{[]string{"lockedlist", out, bad}, 1, "git kabi: " + filepath.Join(bad, "x.ko") + " is not a kernel module: not an ELF object\n"},
		{[]string{"lockedlist", out, good, other}, 2, "git kabi: lockedlist: " + good + " and " + other + " would both be section [drv]"},
		{[]string{"lockedlist", "--append", notList, good}, 1, "git kabi: " + notList + ":1: malformed symbol list: symbol \"kfree\" before the first [module] line; want a locked list (\"[module]\" lines, each followed by one symbol per line)\n"},
	} {
		r := kabi(t, nil, c.args...)
		if r.code != c.code || !strings.HasPrefix(r.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run wrote the output")
	}
	if b, _ := os.ReadFile(notList); string(b) != "kfree\n" {
		t.Error("a failed --append changed the file")
	}
}
