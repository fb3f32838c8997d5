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
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/patchqueue/pqtools/internal/testenv"
	"github.com/patchqueue/pqtools/internal/tui"
)

var update = flag.Bool("update", false, "rewrite golden screens")

// The fixture: struct inner grows a member and reaches four exports
// through struct outer; struct other's array changes size; struct lone
// gains a pointer to inner; f's own declaration changes.
const fixOld = `s#inner struct inner { int x ; }
s#outer struct outer { s#inner i ; }
s#other struct other { int y ; char name [ E#LEN ] ; }
s#lone struct lone { int z ; }
E#LEN 16
a int a ( s#outer * )
b int b ( s#outer * , int )
c void c ( s#inner * )
d void d ( s#other * )
e void e ( s#lone * )
f int f ( int )
same void same ( void )
`

const fixNew = `s#inner struct inner { int x ; long w ; }
s#outer struct outer { s#inner i ; }
s#other struct other { int y ; char name [ E#LEN ] ; char q ; }
s#lone struct lone { int z ; s#inner * p ; }
E#LEN 16
a int a ( s#outer * )
b int b ( s#outer * , int )
c void c ( s#inner * )
d void d ( s#other * )
e void e ( s#lone * )
f long f ( int )
same void same ( void )
`

const fixList = "[net-module]\n\ta\n\td\n[block-module]\n\tc\n\tsame\n[misc]\n\tsame\n"

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
	t      *testing.T
	sim    tcell.SimulationScreen
	ui     *UI
	exited chan struct{}
	runErr error
	screen string
}

func start(t *testing.T, opts Options, load Loader) *harness {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, sim: sim, exited: make(chan struct{})}
	h.ui = New(context.Background(), opts)
	h.ui.App().SetScreen(sim)
	go func() {
		defer close(h.exited)
		h.runErr = h.ui.Run(load)
	}()
	if load == nil {
		return h
	}
	h.waitFor("the table", func(s string) bool { return strings.Contains(s, "changed types by impact") })
	sim.SetSize(120, 30)
	h.waitFor("the resize", func(string) bool {
		var w, hh int
		h.onUI(func() { _, w, hh = sim.GetContents() })
		return w == 120 && hh == 30
	})
	return h
}

func loadFixture(d *Data) Loader {
	return func(context.Context, func(string)) (*Data, error) { return d, nil }
}

// waitFor polls the screen until cond holds, for 10 s at most.
func (h *harness) waitFor(what string, cond func(string) bool) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var s string
		h.queue(func() {}, true)
		h.onUI(func() { s = strings.Join(tui.ScreenText(h.sim), "\n") })
		h.screen = s
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *harness) onUI(f func()) {
	h.t.Helper()
	h.queue(f, false)
}

// queue runs f on the UI goroutine (drawing after, if asked) and waits
// for it; it fails at once if the UI has exited, and after 10 s.
func (h *harness) queue(f func(), draw bool) {
	h.t.Helper()
	ran := make(chan struct{})
	q := h.ui.App().QueueUpdate
	if draw {
		q = h.ui.App().QueueUpdateDraw
	}
	go q(func() { f(); close(ran) })
	select {
	case <-ran:
	case <-h.exited:
		select {
		case <-ran:
		default:
			h.t.Fatalf("the UI exited early (Run returned %v); last screen:\n%s", h.runErr, h.screen)
		}
	case <-time.After(10 * time.Second):
		h.t.Fatalf("the UI goroutine ran nothing for 10 s; last screen:\n%s", h.screen)
	}
}

func (h *harness) key(k tcell.Key, r rune) {
	h.t.Helper()
	select {
	case <-h.exited:
		h.t.Fatalf("the UI exited early (Run returned %v); last screen:\n%s", h.runErr, h.screen)
	default:
	}
	h.sim.InjectKey(k, r, tcell.ModNone)
}

func (h *harness) typeText(s string) {
	for _, r := range s {
		h.key(tcell.KeyRune, r)
	}
}

func (h *harness) waitExit() error {
	h.t.Helper()
	select {
	case <-h.exited:
		return h.runErr
	case <-time.After(10 * time.Second):
		h.t.Fatalf("q did not quit; last screen:\n%s", h.screen)
		return nil
	}
}

func (h *harness) selectedTitle() string {
	var s string
	h.onUI(func() {
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
	screen := h.waitFor("the first type's diff", func(s string) bool { return strings.Contains(s, "+    long w;") })
	golden(t, "table.txt", screen)
	for _, want := range []string{"4 changed types, 6 exports differ", "struct inner: diff", "impact: 4 exports, 2 modules", "block-module", "old vs new"} {
		if !strings.Contains(screen, want) {
			t.Errorf("main screen lacks %q", want)
		}
	}

	// Search: the first type whose diff or exports name "LEN" is struct
	// other (its array); n wraps around to it again.
	h.key(tcell.KeyRune, '/')
	h.typeText("len")
	h.key(tcell.KeyEnter, 0)
	screen = h.waitFor("struct other's diff", func(s string) bool { return strings.Contains(s, "struct other: diff") })
	golden(t, "search.txt", screen)
	if !strings.Contains(screen, "char name [LEN];") {
		t.Errorf("the array member lost its brackets:\n%s", screen)
	}
	h.key(tcell.KeyRune, 'n')
	h.waitFor("the status after n", func(s string) bool { return strings.Contains(s, "/len  (n next, N previous)") })
	if got := h.selectedTitle(); got != "struct other" {
		t.Errorf("n selected %q, want struct other again", got)
	}
	h.key(tcell.KeyRune, '/')
	h.typeText(" nosuch")
	h.key(tcell.KeyEnter, 0)
	h.waitFor("no match", func(s string) bool { return strings.Contains(s, "no type matches len nosuch") })

	// Filter as you type, by module: block-module uses c, which reaches
	// struct inner only.
	h.key(tcell.KeyRune, 'f')
	h.typeText("block-module")
	screen = h.waitFor("the filtered table", func(s string) bool { return strings.Contains(s, "showing 1 of 4: block-module") })
	if strings.Contains(screen, "struct lone") {
		t.Errorf("the filter kept struct lone:\n%s", screen)
	}
	h.key(tcell.KeyEnter, 0)
	h.key(tcell.KeyRune, 'C')
	h.waitFor("all types again", func(s string) bool { return strings.Contains(s, "struct lone") && !strings.Contains(s, "showing") })

	// The impact panel scrolls; q goes back.
	h.key(tcell.KeyRune, 'i')
	h.waitFor("the impact panel focused", func(s string) bool { return strings.Contains(s, "impact: j/k/Space/u scroll") })
	h.key(tcell.KeyRune, 'j')
	h.key(tcell.KeyRune, 'q')
	h.waitFor("the table", func(s string) bool { return strings.Contains(s, "Enter diff") })

	// Layout and blame come through the hooks, off the UI goroutine; a
	// failing hook is one status line.
	h.key(tcell.KeyRune, 'l')
	screen = h.waitFor("the layout page", func(s string) bool { return strings.Contains(s, "from the hook") })
	golden(t, "layout.txt", screen)
	h.key(tcell.KeyRune, 'q')
	h.waitFor("the table", func(s string) bool { return !strings.Contains(s, "from the hook") })
	h.key(tcell.KeyRune, 'b')
	h.waitFor("the blame page", func(s string) bool { return strings.Contains(s, "git kabi commit 1234567890ab") })
	h.key(tcell.KeyEscape, 0)
	h.key(tcell.KeyDown, 0)
	h.waitFor("struct other selected", func(s string) bool { return strings.Contains(s, "struct other: diff") })
	h.key(tcell.KeyRune, 'b')
	h.waitFor("the blame error", func(s string) bool { return strings.Contains(s, "no blame for struct other: git grep failed") })
	mu.Lock()
	if len(layoutAsked) != 1 || layoutAsked[0] != "struct inner" || len(blamed) != 2 || blamed[0].Name != "s#inner" {
		t.Errorf("hooks called with %v and %v", layoutAsked, blamed)
	}
	mu.Unlock()

	h.key(tcell.KeyRune, '?')
	screen = h.waitFor("help", func(s string) bool { return strings.Contains(s, "Changed types") })
	golden(t, "help.txt", screen)
	h.key(tcell.KeyRune, 'x')
	h.waitFor("help closed", func(s string) bool { return !strings.Contains(s, "Changed types") })
	h.key(tcell.KeyRune, 'q')
	if err := h.waitExit(); err != nil {
		t.Fatal(err)
	}
}

// TestScreensWithoutHooks: without a locked list, objects or range, each
// panel says what to give.
func TestScreensWithoutHooks(t *testing.T) {
	h := start(t, Options{}, loadFixture(fixture(t, false)))
	screen := h.waitFor("the table", func(s string) bool { return strings.Contains(s, "struct inner: diff") })
	golden(t, "table.txt", screen)
	if !strings.Contains(screen, "no locked list: -l gives the modules") || !strings.Contains(screen, "give the locked list (-l FILE)") {
		t.Errorf("no hint about the locked list:\n%s", screen)
	}
	h.key(tcell.KeyRune, 'l')
	screen = h.waitFor("the layout advice", func(s string) bool { return strings.Contains(s, "No objects to read the layout from") })
	golden(t, "layout.txt", screen)
	h.key(tcell.KeyRune, 'q')
	h.key(tcell.KeyRune, 'b')
	h.waitFor("the blame advice", func(s string) bool { return strings.Contains(s, "No range to blame") })
	h.key(tcell.KeyRune, 'q')
	h.key(tcell.KeyEscape, 0)
	if err := h.waitExit(); err != nil {
		t.Fatal(err)
	}
}

// TestLoadError: a loader's error ends the UI and is Run's error.
func TestLoadError(t *testing.T) {
	boom := errors.New("cannot read old: no such file")
	ui := New(context.Background(), Options{})
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
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
