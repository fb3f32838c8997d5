package importsrpm

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

const kernelSpec = "spec/kernel.spec" // in the shared data

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runIn(t, "", args...)
}

// specCopy puts src in a fresh directory with the given mode.
func specCopy(t *testing.T, src []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kernel.spec")
	if err := os.WriteFile(p, src, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func readKernel(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.SharedData(t, kernelSpec))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var patchLine = regexp.MustCompile(`^(\s*#?\s*(?i:patch))(\d+)(\s*:.*)$`)

// expected is an independent statement of renumber: edit matching lines
// before the marker line, keep the rest.
func expected(src []byte, start, offset int, marker string) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	for i, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		if strings.HasPrefix(strings.TrimSpace(body), marker) {
			break
		}
		m := patchLine.FindStringSubmatch(body)
		if m == nil {
			continue
		}
		if n, _ := strconv.Atoi(m[2]); n >= start {
			num := strconv.Itoa(n + offset)
			for len(num) < len(m[2]) && m[2][0] == '0' {
				num = "0" + num
			}
			lines[i] = m[1] + num + m[3] + l[len(body):]
		}
	}
	return []byte(strings.Join(lines, ""))
}

// onlyFile checks the directory holds the spec and nothing else (no
// temporary file left behind).
func onlyFile(t *testing.T, path string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != filepath.Base(path) {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v", names)
	}
}

func TestRenumberFiles(t *testing.T) {
	kernel := readKernel(t)
	twoBlocks := []byte("Name: two\nVersion: 1\n\n# Patches for A\nPatch1: a1.patch\nPatch2:\ta2.patch\n\n# Patches for B\nPatch100:  b1.patch\n#Patch101: b2.patch: 0123456789ab gone upstream\nPatch102 : b3.patch # note\n")
	tabs := []byte("Name: t\n\tPatch0009:\tx.patch\t\n  patch10 :   y.patch\r\n# PATCH11: z.patch: abcdefabcdef title: with colon\n")
	cases := []struct {
		name          string
		src           []byte
		args          []string // after the spec path
		start, offset int
		marker        string
	}{
		{"kernel", kernel, []string{"100", "5"}, 100, 5, "# XCP-ng patches"},
		{"kernel all", kernel, []string{"0", "3000"}, 0, 3000, "# XCP-ng patches"},
		{"kernel options last", kernel, []string{"590", "10", "--vendor-marker", "# none such"}, 590, 10, "# none such"},
		{"second block", twoBlocks, []string{"100", "900"}, 100, 900, "# XCP-ng patches"},
		{"first block", twoBlocks, []string{"1", "10"}, 1, 10, "# XCP-ng patches"},
		{"marker between blocks", twoBlocks, []string{"--vendor-marker=# Patches for B", "1", "50"}, 1, 50, "# Patches for B"},
		{"tabs", tabs, []string{"9", "91"}, 9, 91, "# XCP-ng patches"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := specCopy(t, c.src, 0o640)
			code, stdout, stderr := run(t, append([]string{"renumber", p}, c.args...)...)
			// Without the marker in the spec, it says what it renumbered.
			noMarker := !strings.Contains(string(c.src), c.marker)
			if code != 0 || (stderr != "") != noMarker {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if noMarker && !regexp.MustCompile(`^`+regexp.QuoteMeta(p)+`: no vendor marker "[^"]*": renumbered every patch from \d+ on \(Patch\d+\.\.Patch\d+ became Patch\d+\.\.Patch\d+\); give --vendor-marker to keep a block as it is\n$`).MatchString(stderr) {
				t.Errorf("no-marker message %q", stderr)
			}
			if !strings.Contains(stdout, "renumbered") {
				t.Errorf("stdout %q", stdout)
			}
			got, _ := os.ReadFile(p)
			want := expected(c.src, c.start, c.offset, c.marker)
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from the expectation")
			}
			if bytes.Equal(got, c.src) {
				t.Error("nothing changed")
			}
			// Only whole lines that are patch lines may differ.
			gl, sl := strings.Split(string(got), "\n"), strings.Split(string(c.src), "\n")
			if len(gl) != len(sl) {
				t.Fatalf("%d lines, had %d", len(gl), len(sl))
			}
			for i := range gl {
				if gl[i] != sl[i] && !patchLine.MatchString(sl[i]) {
					t.Errorf("line %d changed: %q -> %q", i+1, sl[i], gl[i])
				}
			}
			if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want 0640", fi.Mode().Perm())
			}
			onlyFile(t, p)
		})
	}
}

func TestRenumberRefuses(t *testing.T) {
	kernel := readKernel(t)
	twoBlocks := []byte("Patch1: a\nPatch2: b\nPatch100: c\n")
	cases := []struct {
		name string
		src  []byte
		args []string
		code int
		msg  string
	}{
		{"duplicate", kernel, []string{"5", "-5"}, 1, "duplicate patch number"},
		{"into vendor block", kernel, []string{"597", "405"}, 1, "patch number 1002"},
		{"negative", twoBlocks, []string{"1", "-2"}, 1, "negative patch number"},
		{"blocks collide", twoBlocks, []string{"100", "-99"}, 1, "lines 1, 3"},
		{"start not a number", kernel, []string{"x", "1"}, 2, "start must be"},
		{"offset not a number", kernel, []string{"1", "1.5"}, 2, "offset must be"},
		{"negative start", kernel, []string{"--", "-1", "1"}, 2, "start must be"},
		{"too few", kernel, []string{"1"}, 2, "<spec> <start> <offset>"},
		{"unknown option", kernel, []string{"1", "2", "--frob"}, 2, "frob"},
		{"read-only", kernel, []string{"1", "2"}, 1, "is read-only"},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			perm := os.FileMode(0o600)
			if c.name == "read-only" {
				perm = 0o444
			}
			p := specCopy(t, c.src, perm)
			code, stdout, stderr := run(t, append([]string{"renumber", p}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.msg) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line mentioning %q", stderr, c.msg)
			}
			if strings.Contains(stderr, "goroutine") || stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, c.src) {
				t.Error("the spec was changed")
			}
			onlyFile(t, p)
		})
	}
}

func TestMainUsage(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, 2, "", "give one <srpm-rev>"},
		{[]string{"-h"}, 0, "renumber", ""},
		{[]string{"renumber", "-h"}, 0, "<spec> <start> <offset>", ""},
		{[]string{"renumber", "--help"}, 0, "--dry-run", ""},
		{[]string{"renumber", "/nonexistent/x.spec", "1", "1"}, 1, "", "read spec"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%v: exit %d stdout %q stderr %q", c.args, code, stdout, stderr)
		}
	}
}

func TestRenumberNothingToDo(t *testing.T) {
	src := readKernel(t)
	p := specCopy(t, src, 0o644)
	code, stdout, _ := run(t, "renumber", p, "1000", "5")
	if code != 0 || !strings.Contains(stdout, "nothing to do") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, src) {
		t.Error("the spec was changed")
	}
}

func TestRenumberSymlink(t *testing.T) {
	src := readKernel(t)
	p := specCopy(t, src, 0o644)
	link := filepath.Join(t.TempDir(), "link.spec")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "renumber", link, "0", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, expected(src, 0, 1, "# XCP-ng patches")) {
		t.Error("the target was not renumbered")
	}
}

func TestRenumberPrepWarning(t *testing.T) {
	src := []byte("Name: n\nPatch1: a\nPatch2: b\n%prep\n%setup -q\n%patch2 -p1\n")
	p := specCopy(t, src, 0o644)
	code, _, stderr := run(t, "renumber", p, "2", "1")
	if code != 0 || !strings.Contains(stderr, "line 6") || !strings.Contains(stderr, "%patch2") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestRenumberDryRun compares the diff with a golden file, and checks it
// independently: applied with patch(1) to the original it must give what
// the real run writes.
func TestRenumberDryRun(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
		args []string
	}{
		{"kernel", readKernel(t), []string{"595", "5"}},
		{"spread", []byte("Name: n\nPatch1: a\nx\nx\nx\nx\nx\nx\nx\nPatch2: b\nx\nx\nx\nx\nPatch3: c"), []string{"2", "10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := specCopy(t, c.src, 0o644)
			dir := filepath.Dir(p)
			t.Chdir(dir)
			code, stdout, stderr := run(t, append([]string{"renumber", "kernel.spec"}, append(c.args, "--dry-run")...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, c.src) {
				t.Fatal("dry run changed the spec")
			}
			golden := filepath.Join(goldenDir(t), c.name+".diff")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if stdout != string(want) {
				t.Errorf("diff differs from %s", golden)
			}
			patched := filepath.Join(dir, "patched.spec")
			cmd := exec.Command("patch", "-s", "-o", patched, p)
			cmd.Stdin = strings.NewReader(stdout)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("patch: %v\n%s", err, out)
			}
			if code, _, stderr := run(t, append([]string{"renumber", "kernel.spec"}, c.args...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			a, _ := os.ReadFile(patched)
			b, _ := os.ReadFile(p)
			if !bytes.Equal(a, b) {
				t.Error("the diff applied with patch(1) differs from the real run")
			}
		})
	}
}

func goldenDir(t *testing.T) string {
	wd, err := filepath.Abs(filepath.Join(testdataRoot, strings.SplitN(t.Name(), "/", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

var testdataRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "testdata")
}()
