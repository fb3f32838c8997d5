package pahole

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// CachelineSize is the cacheline pahole assumes unless told otherwise
// (-c): 64 bytes, as on x86_64 and arm64.
const CachelineSize = 64

// Layout is the layout of one struct or union.
type Layout struct {
	Object     string   `json:"object"` // the file it was read from ("" from Parse)
	Kind       string   `json:"kind"`   // "struct" or "union"
	Name       string   `json:"name"`   // the tag, or the typedef name of an anonymous type
	Size       int      `json:"size"`
	Cachelines int      `json:"cachelines"`
	Padding    int      `json:"padding"`     // bytes of tail padding
	BitPadding int      `json:"bit_padding"` // bits of tail padding in the last bitfield
	Members    []Member `json:"members"`
}

// Member is one member of a layout. Offsets are from the start of the
// outermost type, also inside nested structs and unions.
type Member struct {
	Name      string   `json:"name"` // "" for an anonymous struct or union
	Type      string   `json:"type"` // pahole's spelling: "int", "struct list_head *", "char[16]", "union {...}"
	Offset    int      `json:"offset"`
	Size      int      `json:"size"`
	BitOffset int      `json:"bit_offset"` // within the storage unit at Offset, for a bitfield
	BitSize   int      `json:"bit_size"`   // 0 unless a bitfield
	Hole      int      `json:"hole"`       // bytes of hole after this member
	BitHole   int      `json:"bit_hole"`   // bits of hole after this bitfield
	Members   []Member `json:"members"`    // of an inline struct or union; empty, not null, otherwise
}

// TypeName is "struct foo", "union u" or the typedef name.
func (l *Layout) TypeName() string {
	if l.Kind == "" {
		return l.Name
	}
	return l.Kind + " " + l.Name
}

// ErrNoLayout is returned by Parse when the text holds no struct or union
// (pahole prints nothing for a type it does not find).
var ErrNoLayout = errors.New("no struct or union in pahole's output")

// ErrNotStructOrUnion is returned by Parse for an enum, and by Load for a
// typedef of something else than a struct or union.
var ErrNotStructOrUnion = errors.New("not a struct or union")

// AliasError is returned by Parse when pahole printed a typedef of a
// named type ("typedef struct bar foo;"): the layout is that of Target.
type AliasError struct {
	Name   string // the typedef
	Target string // the tag or typedef it names, without struct or union
}

func (e *AliasError) Error() string {
	return fmt.Sprintf("%s is a typedef of %s", e.Name, e.Target)
}

var (
	headerRE = regexp.MustCompile(`^(typedef\s+)?(struct|union)(\s+([A-Za-z_][A-Za-z0-9_]*))?\s*\{$`)
	aliasRE  = regexp.MustCompile(`^typedef\s+(?:(?:struct|union)\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*);$`)
	enumRE   = regexp.MustCompile(`^(typedef\s+)?enum(\s+[A-Za-z_][A-Za-z0-9_]*)?\s*\{$`)
	openRE   = regexp.MustCompile(`^(struct|union|enum)(\s+[A-Za-z_][A-Za-z0-9_]*)?\s*\{$`)
	holeRE   = regexp.MustCompile(`^/\*\s*XXX\s+(\d+)\s+(bytes?|bits?)\s+hole`)
	sizeRE   = regexp.MustCompile(`^/\*\s*size:\s*(\d+),\s*cachelines:\s*(\d+)`)
	padRE    = regexp.MustCompile(`^/\*\s*padding:\s*(\d+)\s*\*/$`)
	bitPadRE = regexp.MustCompile(`^/\*\s*bit_padding:\s*(\d+)\s*bits`)
	identRE  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*$`)
)

// frame is an open brace: the outer type (depth 0) or an inline struct,
// union or enum.
type frame struct {
	kind    string
	members []Member
}

// maxDepth bounds the nesting of inline types; C compilers accept far
// less than this, and a hostile input cannot grow the stack without bound.
const maxDepth = 256

// Parse reads the first struct or union of pahole's output for -C.
func Parse(r io.Reader) (*Layout, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	var l *Layout
	var stack []*frame
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if l == nil {
			m := headerRE.FindStringSubmatch(line)
			if m == nil {
				if a := aliasRE.FindStringSubmatch(line); a != nil {
					return nil, &AliasError{Name: a[2], Target: a[1]}
				}
				if enumRE.MatchString(line) {
					return nil, fmt.Errorf("%w: an enum", ErrNotStructOrUnion)
				}
				continue // pahole's own warnings
			}
			l = &Layout{Kind: m[2], Name: m[4]}
			stack = []*frame{{kind: m[2]}}
			continue
		}
		top := stack[len(stack)-1]
		if top.kind == "enum" {
			if strings.HasPrefix(line, "}") {
				if err := closeFrame(&stack, line, n); err != nil {
					return nil, err
				}
			}
			continue // enumerators
		}
		switch {
		case strings.HasPrefix(line, "/*"):
			if err := comment(l, top, line, len(stack) == 1); err != nil {
				return nil, fmt.Errorf("pahole output line %d: %w", n, err)
			}
		case openRE.MatchString(line):
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("pahole output line %d: types nested deeper than %d", n, maxDepth)
			}
			stack = append(stack, &frame{kind: strings.Fields(strings.TrimSuffix(line, "{"))[0]})
		case strings.HasPrefix(line, "}"):
			if len(stack) == 1 {
				return finish(l, top, line), nil
			}
			if err := closeFrame(&stack, line, n); err != nil {
				return nil, err
			}
		default:
			m, ok, err := member(line)
			if err != nil {
				return nil, fmt.Errorf("pahole output line %d: %w: %q", n, err, line)
			}
			if ok {
				top.members = append(top.members, m)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pahole output: %w", err)
	}
	if l == nil {
		return nil, ErrNoLayout
	}
	return nil, fmt.Errorf("pahole output ends inside %s", l.TypeName())
}

// finish completes the layout at its closing line: "};", "} name;" for a
// typedef, possibly with attributes.
func finish(l *Layout, top *frame, line string) *Layout {
	rest := strings.TrimSpace(strings.TrimSuffix(stripAttrs(strings.TrimPrefix(line, "}")), ";"))
	if l.Name == "" {
		l.Name = rest
		if rest != "" {
			l.Kind = "" // a typedef of an anonymous type goes by its name alone
		}
	}
	l.Members = nonNil(top.members)
	if l.Size == 0 {
		for _, m := range l.Members {
			l.Size = max(l.Size, m.Offset+m.Size)
		}
	}
	if l.Cachelines == 0 && l.Size > 0 {
		l.Cachelines = (l.Size + CachelineSize - 1) / CachelineSize
	}
	return l
}

// nonNil gives every member list a value, so that JSON has one shape:
// "members": [] rather than null.
func nonNil(ms []Member) []Member {
	if ms == nil {
		return []Member{}
	}
	for i := range ms {
		ms[i].Members = nonNil(ms[i].Members)
	}
	return ms
}

// closeFrame pops an inline type at its closing line, "} name; /* off
// size */" or "}; /* off size */", and adds it to its parent as a member.
func closeFrame(stack *[]*frame, line string, n int) error {
	s := *stack
	top := s[len(s)-1]
	decl, off, ok := strings.Cut(line, "/*")
	if !ok {
		return fmt.Errorf("pahole output line %d: no offset and size after an inline %s: %q", n, top.kind, line)
	}
	m, err := offsets(off)
	if err != nil {
		return fmt.Errorf("pahole output line %d: %w: %q", n, err, line)
	}
	decl = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stripAttrs(strings.TrimPrefix(decl, "}"))), ";"))
	// "} arr[2]" is an array of the inline type.
	name, suffix := decl, ""
	if i := strings.IndexByte(decl, '['); i >= 0 {
		name, suffix = strings.TrimSpace(decl[:i]), decl[i:]
	}
	if identRE.FindString(name) != name {
		return fmt.Errorf("pahole output line %d: bad member name after an inline %s: %q", n, top.kind, line)
	}
	m.Name = name
	m.Type = top.kind + " {...}" + strings.ReplaceAll(suffix, " ", "")
	if top.kind != "enum" && suffix == "" {
		m.Members = top.members
	}
	*stack = s[:len(s)-1]
	parent := (*stack)[len(*stack)-1]
	parent.members = append(parent.members, m)
	return nil
}

// comment reads the comments that matter: holes, and at the outer level
// the size, cachelines and padding.
func comment(l *Layout, top *frame, line string, outer bool) error {
	if m := holeRE.FindStringSubmatch(line); m != nil {
		v, err := number(m[1])
		if err != nil {
			return err
		}
		if len(top.members) == 0 {
			return nil
		}
		last := &top.members[len(top.members)-1]
		if strings.HasPrefix(m[2], "bit") {
			last.BitHole = v
		} else {
			last.Hole = v
		}
		return nil
	}
	if !outer {
		return nil
	}
	if m := sizeRE.FindStringSubmatch(line); m != nil {
		size, err := number(m[1])
		if err != nil {
			return err
		}
		cl, err := number(m[2])
		if err != nil {
			return err
		}
		l.Size, l.Cachelines = size, cl
	} else if m := padRE.FindStringSubmatch(line); m != nil {
		v, err := number(m[1])
		if err != nil {
			return err
		}
		l.Padding = v
	} else if m := bitPadRE.FindStringSubmatch(line); m != nil {
		v, err := number(m[1])
		if err != nil {
			return err
		}
		l.BitPadding = v
	}
	return nil
}

// member parses a member line: "TYPE NAME[N];   /* off size */", or
// "TYPE NAME:bits; /* off: bit size */" for a bitfield. A line without
// offsets that is a forced-alignment ":0" pseudo-member is skipped (ok
// false).
func member(line string) (Member, bool, error) {
	decl, off, found := strings.Cut(line, "/*")
	decl = strings.TrimSpace(decl)
	if !found {
		if strings.HasSuffix(decl, ":0;") {
			return Member{}, false, nil
		}
		return Member{}, false, errors.New("member without offset and size")
	}
	if !strings.HasSuffix(decl, ";") {
		return Member{}, false, errors.New("member declaration without ';'")
	}
	m, err := offsets(off)
	if err != nil {
		return Member{}, false, err
	}
	decl = strings.TrimSpace(stripAttrs(strings.TrimSuffix(decl, ";")))
	if i := strings.LastIndexByte(decl, ':'); i >= 0 {
		bits, err := number(strings.TrimSpace(decl[i+1:]))
		if err != nil {
			return Member{}, false, fmt.Errorf("bad bitfield width")
		}
		if bits <= 0 {
			return Member{}, false, fmt.Errorf("bad bitfield width")
		}
		m.BitSize = bits
		decl = strings.TrimSpace(decl[:i])
	} else if m.BitOffset != 0 {
		return Member{}, false, errors.New("bit offset on a member that is not a bitfield")
	}
	name, typ, err := declarator(decl)
	if err != nil {
		return Member{}, false, err
	}
	m.Name, m.Type = name, typ
	return m, true, nil
}

// declarator splits a C declaration into the declared name and its type
// with the name taken out: "void (*fn)(int)" is fn of "void (*)(int)",
// "int arr[3]" is arr of "int[3]".
func declarator(decl string) (name, typ string, err error) {
	start, end := -1, -1
	if strings.Contains(decl, "(*") {
		// A pointer to a function or an array: the name is inside the
		// innermost parenthesis, after the stars and qualifiers.
		j := strings.IndexByte(decl, ')')
		i := strings.LastIndex(decl[:max(j, 0)], "(*")
		if j < 0 || i < 0 || strings.ContainsRune(decl[i+1:j], '(') {
			return "", "", errors.New("unbalanced parenthesis")
		}
		j -= i
		inner := decl[i+1 : i+j]
		loc := identRE.FindStringIndex(inner)
		if loc == nil {
			return "", "", errors.New("no member name")
		}
		start, end = i+1+loc[0], i+1+loc[1]
	} else {
		base := decl
		for strings.HasSuffix(base, "]") {
			k := strings.LastIndexByte(base, '[')
			if k < 0 {
				return "", "", errors.New("unbalanced bracket")
			}
			base = strings.TrimRight(base[:k], " ")
		}
		loc := identRE.FindStringIndex(base)
		if loc == nil {
			return "", "", errors.New("no member name")
		}
		start, end = loc[0], loc[1]
	}
	name = decl[start:end]
	typ = strings.Join(strings.Fields(decl[:start]), " ")
	rest := strings.Join(strings.Fields(decl[end:]), " ")
	if isKeyword(name) {
		return "", "", fmt.Errorf("no member name (%q is a keyword)", name)
	}
	switch {
	case typ == "":
		return "", "", errors.New("no type before the member name")
	case strings.HasPrefix(rest, "["):
		typ += strings.ReplaceAll(rest, " ", "")
	case rest != "":
		typ += rest
	}
	return name, typ, nil
}

func isKeyword(s string) bool {
	switch s {
	case "int", "char", "short", "long", "unsigned", "signed", "void", "const", "volatile",
		"struct", "union", "enum", "float", "double", "_Bool", "restrict":
		return true
	}
	return false
}

// offsets reads the "off size */" or "off: bit size */" of a member's
// comment (decimal, or hexadecimal with --hex).
func offsets(s string) (Member, error) {
	body, _, ok := strings.Cut(s, "*/")
	if !ok {
		return Member{}, errors.New("unterminated comment")
	}
	var m Member
	var err error
	before, after, bitfield := strings.Cut(body, ":")
	f := strings.Fields(after)
	if !bitfield {
		f = strings.Fields(before)
		if len(f) != 2 {
			return Member{}, errors.New("want offset and size")
		}
		if m.Offset, err = number(f[0]); err != nil {
			return Member{}, err
		}
		m.Size, err = number(f[1])
		return m, err
	}
	if len(f) != 2 {
		return Member{}, errors.New("want offset: bit size")
	}
	if m.Offset, err = number(strings.TrimSpace(before)); err != nil {
		return Member{}, err
	}
	if m.BitOffset, err = number(f[0]); err != nil {
		return Member{}, err
	}
	m.Size, err = number(f[1])
	return m, err
}

// number parses a decimal or 0x-prefixed count that fits a layout: at
// most 1<<40 (nothing in memory is larger, and sums cannot overflow).
func number(s string) (int, error) {
	base := 10
	if t, ok := strings.CutPrefix(s, "0x"); ok {
		s, base = t, 16
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil || v > 1<<40 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return int(v), nil
}

// stripAttrs removes every __attribute__((...)) from s.
func stripAttrs(s string) string {
	for {
		i := strings.Index(s, "__attribute__")
		if i < 0 {
			return s
		}
		j := i + len("__attribute__")
		depth := 0
		for ; j < len(s); j++ {
			if s[j] == '(' {
				depth++
			} else if s[j] == ')' {
				depth--
				if depth == 0 {
					j++
					break
				}
			}
		}
		s = s[:i] + s[j:]
	}
}
