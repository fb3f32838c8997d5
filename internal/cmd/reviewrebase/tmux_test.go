package reviewrebase

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// TestTerminalUIUnderTmux runs `git review-rebase --demo` in a real
// terminal (tmux), as a user would: the table, Enter on a row, help, and
// quitting.
func TestTerminalUIUnderTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed (make test installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if out, err := exec.Command("go", "build", "-o", bin+"/", "github.com/patchqueue/pqtools/cmd/git-review-rebase").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A socket of the test's own (-S), not a name under /tmp/tmux-UID
	// (-L): two test runs at once must not share a server.
	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "tmux", append([]string{"-u", "-S", sock, "-f", os.DevNull}, args...)...).CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() { tmux("kill-server") })
	// When the program exits, a shell writes its status to a file and
	// remain-on-exit keeps the pane with what it printed: the waits below
	// stop at once. (tmux's own #{pane_dead_status} stays empty when the
	// program exits quickly.)
	status := filepath.Join(dir, "status")
	argv := []string{"start-server", ";", "set-option", "-wg", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", "rr", "-x", "150", "-y", "40", "--",
		"sh", "-c", `"$@"; echo $? >"$0.tmp" && mv "$0.tmp" "$0"`, status, "env", "TERM=xterm-256color",
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
	argv = append(argv, env.Vars...)
	// A terminal user has a UTF-8 locale; under LC_ALL=C tcell draws
	// box characters as '?'.
	argv = append(argv, "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "git", "review-rebase", "--demo")
	if out, err := tmux(argv...); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	screen := func() string {
		out, _ := tmux("capture-pane", "-p", "-t", "rr")
		return out
	}
	// exited reports whether the program has exited, and its status.
	exited := func() (bool, string) {
		// The pane first: the shell writes the file before it exits.
		out, err := tmux("display-message", "-p", "-t", "rr", "#{pane_dead}")
		if err != nil {
			t.Fatalf("tmux display-message: %v %s", err, out)
		}
		if b, err := os.ReadFile(status); err == nil {
			return true, strings.TrimSpace(string(b))
		}
		return strings.TrimSpace(out) == "1", "unknown (the shell was killed)"
	}
	printed := func() string {
		out, _ := tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "rr")
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if l = strings.TrimRight(l, " "); l != "" {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	waitFor := func(what string, cond func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := screen()
			if cond(s) {
				return s
			}
			if dead, status := exited(); dead {
				t.Fatalf("waiting for %s: the program exited with status %s; it printed:\n%s", what, status, printed())
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	keys := func(k ...string) {
		if out, err := tmux(append([]string{"send-keys", "-t", "rr"}, k...)...); err != nil {
			t.Fatalf("send-keys: %v %s", err, out)
		}
	}
	s := waitFor("the table", func(s string) bool {
		return strings.Contains(s, "old commit") && strings.Contains(s, "add sysfs attribute")
	})
	for _, want := range []string{"patch-id 16", "! title [explained]", "^ patch-id upstream", "< dropped [note]"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	keys("Down", "Down", "Enter")
	s = waitFor("the patch view", func(s string) bool { return strings.Contains(s, "changed lines") })
	if !strings.Contains(s, "if (ret < 0)") || !strings.Contains(s, "│") {
		t.Errorf("patch view does not show the changed context:\n%s", s)
	}
	keys("b")
	waitFor("the blame column", func(s string) bool { return strings.Contains(s, "blame on") })
	keys("?")
	waitFor("help", func(s string) bool { return strings.Contains(s, "Commit table") && strings.Contains(s, "Patch view") })
	keys("x") // any key closes help
	waitFor("the patch view again", func(s string) bool { return !strings.Contains(s, "Commit table") })
	keys("q")
	waitFor("the table again", func(s string) bool { return strings.Contains(s, "old commit") })
	keys("q")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if dead, status := exited(); dead {
			if status != "0" {
				t.Errorf("the program exited with status %s; it printed:\n%s", status, printed())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit; screen:\n%s", screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
