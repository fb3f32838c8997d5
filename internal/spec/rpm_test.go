package spec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// numFile is a patch as rpm reports it.
type numFile struct {
	Num  int
	File string
}

// rpmView is what rpmspec says about a spec.
type rpmView struct {
	Name, Version, Release string
	Declared               []numFile // declaration order
	Applied                []string  // files, in %prep order
}

const declProbe = `%{lua: for i, p in ipairs(patches) do print("@@DECL "..patch_nums[i].." "..p.."\n") end}`

// rpmspecView asks rpm 4.18's rpmspec about src. The declared patches come
// from rpm's own lua tables (probed at the top of %prep, after every
// declaration), the applied order from the %prep rpm expands.
func rpmspecView(t *testing.T, src []byte, files []string) rpmView {
	t.Helper()
	if _, err := exec.LookPath("rpmspec"); err != nil {
		t.Fatalf("rpmspec is needed as the oracle (Debian package rpm; make deps installs it): %v", err)
	}
	dir := t.TempDir()
	srcdir := filepath.Join(dir, "SOURCES")
	if err := os.Mkdir(srcdir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(srcdir, f), []byte("--- a/x\n+++ b/x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	probed := bytes.Replace(src, []byte("\n%prep\n"), []byte("\n%prep\n"+declProbe+"\n"), 1)
	if bytes.Equal(probed, src) {
		t.Fatalf("spec has no %%prep line to probe")
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(args ...string) string {
		cmd := exec.Command("rpmspec", args...)
		cmd.Env = []string{"HOME=" + dir, "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("rpmspec %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return string(out)
	}
	defs := []string{"--define", "_topdir " + dir, "--define", "_sourcedir " + srcdir}
	var v rpmView
	q := run(append(append([]string{"-q", "--srpm", "--qf", "%{NAME}\\n%{VERSION}\\n%{RELEASE}\\n"}, defs...), write("plain.spec", src))...)
	if f := strings.Split(q, "\n"); len(f) >= 3 {
		v.Name, v.Version, v.Release = f[0], f[1], f[2]
	}
	out := run(append(append([]string{"-P"}, defs...), write("probed.spec", probed))...)
	prep := false
	byFile := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "@@DECL "); ok {
			n, p, _ := strings.Cut(rest, " ")
			num, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("probe line %q", line)
			}
			v.Declared = append(v.Declared, numFile{num, filepath.Base(p)})
			byFile[filepath.Base(p)] = true
			prep = true
			continue
		}
		if !prep {
			continue
		}
		if strings.HasPrefix(line, "%build") || strings.HasPrefix(line, "%install") {
			break
		}
		for _, f := range strings.Fields(line) {
			f = strings.Trim(f, "'\";")
			if strings.HasPrefix(f, srcdir+"/") && byFile[filepath.Base(f)] {
				v.Applied = append(v.Applied, filepath.Base(f))
			}
		}
	}
	return v
}

// ourView is the same information from this package.
func ourView(t *testing.T, src []byte, opts *Options) rpmView {
	t.Helper()
	s, err := Parse(src, opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var v rpmView
	var errs [3]error
	v.Name, errs[0] = s.Name()
	v.Version, errs[1] = s.Version()
	v.Release, errs[2] = s.Release()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ps, err := s.Patches()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		v.Declared = append(v.Declared, numFile{p.Num, p.File})
	}
	ap, err := s.Applied()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ap {
		v.Applied = append(v.Applied, p.File)
	}
	return v
}

// hostArch is the architecture rpmspec evaluates %ifarch with.
func hostArch(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("rpm", "--eval", "%{_target_cpu}").Output()
	if err != nil {
		t.Fatalf("rpm --eval: %v", err)
	}
	return strings.TrimSpace(string(out))
}
