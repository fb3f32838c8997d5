package kabi

import (
	"bytes"
	"strings"
	"testing"
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
