package kabi

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/testenv"
)

// needLayoutTools skips without gcc or pahole, except in CI.
func needLayoutTools(t *testing.T) { t.Helper(); testenv.NeedTools(t, "gcc", "pahole") }

// compileC builds src with gcc -c and flags into dir/name.o.
func compileC(t *testing.T, dir, name, src string, flags ...string) string {
	t.Helper()
	return testenv.CompileC(t, dir, name, src, flags...)
}

// The struct of the README's worked example: a developer adds refcount
// first, which moves every old member; it fits the hole after id. A
// bitfield added after dead fits the bit hole and moves nothing.
const (
	layoutOld = `struct kabi_demo {
	int id;
	long flags;
	unsigned int ready:1, dead:1;
	union { void *data; unsigned long raw; };
	char name[12];
} demo;
`
	layoutNew = `struct kabi_demo {
	int refcount;
	int id;
	long flags;
	unsigned int ready:1, dead:1, busy:1;
	union { void *data; unsigned long raw; };
	char name[12];
} demo;
`
)

func TestLayoutGolden(t *testing.T) {
	needLayoutTools(t)
	dir := t.TempDir()
	old := compileC(t, dir, "old", layoutOld, "-g")
	new := compileC(t, dir, "new", layoutNew, "-g")
	for _, c := range []struct {
		file string
		args []string
	}{
		{"stdout.txt", []string{"layout", "kabi_demo", "--old", old, "--new", new}},
		{"stdout.json", []string{"layout", "struct kabi_demo", "--old", old, "--new", new, "--format", "json"}},
	} {
		r := kabi(t, nil, c.args...)
		if r.code != 1 || r.stderr != "" {
			t.Fatalf("%q: exit %d, stderr %q", c.args, r.code, r.stderr)
		}
		out := strings.ReplaceAll(r.stdout, dir+string(filepath.Separator), "")
		golden(t, c.file, []byte(out))
		if c.file == "stdout.txt" {
			// The README's worked example is this run.
			readme, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "README.md"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(readme), "--old old.o --new new.o\n"+out+"```") {
				t.Errorf("README.md's example of git kabi layout is not the output of this test:\n%s", out)
			}
		}
	}
	// The fixed struct, refcount where the recipe says, keeps the layout.
	fixed := compileC(t, dir, "fixed", strings.Replace(strings.Replace(layoutNew, "\tint refcount;\n", "", 1),
		"\tint id;\n", "\tint id;\n\tint refcount;\n", 1), "-g")
	if r := kabi(t, nil, "layout", "kabi_demo", "--old", old, "--new", fixed); r.code != 0 ||
		!strings.Contains(r.stdout, "layout kept: every old member keeps its offset and size") {
		t.Errorf("the fixed struct: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestLayoutErrors(t *testing.T) {
	needLayoutTools(t)
	dir := t.TempDir()
	obj := compileC(t, dir, "old", layoutOld, "-g")
	plain := compileC(t, dir, "plain", layoutOld)
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("hello world\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.o")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"layout", "nope", "--old", obj, "--new", obj}, 1, "git kabi: no struct or union nope in " + obj + " (an object's debug information holds only the types it uses)\n"},
		{[]string{"layout", "kabi_demo", "--old", obj, "--new", plain}, 1, "git kabi: " + plain + " has no debug information: give a vmlinux built with CONFIG_DEBUG_INFO=y"},
		{[]string{"layout", "kabi_demo", "--old", text, "--new", obj}, 1, "git kabi: " + text + " is not an ELF object: give a vmlinux"},
		{[]string{"layout", "kabi_demo", "--old", missing, "--new", obj}, 1, "git kabi: cannot read " + missing + ": no such file or directory\n"},
	} {
		r := kabi(t, nil, c.args...)
		if r.code != c.code || !strings.HasPrefix(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want %d and %q", c.args, r.code, r.stderr, r.stdout, c.code, c.want)
		}
	}
	t.Setenv("PATH", t.TempDir())
	if r := kabi(t, nil, "layout", "kabi_demo", "--old", obj, "--new", obj); r.code != 1 ||
		r.stderr != "git kabi: pahole is not installed: install the pahole package (dwarves on Fedora)\n" {
		t.Errorf("without pahole: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestLayoutParse(t *testing.T) {
	stdio := &cliutil.IO{}
	for _, c := range []struct {
		args []string
		want any
	}{
		{[]string{"layout", "foo", "--old", "a.o", "--new", "b.o"}, &LayoutOptions{IO: stdio, Type: "foo", Old: "a.o", New: "b.o", Format: "text"}},
		{[]string{"layout", "--format=json", "--new", "b.o", "--old", "vmlinux", "struct foo"}, &LayoutOptions{IO: stdio, Type: "struct foo", Old: "vmlinux", New: "b.o", Format: "json"}},
	} {
		got, code, stderr := parse(t, stdio, c.args...)
		if code != 0 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: exit %d %q, options %+v, want %+v", c.args, code, stderr, got, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"layout", "--old", "a", "--new", "b"}, "layout: expected one struct or union name"},
		{[]string{"layout", "foo"}, "layout: options --old and --new are required: give a vmlinux built with CONFIG_DEBUG_INFO=y"},
		{[]string{"layout", "foo", "--old", "a"}, "layout: options --old and --new are required"},
		{[]string{"layout", "foo", "--old", "a", "--new", "b", "--format", "xml"}, `layout: --format must be text or json, not "xml"`},
		{[]string{"layout", "a,b", "--old", "a", "--new", "b"}, `layout: "a,b" is not a struct or union name`},
	} {
		got, code, stderr := parse(t, &cliutil.IO{}, c.args...)
		if got != nil || code != cliutil.ExitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, options %+v; want exit 2 and %q", c.args, code, stderr, got, c.want)
		}
	}
}
