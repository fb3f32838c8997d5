package symtypes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Symver is one line of a Module.symvers or Module.kabi file
// (scripts/mod/modpost.c, write_dump): CRC, symbol, module, export type.
// The symbol namespace that kernels since 5.4 add is read and dropped.
type Symver struct {
	CRC, Symbol, Module, Type string
}

// SameCRC reports whether two CRCs as modpost writes them ("0x" and hex
// digits) are the same number: "0x33940a0" and "0x033940a0" are.
func SameCRC(a, b string) bool {
	x, okA := CRCValue(a)
	y, okB := CRCValue(b)
	if !okA || !okB {
		return a == b
	}
	return x == y
}

// CRCValue is the number a CRC written "0x<hex>" stands for.
func CRCValue(s string) (uint32, bool) {
	hex, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return 0, false
	}
	return parseCRC(hex)
}

// The formats a symbol list may have, as errors describe them.
const (
	symversFormat    = `"0x<crc> <symbol> <module> <export type>" lines (Module.kabi, Module.symvers)`
	lockedListFormat = `a locked list ("[module]" lines, each followed by one symbol per line)`
)

// listError is a malformed line of a symbol list.
type listError struct {
	name   string
	line   int
	reason string // what is wrong with the line
	want   string // the format(s) the file may have
}

func (e *listError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s; want %s", e.name, e.line, ErrMalformedSymbolLst, e.reason, e.want)
}

func (e *listError) Unwrap() error { return ErrMalformedSymbolLst }

// ParseSymvers reads a Module.symvers or Module.kabi file. name is only
// used in error messages. A symbol listed twice keeps its last line; see
// ParseSymversDuplicates to hear about it.
func ParseSymvers(r io.Reader, name string) (map[string]Symver, error) {
	m, _, err := ParseSymversDuplicates(r, name)
	return m, err
}

// ParseSymversDuplicates is ParseSymvers that also returns the symbols
// listed more than once, sorted.
//
// Three layouts exist (modpost.c, write_dump): "crc symbol module type"
// up to 5.3; "crc symbol namespace module type" in 5.4, the namespace
// column empty for most symbols; "crc symbol module type namespace" since
// 5.5. Columns are separated by tabs, and an empty namespace leaves two
// tabs in a row or one at the end; files edited by hand may use spaces.
func ParseSymversDuplicates(r io.Reader, name string) (map[string]Symver, []string, error) {
	out := map[string]Symver{}
	var dupes []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		f := symversFields(sc.Text())
		switch {
		case len(f) == 0:
			continue
		case len(f) < 4:
			return nil, nil, &listError{name, n, fmt.Sprintf("%d of 4 fields", len(f)), symversFormat}
		case !validCRC(f[0]):
			return nil, nil, &listError{name, n, "bad CRC " + quoteToken(f[0]) + " (not 0x and 1 to 8 hex digits)", symversFormat}
		}
		v := Symver{CRC: f[0], Symbol: f[1], Module: f[2], Type: f[3]}
		if len(f) >= 5 && !isExportType(f[3]) && isExportType(f[4]) {
			v.Module, v.Type = f[3], f[4] // 5.4: the namespace came third
		}
		if _, seen := out[v.Symbol]; seen {
			dupes = append(dupes, v.Symbol)
		}
		out[v.Symbol] = v
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	sort.Strings(dupes)
	return out, compactStrings(dupes), nil
}

// symversFields splits a line at tabs, keeping empty columns, when it has
// tabs, and at runs of blanks otherwise.
func symversFields(line string) []string {
	if strings.TrimSpace(line) == "" {
		return nil
	}
	if !strings.Contains(line, "\t") {
		return strings.Fields(line)
	}
	f := strings.Split(strings.TrimRight(line, "\r"), "\t")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	if len(f) == 5 && f[2] == "" && isExportType(f[4]) {
		// 5.4 without a namespace: "crc sym <empty> module type".
		return []string{f[0], f[1], f[3], f[4]}
	}
	for len(f) > 4 && f[len(f)-1] == "" {
		f = f[:len(f)-1] // 5.5+ without a namespace
	}
	return f
}

// isExportType reports whether s is the export column of a symvers line
// (EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, EXPORT_SYMBOL_GPL_FUTURE,
// EXPORT_UNUSED_SYMBOL...).
func isExportType(s string) bool {
	return strings.HasPrefix(s, "EXPORT_") && strings.Contains(s, "SYMBOL")
}

// compactStrings drops repeats from a sorted slice.
func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// validCRC reports whether s is a CRC as modpost writes it: "0x" and hex
// digits that fit in 32 bits.
func validCRC(s string) bool {
	hex, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return false
	}
	_, ok = parseCRC(hex)
	return ok
}

// ParseSymbolList reads the exports to keep: a locked list (a "[module]"
// line starting each section, then one symbol per line; see
// ParseLockedSections) or, when the first non-blank character does not
// open a section, a Module.symvers/Module.kabi file.
func ParseSymbolList(r io.Reader, name string) (map[string]bool, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	out := map[string]bool{}
	if isLockedList(data) {
		err := scanLockedList(bytes.NewReader(data), name, func(string) {}, func(sym string) {
			out[sym] = true
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	vers, err := ParseSymvers(bytes.NewReader(data), name)
	var le *listError
	if errors.As(err, &le) {
		// The file may have been meant as either format.
		le.want = lockedListFormat + " or " + symversFormat
	}
	if err != nil {
		return nil, err
	}
	for s := range vers {
		out[s] = true
	}
	return out, nil
}

// CheckResult sorts the locked symbols by what happened to them in a
// build. Each list is sorted.
type CheckResult struct {
	Moved          []string // provided by another module now: a warning
	LicenseChanged []string // EXPORT_SYMBOL vs EXPORT_SYMBOL_GPL
	Changed        []string // CRC differs: an ABI break
	Removed        []string // no longer exported
}

// OK reports whether the build keeps the locked ABI (moves are allowed).
func (r *CheckResult) OK() bool {
	return len(r.LicenseChanged) == 0 && len(r.Changed) == 0 && len(r.Removed) == 0
}

// Check compares the locked symbol versions with a build's.
func Check(kabi, build map[string]Symver) *CheckResult {
	r := &CheckResult{}
	for sym, k := range kabi {
		b, ok := build[sym]
		if !ok {
			r.Removed = append(r.Removed, sym)
			continue
		}
		if !SameCRC(b.CRC, k.CRC) {
			r.Changed = append(r.Changed, sym)
		}
		if b.Module != k.Module {
			r.Moved = append(r.Moved, sym)
		}
		if b.Type != k.Type {
			r.LicenseChanged = append(r.LicenseChanged, sym)
		}
	}
	for _, l := range [][]string{r.Moved, r.LicenseChanged, r.Changed, r.Removed} {
		sort.Strings(l)
	}
	return r
}

// WriteCheck writes the warning and error blocks of a check, in the
// reference tool's words.
func WriteCheck(w io.Writer, r *CheckResult) error {
	var b strings.Builder
	block := func(title string, intro []string, syms []string) {
		if len(syms) == 0 {
			return
		}
		b.WriteString(title + "\n\n")
		for _, l := range intro {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n" + strings.Join(syms, "\n") + "\n\n")
	}
	block("*** WARNING - ABI SYMBOLS MOVED ***", []string{
		"The following symbols moved (typically caused by moving a symbol from being",
		"provided by the kernel vmlinux out to a loadable module). This is not an",
		"error, but is being reported for completeness:",
	}, r.Moved)
	block("*** ERROR - SYMBOL LICENSE HAS CHANGED ***", []string{
		"The usage license for the following symbols has changed (this will cause an ABI breakage):",
	}, r.LicenseChanged)
	block("*** ERROR - ABI BREAKAGE WAS DETECTED ***", []string{
		"The following symbols have been changed (this will cause an ABI breakage):",
		"For help diagnosing why, please see the diffs below the listing.",
	}, r.Changed)
	block("*** ERROR - ABI SYMBOL WAS REMOVED ***", []string{
		"The following symbols have been removed, or unexported. This will cause",
		"an ABI breakage:",
	}, r.Removed)
	_, err := io.WriteString(w, b.String())
	return err
}
