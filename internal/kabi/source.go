package kabi

import (
	"regexp"
	"sort"
	"strings"
)

// LineDiff returns the lines of a not in b and of b not in a (as
// multisets, in order), compared without indentation.
func LineDiff(a, b []string) (removed, added []string) {
	onlyIn := func(xs, ys []string) []string {
		left := map[string]int{}
		for _, y := range ys {
			left[strings.TrimSpace(y)]++
		}
		var out []string
		for _, x := range xs {
			k := strings.TrimSpace(x)
			if left[k] > 0 {
				left[k]--
				continue
			}
			out = append(out, k)
		}
		return out
	}
	return onlyIn(a, b), onlyIn(b, a)
}

var (
	identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	fnPtrRE = regexp.MustCompile(`\(\s*\*\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)`)
	cWords  = map[string]bool{
		"struct": true, "union": true, "enum": true, "const": true, "volatile": true, "unsigned": true,
		"signed": true, "int": true, "long": true, "short": true, "char": true, "void": true, "bool": true,
		"_Bool": true, "float": true, "double": true, "typedef": true, "static": true, "inline": true,
		"extern": true, "attribute": true, "__attribute__": true, "restrict": true, "__restrict": true,
		"UNKNOWN": true, // genksyms' body of a type declared but not defined
	}
)

// Members names the declarators of definition lines, sorted: "struct
// list_head lru;" declares lru, "int (*cb)(void *);" declares cb, and an
// enumerator line "FOO = 3," declares FOO.
func Members(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		name := ""
		if m := fnPtrRE.FindStringSubmatch(l); m != nil {
			name = m[1]
		} else {
			decl := l
			if i := strings.IndexAny(decl, "[:="); i >= 0 {
				decl = decl[:i]
			}
			for _, id := range identRE.FindAllString(decl, -1) {
				if !cWords[id] {
					name = id
				}
			}
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// DefinitionPattern is an extended regular expression (git grep -E)
// matching the line that defines a symtypes name in C source ("s#foo"
// struct foo, "t#foo" a typedef, "E#FOO" an enumerator, a bare name an
// export), and the globs of the files to look in.
func DefinitionPattern(name string) (string, []string) {
	kind, base := "", name
	if i := strings.IndexByte(name, '#'); i >= 0 {
		kind, base = name[:i], name[i+1:]
	}
	if i := strings.IndexByte(base, '@'); i >= 0 {
		base = base[:i]
	}
	id := regexp.QuoteMeta(base)
	const nb = `(^|[^A-Za-z0-9_])`
	switch kind {
	case "s", "u", "e":
		kw := map[string]string{"s": "struct", "u": "union", "e": "enum"}[kind]
		return nb + kw + `[[:space:]]+` + id + `[[:space:]]*(\{|$)`, []string{"*.h", "*.c"}
	case "t":
		return `(typedef.*[^A-Za-z0-9_]|^[[:space:]]*\}[[:space:]]*)` + id + `[[:space:]]*(;|\[|\))`, []string{"*.h", "*.c"}
	case "E":
		return nb + id + `[[:space:]]*(=|,|$)`, []string{"*.h"}
	default:
		return `EXPORT_SYMBOL[A-Z_]*\([[:space:]]*` + id + `[[:space:]]*\)`, []string{"*.c"}
	}
}

// MembersPattern is an extended regular expression (git log -G) matching
// a line that names one of the members as a whole word.
func MembersPattern(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return `(^|[^A-Za-z0-9_])(` + strings.Join(quoted, "|") + `)([^A-Za-z0-9_]|$)`
}
