package symtypes

import (
	"bufio"
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

// ParseSymvers reads a Module.symvers or Module.kabi file. name is only
// used in error messages.
func ParseSymvers(r io.Reader, name string) (map[string]Symver, error) {
	out := map[string]Symver{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 4 || !strings.HasPrefix(f[0], "0x") {
			return nil, fmt.Errorf("%s:%d: %w: want \"0x<crc> <symbol> <module> <export type>\"", name, n, ErrMalformedSymbolLst)
		}
		out[f[1]] = Symver{CRC: f[0], Symbol: f[1], Module: f[2], Type: f[3]}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
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
