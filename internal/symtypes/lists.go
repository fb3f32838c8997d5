package symtypes

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Symver is one line of a Module.symvers or Module.kabi file
// (scripts/mod/modpost.c, write_dump): CRC, symbol, module, export type.
type Symver struct {
	CRC, Symbol, Module, Type string
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
// used in error messages.
func ParseSymvers(r io.Reader, name string) (map[string]Symver, error) {
	out := map[string]Symver{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 0:
			continue
		case len(f) < 4:
			return nil, &listError{name, n, fmt.Sprintf("%d of 4 fields", len(f)), symversFormat}
		case !validCRC(f[0]):
			return nil, &listError{name, n, "bad CRC " + quoteToken(f[0]) + " (not 0x and 1 to 8 hex digits)", symversFormat}
		}
		out[f[1]] = Symver{CRC: f[0], Symbol: f[1], Module: f[2], Type: f[3]}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
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
// line starting each section, then one symbol per line) or, when the first
// line is not a section, a Module.symvers/Module.kabi file.
func ParseSymbolList(r io.Reader, name string) (map[string]bool, error) {
	br := bufio.NewReader(r)
	first, err := br.Peek(1)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	out := map[string]bool{}
	if len(first) == 0 || first[0] != '[' {
		vers, err := ParseSymvers(br, name)
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
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "[") {
			continue
		}
		out[line] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
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
		if b.CRC != k.CRC {
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
