package cliutil

import (
	"os/exec"
	"testing"
)

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/repo/.git/review-rebase/worktrees/abc-def", "/repo/.git/review-rebase/worktrees/abc-def"},
		{"/my repo/x", "'/my repo/x'"},
		{"it's", `'it'\''s'`},
		{"$HOME", "'$HOME'"},
		{"", "''"},
	}
	for _, tc := range tests {
		if got := ShellQuote(tc.in); got != tc.want {
			t.Errorf("ShellQuote(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// The shell reads it back as the same word.
		out, err := exec.Command("sh", "-c", "printf %s "+ShellQuote(tc.in)).Output()
		if err != nil || string(out) != tc.in {
			t.Errorf("sh read %q back as %q (%v)", tc.in, out, err)
		}
	}
}
