package srpm

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Header is what a patch file says about the commit it becomes.
type Header struct {
	// Mail is true when git am can read the file as a mail: it starts with
	// an mbox "From " line or with RFC 2822 headers naming From: and
	// Subject:. Other patches are applied with patch(1).
	Mail bool

	Name, Email string    // author, empty when the patch names none
	Date        time.Time // author date, zero when the patch has none
	Subject     string    // empty when the patch has none
	Body        string    // the rest of the message, without trailing newline
}

// Message is the commit message: subject, blank line, body.
func (h *Header) Message() string {
	if h.Body == "" {
		return h.Subject + "\n"
	}
	return h.Subject + "\n\n" + h.Body + "\n"
}

// SubjectFromFile is the subject of a patch whose text has none: its file
// name without directory and without a .patch or .diff suffix, which is
// what a maintainer recognises in the spec.
func SubjectFromFile(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	for _, suf := range []string{".patch", ".diff"} {
		if s := strings.TrimSuffix(base, suf); s != base && s != "" {
			return s
		}
	}
	return base
}

// ParseHeader reads the part of a patch before its diff: mail headers (an
// mbox from git format-patch), quilt or StGit style headers (subject on the
// first line, "From: Name <email>", "Date:" lines), or nothing at all.
// It never fails: what it cannot read is left empty, and the caller fills
// in file-name subjects and fixed identities.
//
// The message ends where git mailinfo ends it: at a line "---", at a line
// starting "diff -" or "Index: ", or at a "--- " line followed by "+++ ".
func ParseHeader(data []byte) Header {
	var h Header
	lines := headerLines(data)
	h.Mail = isMail(lines)
	var (
		body        []string
		bodyStarted bool
		inHeaders   = h.Mail // a mail's first paragraph is all header fields
		lastKey     string   // field whose value may continue on the next line
	)
	for i, l := range lines {
		if i == 0 && strings.HasPrefix(l, "From ") {
			continue // mbox separator: "From <sha> Mon Sep 17 00:00:00 2001"
		}
		if bodyStarted {
			body = append(body, l)
			continue
		}
		if lastKey != "" && l != "" && (l[0] == ' ' || l[0] == '\t') {
			if lastKey == "subject" {
				h.Subject += " " + strings.TrimSpace(l)
			}
			continue
		}
		lastKey = ""
		if strings.TrimSpace(l) == "" {
			inHeaders = false
			continue
		}
		key, val, ok := headerField(l)
		switch {
		case ok && (key == "from" || key == "author"):
			if h.Email == "" && h.Name == "" {
				h.Name, h.Email = parseAuthor(val)
			}
		case ok && key == "date":
			if h.Date.IsZero() {
				h.Date = parseDate(val)
			}
		case ok && key == "subject" && h.Subject == "":
			h.Subject = decodeWords(val)
		case ok && inHeaders:
			// Another mail header (Message-Id, MIME-Version, ...).
		case h.Subject == "":
			h.Subject = strings.TrimSpace(l)
			continue
		default:
			bodyStarted = true
			body = append(body, l)
			continue
		}
		lastKey = key
	}
	h.Subject = stripPatchPrefix(h.Subject)
	h.Body = trimBlank(body)
	return h
}

// headerLines returns the lines before the diff, without line endings.
func headerLines(data []byte) []string {
	var out []string
	rest := data
	for len(rest) > 0 {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		l := strings.TrimSuffix(string(line), "\r")
		if l == "---" || strings.HasPrefix(l, "diff -") || strings.HasPrefix(l, "Index: ") {
			break
		}
		if strings.HasPrefix(l, "--- ") && bytes.HasPrefix(rest, []byte("+++ ")) {
			break
		}
		out = append(out, l)
	}
	return out
}

// isMail follows the part of git am's patch format detection that matters
// here (builtin/am.c detect_patch_format): an mbox "From " line or "From: "
// first line, or a first paragraph of RFC 2822 header fields.
func isMail(lines []string) bool {
	if len(lines) == 0 {
		return false
	}
	if strings.HasPrefix(lines[0], "From ") || strings.HasPrefix(lines[0], "From: ") {
		return true
	}
	var from, subject bool
	for _, l := range lines {
		if l == "" {
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			continue
		}
		key, _, ok := headerField(l)
		if !ok {
			return false
		}
		from = from || key == "from"
		subject = subject || key == "subject"
	}
	return from && subject
}

// headerField splits "Key: value" for the keys this package reads and any
// other well-formed RFC 2822 field name; key is lower-case.
func headerField(l string) (key, val string, ok bool) {
	k, v, found := strings.Cut(l, ":")
	if !found || k == "" || len(k) > 64 {
		return "", "", false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", "", false
		}
	}
	return strings.ToLower(k), strings.TrimSpace(v), true
}

// parseAuthor reads "Name <email>", "email (Name)" or a bare address.
func parseAuthor(v string) (name, email string) {
	v = decodeWords(v)
	if a, err := mail.ParseAddress(v); err == nil {
		name, email = a.Name, a.Address
	} else if i := strings.LastIndexByte(v, '<'); i >= 0 && strings.HasSuffix(v, ">") {
		name, email = strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+1:len(v)-1])
		name = strings.Trim(name, `"`)
	} else {
		email = strings.TrimSpace(v)
	}
	// git refuses names made of nothing but punctuation or none at all
	// (IDENT_STRICT); the address is what a reader still recognises.
	name = strings.TrimSpace(name)
	if !hasNonCrud(name) {
		name, _, _ = strings.Cut(email, "@")
	}
	if !hasNonCrud(name) {
		name = email
	}
	if !hasNonCrud(name) || strings.ContainsAny(name+email, "<>\n") {
		return "", ""
	}
	return name, email
}

// hasNonCrud reports whether git keeps anything of s as a name: ident.c
// strips "crud" (control characters, space and .,:;<>"\') from both ends.
func hasNonCrud(s string) bool {
	for _, c := range s {
		if c > ' ' && !strings.ContainsRune(".,:;<>\"\\'", c) {
			return true
		}
	}
	return false
}

// dateLayouts are the forms patch headers use besides RFC 2822: git log's
// default and ISO 8601 as git prints them.
var dateLayouts = []string{
	"Mon Jan 2 15:04:05 2006 -0700",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05-07:00",
	time.RFC3339,
}

func parseDate(v string) time.Time {
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// decodeWords decodes RFC 2047 encoded words ("=?UTF-8?q?...?="), as
// format-patch writes non-ASCII names and subjects.
func decodeWords(s string) string {
	// An encoded word may hide bytes that are not UTF-8; the raw text is
	// then better than a message git would have to re-encode.
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil && utf8.ValidString(d) {
		return d
	}
	return s
}

// stripPatchPrefix removes the "[PATCH v2 3/7]" prefixes git mailinfo
// strips by default, so a subject does not depend on how it was mailed.
func stripPatchPrefix(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 || !strings.Contains(strings.ToUpper(s[:end]), "PATCH") {
			break
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return s
}

func trimBlank(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// GitDate formats t for GIT_AUTHOR_DATE and GIT_COMMITTER_DATE in git's
// internal form, which keeps the time zone and is never misread.
func GitDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("@%d %c%02d%02d", t.Unix(), sign, off/3600, off/60%60)
}
