package symtypes

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// TypeChange is one type (or export) whose own definition differs between
// two sets, with the version of it each side uses.
type TypeChange struct {
	Name     string // reference token ("s#foo") or export name
	Old, New string // definition names as written (may carry "@crc")
}

// Comparison is the result of Compare.
type Comparison struct {
	OnlyOld, OnlyNew []string     // exports on one side only, sorted
	Differ           []string     // common exports whose CRC differs, sorted
	Changes          []TypeChange // sorted by Name, Old, New
}

// Compare finds the common exports whose CRCs differ and, walking from each
// through the references both sides share, the types whose own definition
// differs.
func Compare(old, new *Set) (*Comparison, error) {
	c := &Comparison{}
	var common []string
	for _, sym := range old.Exports() {
		if _, ok := new.exports[sym]; ok {
			common = append(common, sym)
		} else {
			c.OnlyOld = append(c.OnlyOld, sym)
		}
	}
	for _, sym := range new.Exports() {
		if _, ok := old.exports[sym]; !ok {
			c.OnlyNew = append(c.OnlyNew, sym)
		}
	}
	if len(common) == 0 {
		return c, ErrNoCommonSymbols
	}
	crcs := func(s *Set, out []uint32) error {
		for i, sym := range common {
			v, err := s.CRC(sym)
			if err != nil {
				return err
			}
			out[i] = v
		}
		return nil
	}
	a, b := make([]uint32, len(common)), make([]uint32, len(common))
	var errA, errB error
	if old == new {
		errA = crcs(old, a)
		copy(b, a)
	} else {
		// The sets share nothing, so each side's expansions can run on
		// its own goroutine.
		var wg sync.WaitGroup
		wg.Go(func() { errA = crcs(old, a) })
		errB = crcs(new, b)
		wg.Wait()
	}
	if errA != nil {
		return nil, fmt.Errorf("baseline: %w", errA)
	}
	if errB != nil {
		return nil, fmt.Errorf("comparison: %w", errB)
	}
	for i, sym := range common {
		if a[i] != b[i] {
			c.Differ = append(c.Differ, sym)
		}
	}
	var err error
	c.Changes, err = ChangedTypes(old, new, c.Differ)
	return c, err
}

// ChangedTypes walks from each export breadth-first through the references
// present on both sides, each side using the versions its export's file
// saw, and collects the nodes whose definition lines differ.
func ChangedTypes(old, new *Set, exports []string) ([]TypeChange, error) {
	// Which version a name resolves to depends only on the export's file
	// on each side, so the walks of all exports sharing a pair of files are
	// one walk from several roots: each node is visited once per pair.
	type pair struct{ o, n string }
	roots := map[pair][]string{}
	var pairs []pair
	for _, sym := range exports {
		fo, ok1 := old.exports[sym]
		fn, ok2 := new.exports[sym]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: %s is not exported on both sides", ErrUnknownExport, sym)
		}
		p := pair{fo, fn}
		if _, ok := roots[p]; !ok {
			pairs = append(pairs, p)
		}
		roots[p] = append(roots[p], sym)
	}
	found := map[TypeChange]bool{}
	depsOld, depsNew := map[*Def][]string{}, map[*Def]map[string]bool{}
	for _, p := range pairs {
		seen := map[string]bool{}
		var queue []string
		for _, sym := range roots[p] {
			seen[sym] = true
			queue = append(queue, sym)
		}
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			vo, err := old.versioned(name, p.o)
			if err != nil {
				return nil, fmt.Errorf("baseline: %w", err)
			}
			vn, err := new.versioned(name, p.n)
			if err != nil {
				return nil, fmt.Errorf("comparison: %w", err)
			}
			do, dn := old.defs[vo], new.defs[vn]
			if do == nil || dn == nil {
				// A reference without a definition says nothing about
				// what changed; the CRCs already flagged the export.
				continue
			}
			if do.CRC != dn.CRC {
				found[TypeChange{name, vo, vn}] = true
			}
			inNew, ok := depsNew[dn]
			if !ok {
				inNew = map[string]bool{}
				for _, t := range dn.Tokens {
					if isRef(t) {
						inNew[t] = true
					}
				}
				depsNew[dn] = inNew
			}
			refs, ok := depsOld[do]
			if !ok {
				for _, t := range do.Tokens {
					if isRef(t) {
						refs = append(refs, t)
					}
				}
				depsOld[do] = refs
			}
			for _, t := range refs {
				if inNew[t] && !seen[t] {
					seen[t] = true
					queue = append(queue, t)
				}
			}
		}
	}
	out := make([]TypeChange, 0, len(found))
	for tc := range found {
		out = append(out, tc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Old != b.Old {
			return a.Old < b.Old
		}
		return a.New < b.New
	})
	return out, nil
}

// TypeTitle is how a diff header names a type: "struct X", "union X",
// "enum X", "typedef X", or the bare name of an export or enumerator.
func TypeTitle(name string) string {
	if strings.HasPrefix(name, "t#") {
		return "typedef " + DisplayName(name)
	}
	return DisplayName(name)
}

var (
	openSpace  = regexp.MustCompile(`([\[\(\*]) `)
	spaceClose = regexp.MustCompile(` ([\]\),])`)
)

// Pretty lays a definition out as C-like text: one member per line,
// indented with tabs by brace depth, references shown by display name.
func Pretty(d *Def) string {
	names := make([]string, len(d.Tokens))
	for i, t := range d.Tokens {
		names[i] = DisplayName(t)
	}
	s := strings.Join(names, " ")
	s = strings.ReplaceAll(s, " ;", ";\n")
	s = strings.ReplaceAll(s, "{", "{\n")
	s = strings.ReplaceAll(s, "}", "\n}")
	if strings.HasPrefix(d.Name, "e#") {
		s = strings.ReplaceAll(s, ", ", ",\n")
	}
	s = openSpace.ReplaceAllString(s, "$1")
	s = spaceClose.ReplaceAllString(s, "$1")
	var b strings.Builder
	indent := 0
	first := true
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if line[0] == '}' {
			indent--
		}
		if !first {
			b.WriteByte('\n')
		}
		first = false
		b.WriteString(strings.Repeat("\t", max(indent, 0)))
		b.WriteString(line)
		if line[len(line)-1] == '{' {
			indent++
		}
	}
	return b.String()
}

// ChangeDiff is the diff of one change as WriteDiffs writes it, labelled
// Baseline and Comparison, without its last newline: one type's entry in
// compare's JSON and in the kABI UI.
func ChangeDiff(old, new *Set, ch TypeChange) (string, error) {
	var b strings.Builder
	if err := WriteDiffs(&b, old, new, []TypeChange{ch}, "Baseline", "Comparison"); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// WriteDiffs writes one unified diff (3 lines of context) of the pretty
// forms per change, each followed by an empty line, headed
// "<title> - <oldLabel>" and "<title> - <newLabel>".
func WriteDiffs(w io.Writer, old, new *Set, changes []TypeChange, oldLabel, newLabel string) error {
	for _, c := range changes {
		do, dn := old.defs[c.Old], new.defs[c.New]
		if do == nil || dn == nil {
			return fmt.Errorf("%w: %s", ErrUndefined, c.Name)
		}
		title := TypeTitle(c.Name)
		d := unifiedDiff(strings.Split(Pretty(do), "\n"), strings.Split(Pretty(dn), "\n"),
			title+" - "+oldLabel, title+" - "+newLabel, 3)
		if _, err := io.WriteString(w, d+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// WriteComparison writes the report of the compare command. When no
// common export differs, the "differ" heading is left out, and with it all
// output unless printMissing lists exports of one side only.
func WriteComparison(w io.Writer, old, new *Set, c *Comparison, printMissing, printSymbols bool) error {
	var b strings.Builder
	if printMissing {
		if len(c.OnlyOld) > 0 {
			b.WriteString("The following symbols appear only in the Baseline:\n")
			b.WriteString(strings.Join(c.OnlyOld, "\n") + "\n")
		}
		if len(c.OnlyNew) > 0 {
			b.WriteString("The following symbols appear only in the Comparison:\n")
			b.WriteString(strings.Join(c.OnlyNew, "\n") + "\n")
		}
	}
	if printSymbols && len(c.Differ) > 0 {
		b.WriteString("The following symbols differ:\n")
		b.WriteString(strings.Join(c.Differ, "\n") + "\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return WriteDiffs(w, old, new, c.Changes, "Baseline", "Comparison")
}
