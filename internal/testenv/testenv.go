// Package testenv is for tests only: it makes a test binary independent of
// the environment it was started from, and finds the shared real data.
//
// The product passes os.Environ() through to git, as it must: a user's
// GIT_DIR, GIT_CONFIG_PARAMETERS or GIT_NOTES_REF are theirs to set. A test
// started from a git hook inherits the hook's GIT_DIR and GIT_INDEX_FILE,
// though, and git would then read and write the outer repository instead of
// the test's own. Every package whose tests run git calls Isolate from its
// TestMain:
//
//	func TestMain(m *testing.M) {
//		defer testenv.Isolate()()
//		m.Run()
//	}
package testenv

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitConfig is the whole global configuration of an isolated test binary:
// an identity (so that a stray commit does not fail on a machine without
// one) and the defaults the generated repositories expect.
const gitConfig = `[user]
	name = Test Runner
	email = test@pq.example
[init]
	defaultBranch = main
[core]
	autocrlf = false
[advice]
	detachedHead = false
[gc]
	auto = 0
`

// Isolate makes the process environment hermetic for git and returns a
// function that removes the temporary home it made:
//
//   - it unsets every GIT_* variable: the repository-locating ones
//     (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY,
//     GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_COMMON_DIR, GIT_NAMESPACE,
//     GIT_CEILING_DIRECTORIES, GIT_PREFIX, GIT_QUARANTINE_PATH), every
//     GIT_CONFIG* (command-line configuration, global and system files),
//     GIT_NOTES_REF, GIT_EDITOR, identities and dates, GIT_TRACE* (which
//     would write into the stderr tests read) and the rest;
//   - it points HOME and XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_DATA_HOME and
//     XDG_STATE_HOME at a fresh temporary directory whose .gitconfig holds
//     only gitConfig, and sets GIT_CONFIG_NOSYSTEM=1 and
//     GIT_TERMINAL_PROMPT=0;
//   - it keeps the go command working as before (tests build binaries and
//     run go list): GOCACHE, GOMODCACHE, GOPATH and GOENV are pinned to the
//     values they had under the old HOME.
//
// It panics if the temporary home cannot be made: nothing can run then.
func Isolate() (cleanup func()) {
	pinGo()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "GIT_") {
			os.Unsetenv(k)
		}
	}
	home, err := os.MkdirTemp("", "testenv-home-")
	if err != nil {
		panic(fmt.Sprintf("testenv: %v", err))
	}
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitConfig), 0o644); err != nil {
		panic(fmt.Sprintf("testenv: %v", err))
	}
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":      filepath.Join(home, ".cache"),
		"XDG_DATA_HOME":       filepath.Join(home, ".local", "share"),
		"XDG_STATE_HOME":      filepath.Join(home, ".local", "state"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_TERMINAL_PROMPT": "0",
	} {
		os.Setenv(k, v)
	}
	return func() { os.RemoveAll(home) }
}

// pinGo sets the go command's cache, module cache, GOPATH and environment
// file to where they are now, before HOME and XDG_* change: a go build in a
// test would otherwise start from a cold cache, or miss the user's
// settings. Without a go command there is nothing to keep.
func pinGo() {
	vars := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"}
	out, err := exec.Command("go", append([]string{"env", "-json"}, vars...)...).Output()
	if err != nil {
		return
	}
	var env map[string]string
	if json.Unmarshal(out, &env) != nil {
		return
	}
	for _, k := range vars {
		if v := env[k]; v != "" {
			os.Setenv(k, v)
		}
	}
}

// ModuleRoot is the directory of the go.mod above the working directory
// (a test runs in its package's directory).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			t.Fatalf("no go.mod above %s", dir)
		}
		d = parent
	}
}

// SharedData is the path of ../shared/data/<rel> beside the module root, the
// real data (kernel spec file, kABI symtypes) the checkout does not carry.
// It fails the test when the file is missing.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	path := filepath.Join(filepath.Dir(ModuleRoot(t)), "shared", "data", filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("shared data missing: %s; the tests need ../shared beside the checkout", path)
	}
	return path
}

// Golden compares got with the golden file at path, and first rewrites the
// file when update is set (each package keeps its own -update flag: one
// flag defined twice in a test binary panics).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs (go test -update rewrites it):\n%.4000s", path, got)
	}
}

// NeedTools skips the test when a program it runs is not installed,
// except in CI, where scripts/deps.sh installs them all and an absent one
// is a failure.
func NeedTools(t testing.TB, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed: scripts/deps.sh installs it", p)
			}
			t.Skipf("%s is not installed (scripts/deps.sh installs it)", p)
		}
	}
}

// CompileC builds src with gcc -c and flags into dir/name.o.
func CompileC(t testing.TB, dir, name, src string, flags ...string) string {
	t.Helper()
	c := filepath.Join(dir, name+".c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(dir, name+".o")
	if out, err := exec.Command("gcc", append(append([]string{"-c"}, flags...), "-o", obj, c)...).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return obj
}
