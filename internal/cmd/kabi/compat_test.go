package kabi

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// The Python tool's option names, and the new subcommands, fill the same
// options as ours.
func TestParseCompatOptions(t *testing.T) {
	stdio := &cliutil.IO{Dir: "/w"}
	for _, c := range []struct {
		args []string
		want any
	}{
		{[]string{"check", "--symvers-kabi", "K", "--symvers-build", "S"}, &CheckOptions{IO: stdio, ModuleKabi: "K", ModuleSymvers: "S"}},
		{[]string{"check", "-k", "K", "--symvers-build=S", "--symtypes-kabi", "a", "--symtypes-build", "b"}, &CheckOptions{IO: stdio, ModuleKabi: "K", ModuleSymvers: "S", SymtypesKabi: "a", SymtypesBuild: "b"}},
		{[]string{"collect", "build", "--minimize-kabi", "l"}, &CollectOptions{IO: stdio, BuildDir: "build", Output: "Symtypes.build", Kabi: "l"}},
		{[]string{"consolidate", "-i", "in", "-o", "out", "-k", "l"}, &ConsolidateOptions{IO: stdio, Input: "in", Output: "out", Kabi: "l"}},
		{[]string{"compare", "--no-print-symbol", "a", "b"}, &CompareOptions{IO: stdio, Old: "a", New: "b"}},
		{[]string{"debug", "build", "Symtypes.kabi"}, &DebugOptions{IO: stdio, BuildDir: "build", Symtypes: "Symtypes.kabi"}},
		{[]string{"smoke", "-t", "T", "-v", "V", "-l", "L"}, &SmokeOptions{IO: stdio, Symtypes: "T", Symvers: "V", LockedLst: "L"}},
		{[]string{"smoke", "--symtypes", "T", "--symvers", "V", "--lockedlist", "L"}, &SmokeOptions{IO: stdio, Symtypes: "T", Symvers: "V", LockedLst: "L"}},
		{[]string{"lockedlist", "out", "d1", "d2"}, &LockedListOptions{IO: stdio, Output: "out", Dirs: []string{"d1", "d2"}}},
		{[]string{"lockedlist", "--append", "out", "d1"}, &LockedListOptions{IO: stdio, Output: "out", Dirs: []string{"d1"}, Append: true}},
	} {
		got, code, stderr := parse(t, stdio, c.args...)
		if code != 0 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: exit %d %q, options %+v, want %+v", c.args, code, stderr, got, c.want)
		}
	}
	for _, args := range [][]string{{"debug", "build"}, {"smoke"}, {"lockedlist"}} {
		if _, code, stderr := parse(t, stdio, args...); code != 2 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d %q", args, code, stderr)
		}
	}
}

// `git kabi <rev>` is `git kabi commit <rev>` when rev names a commit and
// no subcommand; anything else stays an unknown command.
func TestCommitShorthand(t *testing.T) {
	r := newRepo(t)
	r.commit("a.h", "struct a { int x; };\n", "base")
	guilty := r.commit("a.h", "struct a { int x; int y; };\n", "mm: grow struct a")
	r.commit("a.h", "struct a { int x; KABI_HIDE(int y); };\n", "staged")
	r.git("reset", "-q", "--soft", "HEAD~1")

	res := r.kabi(guilty[:10], "--no-edit")
	if res.code != 0 {
		t.Fatalf("shorthand: %+v", res)
	}
	msg := r.git("log", "-1", "--format=%B")
	if !strings.Contains(msg, "mm: grow struct a") || !strings.Contains(msg, guilty[:12]) {
		t.Errorf("commit message:\n%s", msg)
	}
	// A branch named like a subcommand is the subcommand.
	r.git("branch", "report")
	if res := r.kabi("report"); res.code != 2 || !strings.Contains(res.stderr, "report: expected one Symtypes file") {
		t.Errorf("report: %+v", res)
	}
	for _, args := range [][]string{{"nosuch"}, {"nosuch", "HEAD"}} {
		res := r.kabi(args...)
		if res.code != 2 || res.stderr != "git kabi: unknown command \""+args[0]+"\" (see 'git kabi -h')\n" {
			t.Errorf("%q: %+v", args, res)
		}
	}
	// Outside a repository nothing resolves.
	res = kabi(t, &cliutil.IO{Dir: t.TempDir()}, "HEAD")
	if res.code != 2 || !strings.Contains(res.stderr, "unknown command \"HEAD\"") {
		t.Errorf("outside: %+v", res)
	}
}

// debug collects a build, keeps the kABI's exports and compares: the kABI
// is the baseline, exports only in the build are not listed (they were
// filtered), and kABI exports the build lacks are.
func TestDebugCmd(t *testing.T) {
	dir := t.TempDir()
	stKabi := write(t, filepath.Join(dir, "Symtypes.kabi"), "s#d struct d { int a ; }\nf int f ( s#d * )\nok int ok\ngone int gone\n")
	build := filepath.Join(dir, "build")
	write(t, filepath.Join(build, "kernel/a.symtypes"), "s#d struct d { long a ; } \nf int f ( s#d * ) \nextra int extra \n")
	write(t, filepath.Join(build, "kernel/b.symtypes"), "ok int ok \n")
	res := kabi(t, nil, "debug", build, stKabi)
	if res.code != 1 || res.stderr != "" {
		t.Fatalf("%+v", res)
	}
	want := "The following symbols appear only in the Baseline:\ngone\n"
	if !strings.Contains(res.stdout, want) || strings.Contains(res.stdout, "extra") ||
		!strings.Contains(res.stdout, "The following symbols differ:\nf\n") || !strings.Contains(res.stdout, "-\tint a;\n+\tlong a;\n") {
		t.Errorf("stdout:\n%s", res.stdout)
	}
	// The same build against itself: nothing differs.
	same := write(t, filepath.Join(dir, "same"), "s#d struct d { long a ; }\nf int f ( s#d * )\nok int ok\n")
	if res := kabi(t, nil, "debug", build, same); res.code != 0 || res.stdout != "" {
		t.Errorf("same: %+v", res)
	}
	if res := kabi(t, nil, "debug", t.TempDir(), stKabi); res.code != 1 || !strings.Contains(res.stderr, "no *.symtypes files under") {
		t.Errorf("empty build: %+v", res)
	}
}

func TestHelpNewCommands(t *testing.T) {
	for _, sub := range []string{"smoke", "lockedlist", "debug"} {
		r := kabi(t, nil, sub, "-h")
		if r.code != 0 || !strings.Contains(r.stdout, "USAGE:") || !strings.Contains(r.stdout, "git kabi "+sub) {
			t.Errorf("%s -h: exit %d, stdout %.100q", sub, r.code, r.stdout)
		}
	}
}
