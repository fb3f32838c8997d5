package replay

import (
	"slices"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// conflicts groups the entries by path, with the conflict types and
// messages that name the path.
func conflicts(m *git.MergeTreeResult) []Conflict {
	var out []Conflict
	index := map[string]int{}
	for _, e := range m.Entries {
		i, ok := index[e.Path]
		if !ok {
			i = len(out)
			index[e.Path] = i
			out = append(out, Conflict{Path: e.Path})
		}
		st := Stage{Mode: e.Mode, OID: e.OID}
		switch e.Stage {
		case 1:
			out[i].Base = st
		case 2:
			out[i].Upstream = st
		case 3:
			out[i].Patch = st
		}
	}
	for _, msg := range m.Messages {
		kind, isConflict := strings.CutPrefix(msg.Type, "CONFLICT (")
		kind = strings.TrimSuffix(kind, ")")
		for _, p := range msg.Paths {
			i, ok := index[p]
			if !ok {
				continue
			}
			c := &out[i]
			c.Messages = append(c.Messages, strings.TrimRight(msg.Text, "\n"))
			if isConflict && !slices.Contains(c.Kinds, kind) {
				c.Kinds = append(c.Kinds, kind)
			}
			if isConflict && kind == "binary" {
				c.Binary = true
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].Kinds)
	}
	return out
}
