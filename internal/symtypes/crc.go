package symtypes

import (
	"fmt"
	"hash/crc32"
	"strings"
)

// The CRC engine works on a compiled form of the set: references are
// interned to small integers and the literal tokens between them are
// pre-joined, so that expanding an export costs one CRC update per run of
// literal tokens instead of one map lookup and one update per token. This
// is what makes comparing two whole-kernel files take milliseconds.

type segment struct {
	lit []byte // literal tokens, each followed by one space
	ref int32  // referenced type id after lit, or -1
}

type cdef struct{ segs []segment }

type refInfo struct {
	name    string
	backref []byte // "struct foo ", or "foo " for typedefs and enumerators
	plain   *cdef  // the single definition, when not duplicated
	dup     bool
	byCRC   map[uint32]*cdef // versions of a duplicated type
}

type compiled struct {
	ids   map[string]int32
	refs  []refInfo
	roots map[string]*cdef // export definitions, by name as written
	stamp []uint32         // per ref id: generation in which it was expanded
	gen   uint32
	// scratch is the expansion buffer and stack the expansion stack,
	// reused from one export to the next.
	scratch []byte
	stack   []frame
}

func (s *Set) compile() *compiled {
	if s.compiled != nil {
		return s.compiled
	}
	c := &compiled{ids: map[string]int32{}, roots: map[string]*cdef{}}
	id := func(name string) int32 {
		if i, ok := c.ids[name]; ok {
			return i
		}
		i := int32(len(c.refs))
		c.ids[name] = i
		c.refs = append(c.refs, refInfo{name: name, backref: []byte(DisplayName(name) + " ")})
		return i
	}
	for name, d := range s.defs {
		cd := compileDef(d, id)
		base := name
		if i := strings.IndexByte(name, '@'); i >= 0 {
			base = name[:i]
		}
		if !isRef(base) {
			c.roots[name] = cd
			continue
		}
		r := &c.refs[id(base)]
		if _, dup := s.dupes[base]; dup {
			r.dup = true
			if r.byCRC == nil {
				r.byCRC = map[uint32]*cdef{}
			}
			r.byCRC[d.CRC] = cd
		} else {
			r.plain = cd
		}
	}
	for base := range s.dupes {
		if isRef(base) {
			c.refs[id(base)].dup = true
		}
	}
	c.stamp = make([]uint32, len(c.refs))
	s.compiled = c
	return c
}

func compileDef(d *Def, id func(string) int32) *cdef {
	cd := &cdef{}
	var lit []byte
	for _, t := range d.Tokens {
		switch {
		case isRef(t):
			cd.segs = append(cd.segs, segment{lit: lit, ref: id(t)})
			lit = nil
		case t == "extern":
			// genksyms drops storage classes from the checksum (parse.y,
			// decl_specifier) although -T still prints them.
		default:
			lit = append(lit, t...)
			lit = append(lit, ' ')
		}
	}
	if len(lit) > 0 || len(cd.segs) == 0 {
		cd.segs = append(cd.segs, segment{lit: lit, ref: -1})
	}
	return cd
}

// sink gathers the expansion. Checksumming it in one go at the end is much
// faster than updating a CRC with each short run of tokens.
type sink struct{ buf []byte }

func (k *sink) write(b []byte) { k.buf = append(k.buf, b...) }

func (s *Set) expandExport(sym string, k *sink) error {
	file, ok := s.exports[sym]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownExport, sym)
	}
	vname, err := s.versioned(sym, file)
	if err != nil {
		return fmt.Errorf("symbol %s: %w", sym, err)
	}
	c := s.compile()
	root, ok := c.roots[vname]
	if !ok {
		return fmt.Errorf("symbol %s: %w: %s", sym, ErrUndefined, vname)
	}
	c.gen++
	if c.gen == 0 { // wrapped: old stamps could look current
		clear(c.stamp)
		c.gen = 1
	}
	if err := s.expand(c, root, file, k); err != nil {
		return fmt.Errorf("symbol %s: %w", sym, err)
	}
	return nil
}

// frame is where the expansion stands in one definition.
type frame struct {
	d *cdef
	i int // next segment
}

// expand follows genksyms' expand_and_crc_sym: a type is written out in
// full the first time this export's expansion meets it and as a
// back-reference after that. It keeps its own stack instead of recursing:
// a chain of types millions deep (a hostile file) must not overflow Go's
// stack.
func (s *Set) expand(c *compiled, root *cdef, file string, k *sink) error {
	stack := append(c.stack[:0], frame{d: root})
	defer func() { c.stack = stack[:0] }()
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.i == len(f.d.segs) {
			stack = stack[:len(stack)-1]
			continue
		}
		sg := f.d.segs[f.i]
		f.i++
		if len(sg.lit) > 0 {
			k.write(sg.lit)
		}
		if sg.ref < 0 {
			continue
		}
		r := &c.refs[sg.ref]
		if c.stamp[sg.ref] == c.gen {
			k.write(r.backref)
			continue
		}
		c.stamp[sg.ref] = c.gen
		sub := r.plain
		if r.dup {
			crc, ok := s.fileVers[file][r.name]
			if !ok {
				return fmt.Errorf("%w: %s in %q", ErrMissingVersion, r.name, file)
			}
			sub = r.byCRC[crc]
			if sub == nil {
				return fmt.Errorf("%w: %s", ErrUndefined, versionName(r.name, crc))
			}
		}
		if sub == nil {
			return fmt.Errorf("%w: %s", ErrUndefined, r.name)
		}
		stack = append(stack, frame{d: sub})
	}
	return nil
}

// CRC computes the symbol version genksyms gives an export: the standard
// CRC-32 of its expanded declaration.
func (s *Set) CRC(sym string) (uint32, error) {
	c := s.compile()
	k := sink{buf: c.scratch[:0]}
	err := s.expandExport(sym, &k)
	c.scratch = k.buf
	if err != nil {
		return 0, err
	}
	return crc32.ChecksumIEEE(k.buf), nil
}

// Expand returns the expanded declaration of an export, the text genksyms
// -D prints and whose CRC is the symbol version.
func (s *Set) Expand(sym string) (string, error) {
	var k sink
	if err := s.expandExport(sym, &k); err != nil {
		return "", err
	}
	return string(k.buf), nil
}

// SymbolCRC is one line of a report.
type SymbolCRC struct {
	Symbol string
	CRC    uint32
}

// Report computes the CRC of every export, sorted by symbol (the order
// of Exports).
func (s *Set) Report() ([]SymbolCRC, error) {
	syms := s.Exports()
	out := make([]SymbolCRC, 0, len(syms))
	for _, sym := range syms {
		crc, err := s.CRC(sym)
		if err != nil {
			return nil, err
		}
		out = append(out, SymbolCRC{sym, crc})
	}
	return out, nil
}

// DisplayName is how a reference reads in C: "struct foo", "union foo",
// "enum foo", or the bare name for typedefs, enumerators and exports; any
// "@version" is dropped.
func DisplayName(tok string) string {
	if i := strings.IndexByte(tok, '@'); i >= 0 {
		tok = tok[:i]
	}
	if len(tok) >= 2 && tok[1] == '#' {
		if p, ok := prefixes[tok[0]]; ok {
			return p + tok[2:]
		}
	}
	return tok
}
