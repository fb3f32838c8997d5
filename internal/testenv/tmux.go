package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BuildBinaries builds the commands pkgs (import paths) into dir/bin and
// returns that directory, for a test that runs them as a user does.
func BuildBinaries(t testing.TB, dir string, pkgs ...string) string {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	if out, err := exec.Command("go", append([]string{"build", "-o", bin + "/"}, pkgs...)...).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// Tmux is a tmux server of the test's own, on a socket in its temporary
// directory (-S, not a name under /tmp/tmux-UID: two test runs at once
// must not share a server), killed when the test ends. Programs run in it
// in real terminals, as a user runs them.
type Tmux struct {
	t     testing.TB
	dir   string
	sock  string
	panes int
}

// NewTmux starts nothing yet; it fails the test when tmux is missing
// (make test installs it).
func NewTmux(t testing.TB) *Tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed (make test installs it)")
	}
	dir := t.TempDir()
	m := &Tmux{t: t, dir: dir, sock: filepath.Join(dir, "tmux.sock")}
	t.Cleanup(func() { m.run("kill-server") })
	return m
}

func (m *Tmux) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-u", "-S", m.sock, "-f", os.DevNull}, args...)...).CombinedOutput()
	return string(out), err
}

// Pane is a program running in a terminal of its own.
type Pane struct {
	m            *Tmux
	name, status string
}

// Start runs argv in a new width x height terminal in workdir, with
// TERM=xterm-256color, the variables of env, and a UTF-8 locale (under
// LC_ALL=C tcell draws box characters as '?').
func (m *Tmux) Start(workdir string, width, height int, env []string, argv ...string) *Pane {
	m.t.Helper()
	m.panes++
	p := &Pane{m: m, name: fmt.Sprintf("p%d", m.panes)}
	p.status = filepath.Join(m.dir, "status-"+p.name)
	// When the program exits, a shell writes its status to a file and
	// remain-on-exit keeps the pane with what it printed: the waits stop
	// at once. (tmux's own #{pane_dead_status} stays empty when the
	// program exits quickly.)
	args := []string{"start-server", ";", "set-option", "-wg", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", p.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-c", workdir, "--",
		"sh", "-c", `"$@"; echo $? >"$0.tmp" && mv "$0.tmp" "$0"`, p.status, "env", "TERM=xterm-256color"}
	args = append(append(args, env...), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	if out, err := m.run(append(args, argv...)...); err != nil {
		m.t.Fatalf("tmux: %v %s", err, out)
	}
	return p
}

// Screen is what the terminal shows.
func (p *Pane) Screen() string {
	out, _ := p.m.run("capture-pane", "-p", "-t", p.name)
	return out
}

// Printed is everything the program printed, scrollback included, without
// blank lines.
func (p *Pane) Printed() string {
	out, _ := p.m.run("capture-pane", "-p", "-J", "-S", "-", "-t", p.name)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimRight(l, " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// Keys sends keys (tmux send-keys names: "Down", "Enter", "q").
func (p *Pane) Keys(k ...string) {
	p.m.t.Helper()
	if out, err := p.m.run(append([]string{"send-keys", "-t", p.name}, k...)...); err != nil {
		p.m.t.Fatalf("send-keys: %v %s", err, out)
	}
}

// exited reports whether the program has exited, and its status.
func (p *Pane) exited() (bool, string) {
	p.m.t.Helper()
	// The pane first: the shell writes the file before it exits.
	out, err := p.m.run("display-message", "-p", "-t", p.name, "#{pane_dead}")
	if err != nil {
		p.m.t.Fatalf("tmux display-message: %v %s", err, out)
	}
	if b, err := os.ReadFile(p.status); err == nil {
		return true, strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(out) == "1", "unknown (the shell was killed)"
}

// WaitFor waits up to 30 s for the screen to satisfy cond and returns it;
// the test fails when the program exits first or time runs out.
func (p *Pane) WaitFor(what string, cond func(string) bool) string {
	p.m.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := p.Screen()
		if cond(s) {
			return s
		}
		if dead, status := p.exited(); dead {
			p.m.t.Fatalf("waiting for %s: the program exited with status %s; it printed:\n%s", what, status, p.Printed())
		}
		if time.Now().After(deadline) {
			p.m.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitExit waits up to 20 s for the program to exit (after a quitting
// key) and fails the test unless it exits with status 0.
func (p *Pane) WaitExit() {
	p.m.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if dead, status := p.exited(); dead {
			if status != "0" {
				p.m.t.Errorf("the program exited with status %s; it printed:\n%s", status, p.Printed())
			}
			return
		}
		if time.Now().After(deadline) {
			p.m.t.Fatalf("it did not quit; screen:\n%s", p.Screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
