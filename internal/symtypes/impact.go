package symtypes

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Impact is what one changed type touches: the exports whose expansion
// reaches it and the modules of a locked list that use those exports.
type Impact struct {
	Change  TypeChange
	Exports []string // sorted
	Modules []string // sorted
}

// ModuleUses maps a locked symbol to the modules (locked list sections)
// that use it, each list sorted.
type ModuleUses map[string][]string

// ParseLockedList reads a locked list (see ParseLockedSections for its
// grammar and errors) into the modules using each symbol. name is only
// used in error messages.
func ParseLockedList(r io.Reader, name string) (ModuleUses, error) {
	uses := ModuleUses{}
	module := ""
	err := scanLockedList(r, name, func(section string) {
		module = section
	}, func(sym string) {
		uses[sym] = append(uses[sym], module)
	})
	if err != nil {
		return nil, err
	}
	for sym, mods := range uses {
		sort.Strings(mods)
		uses[sym] = compactStrings(mods)
	}
	return uses, nil
}

// refGraph is the reverse reference graph of one set: for each type or
// export (by base name, without "@crc"), what refers to it. The users of
// node n are users[start[n]:start[n+1]]: two flat slices, not one slice
// per node, since a kernel's set has tens of thousands of nodes and a
// hostile one millions.
type refGraph struct {
	ids   map[string]int32
	names []string
	start []int32
	users []int32
}

func (g *refGraph) id(name string) int32 {
	if i, ok := g.ids[name]; ok {
		return i
	}
	i := int32(len(g.names))
	g.ids[name] = i
	g.names = append(g.names, name)
	return i
}

func newRefGraph(s *Set) *refGraph {
	g := &refGraph{ids: make(map[string]int32, len(s.defs)), names: make([]string, 0, len(s.defs))}
	var from, to []int32 // the edges, to -> from in the reverse graph
	for name, d := range s.defs {
		base := name
		if i := strings.IndexByte(name, '@'); i >= 0 {
			base = name[:i]
		}
		f := g.id(base)
		for _, t := range d.Tokens {
			if isRef(t) {
				from = append(from, f)
				to = append(to, g.id(t))
			}
		}
	}
	g.start = make([]int32, len(g.names)+1)
	for _, t := range to {
		g.start[t+1]++
	}
	for i := 1; i < len(g.start); i++ {
		g.start[i] += g.start[i-1]
	}
	g.users = make([]int32, len(to))
	fill := append([]int32(nil), g.start[:len(g.names)]...)
	for i, t := range to {
		g.users[fill[t]] = from[i]
		fill[t]++
	}
	return g
}

// reaching adds to out the names in want from which name is reachable
// (name itself included). The walk keeps its own queue: a chain of
// millions of types must not grow the Go stack.
func (g *refGraph) reaching(name string, want map[string]bool, seen []bool, out map[string]bool) {
	start, ok := g.ids[name]
	if !ok {
		return
	}
	clear(seen)
	queue := []int32{start}
	seen[start] = true
	for len(queue) > 0 {
		n := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if want[g.names[n]] {
			out[g.names[n]] = true
		}
		for _, u := range g.users[g.start[n]:g.start[n+1]] {
			if !seen[u] {
				seen[u] = true
				queue = append(queue, u)
			}
		}
	}
}

// ImpactOf finds, for each changed type of c, the exports among c.Differ
// whose expansion reaches it in either set (references are followed by
// name on each side on its own, across every version of a duplicated
// type), and the modules of uses (nil for none) using those exports. The
// result is sorted by impact: most exports first, then most modules, then
// by name.
func ImpactOf(old, new *Set, c *Comparison, uses ModuleUses) []Impact {
	differ := make(map[string]bool, len(c.Differ))
	for _, sym := range c.Differ {
		differ[sym] = true
	}
	graphs := []*refGraph{newRefGraph(old)}
	if new != old {
		graphs = append(graphs, newRefGraph(new))
	}
	seen := make([][]bool, len(graphs))
	for i, g := range graphs {
		seen[i] = make([]bool, len(g.names))
	}
	out := make([]Impact, 0, len(c.Changes))
	// The versions of one type (name@crc) are changes of one name: what
	// reaches them is walked once.
	byName := map[string]map[string]bool{}
	for _, ch := range c.Changes {
		reached, ok := byName[ch.Name]
		if !ok {
			reached = map[string]bool{}
			for i, g := range graphs {
				g.reaching(ch.Name, differ, seen[i], reached)
			}
			byName[ch.Name] = reached
		}
		mods := map[string]bool{}
		for sym := range reached {
			for _, m := range uses[sym] {
				mods[m] = true
			}
		}
		out = append(out, Impact{Change: ch, Exports: sortedKeys(reached), Modules: sortedKeys(mods)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Exports) != len(b.Exports) {
			return len(a.Exports) > len(b.Exports)
		}
		if len(a.Modules) != len(b.Modules) {
			return len(a.Modules) > len(b.Modules)
		}
		if a.Change.Name != b.Change.Name {
			return a.Change.Name < b.Change.Name
		}
		if a.Change.Old != b.Change.Old {
			return a.Change.Old < b.Change.Old
		}
		return a.Change.New < b.Change.New
	})
	return out
}

// WriteImpact writes the impact of each changed type, in the order given:
// a heading line with the counts, then the exports and the modules,
// wrapped at 100 columns. Without modules (no locked list), the modules
// are not counted.
func WriteImpact(w io.Writer, impacts []Impact, modules bool) error {
	var b strings.Builder
	b.WriteString("*** IMPACT ***\n\n")
	if len(impacts) == 0 {
		b.WriteString("No type differences.\n")
	}
	for _, im := range impacts {
		fmt.Fprintf(&b, "%s: %s", TypeTitle(im.Change.Name), plural(len(im.Exports), "export"))
		if modules {
			fmt.Fprintf(&b, ", %s", plural(len(im.Modules), "module"))
		}
		b.WriteByte('\n')
		wrapList(&b, "  exports:", im.Exports)
		if modules {
			wrapList(&b, "  modules:", im.Modules)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// wrapList writes head and the words, continuing past 100 columns on
// lines indented under the first word; nothing for no words.
func wrapList(b *strings.Builder, head string, words []string) {
	if len(words) == 0 {
		return
	}
	const width = 100
	indent := strings.Repeat(" ", len(head)+1)
	col := len(head)
	b.WriteString(head)
	for _, w := range words {
		if col > len(head) && col+1+len(w) > width {
			b.WriteString("\n" + indent[:len(indent)-1])
			col = len(indent) - 1
		}
		b.WriteString(" " + w)
		col += 1 + len(w)
	}
	b.WriteByte('\n')
}
