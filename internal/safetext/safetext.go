// Package safetext makes text from commit messages, notes and patch files
// safe to print on a terminal. Queues under review may come from anyone,
// and a title holding an escape sequence could otherwise retitle the
// terminal, move the cursor or hide lines of the review.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Line returns s with every control character (C0, DEL, C1, and the
// line and paragraph separators) written as a visible escape (\e, \r, \n,
// \t, \xNN, \u2028), and invalid UTF-8 bytes as \xNN. A backslash stays
// as it is: the escapes are for a reader, not for a parser, and doubling
// every backslash would damage ordinary titles.
func Line(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == 0x1b:
			b.WriteString(`\e`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r >= 0x80 && r < 0xa0:
			b.WriteString(`\u00`)
			b.WriteString(hex2(byte(r)))
		case r == 0x2028 || r == 0x2029:
			if r == 0x2028 {
				b.WriteString(`\u2028`)
			} else {
				b.WriteString(`\u2029`)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Text is Line for several lines: newlines (and tabs) stay, every other
// control character is escaped.
func Text(s string) string {
	if clean(strings.NewReplacer("\n", "", "\t", "").Replace(s)) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for j, p := range parts {
			parts[j] = Line(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}

// clean reports whether s needs no escaping (the common case, checked
// without allocating).
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029 {
				return false
			}
			i += size - 1
		}
	}
	return true
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
