package kabitui

import (
	"context"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/patchqueue/pqtools/internal/symtypes/symtypestest"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

var update = flag.Bool("update", false, "rewrite golden screens")

// The fixture is the impact tests' (symtypestest: struct inner grows a
// member and reaches four exports through struct outer; struct other
// changes; struct lone gains a pointer to inner; f's own declaration
// changes) with struct other's array sized by a constant (E#LEN), which
// the layout panel shows, and their locked list.
var fixOld, fixNew = withArray(symtypestest.ImpactOld), withArray(symtypestest.ImpactNew)

const fixList = symtypestest.ImpactList

func withArray(symtypes string) string {
	s := strings.Replace(symtypes, "int y ;", "int y ; char name [ E#LEN ] ;", 1)
	return strings.Replace(s, "a int a", "E#LEN 16\na int a", 1)
}

func fixture(t testing.TB, withList bool) *Data {
	t.Helper()
	var list io.Reader
	if withList {
		list = strings.NewReader(fixList)
	}
	return dataOf(t, strings.NewReader(fixOld), strings.NewReader(fixNew), list)
}

// dataOf is what git kabi compare shows for two Symtypes files, with the
// impact on a locked list when there is one.
func dataOf(tb testing.TB, oldSet, newSet, list io.Reader) *Data {
	tb.Helper()
	old, err := symtypes.Parse(oldSet, "old")
	if err != nil {
		tb.Fatal(err)
	}
	new, err := symtypes.Parse(newSet, "new")
	if err != nil {
		tb.Fatal(err)
	}
	c, err := symtypes.Compare(old, new)
	if err != nil {
		tb.Fatal(err)
	}
	var uses symtypes.ModuleUses
	if list != nil {
		if uses, err = symtypes.ParseLockedList(list, "list"); err != nil {
			tb.Fatal(err)
		}
	}
	d, err := NewData(old, new, c, symtypes.ImpactOf(old, new, c, uses), list != nil)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

type harness struct {
	*tuitest.Driver
	ui *UI
}

func start(t *testing.T, opts Options, load Loader) *harness {
	t.Helper()
	h := &harness{ui: New(context.Background(), opts)}
	h.Driver = tuitest.Start(t, h.ui.App(), func() error { return h.ui.Run(load) })
	if load == nil {
		return h
	}
	h.WaitFor("the table", func(s string) bool { return strings.Contains(s, "changed types by impact") })
	h.Resize(120, 30)
	return h
}

func loadFixture(d *Data) Loader {
	return func(context.Context, func(string)) (*Data, error) { return d, nil }
}

func (h *harness) selectedTitle() string {
	var s string
	h.OnUI(func() {
		if it := h.ui.selected(); it != nil {
			s = it.Title
		}
	})
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", t.Name(), name), []byte(got), *update)
}

// TestScreens walks the UI as a maintainer fixing a break would: the
// table by impact with the diff and impact of the first type, a search,
// the filter, the panels, the layout and blame pages, help, quit.
func TestScreens(t *testing.T) {
	var mu sync.Mutex
	var layoutAsked []string
	var blamed []symtypes.TypeChange
	opts := Options{
		Title: "old vs new",
		Layout: func(_ context.Context, typeName string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			layoutAsked = append(layoutAsked, typeName)
			return "layout of " + typeName + " from the hook\n/* hole of 4 bytes */", nil
		},
		Blame: func(_ context.Context, ch symtypes.TypeChange) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			blamed = append(blamed, ch)
			if ch.Name == "s#other" {
				return "", errors.New("git grep failed")
			}
			return "1234567890ab net: add w to struct inner\n    git kabi commit 1234567890ab\n", nil
		},
	}
	h := start(t, opts, loadFixture(fixture(t, true)))
	screen := h.WaitFor("the first type's diff", func(s string) bool { return strings.Contains(s, "+    long w;") })
	golden(t, "table.txt", screen)
	for _, want := range []string{"4 changed types, 6 exports differ", "struct inner: diff", "impact: 4 exports, 2 modules", "block-module", "old vs new"} {
		if !strings.Contains(screen, want) {
			t.Errorf("main screen lacks %q", want)
		}
	}

	// Search: the first type whose diff or exports name "LEN" is struct
	// other (its array); n wraps around to it again.
	h.Key(tcell.KeyRune, '/')
	h.Type("len")
	h.Key(tcell.KeyEnter, 0)
	screen = h.WaitFor("struct other's diff", func(s string) bool { return strings.Contains(s, "struct other: diff") })
	golden(t, "search.txt", screen)
	if !strings.Contains(screen, "char name [LEN];") {
		t.Errorf("the array member lost its brackets:\n%s", screen)
	}
	h.Key(tcell.KeyRune, 'n')
	h.WaitFor("the status after n", func(s string) bool { return strings.Contains(s, "/len  (n next, N previous)") })
	if got := h.selectedTitle(); got != "struct other" {
		t.Errorf("n selected %q, want struct other again", got)
	}
	h.Key(tcell.KeyRune, '/')
	h.Type(" nosuch")
	h.Key(tcell.KeyEnter, 0)
	h.WaitFor("no match", func(s string) bool { return strings.Contains(s, "no type matches len nosuch") })

	// Filter as you type, by module: block-module uses c, which reaches
	// struct inner only.
	h.Key(tcell.KeyRune, 'f')
	h.Type("block-module")
	screen = h.WaitFor("the filtered table", func(s string) bool { return strings.Contains(s, "showing 1 of 4: block-module") })
	if strings.Contains(screen, "struct lone") {
		t.Errorf("the filter kept struct lone:\n%s", screen)
	}
	h.Key(tcell.KeyEnter, 0)
	h.Key(tcell.KeyRune, 'C')
	h.WaitFor("all types again", func(s string) bool { return strings.Contains(s, "struct lone") && !strings.Contains(s, "showing") })

	// The impact panel scrolls; q goes back.
	h.Key(tcell.KeyRune, 'i')
	h.WaitFor("the impact panel focused", func(s string) bool { return strings.Contains(s, "impact: j/k/Space/u scroll") })
	h.Key(tcell.KeyRune, 'j')
	h.Key(tcell.KeyRune, 'q')
	h.WaitFor("the table", func(s string) bool { return strings.Contains(s, "Enter diff") })

	// Layout and blame come through the hooks, off the UI goroutine; a
	// failing hook is one status line.
	h.Key(tcell.KeyRune, 'l')
	screen = h.WaitFor("the layout page", func(s string) bool { return strings.Contains(s, "from the hook") })
	golden(t, "layout.txt", screen)
	h.Key(tcell.KeyRune, 'q')
	h.WaitFor("the table", func(s string) bool { return !strings.Contains(s, "from the hook") })
	h.Key(tcell.KeyRune, 'b')
	h.WaitFor("the blame page", func(s string) bool { return strings.Contains(s, "git kabi commit 1234567890ab") })
	h.Key(tcell.KeyEscape, 0)
	h.Key(tcell.KeyDown, 0)
	h.WaitFor("struct other selected", func(s string) bool { return strings.Contains(s, "struct other: diff") })
	h.Key(tcell.KeyRune, 'b')
	h.WaitFor("the blame error", func(s string) bool { return strings.Contains(s, "no blame for struct other: git grep failed") })
	mu.Lock()
	if len(layoutAsked) != 1 || layoutAsked[0] != "struct inner" || len(blamed) != 2 || blamed[0].Name != "s#inner" {
		t.Errorf("hooks called with %v and %v", layoutAsked, blamed)
	}
	mu.Unlock()

	h.Key(tcell.KeyRune, '?')
	screen = h.WaitFor("help", func(s string) bool { return strings.Contains(s, "Changed types") })
	golden(t, "help.txt", screen)
	h.Key(tcell.KeyRune, 'x')
	h.WaitFor("help closed", func(s string) bool { return !strings.Contains(s, "Changed types") })
	h.Key(tcell.KeyRune, 'q')
	h.WaitExit()
}

// TestScreensWithoutHooks: without a locked list, objects or range, each
// panel says what to give.
func TestScreensWithoutHooks(t *testing.T) {
	h := start(t, Options{}, loadFixture(fixture(t, false)))
	screen := h.WaitFor("the table", func(s string) bool { return strings.Contains(s, "struct inner: diff") })
	golden(t, "table.txt", screen)
	if !strings.Contains(screen, "no locked list: -l gives the modules") || !strings.Contains(screen, "give the locked list (-l FILE)") {
		t.Errorf("no hint about the locked list:\n%s", screen)
	}
	h.Key(tcell.KeyRune, 'l')
	screen = h.WaitFor("the layout advice", func(s string) bool { return strings.Contains(s, "No objects to read the layout from") })
	golden(t, "layout.txt", screen)
	h.Key(tcell.KeyRune, 'q')
	h.Key(tcell.KeyRune, 'b')
	h.WaitFor("the blame advice", func(s string) bool { return strings.Contains(s, "No range to blame") })
	h.Key(tcell.KeyRune, 'q')
	h.Key(tcell.KeyEscape, 0)
	h.WaitExit()
}

// TestLoadError: a loader's error ends the UI and is Run's error.
func TestLoadError(t *testing.T) {
	boom := errors.New("cannot read old: no such file")
	ui := New(context.Background(), Options{})
	sim := tuitest.NewSim(t)
	ui.App().SetScreen(sim)
	err := ui.Run(func(context.Context, func(string)) (*Data, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("Run returned %v", err)
	}
}

func TestColorDiff(t *testing.T) {
	got := ColorDiff("--- struct a - Baseline\n+++ struct a - Comparison\n@@ -1,2 +1,3 @@\n struct a {\n+\tchar c [N];\n-\tint x;\n }\n+\x1b[31m")
	for _, want := range []string{
		"[::b]--- struct a - Baseline[::-]",
		"[teal]@@ -1,2 +1,3 @@[-]",
		"[-:" + addBg + "]+",
		"[-:" + delBg + "]-",
		"[N[]",                          // escaped: an array size is not a colour tag
		"+[#f8f8f2:" + addBg + "]    [", // a tab is four spaces
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ColorDiff lacks %q:\n%s", want, got)
		}
	}
	// The keyword has a colour of its own.
	if !strings.Contains(got, "]struct[") && !strings.Contains(got, "]struct ") {
		t.Errorf("struct is not a token of its own:\n%s", got)
	}
	if strings.Contains(got, "\x1b") {
		t.Errorf("raw escape in %q", got)
	}
	if strings.Count(got, "\n") != 7 {
		t.Errorf("lines lost:\n%s", got)
	}
}

func TestModelSearchAndFilter(t *testing.T) {
	m := NewModel(fixture(t, true))
	var titles []string
	for i := range m.Visible {
		titles = append(titles, m.Item(i).Title)
	}
	if got := strings.Join(titles, ","); got != "struct inner,struct other,f,struct lone" {
		t.Errorf("order %s, want by impact", got)
	}
	m.Search = "LEN"
	if p := m.NextMatch(-1, 1); p != 1 {
		t.Errorf("first match of LEN at %d", p)
	}
	if p := m.NextMatch(1, 1); p != 1 {
		t.Errorf("n from the only match: %d, want itself", p)
	}
	m.Search = "x w"
	if p := m.NextMatch(0, -1); p != 0 {
		t.Errorf("N wrapping to struct inner: %d", p)
	}
	m.Search = ""
	if p := m.NextMatch(0, 1); p != -1 {
		t.Errorf("empty search matched %d", p)
	}
	m.SetFilter("misc")
	if len(m.Visible) != 0 {
		t.Errorf("misc uses only same, which reaches nothing: %v", m.Visible)
	}
	m.SetFilter("NET-module a")
	if len(m.Visible) != 2 || m.Item(0).Title != "struct inner" || m.Item(1).Title != "struct other" {
		t.Errorf("filter net-module: %v", m.Visible)
	}
	if m.Item(5) != nil || m.Item(-1) != nil {
		t.Error("Item outside Visible")
	}
}

// FuzzColorDiff: no text makes ColorDiff panic or pass an escape
// character through, and it keeps the number of lines.
func FuzzColorDiff(f *testing.F) {
	f.Add("--- a\n+++ b\n@@ -1 +1 @@\n-int x;\n+long x; /* [N] */\n")
	f.Add("+\n-\n \n\x1b[2J\n+\"unterminated\n")
	f.Fuzz(func(t *testing.T, diff string) {
		got := ColorDiff(diff)
		if strings.ContainsRune(got, '\x1b') {
			t.Fatalf("escape in %q", got)
		}
		if strings.Count(got, "\n") != strings.Count(diff, "\n") {
			t.Fatalf("%d lines became %d", strings.Count(diff, "\n"), strings.Count(got, "\n"))
		}
	})
}
