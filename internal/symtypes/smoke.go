package symtypes

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// CRCMismatch is a symbol whose CRC recorded in Module.kabi is not the one
// its Symtypes gives.
type CRCMismatch struct {
	Symbol   string
	Computed uint32
	Recorded string // as written in Module.kabi
	Err      error  // set when the CRC could not be computed
}

// SmokeResult is what Smoke found wrong in a kABI's three files. Every
// list is sorted.
type SmokeResult struct {
	Symbols         int      // in the locked list
	LockedNotKabi   []string // locked, but not recorded in Module.kabi
	KabiNotLocked   []string // recorded in Module.kabi, but not locked
	KabiNotSymtypes []string // recorded, but with no type information
	SymtypesNotKabi []string // exported by the Symtypes, not recorded
	Dangling        []string // type references without a definition
	Mismatches      []CRCMismatch
}

// OK reports whether the three files agree.
func (r *SmokeResult) OK() bool {
	return len(r.LockedNotKabi)+len(r.KabiNotLocked)+len(r.KabiNotSymtypes)+len(r.SymtypesNotKabi)+
		len(r.Dangling)+len(r.Mismatches) == 0
}

// Smoke checks that a kABI's locked list, Module.kabi and Symtypes say the
// same thing: the same symbols in all three, each CRC of Module.kabi the
// one genksyms would compute from the Symtypes (compared as numbers), and
// every type reference of the Symtypes defined.
func Smoke(st *Set, kabi map[string]Symver, locked map[string]bool) *SmokeResult {
	r := &SmokeResult{Symbols: len(locked)}
	for sym := range locked {
		if _, ok := kabi[sym]; !ok {
			r.LockedNotKabi = append(r.LockedNotKabi, sym)
		}
	}
	for sym, v := range kabi {
		if !locked[sym] {
			r.KabiNotLocked = append(r.KabiNotLocked, sym)
		}
		if _, ok := st.exports[sym]; !ok {
			r.KabiNotSymtypes = append(r.KabiNotSymtypes, sym)
			continue
		}
		crc, err := st.CRC(sym)
		want, _ := CRCValue(v.CRC)
		if err != nil || crc != want {
			r.Mismatches = append(r.Mismatches, CRCMismatch{Symbol: sym, Computed: crc, Recorded: v.CRC, Err: err})
		}
	}
	for sym := range st.exports {
		if _, ok := kabi[sym]; !ok {
			r.SymtypesNotKabi = append(r.SymtypesNotKabi, sym)
		}
	}
	r.Dangling = st.Dangling()
	for _, l := range [][]string{r.LockedNotKabi, r.KabiNotLocked, r.KabiNotSymtypes, r.SymtypesNotKabi} {
		sort.Strings(l)
	}
	sort.Slice(r.Mismatches, func(i, j int) bool { return r.Mismatches[i].Symbol < r.Mismatches[j].Symbol })
	return r
}

// WriteSmoke writes one block per kind of problem, each a title and the
// symbols, or one line saying all is well.
func WriteSmoke(w io.Writer, r *SmokeResult, symtypes, kabi, locked string) error {
	var b strings.Builder
	block := func(title string, syms []string) {
		if len(syms) == 0 {
			return
		}
		fmt.Fprintf(&b, "ERROR: %s (%d):\n", title, len(syms))
		for _, s := range syms {
			b.WriteString("\t" + s + "\n")
		}
		b.WriteString("\n")
	}
	block("locked symbols missing from "+kabi, r.LockedNotKabi)
	block("symbols of "+kabi+" that are not locked", r.KabiNotLocked)
	block("symbols of "+kabi+" missing from "+symtypes, r.KabiNotSymtypes)
	block("exports of "+symtypes+" missing from "+kabi, r.SymtypesNotKabi)
	block("type references of "+symtypes+" without a definition", r.Dangling)
	if len(r.Mismatches) > 0 {
		fmt.Fprintf(&b, "ERROR: CRCs of %s that %s does not give (%d):\n", kabi, symtypes, len(r.Mismatches))
		b.WriteString("Computed\tRecorded\tSymbol\n")
		for _, m := range r.Mismatches {
			if m.Err != nil {
				msg := strings.TrimPrefix(m.Err.Error(), "symbol "+m.Symbol+": ")
				fmt.Fprintf(&b, "-         \t%s\t%s (cannot compute: %s)\n", m.Recorded, m.Symbol, msg)
				continue
			}
			fmt.Fprintf(&b, "0x%08x\t%s\t%s\n", m.Computed, m.Recorded, m.Symbol)
		}
		b.WriteString("\n")
	}
	if r.OK() {
		fmt.Fprintf(&b, "%s, %s and %s agree on %d locked symbols.\n", locked, kabi, symtypes, r.Symbols)
	} else {
		b.WriteString("These are errors in the kABI files themselves, not kABI breaks: regenerate\n" +
			"Module.kabi and the Symtypes from the same build, and the locked list from its modules.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
