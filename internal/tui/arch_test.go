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
	// Direct imports: a UI may use the types of a package that runs git
	// (the review's), but never runs a program itself: the review UI goes
	// through its Backend, the kABI UI through the hooks of its Options.
	for _, ui := range []string{"internal/tui", "internal/kabitui"} {
		out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", mod+ui).Output()
		if err != nil {
			t.Fatal(err)
		}
		imports := strings.Fields(string(out))
		if len(imports) == 0 {
			t.Errorf("go list lists no imports of %s: the check reads nothing", ui)
		}
		for _, d := range imports {
			if d == mod+"internal/git" || d == mod+"internal/proc" || d == "os/exec" {
				t.Errorf("%s imports %s: go through the Backend or the hooks of Options", ui, d)
			}
		}
	}
}
