package kabi

import (
	"bytes"
	"encoding/json"

	"github.com/patchqueue/pqtools/internal/symtypes"
)

// writeCompare writes compare's report as text (the reference tool's
// report, then the impact when asked) or as JSON.
func writeCompare(o *CompareOptions, old, new *symtypes.Set, c *symtypes.Comparison) error {
	var impacts []symtypes.Impact
	if o.Impact {
		var err error
		if impacts, err = impactOf(o.LockedList, old, new, c); err != nil {
			return err
		}
	}
	if o.Format == "json" {
		return writeCompareJSON(o, old, new, c, impacts)
	}
	if err := symtypes.WriteComparison(o.IO.Out, old, new, c, o.PrintMissing, o.PrintSymbols); err != nil {
		return err
	}
	if !o.Impact {
		return nil
	}
	return symtypes.WriteImpact(o.IO.Out, impacts, o.LockedList != "")
}

// impactOf computes the impact of c's changes, with the modules of the
// locked list at path ("" for none).
func impactOf(path string, old, new *symtypes.Set, c *symtypes.Comparison) ([]symtypes.Impact, error) {
	var uses symtypes.ModuleUses
	if path != "" {
		b, err := readFile(path)
		if err != nil {
			return nil, err
		}
		if uses, err = symtypes.ParseLockedList(bytes.NewReader(b), path); err != nil {
			return nil, err
		}
	}
	return symtypes.ImpactOf(old, new, c, uses), nil
}

// compareJSON is compare's report with --format json.
type compareJSON struct {
	OnlyBaseline   []string     `json:"only_baseline"`
	OnlyComparison []string     `json:"only_comparison"`
	Differ         []string     `json:"differ"`
	Types          []changeJSON `json:"types"`
}

// changeJSON is one changed type: its reference name ("s#foo"), the
// definitions compared (with "@crc" for a version of a duplicated type),
// the unified diff of their pretty forms and, with --impact, the exports
// reaching it and the modules using those.
type changeJSON struct {
	Name    string    `json:"name"`
	Title   string    `json:"title"`
	Old     string    `json:"old"`
	New     string    `json:"new"`
	Diff    string    `json:"diff"`
	Exports *[]string `json:"exports,omitempty"`
	Modules *[]string `json:"modules,omitempty"`
}

func writeCompareJSON(o *CompareOptions, old, new *symtypes.Set, c *symtypes.Comparison, impacts []symtypes.Impact) error {
	out := compareJSON{OnlyBaseline: nonNil(c.OnlyOld), OnlyComparison: nonNil(c.OnlyNew), Differ: nonNil(c.Differ), Types: []changeJSON{}}
	add := func(ch symtypes.TypeChange, im *symtypes.Impact) error {
		d, err := symtypes.ChangeDiff(old, new, ch)
		if err != nil {
			return err
		}
		j := changeJSON{Name: ch.Name, Title: symtypes.TypeTitle(ch.Name), Old: ch.Old, New: ch.New, Diff: d}
		if im != nil {
			j.Exports, j.Modules = &im.Exports, &im.Modules
		}
		out.Types = append(out.Types, j)
		return nil
	}
	if o.Impact {
		for i := range impacts {
			if err := add(impacts[i].Change, &impacts[i]); err != nil {
				return err
			}
		}
	} else {
		for _, ch := range c.Changes {
			if err := add(ch, nil); err != nil {
				return err
			}
		}
	}
	enc := json.NewEncoder(o.IO.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
