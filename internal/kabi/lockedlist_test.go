package kabi

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/patchqueue/pqtools/internal/testenv"
)

func TestSortSymbols(t *testing.T) {
	// The order of a real section written by the script's sort -u.
	want := []string{"byte_rev_table", "crc32_le", "__dev_kfree_skb_any", "__dynamic_netdev_dbg", "eth_type_trans", "kfree", "__kmalloc", "Zeta"}
	in := []string{"Zeta", "kfree", "__kmalloc", "crc32_le", "eth_type_trans", "__dev_kfree_skb_any", "kfree", "byte_rev_table", "__dynamic_netdev_dbg"}
	if got := SortSymbols(in); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v\nwant %v", got, want)
	}
	// Ties on letters and digits fall back to byte order.
	if got := SortSymbols([]string{"a_b", "ab", "_ab"}); strings.Join(got, " ") != "_ab a_b ab" {
		t.Errorf("ties: %v", got)
	}
}

func TestLockedListRoundTrip(t *testing.T) {
	text := "[drv-a]\n\tkfree\n\tprintk\n[drv-b]\n[drv-c]\n\tnetif_rx\n"
	secs, err := ParseLockedList(strings.NewReader(text), "l")
	if err != nil || len(secs) != 3 || len(secs[1].Symbols) != 0 {
		t.Fatalf("%+v %v", secs, err)
	}
	var b bytes.Buffer
	if err := WriteLockedList(&b, secs); err != nil || b.String() != text {
		t.Errorf("rewritten:\n%s", b.String())
	}
	merged := MergeSections(secs, []Section{{Name: "drv-b", Symbols: []string{"x"}}, {Name: "drv-d"}})
	b.Reset()
	WriteLockedList(&b, merged)
	if want := "[drv-a]\n\tkfree\n\tprintk\n[drv-b]\n\tx\n[drv-c]\n\tnetif_rx\n[drv-d]\n"; b.String() != want {
		t.Errorf("merged:\n%s", b.String())
	}
	// The grammar and its errors are symtypes.ParseLockedSections'.
	for _, tc := range []struct{ bad, want string }{
		{"kfree\n", `l:1: malformed symbol list: symbol "kfree" before the first [module] line`},
		{"[a]\n\tfoo bar\n", `l:2: malformed symbol list: symbol "foo bar" has more than one word`},
		{"[a]\n[b\n", `l:2: malformed symbol list: section "[b" does not end with "]"`},
		{"[a b]\n", `l:1: malformed symbol list: section "[a b]" has more than one word`},
	} {
		if _, err := ParseLockedList(strings.NewReader(tc.bad), "l"); err == nil || !strings.HasPrefix(err.Error(), tc.want+"; want a locked list") {
			t.Errorf("%q: %v, want %s", tc.bad, err, tc.want)
		}
	}
}

// TestLockedListEntryPointsAgree: the three readers of a locked list
// (ParseLockedList here for lockedlist --append, symtypes.ParseLockedList
// for compare -l, symtypes.ParseSymbolList for consolidate, collect and
// smoke) agree on every locked list of the checkout's testdata and of the
// shared kABI data: the same error, or the same sections seen three ways.
func TestLockedListEntryPointsAgree(t *testing.T) {
	root := testenv.ModuleRoot(t)
	var files []string
	// walk adds the files under dir whose first non-blank character opens
	// a section, only those in a testdata directory unless all.
	walk := func(dir string, all bool) {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && (d.Name() == ".git" || d.Name() == "fuzz"):
				return filepath.SkipDir
			case d.IsDir() || !all && !strings.Contains(filepath.ToSlash(p), "/testdata/"):
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if rest := bytes.TrimLeft(b, " \t\r\n"); len(rest) > 0 && rest[0] == '[' {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	walk(root, false)
	shared := testenv.SharedData(t, "kabi")
	walk(shared, true)
	for _, want := range []string{
		filepath.Join(root, "testdata", "hostile", "f-locked"),
		filepath.Join(root, "testdata", "hostile", "empty-locked"),
		filepath.Join(root, "internal", "cmd", "kabi", "testdata", "TestConsolidateRealGolden", "list"),
		filepath.Join(shared, "xcpng-8.3-kabi_lockedlist"),
	} {
		if !contains(files, want) {
			t.Errorf("%s is not among the locked lists found: %q", want, files)
		}
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := ParseLockedList(bytes.NewReader(b), p)
		uses, usesErr := symtypes.ParseLockedList(bytes.NewReader(b), p)
		set, setErr := symtypes.ParseSymbolList(bytes.NewReader(b), p)
		if errText(err) != errText(usesErr) || errText(err) != errText(setErr) {
			t.Errorf("%s: the readers disagree:\n kabi.ParseLockedList: %v\n symtypes.ParseLockedList: %v\n symtypes.ParseSymbolList: %v", p, err, usesErr, setErr)
			continue
		}
		if err != nil {
			t.Logf("%s: all three fail with %v", p, err)
			continue
		}
		wantUses, wantSet := symtypes.ModuleUses{}, map[string]bool{}
		for _, s := range secs {
			for _, sym := range s.Symbols {
				wantSet[sym] = true
				if !contains(wantUses[sym], s.Name) {
					wantUses[sym] = append(wantUses[sym], s.Name)
				}
			}
		}
		for _, mods := range wantUses {
			sort.Strings(mods)
		}
		if !reflect.DeepEqual(uses, wantUses) {
			t.Errorf("%s: symtypes.ParseLockedList's modules differ from the sections", p)
		}
		if !reflect.DeepEqual(set, wantSet) {
			t.Errorf("%s: symtypes.ParseSymbolList's %d symbols differ from the sections' %d", p, len(set), len(wantSet))
		}
		t.Logf("%s: %d sections, %d symbols", p, len(secs), len(set))
	}
	// The shared list is the one the shared Symtypes were consolidated
	// with: all of it parses.
	if secs, err := ParseLockedList(bytes.NewReader(mustRead(t, filepath.Join(shared, "xcpng-8.3-kabi_lockedlist"))), "shared"); err != nil || len(secs) != 44 {
		t.Errorf("shared locked list: %d sections, %v; want 44", len(secs), err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
