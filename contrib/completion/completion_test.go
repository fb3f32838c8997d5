package completion

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const gitCompletion = "/usr/share/bash-completion/completions/git"

// build compiles the three commands into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "../../cmd/...")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// complete runs git's bash completion with ours on the words (the last one
// is completed) and returns the candidates.
func complete(t *testing.T, dir string, words ...string) []string {
	t.Helper()
	script := `source "$1"; source "$2"; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
cur="${COMP_WORDS[COMP_CWORD]}"; COMPREPLY=()
__git_func_wrap __git_main
printf '%s\n' "${COMPREPLY[@]}"`
	args := append([]string{"-c", script, "bash", gitCompletion, "pqtools.bash"}, words...)
	cmd := exec.Command("bash", args...)
	cmd.Env = append(cleanEnv(), "HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("completion of %q: %v", words, err)
	}
	var res []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			res = append(res, l)
		}
	}
	sort.Strings(res)
	return res
}

var longOption = regexp.MustCompile(`^\s+(--[a-z][a-z0-9-]*)`)

// options lists the long options the command's -h prints.
func options(t *testing.T, bin string, args ...string) []string {
	t.Helper()
	out, _ := exec.Command(filepath.Join(bin, args[0]), append(args[1:], "-h")...).CombinedOutput()
	var res []string
	in := false
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasSuffix(l, "OPTIONS:") {
			in = true
			continue
		}
		if m := longOption.FindStringSubmatch(l); in && m != nil {
			res = append(res, m[1])
		}
	}
	if len(res) == 0 {
		t.Fatalf("%v -h lists no options:\n%s", args, out)
	}
	return res
}

// Every option each command and subcommand documents is offered after
// "--", so the completion cannot fall behind the commands.
func TestEveryOptionIsCompleted(t *testing.T) {
	if _, err := os.Stat(gitCompletion); err != nil {
		t.Fatalf("git's bash completion is missing (%v): it ships with Debian's git package", err)
	}
	bin := build(t)
	cases := [][]string{
		{"review-rebase"}, {"review-rebase", "replay"}, {"review-rebase", "show"}, {"review-rebase", "explain"},
		{"import-srpm"}, {"import-srpm", "verify"}, {"import-srpm", "renumber"}, {"import-srpm", "sync"},
	}
	for _, sub := range []string{"commit", "revert", "list", "collect", "consolidate", "compare", "check", "report", "blame", "layout", "smoke", "lockedlist", "debug", "tui"} {
		cases = append(cases, []string{"kabi", sub})
	}
	for _, c := range cases {
		want := options(t, bin, append([]string{"git-" + c[0]}, c[1:]...)...)
		got := complete(t, ".", append(append([]string{"git"}, c...), "--")...)
		offered := map[string]bool{}
		for _, g := range got {
			offered[strings.TrimSuffix(g, "=")] = true
		}
		for _, w := range want {
			if !offered[w] {
				t.Errorf("git %s --<TAB> does not offer %s (offered %v)", strings.Join(c, " "), w, got)
			}
		}
	}
}

func TestSubcommandsAndValues(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"git", "kabi", "co"}, "collect commit compare consolidate"},
		{[]string{"git", "import-srpm", "sy"}, "sync"},
		{[]string{"git", "review-rebase", "--format="}, "json text"},
		{[]string{"git", "review-rebase", "--color", ""}, "always auto never"},
	}
	for _, tc := range tests {
		got := complete(t, ".", tc.words...)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q: got %q, want %q", tc.words, got, tc.want)
		}
	}
}

// Refs and ranges come from git's own helpers.
func TestRefsAndRanges(t *testing.T) {
	dir := t.TempDir()
	env := append(cleanEnv(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=a",
		"GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b")
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"commit", "-q", "--allow-empty", "-m", "one"},
		{"branch", "queue/old"}, {"branch", "queue/new"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	abs, _ := filepath.Abs("pqtools.bash")
	link := filepath.Join(dir, "pqtools.bash")
	if err := os.Symlink(abs, link); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(complete(t, dir, "git", "review-rebase", "queue/old..queue/n"), " ")
	if got != "queue/old..queue/new" {
		t.Errorf("range completion: got %q", got)
	}
	got = strings.Join(complete(t, dir, "git", "kabi", "commit", "queue/"), " ")
	if got != "queue/new queue/old" {
		t.Errorf("ref completion: got %q", got)
	}
}

// cleanEnv is the environment without git's variables, so a run inside a
// hook completes against the test's repository, not the hook's.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return env
}

// The zsh completion at least loads: zsh parses it and defines the three
// functions zsh's _git calls for user commands.
func TestZshLoads(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Fatal("zsh is not installed: scripts/deps.sh installs it")
	}
	script := `zstyle() { :; }; source ./_git-pqtools.zsh && whence -w _git-review-rebase _git-import-srpm _git-kabi`
	out, err := exec.Command(zsh, "-f", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("zsh: %v\n%s", err, out)
	}
	for _, f := range []string{"_git-review-rebase: function", "_git-import-srpm: function", "_git-kabi: function"} {
		if !strings.Contains(string(out), f) {
			t.Errorf("zsh does not define %s:\n%s", f, out)
		}
	}
}
