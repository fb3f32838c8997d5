package cliutil

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cfgOf(m map[string]string) Config {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestWantPager(t *testing.T) {
	tests := []struct {
		name  string
		tty   bool
		env   map[string]string
		cfg   map[string]string
		o     PagerOptions
		want  string
		pages bool
	}{
		{name: "terminal", tty: true, o: PagerOptions{Command: "kabi", Pager: "less"}, want: "less", pages: true},
		{name: "piped", tty: false, o: PagerOptions{Pager: "less"}},
		{name: "--no-pager", tty: true, o: PagerOptions{NoPager: true, Pager: "less"}},
		{name: "git --no-pager sets cat", tty: true, o: PagerOptions{Pager: "cat"}},
		{name: "empty pager", tty: true, o: PagerOptions{Pager: " "}},
		{name: "git -p already pages", tty: true, env: map[string]string{"GIT_PAGER_IN_USE": "true"}, o: PagerOptions{Pager: "less"}},
		{name: "pager.<cmd>=false", tty: true, cfg: map[string]string{"pager.kabi": "false"}, o: PagerOptions{Command: "kabi", Pager: "less"}},
		{name: "pager.<cmd>=true", tty: true, cfg: map[string]string{"pager.kabi": "true"}, o: PagerOptions{Command: "kabi", Pager: "less"}, want: "less", pages: true},
		{name: "pager.<cmd>=command", tty: true, cfg: map[string]string{"pager.kabi": "less -S"}, o: PagerOptions{Command: "kabi", Pager: "less"}, want: "less -S", pages: true},
		{name: "another command's key", tty: true, cfg: map[string]string{"pager.log": "false"}, o: PagerOptions{Command: "kabi", Pager: "more"}, want: "more", pages: true},
	}
	for _, tc := range tests {
		s := &IO{OutTTY: tc.tty, Getenv: envOf(tc.env)}
		got, pages := wantPager(s, cfgOf(tc.cfg), tc.o)
		if got != tc.want || pages != tc.pages {
			t.Errorf("%s: got %q %v, want %q %v", tc.name, got, pages, tc.want, tc.pages)
		}
	}
}

// The pager gets the output, git's LESS and LV defaults unless set, and
// GIT_PAGER_IN_USE; Out is restored when it ends.
func TestStartPager(t *testing.T) {
	dir := t.TempDir()
	got := filepath.Join(dir, "paged")
	envFile := filepath.Join(dir, "env")
	t.Setenv("LESS", "")
	t.Setenv("LV", "")
	var term bytes.Buffer
	s := &IO{Out: &term, OutTTY: true, Getenv: envOf(map[string]string{"LV": "-x"})}
	pager := `echo "$LESS|$LV|$GIT_PAGER_IN_USE" > "` + envFile + `"; cat > "` + got + `"`
	stop := s.StartPager(context.Background(), nil, PagerOptions{Pager: pager})
	if s.Out == &term {
		t.Fatal("Out was not replaced by the pager")
	}
	s.Out.Write([]byte("line 1\nline 2\n"))
	stop()
	if s.Out != &term {
		t.Error("Out not restored")
	}
	b, _ := os.ReadFile(got)
	if string(b) != "line 1\nline 2\n" {
		t.Errorf("pager read %q", b)
	}
	e, _ := os.ReadFile(envFile)
	// LV is the user's own (-x) in IO's view, so it is not set for them.
	if strings.TrimSpace(string(e)) != "FRX||true" {
		t.Errorf("pager environment %q, want LESS=FRX, LV untouched, GIT_PAGER_IN_USE", e)
	}
}

func TestUseColor(t *testing.T) {
	tests := []struct {
		name string
		flag string
		tty  bool
		env  map[string]string
		cfg  map[string]string
		want bool
	}{
		{"auto on a terminal", "auto", true, nil, nil, true},
		{"auto piped", "auto", false, nil, nil, false},
		{"--color=always piped", "always", false, nil, nil, true},
		{"--color=never on a terminal", "never", true, nil, nil, false},
		{"color.ui=always piped", "auto", false, nil, map[string]string{"color.ui": "always"}, true},
		{"color.ui=never on a terminal", "auto", true, nil, map[string]string{"color.ui": "never"}, false},
		{"color.ui=false", "auto", true, nil, map[string]string{"color.ui": "false"}, false},
		{"color.<cmd> wins over color.ui", "auto", false, nil, map[string]string{"color.kabi": "always", "color.ui": "never"}, true},
		{"NO_COLOR with auto", "auto", true, map[string]string{"NO_COLOR": "1"}, nil, false},
		{"NO_COLOR loses to always", "always", true, map[string]string{"NO_COLOR": "1"}, nil, true},
		{"git's pager", "auto", false, map[string]string{"GIT_PAGER_IN_USE": "true"}, nil, true},
		{"git's pager, pager.color=false", "auto", false, map[string]string{"GIT_PAGER_IN_USE": "true"}, map[string]string{"pager.color": "false"}, false},
	}
	for _, tc := range tests {
		s := &IO{OutTTY: tc.tty, Getenv: envOf(tc.env)}
		if got := UseColor(tc.flag, s, cfgOf(tc.cfg), "color.kabi", "color.ui"); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
