package replay

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Merge is one result of git merge-tree --write-tree --stdin -z --messages.
type Merge struct {
	Clean bool
	Tree  string
	// Entries are the conflicted index entries (stages 1, 2, 3), in git's
	// order (by path, then stage).
	Entries []Entry
	// Messages are the informational messages, with the paths they concern.
	Messages []Message
}

// Entry is one conflicted index entry.
type Entry struct {
	Mode, OID string
	Stage     int
	Path      string
}

// Message is one informational message. Type is git's stable short
// description ("Auto-merging", "CONFLICT (contents)", ...); Text is for
// people and translated in other locales: never parse it.
type Message struct {
	Paths []string
	Type  string
	Text  string
}

// ParseMergeTree parses the output of git merge-tree --write-tree --stdin
// -z --messages. Each merge is (git's Documentation/git-merge-tree.txt):
//
//	<status> NUL <tree> NUL
//	(<mode> SP <oid> SP <stage> TAB <path> NUL)*   conflicted entries
//	NUL
//	(<n> NUL <path> NUL ... (n times) <type> NUL <text> NUL)*   messages
//	NUL
//
// where status is 1 for a clean merge and 0 for a conflicted one.
// --messages must be given: without it git decides from the first merge
// whether every later merge prints messages, and the stream becomes
// ambiguous.
func ParseMergeTree(out []byte) ([]Merge, error) {
	p := &nulReader{b: out}
	var merges []Merge
	for !p.eof() {
		var m Merge
		status, err := p.field()
		if err != nil {
			return nil, err
		}
		switch status {
		case "1":
			m.Clean = true
		case "0":
		default:
			return nil, fmt.Errorf("git merge-tree: merge %d: bad status %q", len(merges)+1, status)
		}
		if m.Tree, err = p.field(); err != nil {
			return nil, err
		}
		if !isHex(m.Tree) {
			return nil, fmt.Errorf("git merge-tree: merge %d: bad tree %q", len(merges)+1, m.Tree)
		}
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			if f == "" {
				break
			}
			e, err := parseEntry(f)
			if err != nil {
				return nil, err
			}
			m.Entries = append(m.Entries, e)
		}
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			if f == "" {
				break
			}
			n, err := strconv.Atoi(f)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("git merge-tree: bad message path count %q", f)
			}
			var msg Message
			for i := 0; i < n; i++ {
				path, err := p.field()
				if err != nil {
					return nil, err
				}
				msg.Paths = append(msg.Paths, path)
			}
			if msg.Type, err = p.field(); err != nil {
				return nil, err
			}
			if msg.Text, err = p.field(); err != nil {
				return nil, err
			}
			m.Messages = append(m.Messages, msg)
		}
		if m.Clean && len(m.Entries) > 0 {
			return nil, fmt.Errorf("git merge-tree: merge %d is clean but lists conflicts", len(merges)+1)
		}
		merges = append(merges, m)
	}
	return merges, nil
}

// parseEntry parses "<mode> <oid> <stage>\t<path>".
func parseEntry(f string) (Entry, error) {
	head, path, ok := strings.Cut(f, "\t")
	parts := strings.Split(head, " ")
	if !ok || len(parts) != 3 || !isHex(parts[1]) {
		return Entry{}, fmt.Errorf("git merge-tree: bad conflict entry %q", f)
	}
	stage, err := strconv.Atoi(parts[2])
	if err != nil || stage < 1 || stage > 3 {
		return Entry{}, fmt.Errorf("git merge-tree: bad stage in %q", f)
	}
	return Entry{Mode: parts[0], OID: parts[1], Stage: stage, Path: path}, nil
}

func isHex(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// nulReader hands out NUL-terminated fields.
type nulReader struct{ b []byte }

func (p *nulReader) eof() bool { return len(p.b) == 0 }

func (p *nulReader) field() (string, error) {
	i := bytes.IndexByte(p.b, 0)
	if i < 0 {
		return "", fmt.Errorf("git merge-tree: truncated output")
	}
	f := string(p.b[:i])
	p.b = p.b[i+1:]
	return f, nil
}

// conflicts groups the entries by path, with the conflict types and
// messages that name the path.
func (m *Merge) conflicts() []Conflict {
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
