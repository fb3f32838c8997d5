package symtypes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel errors; wrapped errors say which symbol, file or line.
var (
	ErrMalformed          = errors.New("malformed symtypes line")
	ErrUndefined          = errors.New("undefined type")
	ErrUnknownExport      = errors.New("unknown export")
	ErrMissingVersion     = errors.New("no version recorded for duplicated type")
	ErrNoCommonSymbols    = errors.New("these share no symbols in common, nothing to compare")
	ErrMalformedSymbolLst = errors.New("malformed symbol list")
)

// Def is one definition line: its name as written (with an "@crc" suffix
// for a version of a duplicated type) and its declaration tokens.
type Def struct {
	Name   string
	Tokens []string
	// CRC identifies the definition: the CRC-32 of its line as genksyms
	// wrote it (unversioned name included), or the value after "@".
	CRC uint32
}

// Set is the content of a symtypes or collected Symtypes file.
type Set struct {
	defs map[string]*Def // by name as written
	// dupes maps the base name of a duplicated type to its versioned names.
	dupes map[string]map[string]bool
	// fileVers maps an object file to the version (line CRC) it saw of each
	// type. Which files have an entry at all matters for the "Reduced
	// files" count, so entries may be empty.
	fileVers map[string]map[string]uint32
	// exports maps an exported symbol to the object file defining it, ""
	// when the input did not say (a plain .symtypes file).
	exports map[string]string

	compiled *compiled // CRC engine state, dropped on every change
}

// NewSet returns an empty set, ready for AddFile.
func NewSet() *Set {
	return &Set{
		defs:     map[string]*Def{},
		dupes:    map[string]map[string]bool{},
		fileVers: map[string]map[string]uint32{},
		exports:  map[string]string{},
	}
}

// Parse reads one symtypes or collected Symtypes file. name is only used
// in error messages.
func Parse(r io.Reader, name string) (*Set, error) {
	s := NewSet()
	if err := s.read(r, name, ""); err != nil {
		return nil, err
	}
	return s, nil
}

// AddFile merges the .symtypes dump of one object file, path being its
// path relative to the build directory, the way the collected format
// records it. Call FinishCollect after the last file.
func (s *Set) AddFile(r io.Reader, path string) error {
	if path == "" {
		return fmt.Errorf("add symtypes: empty path")
	}
	return s.read(r, path, path)
}

// FinishCollect forgets which version of a type each file saw for every
// type that ended up with a single definition: only duplicated types need
// an F# entry.
func (s *Set) FinishCollect() {
	for _, vers := range s.fileVers {
		for base := range vers {
			if _, dup := s.dupes[base]; !dup {
				delete(vers, base)
			}
		}
	}
}

func (s *Set) read(r io.Reader, name, file string) error {
	s.compiled = nil
	br := bufio.NewReaderSize(r, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// Long lines (big structs) are normal; gather the rest.
			buf := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if aerr := s.add(string(t), file); aerr != nil {
				return fmt.Errorf("%s:%d: %w", name, lineNo, aerr)
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

var prefixes = map[byte]string{'s': "struct ", 'u': "union ", 'e': "enum ", 'E': "", 't': ""}

// isRef reports whether a token is a type reference ("s#name"...).
func isRef(tok string) bool { return strings.IndexByte(tok, '#') >= 0 }

// maxQuoted is how long a token quoted in an error may get: a binary file
// read as symtypes would otherwise put a long escaped line in it.
const maxQuoted = 40

// quoteToken quotes tok for an error message, cut to maxQuoted bytes
// (quotes and escapes included) with an ellipsis.
func quoteToken(tok string) string {
	q := strconv.Quote(tok)
	if len(q) <= maxQuoted {
		return q
	}
	cut := `""`
	for i := 0; i < len(tok); {
		_, size := utf8.DecodeRuneInString(tok[i:])
		next := strconv.Quote(tok[:i+size])
		if len(next)+len("…") > maxQuoted {
			break
		}
		cut, i = next, i+size
	}
	return cut + "…"
}

func checkRef(tok string) error {
	if len(tok) < 3 || tok[1] != '#' {
		return fmt.Errorf("%w: bad type reference %s", ErrMalformed, quoteToken(tok))
	}
	if _, ok := prefixes[tok[0]]; !ok || strings.IndexByte(tok[2:], '#') >= 0 {
		return fmt.Errorf("%w: bad type reference %s", ErrMalformed, quoteToken(tok))
	}
	return nil
}

// isIdent reports whether s is a C identifier.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// checkExport rejects lines that cannot be an export's declaration:
// genksyms writes an exported symbol's line as its name followed by the
// declaration, which names it again ("foo int foo ( void )"). Without this
// rule any two words ("hello world") would read as an export.
func checkExport(name string, tokens []string) error {
	if !isIdent(name) {
		return fmt.Errorf("%w: %s is neither a type (s#, u#, e#, E#, t#) nor a C identifier", ErrMalformed, quoteToken(name))
	}
	for _, t := range tokens {
		if t == name {
			return nil
		}
	}
	return fmt.Errorf("%w: the declaration of export %s does not name it (not a genksyms line)", ErrMalformed, quoteToken(name))
}

func parseCRC(s string) (uint32, bool) {
	if len(s) == 0 || len(s) > 8 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	return uint32(v), err == nil
}

// add merges one trimmed, non-empty line. file is "" when reading a file
// that is already collected (its own F# lines say where things come from).
func (s *Set) add(line, file string) error {
	fields := strings.Fields(line)
	head, tokens := fields[0], fields[1:]
	if strings.HasPrefix(head, "F#") {
		return s.addFileLine(head[2:], tokens)
	}
	for _, t := range tokens {
		if isRef(t) {
			if err := checkRef(t); err != nil {
				return err
			}
		}
	}
	base, vname, crc := head, head, crc32.ChecksumIEEE([]byte(line))
	if i := strings.IndexByte(head, '@'); i >= 0 {
		var ok bool
		base = head[:i]
		if crc, ok = parseCRC(head[i+1:]); !ok {
			return fmt.Errorf("%w: bad version in %s (want name@<8 hex digits>)", ErrMalformed, quoteToken(head))
		}
	}
	if base == "" {
		return fmt.Errorf("%w: empty name", ErrMalformed)
	}
	if isRef(base) {
		if err := checkRef(base); err != nil {
			return err
		}
	} else if err := checkExport(base, tokens); err != nil {
		return err
	}
	if base != head {
		s.addDupe(base, head)
	} else {
		vname = s.resolve(base, crc)
	}
	if file != "" {
		m := s.fileVers[file]
		if m == nil {
			m = map[string]uint32{}
			s.fileVers[file] = m
		}
		m[base] = crc
	}
	if _, ok := s.defs[vname]; ok {
		return nil // the same definition seen again in another file
	}
	s.defs[vname] = &Def{Name: vname, Tokens: tokens, CRC: crc}
	if !isRef(base) {
		if _, ok := s.exports[base]; !ok {
			s.exports[base] = file
		}
	}
	return nil
}

func (s *Set) addDupe(base, vname string) {
	m := s.dupes[base]
	if m == nil {
		m = map[string]bool{}
		s.dupes[base] = m
	}
	m[vname] = true
}

// resolve returns the name under which a definition of base with this line
// CRC is stored. A second, different definition turns the plain name into
// versioned names for every definition, so files keep whichever they saw.
func (s *Set) resolve(base string, crc uint32) string {
	if vers, dup := s.dupes[base]; dup {
		for v := range vers {
			if d := s.defs[v]; d != nil && d.CRC == crc {
				return v
			}
		}
		v := versionName(base, crc)
		s.addDupe(base, v)
		return v
	}
	old, ok := s.defs[base]
	if !ok || old.CRC == crc {
		return base
	}
	delete(s.defs, base)
	ov := versionName(base, old.CRC)
	old.Name = ov
	s.defs[ov] = old
	s.addDupe(base, ov)
	v := versionName(base, crc)
	s.addDupe(base, v)
	return v
}

func versionName(base string, crc uint32) string {
	return fmt.Sprintf("%s@%08x", base, crc)
}

func (s *Set) addFileLine(path string, tokens []string) error {
	if path == "" {
		return fmt.Errorf("%w: F# line without a file name", ErrMalformed)
	}
	for _, t := range tokens {
		i := strings.IndexByte(t, '@')
		if i < 0 {
			if isRef(t) {
				return fmt.Errorf("%w: F# line lists type %s without a version", ErrMalformed, quoteToken(t))
			}
			s.exports[t] = path
			continue
		}
		crc, ok := parseCRC(t[i+1:])
		if !ok || i == 0 || strings.IndexByte(t[i+1:], '@') >= 0 {
			return fmt.Errorf("%w: bad version %s in F# line (want name@<8 hex digits>)", ErrMalformed, quoteToken(t))
		}
		m := s.fileVers[path]
		if m == nil {
			m = map[string]uint32{}
			s.fileVers[path] = m
		}
		m[t[:i]] = crc
	}
	return nil
}

// Exports lists the exported symbols, sorted.
func (s *Set) Exports() []string {
	out := make([]string, 0, len(s.exports))
	for e := range s.exports {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// ExportFile returns the object file an export comes from ("" if unknown).
func (s *Set) ExportFile(sym string) (string, bool) {
	f, ok := s.exports[sym]
	return f, ok
}

// Lookup returns a definition by its name as written.
func (s *Set) Lookup(name string) (*Def, bool) {
	d, ok := s.defs[name]
	return d, ok
}

// Len is the number of definition lines.
func (s *Set) Len() int { return len(s.defs) }

// versioned names the definition of base that the given file saw.
func (s *Set) versioned(base, file string) (string, error) {
	if _, dup := s.dupes[base]; !dup {
		return base, nil
	}
	crc, ok := s.fileVers[file][base]
	if !ok {
		if file == "" {
			return "", fmt.Errorf("%w: %s (no F# line names the file of the export)", ErrMissingVersion, base)
		}
		return "", fmt.Errorf("%w: %s in %s", ErrMissingVersion, base, file)
	}
	return versionName(base, crc), nil
}

// WriteTo writes the set in the collected format: definitions sorted by
// name, then F# lines sorted by file, each listing the file's exports and
// the versions of duplicated types it saw, in one sorted list.
func (s *Set) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	var n int64
	names := make([]string, 0, len(s.defs))
	for name := range s.defs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := s.defs[name]
		k, _ := bw.WriteString(name)
		n += int64(k)
		for _, t := range d.Tokens {
			k, _ = bw.WriteString(" " + t)
			n += int64(k)
		}
		if len(d.Tokens) == 0 {
			k, _ = bw.WriteString(" ")
			n += int64(k)
		}
		k, _ = bw.WriteString("\n")
		n += int64(k)
	}
	byFile := map[string][]string{}
	for sym, f := range s.exports {
		if f != "" {
			byFile[f] = append(byFile[f], sym)
		}
	}
	for f, vers := range s.fileVers {
		items := byFile[f]
		for base, crc := range vers {
			items = append(items, versionName(base, crc))
		}
		byFile[f] = items
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		items := byFile[f]
		sort.Strings(items)
		k, _ := fmt.Fprintf(bw, "F#%s %s\n", f, strings.Join(items, " "))
		n += int64(k)
	}
	return n, bw.Flush()
}

// Reduction counts what Filter removed, in the terms the reference tool
// prints.
type Reduction struct {
	FilesBefore, FilesAfter     int
	SymbolsBefore, SymbolsAfter int
}

// String gives the two lines consolidate prints.
func (r Reduction) String() string {
	return fmt.Sprintf("Reduced files from %d to %d, a %2.1f%% reduction.\nReduced symbols from %d to %d. A %2.1f%% reduction.\n",
		r.FilesBefore, r.FilesAfter, percent(r.FilesBefore-r.FilesAfter, r.FilesBefore),
		r.SymbolsBefore, r.SymbolsAfter, percent(r.SymbolsBefore-r.SymbolsAfter, r.SymbolsBefore))
}

func percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// Filter keeps the listed exports, the file records of files that still
// export something, and every definition reachable from the kept exports
// (all versions of a duplicated type, since different files may use
// different ones).
func (s *Set) Filter(keep map[string]bool) Reduction {
	s.compiled = nil
	filesBefore := map[string]bool{}
	for _, f := range s.exports {
		filesBefore[f] = true
	}
	for sym := range s.exports {
		if !keep[sym] {
			delete(s.exports, sym)
		}
	}
	filesAfter := map[string]bool{}
	for _, f := range s.exports {
		filesAfter[f] = true
	}
	removedFiles := 0
	for f := range filesBefore {
		if !filesAfter[f] {
			removedFiles++
			delete(s.fileVers, f)
		}
	}
	seen := map[string]bool{}
	queue := make([]string, 0, len(s.exports))
	for sym := range s.exports {
		queue = append(queue, sym)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		if vers, dup := s.dupes[name]; dup {
			for v := range vers {
				queue = append(queue, v)
			}
			continue
		}
		if d := s.defs[name]; d != nil {
			for _, t := range d.Tokens {
				if isRef(t) && !seen[t] {
					queue = append(queue, t)
				}
			}
		}
	}
	before := len(s.defs)
	for name := range s.defs {
		if !seen[name] {
			delete(s.defs, name)
		}
	}
	return Reduction{
		FilesBefore: removedFiles + len(s.fileVers), FilesAfter: len(s.fileVers),
		SymbolsBefore: before, SymbolsAfter: len(s.defs),
	}
}
