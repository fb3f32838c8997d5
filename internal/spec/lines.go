package spec

import "strings"

// splitLines cuts src into physical lines, each keeping its "\n" so that
// concatenating them gives src back.
func splitLines(src string) []string {
	var lines []string
	for len(src) > 0 {
		i := strings.IndexByte(src, '\n')
		if i < 0 {
			lines = append(lines, src)
			break
		}
		lines = append(lines, src[:i+1])
		src = src[i+1:]
	}
	return lines
}

// content is a physical line without its line terminator.
func content(line string) string {
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r")
}

// logical is one line as rpm reads it: one or more physical lines.
type logical struct {
	first, last int    // physical line indexes, 0-based, inclusive
	text        string // the physical lines' contents joined by "\n"
}

// Line is the 1-based number of the logical line's first physical line.
func (l logical) Line() int { return l.first + 1 }

// joinLogical groups physical lines the way rpm's copyNextLineFromOFI
// does: a line continues while it ends in a backslash or while a %{, %( or
// %[ opened on it is not closed yet.
func joinLogical(lines []string) []logical {
	var out []logical
	for i := 0; i < len(lines); {
		first := i
		var b strings.Builder
		bc, pc, xc := 0, 0, 0
		for {
			c := content(lines[i])
			if i > first {
				b.WriteByte('\n')
			}
			b.WriteString(c)
			nc := false
			for p := 0; p < len(c); p++ {
				switch c[p] {
				case '\\':
					if p+1 == len(c) {
						nc = true
					} else {
						p++
					}
				case '%':
					if p+1 < len(c) {
						switch c[p+1] {
						case '{':
							p++
							bc++
						case '(':
							p++
							pc++
						case '[':
							p++
							xc++
						case '%':
							p++
						}
					}
				case '{':
					if bc > 0 {
						bc++
					}
				case '}':
					if bc > 0 {
						bc--
					}
				case '(':
					if pc > 0 {
						pc++
					}
				case ')':
					if pc > 0 {
						pc--
					}
				case '[':
					if xc > 0 {
						xc++
					}
				case ']':
					if xc > 0 {
						xc--
					}
				}
			}
			i++
			if !(nc || bc > 0 || pc > 0 || xc > 0) || i == len(lines) {
				break
			}
		}
		out = append(out, logical{first: first, last: i - 1, text: b.String()})
	}
	return out
}

// sectionNames are the spec parts rpm recognises at the start of a line.
var sectionNames = map[string]bool{
	"package": true, "description": true, "prep": true, "build": true,
	"install": true, "check": true, "clean": true, "files": true,
	"changelog": true, "pre": true, "post": true, "preun": true,
	"postun": true, "pretrans": true, "posttrans": true,
	"preuntrans": true, "postuntrans": true, "verifyscript": true,
	"trigger": true, "triggerin": true, "triggerun": true,
	"triggerpostun": true, "triggerprein": true, "filetrigger": true,
	"filetriggerin": true, "filetriggerun": true, "filetriggerpostun": true,
	"transfiletrigger": true, "transfiletriggerin": true,
	"transfiletriggerun": true, "transfiletriggerpostun": true,
	"sepolicy": true, "end": true, "patchlist": true, "sourcelist": true,
	"generate_buildrequires": true, "conf": true, "buildsystem": true,
}

// section returns the section a line starts ("" if none); like rpm it
// must be at the very start of the line.
func section(text string) string {
	if !strings.HasPrefix(text, "%") {
		return ""
	}
	name := text[1:]
	if i := strings.IndexAny(name, " \t\n"); i >= 0 {
		name = name[:i]
	}
	if sectionNames[name] {
		return name
	}
	return ""
}

// isPreamble reports whether the tags of a section are package tags.
func isPreamble(sec string) bool { return sec == "" || sec == "package" }

// directive returns the %word a (trimmed) line starts with, and the rest.
func directive(trimmed string) (name, rest string) {
	if !strings.HasPrefix(trimmed, "%") {
		return "", ""
	}
	i := 1
	for i < len(trimmed) && (isAlnum(trimmed[i]) || trimmed[i] == '_') {
		i++
	}
	return trimmed[1:i], trimmed[i:]
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(s string) string { return strings.Trim(s, " \t\r\n\v\f") }

func trimLeftSpace(s string) string { return strings.TrimLeft(s, " \t\r\n\v\f") }

// tagLine is a "Tag: value" or "TagN: value" line.
type tagLine struct {
	name      string // as written, number included
	key       string // lower-case, without number
	digits    string // number as written, "" if none
	numStart  int    // offset of digits in the line
	value     string // raw value, trimmed
	valueFrom int    // offset of the value in the line
}

// matchTag recognises a tag line. Tags are case-insensitive; only Source
// and Patch take a number, so "Name2:" is not a tag.
func matchTag(text string) (tagLine, bool) {
	i := 0
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	start := i
	for i < len(text) && (text[i] >= 'a' && text[i] <= 'z' || text[i] >= 'A' && text[i] <= 'Z') {
		i++
	}
	if i == start {
		return tagLine{}, false
	}
	key := strings.ToLower(text[start:i])
	ds := i
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	digits := text[ds:i]
	// A tag with a qualifier such as Requires(post) is never one we need.
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i >= len(text) || text[i] != ':' {
		return tagLine{}, false
	}
	if digits != "" && key != "patch" && key != "source" {
		return tagLine{}, false
	}
	v := i + 1
	for v < len(text) && (text[v] == ' ' || text[v] == '\t') {
		v++
	}
	return tagLine{
		name: text[start:i], key: key, digits: digits, numStart: ds,
		value: trimSpace(text[v:]), valueFrom: v,
	}, true
}

// commentedPatch recognises "# PatchN: rest" (a patch commented out).
func matchCommentedPatch(text string) (digits string, numStart int, rest string, ok bool) {
	i := 0
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i >= len(text) || text[i] != '#' {
		return "", 0, "", false
	}
	i++
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if len(text)-i < 5 || !strings.EqualFold(text[i:i+5], "patch") {
		return "", 0, "", false
	}
	i += 5
	ds := i
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	if i == ds {
		return "", 0, "", false
	}
	digits = text[ds:i]
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i >= len(text) || text[i] != ':' {
		return "", 0, "", false
	}
	return digits, ds, trimSpace(text[i+1:]), true
}

// parseNum parses a tag number as rpm's parseUnsignedNum does (leading
// zeros allowed), refusing values that do not fit.
func parseNum(digits string) (int, bool) {
	if digits == "" || len(strings.TrimLeft(digits, "0")) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n, true
}
