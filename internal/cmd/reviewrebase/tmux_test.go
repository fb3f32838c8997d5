package reviewrebase

import (
	"os"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// TestTerminalUIUnderTmux runs `git review-rebase --demo` in a real
// terminal (tmux), as a user would: the table, Enter on a row, help, and
// quitting.
func TestTerminalUIUnderTmux(t *testing.T) {
	m := testenv.NewTmux(t)
	dir := t.TempDir()
	bin := testenv.BuildBinaries(t, dir, "github.com/patchqueue/pqtools/cmd/git-review-rebase")
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Start(dir, 150, 40, append([]string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}, env.Vars...),
		"git", "review-rebase", "--demo")
	waitFor, keys := p.WaitFor, p.Keys
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
	p.WaitExit()
}
