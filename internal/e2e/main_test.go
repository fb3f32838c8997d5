package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

// bin is the directory holding the three binaries built for this run.
var bin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	defer testenv.Isolate()()
	dir, err := os.MkdirTemp("", "pq-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = filepath.Join(dir, "bin")
	os.Setenv("LC_ALL", "C")
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "github.com/patchqueue/pqtools/cmd/...")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		return 1
	}
	os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return m.Run()
}

// result is what one run of a command gave.
type result struct {
	code           int
	stdout, stderr string
}

// runIn runs argv (argv[0] a program on PATH) in dir with extra
// environment.
func runIn(t *testing.T, dir string, env []string, argv ...string) result {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return result{code, out.String(), errb.String()}
}

// git runs git in dir and fails the test on error.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := runIn(t, dir, nil, append([]string{"git"}, args...)...)
	if r.code != 0 {
		t.Fatalf("git %v: %s", args, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}
