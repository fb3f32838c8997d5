package kabi

import (
	"io"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/symtypes"
)

// Section is one driver's part of a locked list: the "[name]" line and the
// kernel symbols its binary modules use.
type Section = symtypes.LockedSection

// ParseLockedList reads a locked list as hypervisor-dev's
// scripts/generate_locked_list.sh writes it, keeping the order of sections
// and symbols. The grammar and its errors are symtypes.ParseLockedSections'.
// name is only used in error messages.
func ParseLockedList(r io.Reader, name string) ([]Section, error) {
	return symtypes.ParseLockedSections(r, name)
}

// WriteLockedList writes sections in the script's format.
func WriteLockedList(w io.Writer, sections []Section) error {
	return symtypes.WriteLockedSections(w, sections)
}

// MergeSections puts each of add in place of the section of base with the
// same name, or after the last one.
func MergeSections(base, add []Section) []Section {
	out := append([]Section(nil), base...)
	at := map[string]int{}
	for i, s := range out {
		at[s.Name] = i
	}
	for _, s := range add {
		if i, ok := at[s.Name]; ok {
			out[i] = s
			continue
		}
		at[s.Name] = len(out)
		out = append(out, s)
	}
	return out
}

// SortSymbols sorts and deduplicates symbols the way the script's
// `sort -u` did in an English UTF-8 locale, so a regenerated list diffs
// cleanly against one the script wrote: by letters and digits alone,
// ignoring case and punctuation ("byte_rev_table", "crc32_le",
// "__dev_kfree_skb_any"), ties in byte order.
func SortSymbols(syms []string) []string {
	type keyed struct{ key, sym string }
	seen := map[string]bool{}
	ks := make([]keyed, 0, len(syms))
	for _, s := range syms {
		if !seen[s] {
			seen[s] = true
			ks = append(ks, keyed{collationKey(s), s})
		}
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].key != ks[j].key {
			return ks[i].key < ks[j].key
		}
		return ks[i].sym < ks[j].sym
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.sym
	}
	return out
}

func collationKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b.WriteByte(c)
		}
	}
	return b.String()
}
