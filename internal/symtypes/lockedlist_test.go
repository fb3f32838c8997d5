package symtypes

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// want is the end of every locked list error.
const wantLocked = `; want a locked list ("[module]" lines, each followed by one symbol per line)`

// TestParseLockedSections is the grammar of the locked list: the forms it
// accepts and, for each malformed line, the exact error.
func TestParseLockedSections(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []LockedSection
	}{
		{"empty", "", nil},
		{"blank lines", "\n \n\t\n", nil},
		{"script output", "[drv-a]\n\tkfree\n\tprintk\n[drv-b]\n[drv-c]\n\tnetif_rx\n",
			[]LockedSection{{"drv-a", []string{"kfree", "printk"}}, {Name: "drv-b"}, {"drv-c", []string{"netif_rx"}}}},
		{"file order kept", "[z]\n\tb\n\ta\n[a]\n\tz\n", []LockedSection{{"z", []string{"b", "a"}}, {"a", []string{"z"}}}},
		{"blank lines between", "\n[a]\n\n\tx\n\n[b]\n\n", []LockedSection{{"a", []string{"x"}}, {Name: "b"}}},
		{"CRLF", "[a]\r\n\tx\r\n", []LockedSection{{"a", []string{"x"}}}},
		{"no final newline", "[a]\n\tx", []LockedSection{{"a", []string{"x"}}}},
		{"any indentation", "  [a]  \nx\n    y\t\n", []LockedSection{{"a", []string{"x", "y"}}}},
		{"repeated section", "[a]\n\tx\n[a]\n\tx\n", []LockedSection{{"a", []string{"x"}}, {"a", []string{"x"}}}},
		{"repeated symbol", "[a]\n\tx\n\tx\n", []LockedSection{{"a", []string{"x", "x"}}}},
		{"symbol characters", "[a.b_c-1]\n\t__crc_x.isra.0\n\t$x\n", []LockedSection{{"a.b_c-1", []string{"__crc_x.isra.0", "$x"}}}},
	} {
		got, err := ParseLockedSections(strings.NewReader(tc.in), "l")
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %#v %v, want %#v", tc.name, got, err, tc.want)
		}
	}

	long := strings.Repeat("x", 100)
	for _, tc := range []struct{ name, in, want string }{
		{"symbol first", "\tkfree\n", `l:1: malformed symbol list: symbol "kfree" before the first [module] line`},
		{"symbol after blank lines", "\n\nkfree\n[a]\n", `l:3: malformed symbol list: symbol "kfree" before the first [module] line`},
		{"Module.kabi", "0x1234 kfree vmlinux EXPORT_SYMBOL\n", `l:1: malformed symbol list: symbol "0x1234 kfree vmlinux EXPORT_SYMBOL" before the first [module] line`},
		{"Symtypes", "s#a struct a { int x ; }\n", `l:1: malformed symbol list: symbol "s#a struct a { int x ; }" before the first [module] line`},
		{"unclosed section", "[a\n\tx\n", `l:1: malformed symbol list: section "[a" does not end with "]"`},
		{"text after section", "[a]\n\tx\n[b] # c\n", `l:3: malformed symbol list: section "[b] # c" does not end with "]"`},
		{"empty section", "[]\n", `l:1: malformed symbol list: section "[]" has no name`},
		{"blank section", "[a]\n[ \t]\n", `l:2: malformed symbol list: section "[ \t]" has no name`},
		{"two-word section", "[a b]\n", `l:1: malformed symbol list: section "[a b]" has more than one word`},
		{"bracket in section", "[a[b]\n", `l:1: malformed symbol list: section "[a[b]" has a bracket in its name`},
		{"nested brackets", "[[a]]\n", `l:1: malformed symbol list: section "[[a]]" has a bracket in its name`},
		{"two words", "[a]\n\tx y\n", `l:2: malformed symbol list: symbol "x y" has more than one word`},
		{"tab inside", "[a]\n\tx\ty\n", `l:2: malformed symbol list: symbol "x\ty" has more than one word`},
		{"other white space", "[a]\n\tx\vy\n", `l:2: malformed symbol list: symbol "x\vy" has more than one word`},
		{"bracket in symbol", "[a]\n\tx]\n", `l:2: malformed symbol list: symbol "x]" has a bracket`},
		{"long line cut", "[a]\n" + long + " y\n", `l:2: malformed symbol list: symbol "` + long[:35] + `"… has more than one word`},
		{"line too long", "[a]\n\t" + strings.Repeat("x", maxLockedLine) + "\n", `l:2: malformed symbol list: line longer than 16 MiB`},
	} {
		_, err := ParseLockedSections(strings.NewReader(tc.in), "l")
		if err == nil || err.Error() != tc.want+wantLocked || !errors.Is(err, ErrMalformedSymbolLst) {
			t.Errorf("%s: error\n %v\nwant\n %s", tc.name, err, tc.want+wantLocked)
		}
	}

	// A failing reader is not a malformed list.
	_, err := ParseLockedSections(io.MultiReader(strings.NewReader("[a]\n"), errReader{}), "l")
	if err == nil || err.Error() != "read l: boom" || errors.Is(err, ErrMalformedSymbolLst) {
		t.Errorf("read error: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

// TestLockedListViews: ParseLockedList and ParseSymbolList see the sections
// ParseLockedSections reads, and fail where it fails, with its error.
func TestLockedListViews(t *testing.T) {
	for _, in := range []string{
		"[b]\n\tx\n\ty\n[a]\n\tx\n[b]\n\tx\n[c]\n",
		"\n\n  [a]\n\tx\n", // ParseSymbolList used to read this as Module.symvers
		"",
		"[a]\n\tx y\n",
		"[a\n\tx\n",
		"[a]\n\tx]\n",
		"[a]\n[b c]\n",
	} {
		checkLockedViews(t, []byte(in))
	}
	uses, _ := ParseLockedList(strings.NewReader("[b]\n\tx\n\ty\n[a]\n\tx\n[b]\n\tx\n[c]\n"), "l")
	if want := (ModuleUses{"x": {"a", "b"}, "y": {"b"}}); !reflect.DeepEqual(uses, want) {
		t.Errorf("uses %v, want %v", uses, want)
	}
}

// checkLockedViews fails t unless ParseLockedList and ParseSymbolList (for
// data it reads as a locked list) agree with ParseLockedSections on data,
// and what parses writes back to the same sections.
func checkLockedViews(t *testing.T, data []byte) {
	t.Helper()
	secs, err := ParseLockedSections(bytes.NewReader(data), "l")
	uses, usesErr := ParseLockedList(bytes.NewReader(data), "l")
	if errText(usesErr) != errText(err) {
		t.Fatalf("%q: ParseLockedList says %v, ParseLockedSections %v", data, usesErr, err)
	}
	set, setErr := ParseSymbolList(bytes.NewReader(data), "l")
	asList := isLockedList(data)
	if asList && errText(setErr) != errText(err) {
		t.Fatalf("%q: ParseSymbolList says %v, ParseLockedSections %v", data, setErr, err)
	}
	if err != nil {
		if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "l:") {
			t.Fatalf("%q: error %q is not one line naming the file", data, err)
		}
		return
	}
	mods, wantSet := map[string]map[string]bool{}, map[string]bool{}
	for _, s := range secs {
		for _, sym := range s.Symbols {
			wantSet[sym] = true
			if mods[sym] == nil {
				mods[sym] = map[string]bool{}
			}
			mods[sym][s.Name] = true
		}
	}
	wantUses := ModuleUses{}
	for sym, m := range mods {
		for name := range m {
			wantUses[sym] = append(wantUses[sym], name)
		}
		sort.Strings(wantUses[sym])
	}
	if !reflect.DeepEqual(uses, wantUses) {
		t.Fatalf("%q: ParseLockedList %v, sections %v", data, uses, wantUses)
	}
	if asList && !reflect.DeepEqual(set, wantSet) {
		t.Fatalf("%q: ParseSymbolList %v, sections %v", data, set, wantSet)
	}
	var b bytes.Buffer
	if err := WriteLockedSections(&b, secs); err != nil {
		t.Fatal(err)
	}
	again, err := ParseLockedSections(&b, "again")
	if err != nil || len(again) != len(secs) || (len(secs) > 0 && !reflect.DeepEqual(again, secs)) {
		t.Fatalf("%q: own output %q reads as %#v, %v", data, b.String(), again, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzParseLockedList: no input panics the locked list parser; errors are
// one line naming the file; its three views agree; what parses is written
// back unchanged.
func FuzzParseLockedList(f *testing.F) {
	f.Add([]byte("[a-module]\n\tkfree\n\tmemcpy\n[b]\n\tkfree\n"))
	f.Add([]byte("[drv-a]\n\tkfree\n\tprintk\n[drv-b]\n"))
	f.Add([]byte("\tx\n"))
	f.Add([]byte("[a\n"))
	f.Add([]byte("\n [a]\r\n\tx y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLockedViews(t, data)
	})
}
