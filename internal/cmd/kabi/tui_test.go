package kabi

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/patchqueue/pqtools/internal/symtypes/symtypestest"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// impactFiles writes symtypestest's baseline, where gone is exported too
// (compare --print-missing lists it), its comparison and its locked list
// of three modules.
func impactFiles(t *testing.T) (old, new, list string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"old":  symtypestest.ImpactOld + "gone void gone ( void )\n",
		"new":  symtypestest.ImpactNew,
		"list": symtypestest.ImpactList,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "old"), filepath.Join(dir, "new"), filepath.Join(dir, "list")
}

func TestParseTUIOptions(t *testing.T) {
	tty := &cliutil.IO{Dir: "/w", OutTTY: true}
	pipe := &cliutil.IO{Dir: "/w"}
	for _, c := range []struct {
		stdio *cliutil.IO
		args  []string
		want  any
	}{
		{tty, []string{"tui", "-l", "L", "a", "b"}, &TUIOptions{IO: tty, Old: "a", New: "b", LockedList: "L"}},
		{tty, []string{"tui", "--lockedlist", "L", "-K", "a", "-S", "b", "--range", "v1..v2", "--repo", "/k"},
			&TUIOptions{IO: tty, Old: "a", New: "b", LockedList: "L", Range: "v1..v2", Repo: "/k"}},
		{tty, []string{"tui", "a", "b", "--old-obj", "o.o", "--new-obj", "n.o"}, &TUIOptions{IO: tty, Old: "a", New: "b", OldObj: "o.o", NewObj: "n.o"}},
		// The Python tool's own spelling of its tui command.
		{tty, []string{"tui", "--locked-file", "L", "-r", "/k", "--rev-list", "v1..v2", "--old-vmlinux", "o", "--new-vmlinux", "n", "a", "b"},
			&TUIOptions{IO: tty, Old: "a", New: "b", LockedList: "L", Range: "v1..v2", Repo: "/k", OldObj: "o", NewObj: "n"}},
		// compare opens the UI on a terminal, unless a format is asked.
		{tty, []string{"compare", "a", "b", "-l", "L"}, &TUIOptions{IO: tty, Old: "a", New: "b", LockedList: "L", ExitDiffer: true}},
		{tty, []string{"compare", "a", "b", "--format", "text"}, &CompareOptions{IO: tty, Old: "a", New: "b", PrintSymbols: true, Format: "text"}},
		{pipe, []string{"compare", "a", "b", "--impact", "-l", "L"}, &CompareOptions{IO: pipe, Old: "a", New: "b", PrintSymbols: true, Impact: true, LockedList: "L"}},
		{pipe, []string{"compare", "--format=json", "a", "b"}, &CompareOptions{IO: pipe, Old: "a", New: "b", PrintSymbols: true, Format: "json"}},
	} {
		got, code, stderr := parse(t, c.stdio, c.args...)
		if code != 0 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: exit %d %q, options %+v, want %+v", c.args, code, stderr, got, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tui", "a"}, "tui: expected two Symtypes files"},
		{[]string{"tui", "-K", "a"}, "tui: -K and -S go together"},
		{[]string{"tui", "-K", "a", "-S", "b", "c"}, "tui: expected no Symtypes arguments besides -K and -S"},
		{[]string{"tui", "a", "b", "--old-obj", "x"}, "tui: --old-obj and --new-obj go together"},
		{[]string{"tui", "a", "b", "--repo", "x"}, "tui: --repo goes with --range"},
		{[]string{"compare", "a", "b", "--format", "yaml"}, `compare: --format is text or json, not "yaml"`},
	} {
		got, code, stderr := parse(t, &cliutil.IO{OutTTY: true}, c.args...)
		if got != nil || code != cliutil.ExitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, options %+v; want exit 2 and %q", c.args, code, stderr, got, c.want)
		}
	}
}

// TestCompareImpactGolden: compare --impact in text and JSON, and JSON
// without it; the text without --impact is the reference tool's report,
// unchanged.
func TestCompareImpactGolden(t *testing.T) {
	old, new, list := impactFiles(t)
	plain := kabi(t, nil, "compare", old, new)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"impact.txt", []string{"--impact", "-l", list}},
		{"impact-nolist.txt", []string{"--impact", "--print-missing"}},
		{"impact.json", []string{"--impact", "--lockedlist", list, "--format", "json"}},
		{"compare.json", []string{"--format", "json"}},
	} {
		r := kabi(t, nil, append([]string{"compare", old, new}, c.args...)...)
		if r.code != 1 || r.stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", c.name, r.code, r.stderr)
		}
		golden(t, c.name, []byte(r.stdout))
		if strings.HasSuffix(c.name, ".json") && !json.Valid([]byte(r.stdout)) {
			t.Errorf("%s is not JSON", c.name)
		}
	}
	withImpact := kabi(t, nil, "compare", old, new, "--impact", "-l", list)
	if !strings.HasPrefix(withImpact.stdout, plain.stdout+"*** IMPACT ***\n") {
		t.Errorf("--impact changed the report before the impact:\n%s", withImpact.stdout)
	}
	if text := kabi(t, &cliutil.IO{OutTTY: true, GitEnv: []string{"GIT_PAGER=cat"}}, "compare", old, new, "--format", "text"); text.stdout != plain.stdout {
		t.Errorf("--format text on a terminal differs from the piped report:\n%s", text.stdout)
	}
	r := kabi(t, nil, "compare", old, new, "--impact", "-l", old)
	if r.code != 1 || !strings.Contains(r.stderr, old+":1: malformed symbol list") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("a Symtypes file as locked list: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCompareImpactRealFiles pins the impact of the shared 4.19 kernels:
// struct trace_seq first, reached by 806 of the 812 differing exports,
// used by all 44 modules of the locked list.
func TestCompareImpactRealFiles(t *testing.T) {
	realOld, realNew, list := realFiles(t)
	r := kabi(t, nil, "compare", realOld, realNew, "--impact", "-l", list, "--format", "json")
	if r.code != 1 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var got compareJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Types) != 105 || len(got.Differ) != 812 {
		t.Fatalf("%d types, %d differing exports", len(got.Types), len(got.Differ))
	}
	top := got.Types[0]
	if top.Title != "struct trace_seq" || len(*top.Exports) != 806 || len(*top.Modules) != 44 {
		t.Errorf("top type %s with %d exports, %d modules", top.Title, len(*top.Exports), len(*top.Modules))
	}
	text := kabi(t, nil, "compare", realOld, realNew, "--impact", "-l", list)
	if !strings.Contains(text.stdout, "*** IMPACT ***\n\nstruct trace_seq: 806 exports, 44 modules\n") {
		t.Errorf("text impact does not start with struct trace_seq")
	}
}

func TestTUINeedsTerminal(t *testing.T) {
	old, new, list := impactFiles(t)
	r := kabi(t, nil, "tui", "-l", list, old, new)
	if r.code != 1 || r.stderr != "git kabi: the kABI UI needs a terminal: use git kabi compare --format text or --format json\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	r = kabi(t, &cliutil.IO{OutTTY: true}, "tui", old, new, "--range", "nope")
	if r.code != 2 || !strings.Contains(r.stderr, `"nope" is not a range`) {
		t.Errorf("bad range: exit %d, stderr %q", r.code, r.stderr)
	}
}

// devopsV1 is the header of blameRepo's kernel at the base; devopsV2
// adds a member to struct dev_ops.
const devopsV1 = "struct dev_ops {\n\tint (*probe)(void *dev);\n\tunsigned long flags;\n};\n\nunion cfg {\n\tint i;\n\tlong l;\n};\n\nenum mode {\n\tMODE_A,\n\tMODE_B,\n};\n"

func devopsV2() string {
	return strings.Replace(devopsV1, "\tunsigned long flags;\n", "\tunsigned long flags;\n\tvoid (*remove)(void *dev);\n", 1)
}

// blameRepo is TestBlame's kernel: a header where one commit adds a
// member to struct dev_ops and another an enumerator to enum mode, with
// genksyms' Symtypes of both ends.
func blameRepo(t *testing.T) (work string, env []string, base, guilty, oldST, newST string) {
	t.Helper()
	s := repos.NewScratch(t)
	dir := t.TempDir()
	v1, v2 := devopsV1, devopsV2()
	s.Write("include/linux/devops.h", v1)
	s.Git("add", "-A")
	s.Git("commit", "-q", "-m", "base")
	base = s.Git("rev-parse", "HEAD")
	s.Write("include/linux/devops.h", v2)
	s.Git("commit", "-q", "-am", "devops: add a remove hook")
	guilty = s.Git("rev-parse", "HEAD")
	return s.Dir, s.Env.Vars, base, guilty, symtypesOf(t, dir, "old.symtypes", v1, "dev_register"), symtypesOf(t, dir, "new.symtypes", v2, "dev_register")
}

// The blame panel shows, for its type, what git kabi blame prints.
func TestBlamePanelMatchesBlame(t *testing.T) {
	work, env, base, guilty, oldST, newST := blameRepo(t)
	stdio := &cliutil.IO{Dir: work, GitEnv: env}
	full := kabi(t, stdio, "blame", oldST, newST, base+"..HEAD")
	if full.code != 0 {
		t.Fatalf("blame: %+v", full)
	}
	blame, err := blameSetup(t.Context(), &TUIOptions{IO: stdio, Range: base + "..HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := parseSymtypesFile(oldST)
	new, _ := parseSymtypesFile(newST)
	c, err := symtypes.Compare(old, new)
	if err != nil || len(c.Changes) != 1 {
		t.Fatalf("changes %v, %v", c, err)
	}
	got, err := blame(t.Context(), old, new, c.Changes[0])
	if err != nil {
		t.Fatal(err)
	}
	if got != full.stdout || !strings.Contains(got, "git kabi commit "+guilty[:12]) {
		t.Errorf("panel:\n%s\nblame:\n%s", got, full.stdout)
	}
}

// TestKabiUIUnderTmux runs the UI in a real terminal (tmux), as a
// maintainer would: git kabi compare opens it, git kabi tui with a range
// blames the selected type in the kernel's history.
func TestKabiUIUnderTmux(t *testing.T) {
	m := testenv.NewTmux(t)
	work, env, base, guilty, oldST, newST := blameRepo(t)
	dir := t.TempDir()
	bin := testenv.BuildBinaries(t, dir, "github.com/patchqueue/pqtools/cmd/git-kabi")
	list := filepath.Join(dir, "list")
	if err := os.WriteFile(list, []byte("[devops-module]\n\tdev_register\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// run starts git kabi in a terminal of its own, in the kernel's work
	// tree; a shell around it prints its exit status (the waits want the
	// terminal's program to exit 0).
	var p *testenv.Pane
	const exited = "git kabi exited with status "
	run := func(args ...string) (func(string, func(string) bool) string, func()) {
		p = m.Start(work, 150, 40, append([]string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}, env...),
			append([]string{"sh", "-c", `git kabi "$@"; echo "` + exited + `$?"`, "sh"}, args...)...)
		return p.WaitFor, p.WaitExit
	}
	keys := func(k ...string) { t.Helper(); p.Keys(k...) }
	status := func(want int) {
		t.Helper()
		if got := p.Printed(); !strings.Contains(got, fmt.Sprint(exited, want)) {
			t.Errorf("want exit status %d; the terminal shows:\n%s", want, got)
		}
	}

	// compare on a terminal: the UI, with the layout advice; it exits 1,
	// as compare does piped, since a CRC differs.
	waitFor, waitExit := run("compare", oldST, newST, "-l", list)
	s := waitFor("the table", func(s string) bool { return strings.Contains(s, "struct dev_ops: diff") })
	for _, want := range []string{"changed types by impact", "+    void (*remove) (void *);", "devops-module", "dev_register"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	keys("l")
	waitFor("the layout advice", func(s string) bool { return strings.Contains(s, "No objects to read the layout from") })
	keys("q")
	keys("?")
	waitFor("help", func(s string) bool { return strings.Contains(s, "Changed types") })
	keys("x", "q")
	waitExit()
	status(1)

	// With no differing CRC, compare's UI exits 0.
	waitFor, waitExit = run("compare", oldST, oldST)
	waitFor("the empty table", func(s string) bool { return strings.Contains(s, "(no type)") })
	keys("q")
	waitExit()
	status(0)

	// Quit (Ctrl-C) before the comparison finished: no verdict, exit 1.
	// A FIFO nobody writes keeps the first file's reading going.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor, waitExit = run("compare", fifo, oldST)
	waitFor("the loading page", func(s string) bool { return strings.Contains(s, "reading "+fifo) })
	keys("C-c")
	waitExit()
	status(1)
	if got := p.Printed(); !strings.Contains(got, "quit before the comparison finished") {
		t.Errorf("no word of the missing verdict:\n%s", got)
	}

	// tui with a range: b blames the type on the commit that changed it;
	// with objects (when gcc and pahole are here), l shows its layout.
	args := []string{"tui", "-l", list, "-K", oldST, "-S", newST, "--range", base + "..HEAD"}
	_, gccErr := exec.LookPath("gcc")
	_, paholeErr := exec.LookPath("pahole")
	objects := gccErr == nil && paholeErr == nil
	if objects {
		args = append(args, "--old-obj", compileC(t, dir, "old", devopsV1+"struct dev_ops d;\n", "-g"),
			"--new-obj", compileC(t, dir, "new", devopsV2()+"struct dev_ops d;\n", "-g"))
	}
	waitFor, waitExit = run(args...)
	waitFor("the table", func(s string) bool { return strings.Contains(s, "struct dev_ops: diff") })
	if objects {
		keys("l")
		s = waitFor("the layout page", func(s string) bool {
			return strings.Contains(s, "layout of struct dev_ops (q back)")
		})
		if !strings.Contains(s, "old.o") || !strings.Contains(s, "new.o") || !strings.Contains(s, "remove") {
			t.Errorf("layout page:\n%s", s)
		}
		keys("q")
	}
	keys("b")
	s = waitFor("the blame page", func(s string) bool { return strings.Contains(s, "git kabi commit "+guilty[:12]) })
	if !strings.Contains(s, "devops: add a remove hook") || !strings.Contains(s, "include/linux/devops.h") {
		t.Errorf("blame page:\n%s", s)
	}
	keys("q")
	waitFor("the table again", func(s string) bool { return strings.Contains(s, "Enter diff") })
	keys("q")
	waitExit()
	// tui is the Python tool's triage entry point: it exits 0 on quit.
	status(0)
}

// The layout panel shows, for the selected type, what git kabi layout
// prints; a typedef of the struct is followed, a type pahole cannot show
// is one error.
func TestLayoutPanelMatchesLayout(t *testing.T) {
	needLayoutTools(t)
	dir := t.TempDir()
	old := compileC(t, dir, "old", layoutOld, "-g")
	new := compileC(t, dir, "new", layoutNew, "-g")
	full := kabi(t, nil, "layout", "kabi_demo", "--old", old, "--new", new)
	hook := layoutHook(&TUIOptions{IO: &cliutil.IO{}, OldObj: old, NewObj: new})
	for _, name := range []string{"struct kabi_demo", "typedef kabi_demo"} {
		got, err := hook(t.Context(), name)
		if err != nil || got != full.stdout || !strings.Contains(got, "fix: member `refcount`") {
			t.Errorf("%s: %v\npanel:\n%s\nlayout:\n%s", name, err, got, full.stdout)
		}
	}
	if _, err := hook(t.Context(), "enum mode"); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("enum: %v", err)
	}
	if layoutHook(&TUIOptions{IO: &cliutil.IO{}}) != nil {
		t.Error("a layout hook without objects")
	}
}
