package replay

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// WriteText writes a replay for people: the verdict, then for a conflict
// each region's sides next to the author's resolution, then the diff from
// the replay to the new commit.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "replay of %s onto the parent of %s: %s\n", git.Short(r.Old), git.Short(r.New), r.Verdict)
	switch r.Verdict {
	case Identical:
		b.WriteString("The replay gives exactly the new commit: only the context moved.\n")
	case Changed:
		b.WriteString("The replay is clean, but the author changed more. From the replay to the new commit:\n\n")
		b.WriteString(r.Diff)
	case Conflicted:
		fmt.Fprintf(&b, "%d conflicted file(s):\n", len(r.Conflicts))
		for i := range r.Conflicts {
			writeConflict(&b, &r.Conflicts[i])
		}
		if r.Diff != "" {
			b.WriteString("\nFrom the replay (conflict markers included) to the new commit:\n\n")
			b.WriteString(r.Diff)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeConflict(b *strings.Builder, c *Conflict) {
	kinds := strings.Join(c.Kinds, ", ")
	if kinds == "" {
		kinds = "conflict"
	}
	fmt.Fprintf(b, "\n%s (%s)\n", c.Path, kinds)
	for _, m := range c.Messages {
		fmt.Fprintf(b, "  git: %s\n", m)
	}
	if len(c.Regions) == 0 {
		fmt.Fprintf(b, "  base (old parent):     %s\n", stageText(c.Base))
		fmt.Fprintf(b, "  upstream (new parent): %s\n", stageText(c.Upstream))
		fmt.Fprintf(b, "  patch (old commit):    %s\n", stageText(c.Patch))
		fmt.Fprintf(b, "  author (new commit):   %s\n", stageText(c.Resolution))
		return
	}
	for i, r := range c.Regions {
		fmt.Fprintf(b, "  region %d, line %d of the replay:\n", i+1, r.Line)
		writeLines(b, "  upstream (new parent) |", r.Upstream)
		writeLines(b, "  base (old parent)     |", r.Base)
		writeLines(b, "  patch (old commit)    |", r.Patch)
		if r.Resolved {
			writeLines(b, "  author (new commit)   |", r.Resolution)
		} else {
			b.WriteString("  author (new commit)   : not located (the lines around the region changed too; see the diff)\n")
		}
	}
}

func writeLines(b *strings.Builder, prefix string, l []string) {
	if len(l) == 0 {
		b.WriteString(prefix + " (nothing)\n")
		return
	}
	for _, s := range l {
		b.WriteString(prefix + " " + s + "\n")
	}
}

func stageText(s Stage) string {
	if s.OID == "" {
		return "(absent)"
	}
	if s.Mode == "" {
		return s.OID
	}
	return s.Mode + " " + s.OID
}

// JSON of the replay subcommand. "verdict", "conflicts" and "diff" are the
// interface the issue specifies; "regions" adds the details.
type jsonResult struct {
	Verdict   Verdict      `json:"verdict"`
	Old       string       `json:"old"`
	New       string       `json:"new"`
	Conflicts []string     `json:"conflicts"`
	Diff      string       `json:"diff"`
	Regions   []jsonRegion `json:"regions,omitempty"`
}

type jsonRegion struct {
	Path       string   `json:"path"`
	Line       int      `json:"line"`
	Upstream   []string `json:"upstream"`
	Base       []string `json:"base"`
	Patch      []string `json:"patch"`
	Resolution []string `json:"resolution"`
	Resolved   bool     `json:"resolved"`
}

// WriteJSON writes a replay as one JSON object.
func WriteJSON(w io.Writer, r *Result) error {
	out := jsonResult{Verdict: r.Verdict, Old: r.Old, New: r.New, Conflicts: r.ConflictPaths(), Diff: r.Diff}
	for _, c := range r.Conflicts {
		for _, g := range c.Regions {
			out.Regions = append(out.Regions, jsonRegion{Path: c.Path, Line: g.Line, Upstream: nonNil(g.Upstream),
				Base: nonNil(g.Base), Patch: nonNil(g.Patch), Resolution: nonNil(g.Resolution), Resolved: g.Resolved})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
