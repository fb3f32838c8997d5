package symtypes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LockedSection is one module's part of a locked list: the name on its
// "[name]" line and the kernel symbols listed under it, in file order.
type LockedSection struct {
	Name    string
	Symbols []string
}

// maxLockedLine is the longest line a locked list may have.
const maxLockedLine = 16 << 20

// ParseLockedSections reads a locked list, the file the vendor's kabi tool
// takes with -l and hypervisor-dev's scripts/generate_locked_list.sh
// writes, keeping sections and symbols in file order. Its grammar is the
// only one of the format: ParseLockedList (the modules using each symbol)
// and ParseSymbolList (the set of symbols) read the same lines, with the
// same errors, through the scanner this function uses.
//
// Each line, once leading and trailing white space is dropped, is one of:
//
//   - empty: skipped;
//   - "[name]", opening a section: the name is not empty and has no white
//     space and no bracket;
//   - a symbol of the section opened last (written indented with a tab):
//     one word, no bracket.
//
// A symbol before the first section is an error, and so is a line that
// is none of these: the error names the file and line (name is only used
// in error messages) and wraps ErrMalformedSymbolLst. A section may be
// empty or appear twice; a symbol may appear twice.
func ParseLockedSections(r io.Reader, name string) ([]LockedSection, error) {
	var out []LockedSection
	err := scanLockedList(r, name, func(section string) {
		out = append(out, LockedSection{Name: section})
	}, func(sym string) {
		s := &out[len(out)-1]
		s.Symbols = append(s.Symbols, sym)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanLockedList reads a locked list, calling section for each section
// line and symbol for each symbol, in file order, until the end or the
// first malformed line (see ParseLockedSections). The views of the list
// are built from these calls, without building the sections first.
func scanLockedList(r io.Reader, name string, section, symbol func(string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLockedLine)
	inSection := false
	n := 1
	for ; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		text := string(line)
		if reason := lockedLineError(text, inSection); reason != "" {
			return &listError{name, n, reason, lockedListFormat}
		}
		if text[0] == '[' {
			inSection = true
			section(text[1 : len(text)-1])
			continue
		}
		symbol(text)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &listError{name, n, fmt.Sprintf("line longer than %d MiB", maxLockedLine>>20), lockedListFormat}
		}
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// lockedLineError says what is wrong with a trimmed, non-empty line of a
// locked list, or "" for a good line. inSection tells whether a section
// line came before.
func lockedLineError(line string, inSection bool) string {
	if line[0] == '[' {
		m, ok := strings.CutSuffix(line[1:], "]")
		if !ok {
			return "section " + quoteToken(line) + ` does not end with "]"`
		}
		if strings.TrimSpace(m) == "" {
			return "section " + quoteToken(line) + " has no name"
		}
		switch blank, bracket := wordFlaws(m); {
		case blank:
			return "section " + quoteToken(line) + " has more than one word"
		case bracket:
			return "section " + quoteToken(line) + " has a bracket in its name"
		}
		return ""
	}
	if !inSection {
		return "symbol " + quoteToken(line) + " before the first [module] line"
	}
	switch blank, bracket := wordFlaws(line); {
	case blank:
		return "symbol " + quoteToken(line) + " has more than one word"
	case bracket:
		return "symbol " + quoteToken(line) + " has a bracket"
	}
	return ""
}

// wordFlaws reports whether s has white space (as unicode.IsSpace, the
// white space strings.TrimSpace drops) and whether it has a bracket. It
// looks at bytes, decoding runes only past ASCII: it runs on every line.
func wordFlaws(s string) (blank, bracket bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\n', '\v', '\f', '\r':
				blank = true
			case '[', ']':
				bracket = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		blank = blank || unicode.IsSpace(r)
		i += size
	}
	return blank, bracket
}

// WriteLockedSections writes sections as ParseLockedSections reads them
// and the script writes them: each "[name]" line followed by its symbols,
// one per line, indented with a tab.
func WriteLockedSections(w io.Writer, sections []LockedSection) error {
	var b strings.Builder
	for _, s := range sections {
		b.WriteString("[" + s.Name + "]\n")
		for _, sym := range s.Symbols {
			b.WriteString("\t" + sym + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// isLockedList reports whether data is meant as a locked list rather than
// a Module.symvers file: its first non-blank character opens a section.
func isLockedList(data []byte) bool {
	rest := bytes.TrimLeftFunc(data, unicode.IsSpace)
	return len(rest) > 0 && rest[0] == '['
}
