package reviewrebase

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

// The UI's backend: patch, blame and note editing against a real
// repository (the UI itself is tested in internal/tui and under tmux).
func TestBackend(t *testing.T) {
	fx, old, new := conflictRepo(t)
	ctx := context.Background()
	repo, err := git.Open(ctx, fx.Dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Env = fx.Env.Vars
	b := &backend{repo: repo}
	base, up := gitIn(t, fx, "rev-parse", "base"), gitIn(t, fx, "rev-parse", "up")

	p, err := b.Patch(ctx, new, false)
	if err != nil || !strings.HasPrefix(p, "commit "+new+"\nAuthor: ") || !strings.Contains(p, "    the patch\n") || !strings.Contains(p, "+UP+PATCH") {
		t.Errorf("Patch:\n%s%v", p, err)
	}
	lines := []int{3, 1}
	m, err := b.Blame(ctx, new, "a.c", lines)
	if want := map[int]string{1: base, 3: up}; err != nil || !reflect.DeepEqual(m, want) {
		t.Errorf("Blame = %v, %v; want %v", m, err, want)
	}
	// Lines moved since the commit that last touched them: final line
	// numbers, not the original ones.
	gitIn(t, fx, "checkout", "-q", "-b", "shifted", "up")
	writeFile(t, fx.Dir, "a.c", "a0\na1\na2\nUP\na4\na5\n")
	gitIn(t, fx, "commit", "-qam", "shift")
	shift := gitIn(t, fx, "rev-parse", "HEAD")
	writeFile(t, fx.Dir, "a.c", "a0\na1\na2\nUP\na4\na5\nend\n")
	gitIn(t, fx, "commit", "-qam", "top")
	m, err = b.Blame(ctx, gitIn(t, fx, "rev-parse", "HEAD"), "a.c", []int{4, 1, 6})
	if want := map[int]string{1: shift, 4: up, 6: base}; err != nil || !reflect.DeepEqual(m, want) {
		t.Errorf("Blame of moved lines = %v, %v; want %v", m, err, want)
	}

	// The editor setting is a shell snippet; the file comes as "$@".
	editor := func(snippet string) { b.repo.Env = append(append([]string{}, fx.Env.Vars...), "GIT_EDITOR="+snippet) }
	editor(`f() { grep -q "^# Why was ` + old[:12] + ` dropped?" "$1" && printf '# a comment\nDropped: obsolete.\n' > "$1"; }; f`)
	if got, err := b.EditNote(ctx, old); got != "Dropped: obsolete.\n" || err != nil {
		t.Fatalf("new note: %q, %v", got, err)
	}
	// An existing note is edited, not replaced unseen.
	editor(`sed -i 's/obsolete/obsolete upstream/'`)
	if got, err := b.EditNote(ctx, old); got != "Dropped: obsolete upstream.\n" || err != nil {
		t.Fatalf("edited note: %q, %v", got, err)
	}
	if got := gitIn(t, fx, "notes", "show", old); got != "Dropped: obsolete upstream." {
		t.Errorf("note in the repository: %q", got)
	}
	// A failing editor changes nothing and says so.
	editor(`false`)
	if got, err := b.EditNote(ctx, old); got != "Dropped: obsolete upstream.\n" || err == nil || !strings.Contains(err.Error(), "editor") {
		t.Errorf("failing editor: %q, %v", got, err)
	}
	// Leaving a new note empty adds none.
	editor(`true`)
	if got, err := b.EditNote(ctx, new); got != "" || err != nil {
		t.Errorf("empty note: %q, %v", got, err)
	}
	if _, err := fx.Env.Git(fx.Dir, "notes", "show", new); err == nil {
		t.Error("an empty note was added")
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
