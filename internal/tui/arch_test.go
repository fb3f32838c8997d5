package tui

import (
	"os/exec"
	"strings"
	"testing"
)

// Core packages never depend on widgets, and the UI never runs git itself
// (STYLE.md rule 8); go list -deps keeps both true.
func TestLayering(t *testing.T) {
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	const mod = "github.com/patchqueue/pqtools/"
	for _, core := range []string{"internal/review", "internal/patchid", "internal/git", "internal/notes", "internal/sbs", "internal/spec", "internal/symtypes", "internal/demo"} {
		for _, d := range deps(mod + core) {
			if strings.Contains(d, "rivo/tview") || strings.Contains(d, "gdamore/tcell") {
				t.Errorf("%s depends on %s", core, d)
			}
		}
	}
	// Direct imports: the UI uses the review's types, whose package runs
	// git, but must not run git itself.
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", mod+"internal/tui").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range strings.Fields(string(out)) {
		if d == mod+"internal/git" || d == "os/exec" {
			t.Errorf("internal/tui imports %s: go through the Backend", d)
		}
	}
}
