package testenv_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/testenv"
)

const mod = "github.com/patchqueue/pqtools/"

// childVar marks the go test that TestHermetic starts, so that the child
// does not start another.
const childVar = "PQTOOLS_TESTENV_HERMETIC_CHILD"

// gitPackages lists the packages whose tests can run git: those that run
// programs themselves (os/exec among their dependencies) or whose tests
// build repositories or open them with internal/git. Each must call
// testenv.Isolate from its TestMain; the returned list leaves out testenv
// itself.
func gitPackages(t *testing.T, root string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f",
		`{{.ImportPath}}|{{len .TestGoFiles}}{{len .XTestGoFiles}}|{{join .Deps " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`,
		"./...", "./testdata/repos/")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 4 {
			t.Fatalf("go list line %q", line)
		}
		pkg, tests, deps, testImports := f[0], f[1], strings.Fields(f[2]), strings.Fields(f[3])
		if tests == "00" || pkg == mod+"internal/testenv" {
			continue
		}
		runsGit := slices.Contains(deps, "os/exec")
		for _, imp := range []string{"testdata/repos", "internal/srpm/srpmtest", "internal/git"} {
			runsGit = runsGit || slices.Contains(testImports, mod+imp)
		}
		if !runsGit {
			continue
		}
		if !slices.Contains(testImports, mod+"internal/testenv") {
			t.Errorf("%s: its tests can run git but do not import internal/testenv (add a main_test.go whose TestMain calls testenv.Isolate)", pkg)
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs
}

// TestEveryGitPackageIsolates keeps the list of isolated packages complete:
// a new package whose tests run git needs its TestMain too.
func TestEveryGitPackageIsolates(t *testing.T) {
	pkgs := gitPackages(t, testenv.ModuleRoot(t))
	for _, want := range []string{"internal/notes", "internal/review", "internal/git", "internal/patchid",
		"internal/replay", "internal/tui", "internal/cmd/reviewrebase", "testdata/repos"} {
		if !slices.Contains(pkgs, mod+want) {
			t.Errorf("%s is not among the packages found to run git: %v", want, pkgs)
		}
	}
}

// The binary must not carry the test fixtures: --demo builds its
// repository with internal/demo.
func TestBinariesDoNotLinkTestdata(t *testing.T) {
	for _, bin := range []string{"git-review-rebase", "git-import-srpm", "git-kabi"} {
		cmd := exec.Command("go", "list", "-deps", mod+"cmd/"+bin)
		cmd.Dir = testenv.ModuleRoot(t)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %s: %v", bin, err)
		}
		for _, d := range strings.Fields(string(out)) {
			if strings.Contains(d, "testdata") || d == mod+"internal/testenv" {
				t.Errorf("%s links %s", bin, d)
			}
		}
	}
}

func TestIsolate(t *testing.T) {
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_NOTES_REF", "GIT_CONFIG_PARAMETERS", "GIT_EDITOR"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Errorf("%s=%s survived Isolate", k, v)
		}
	}
	home := os.Getenv("HOME")
	if !strings.Contains(filepath.Base(home), "testenv-home-") {
		t.Errorf("HOME=%s, want a temporary home", home)
	}
	if got := os.Getenv("XDG_CONFIG_HOME"); got != filepath.Join(home, ".config") {
		t.Errorf("XDG_CONFIG_HOME=%s", got)
	}
	// git sees the temporary home's configuration and nothing else.
	cmd := exec.Command("git", "config", "--show-origin", "--list")
	cmd.Dir = t.TempDir() // outside any repository
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(l, "file:"+filepath.Join(home, ".gitconfig")+"\t") {
			t.Errorf("git configuration from elsewhere: %s", l)
		}
	}
}

func TestSharedData(t *testing.T) {
	p := testenv.SharedData(t, "spec/kernel.spec")
	if want := filepath.Join(filepath.Dir(testenv.ModuleRoot(t)), "shared", "data", "spec", "kernel.spec"); p != want {
		t.Errorf("SharedData = %s, want %s", p, want)
	}
}

// fatalRecorder keeps the message of a Fatalf instead of failing.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestSharedDataMissing(t *testing.T) {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testenv.SharedData(r, "no/such/file")
	}()
	<-done
	want := filepath.Join(filepath.Dir(testenv.ModuleRoot(t)), "shared", "data", "no", "such", "file")
	if r.msg != "shared data missing: "+want+"; the tests need ../shared beside the checkout" {
		t.Errorf("SharedData failed with %q", r.msg)
	}
}

// TestHermetic runs the tests of every package that runs git inside what
// looks to them like a git hook of another repository: GIT_DIR,
// GIT_WORK_TREE and GIT_INDEX_FILE name a scratch repository, and notes ref,
// configuration and editor are set to ones that would break the tests. They
// must pass, and the scratch repository must come out untouched.
func TestHermetic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the tests of every package that runs git again")
	}
	if os.Getenv(childVar) != "" {
		t.Skip("inside TestHermetic's own run")
	}
	root := testenv.ModuleRoot(t)
	pkgs := gitPackages(t, root)
	if t.Failed() {
		return
	}

	scratch := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = scratch
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	git("init", "-q")
	if err := os.WriteFile(filepath.Join(scratch, "README"), []byte("outer repository\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "README")
	git("commit", "-q", "-m", "outer commit")
	gitDir := filepath.Join(scratch, ".git")
	snapshot := func() map[string]string {
		s := map[string]string{
			"refs (git for-each-ref)":    git("for-each-ref", "--format=%(objectname) %(refname)"),
			"objects (count-objects)":    git("count-objects", "-v"),
			"HEAD":                       git("rev-parse", "HEAD") + git("symbolic-ref", "HEAD"),
			"objects/ files":             listFiles(t, filepath.Join(gitDir, "objects")),
			"every file under .git":      listFiles(t, gitDir),
			"the index (GIT_INDEX_FILE)": hashFile(t, filepath.Join(gitDir, "index")),
		}
		return s
	}
	before := snapshot()
	if refs := before["refs (git for-each-ref)"]; strings.Contains(refs, "refs/notes/") {
		t.Fatalf("the scratch repository has notes already:\n%s", refs)
	}

	// Leave the child the time this test has, less a margin to report.
	ctx := t.Context()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-30*time.Second))
		defer cancel()
	}
	args := append([]string{"test", "-count=1", "-short"}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		childVar+"=1",
		"GIT_DIR="+gitDir,
		"GIT_WORK_TREE="+scratch,
		"GIT_INDEX_FILE="+filepath.Join(gitDir, "index"),
		"GIT_NOTES_REF=refs/notes/evil",
		"GIT_CONFIG_PARAMETERS='core.notesref=refs/notes/evil' 'user.name=Outer Hook' 'diff.noprefix=true'",
		"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=diff.mnemonicPrefix", "GIT_CONFIG_VALUE_0=true",
		"GIT_EDITOR=false",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("go %s: %s", strings.Join(args, " "), time.Since(start).Round(time.Second))
	if err != nil {
		t.Errorf("with GIT_DIR and friends set, the tests failed (%v):\n%s", err, failures(out.String()))
	}
	after := snapshot()
	for k, b := range before {
		if a := after[k]; a != b {
			t.Errorf("the tests changed the outer repository's %s:\nbefore:\n%s\nafter:\n%s", k, b, a)
		}
	}
}

// listFiles lists the regular files under dir with their sizes and hashes.
func listFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %s\n", hashFile(t, p), rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func hashFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x %d", sha256.Sum256(data), len(data))
}

// failures keeps the lines of go test's output that say what failed, with
// some context, so that a failure report stays readable.
func failures(out string) string {
	const limit = 200
	lines := strings.Split(out, "\n")
	keep := map[int]bool{}
	for i, l := range lines {
		if strings.HasPrefix(l, "ok ") {
			keep[i] = true
		}
		if strings.Contains(l, "FAIL") || strings.Contains(l, "panic:") || strings.Contains(l, "_test.go:") {
			for j := max(0, i-2); j <= min(len(lines)-1, i+3); j++ {
				keep[j] = true
			}
		}
	}
	var b strings.Builder
	n := 0
	for i, l := range lines {
		if keep[i] && n < limit {
			b.WriteString(l + "\n")
			n++
		}
	}
	if n == 0 {
		return out
	}
	return b.String()
}
