package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// ReleaseChange is what SetRelease changed.
type ReleaseChange struct {
	Line     int    // the line edited: the Release tag's, or the macro's it names
	Old, New string // the release as written there, without %{?dist}
	Macro    string // the macro edited, "" when the Release line itself was
}

// distSuffixes are the ways a Release ends in the distribution tag.
var distSuffixes = []string{"%{?dist}", "%{dist}", "%dist"}

// SetRelease changes the Release: to release when it is not empty, else to
// the written release with its last number bumped (1.1 -> 1.2,
// 1%{?dist} -> 2%{?dist}). A Release that only names a macro, as
// "%{?xsrel}%{?dist}", is changed where that macro is defined by a
// literal %global or %define. Any other Release computed by macros is
// refused (ErrUnsupported): give the release then.
func SetRelease(src []byte, release string, opts *Options) ([]byte, *ReleaseChange, error) {
	s, err := Parse(src, opts)
	if err != nil {
		return nil, nil, err
	}
	if !s.release.found {
		return nil, nil, fmt.Errorf("%w: Release", ErrNoTag)
	}
	if strings.ContainsAny(release, " \t\r\n%-") {
		return nil, nil, fmt.Errorf("%w: bad release %q", ErrSyntax, release)
	}
	lines := append([]string(nil), s.lines...)
	ln := s.release.line
	c := content(lines[ln-1])
	t, ok := matchTag(c)
	if !ok || t.key != "release" {
		return nil, nil, lineErrf(ln, ErrUnsupported, "Release is not written on a line of its own; change it by hand")
	}
	val := t.value
	for _, d := range distSuffixes {
		if strings.HasSuffix(val, d) {
			val = strings.TrimSuffix(val, d)
			break
		}
	}
	ch := &ReleaseChange{Line: ln, Old: val}
	from := t.valueFrom // where val starts in line ln
	if name, ok := macroRef(val); ok {
		dl, df, body, err := literalDefinition(lines, name)
		if err != nil {
			return nil, nil, lineErrf(ln, ErrUnsupported, "Release uses %%{%s}: %v; give --release or change it by hand", name, err)
		}
		ch.Line, ch.Old, ch.Macro, from, ln, c = dl, body, name, df, dl, content(lines[dl-1])
	} else if strings.Contains(val, "%") {
		return nil, nil, lineErrf(ln, ErrUnsupported, "Release %q is computed by macros; give --release or change it by hand", t.value)
	}
	ch.New = release
	if ch.New == "" {
		if ch.New, ok = bumpLast(ch.Old); !ok {
			return nil, nil, lineErrf(ln, ErrUnsupported, "release %q has no number to bump; give --release", ch.Old)
		}
	}
	lines[ln-1] = c[:from] + ch.New + c[from+len(ch.Old):] + lines[ln-1][len(c):]
	return []byte(strings.Join(lines, "")), ch, nil
}

// macroRef recognises a value that is only a macro reference.
func macroRef(v string) (string, bool) {
	var name string
	switch {
	case strings.HasPrefix(v, "%{?") && strings.HasSuffix(v, "}"):
		name = v[3 : len(v)-1]
	case strings.HasPrefix(v, "%{") && strings.HasSuffix(v, "}"):
		name = v[2 : len(v)-1]
	case strings.HasPrefix(v, "%"):
		name = v[1:]
	default:
		return "", false
	}
	for i := 0; i < len(name); i++ {
		if !isAlnum(name[i]) && name[i] != '_' {
			return "", false
		}
	}
	return name, name != ""
}

// definition is a %global or %define line of a spec.
type definition struct {
	logical
	kind   string   // "global" or "define"
	fields []string // what follows the directive split at white space: the name, the body's words
}

// literal reports whether the definition gives its macro one word without
// macros, on one physical line.
func (d definition) literal() bool {
	return d.first == d.last && len(d.fields) == 2 && !strings.Contains(d.fields[1], "%")
}

// definitions lists the %global and %define lines of a spec, in order.
func definitions(lines []string) []definition {
	var out []definition
	for _, l := range joinLogical(lines) {
		d, rest := directive(trimLeftSpace(l.text))
		if d == "global" || d == "define" {
			out = append(out, definition{logical: l, kind: d, fields: strings.Fields(rest)})
		}
	}
	return out
}

// literalDefinition finds the one %global or %define of name whose body
// is written literally: its line, the offset of the body, and the body.
func literalDefinition(lines []string, name string) (int, int, string, error) {
	found := 0
	var line, from int
	var body string
	for _, d := range definitions(lines) {
		if len(d.fields) < 2 || d.fields[0] != name {
			continue
		}
		found++
		if !d.literal() {
			return 0, 0, "", fmt.Errorf("%%%s %s is not a literal value", d.kind, name)
		}
		c := content(lines[d.first])
		line, body = d.Line(), d.fields[1]
		from = strings.LastIndex(c, body)
	}
	switch found {
	case 0:
		return 0, 0, "", fmt.Errorf("no %%global %s", name)
	case 1:
		return line, from, body, nil
	}
	return 0, 0, "", fmt.Errorf("%%global %s is defined %d times", name, found)
}

// bumpLast adds one to the last field of a release that is a number:
// 1.1 -> 1.2, 7 -> 8, 1.1.el8 -> 1.2.el8, 2.xcpng8.09 -> 2.xcpng8.10.
func bumpLast(v string) (string, bool) {
	f := strings.Split(v, ".")
	for i := len(f) - 1; i >= 0; i-- {
		if f[i] == "" || len(f[i]) > 9 || !isNumber(f[i]) {
			continue
		}
		n, _ := strconv.Atoi(f[i])
		f[i] = formatNum(n+1, f[i])
		return strings.Join(f, "."), true
	}
	return "", false
}

// SetGlobal gives the literal %global (or %define) name the value to; it
// is refused when the macro is not defined exactly once, literally.
func SetGlobal(src []byte, name, to string) ([]byte, int, error) {
	lines := splitLines(string(src))
	ln, from, body, err := literalDefinition(lines, name)
	if err != nil {
		return nil, 0, err
	}
	if strings.ContainsAny(to, " \t\r\n%") || to == "" {
		return nil, 0, fmt.Errorf("%w: bad value %q for %%global %s", ErrSyntax, to, name)
	}
	c := content(lines[ln-1])
	lines[ln-1] = c[:from] + to + c[from+len(body):] + lines[ln-1][len(c):]
	return []byte(strings.Join(lines, "")), ln, nil
}

// Global is a literal %global or %define of the spec.
type Global struct {
	Line        int
	Name, Value string
}

// Globals lists the %global and %define lines whose value is one literal
// word, in order.
func Globals(src []byte) []Global {
	var out []Global
	for _, d := range definitions(splitLines(string(src))) {
		if d.literal() && !strings.Contains(d.fields[0], "(") {
			out = append(out, Global{Line: d.Line(), Name: d.fields[0], Value: d.fields[1]})
		}
	}
	return out
}
