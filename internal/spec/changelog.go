package spec

import (
	"fmt"
	"strings"
	"time"
)

// ChangelogEntry is one %changelog entry.
type ChangelogEntry struct {
	Date        time.Time
	Name, Email string
	EVR         string // version-release, "" to leave it out
	Lines       []string
}

// Text is the entry as rpm reads it: "* Sun Nov 29 2026 Name <email> -
// EVR", then one "- line" per line (a % doubled, as rpm expands macros
// there), then an empty line.
func (e ChangelogEntry) Text() string {
	var b strings.Builder
	esc := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, s)
		return strings.ReplaceAll(s, "%", "%%")
	}
	fmt.Fprintf(&b, "* %s %s <%s>", e.Date.UTC().Format("Mon Jan 02 2006"), esc(e.Name), esc(e.Email))
	if e.EVR != "" {
		b.WriteString(" - " + esc(e.EVR))
	}
	b.WriteString("\n")
	for _, l := range e.Lines {
		b.WriteString("- " + esc(l) + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

// AddChangelog puts entry at the top of %changelog, adding the section at
// the end of the spec when there is none.
func AddChangelog(src []byte, entry ChangelogEntry) ([]byte, error) {
	lines := splitLines(string(src))
	for i, l := range lines {
		if section(content(l)) == "changelog" {
			eol := l[len(content(l)):]
			if eol == "" {
				lines[i] += "\n"
			}
			text := entry.Text()
			rest := lines[i+1:]
			if len(rest) == 0 || trimSpace(strings.Join(rest, "")) == "" {
				text = strings.TrimSuffix(text, "\n") // no entry to separate from
			}
			return []byte(strings.Join(lines[:i+1], "") + text + strings.Join(rest, "")), nil
		}
	}
	out := string(src)
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if !strings.HasSuffix(out, "\n\n") {
		out += "\n"
	}
	return []byte(out + "%changelog\n" + strings.TrimSuffix(entry.Text(), "\n")), nil
}
