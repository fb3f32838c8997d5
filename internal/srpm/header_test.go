package srpm

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseHeader(t *testing.T) {
	diff := "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
	tests := []struct {
		name, in           string
		mail               bool
		author, date, subj string
		body               string
	}{
		{"format-patch",
			"From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: Alice Example <alice@example.com>\nDate: Wed, 2 Jan 2019 04:33:20 +0100\nSubject: [PATCH 2/7] fs: fix\n the thing\nMessage-Id: <x@y>\n\nWhy.\n\nSigned-off-by: A <a@b>\n---\n f | 2 +-\n" + diff,
			true, "Alice Example <alice@example.com>", "2019-01-02T04:33:20+01:00", "fs: fix the thing", "Why.\n\nSigned-off-by: A <a@b>"},
		{"encoded words",
			"From: =?UTF-8?q?J=C3=B6rg?= <j@example.com>\nSubject: =?UTF-8?q?caf=C3=A9?=\n\n" + diff,
			true, "Jörg <j@example.com>", "", "café", ""},
		{"stgit",
			"mm: subject first\n\nFrom: Bob <bob@example.com>\nDate: Thu, 03 Jan 2019 07:20:00 +0000\n\nBody line.\n---\n" + diff,
			false, "Bob <bob@example.com>", "2019-01-03T07:20:00Z", "mm: subject first", "Body line."},
		{"quilt From first",
			"From: Bob <bob@example.com>\n\nmm: subject after\n\nbody\n" + diff,
			true, "Bob <bob@example.com>", "", "mm: subject after", "body"},
		{"git log date",
			"x: y\nAuthor: Ann <ann@example.com>\nDate:   Tue Jan 1 00:00:00 2019 +0000\n\n" + diff,
			false, "Ann <ann@example.com>", "2019-01-01T00:00:00Z", "x: y", ""},
		{"plain diff", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n", false, "", "", "", ""},
		{"Index header", "Index: f\n===\n--- f\n+++ f\n", false, "", "", "", ""},
		{"description only", "Fix a thing in the frobnicator.\nIt was broken.\n\n" + diff,
			false, "", "", "Fix a thing in the frobnicator.", "It was broken."},
		{"bad author and date", "Subject: s\nFrom: <>\nDate: yesterday\n\n" + diff, true, "", "", "s", ""},
		{"crlf", "Subject: s\r\nFrom: C <c@d>\r\n\r\nbody\r\n---\r\n", true, "C <c@d>", "", "s", "body"},
		{"empty", "", false, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ParseHeader([]byte(tc.in))
			author := ""
			if h.Email != "" {
				author = h.Name + " <" + h.Email + ">"
			}
			date := ""
			if !h.Date.IsZero() {
				date = h.Date.Format(time.RFC3339)
			}
			if h.Mail != tc.mail || author != tc.author || date != tc.date || h.Subject != tc.subj || h.Body != tc.body {
				t.Errorf("got mail=%v author=%q date=%q subject=%q body=%q\nwant mail=%v author=%q date=%q subject=%q body=%q",
					h.Mail, author, date, h.Subject, h.Body, tc.mail, tc.author, tc.date, tc.subj, tc.body)
			}
		})
	}
}

func TestSubjectFromFile(t *testing.T) {
	for in, want := range map[string]string{
		"0001-mm-fix.patch": "0001-mm-fix",
		"abi-version.diff":  "abi-version",
		"no-suffix":         "no-suffix",
		"dir/x.patch":       "x",
		".patch":            ".patch",
	} {
		if got := SubjectFromFile(in); got != want {
			t.Errorf("SubjectFromFile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitDate(t *testing.T) {
	d := time.Date(2019, 1, 2, 4, 33, 20, 0, time.FixedZone("", -(5*3600+30*60)))
	if got := GitDate(d); got != "@1546423400 -0530" {
		t.Errorf("GitDate = %q", got)
	}
}

// FuzzParseHeader checks what the importer relies on whatever the input:
// no panic, values git accepts as identity and subject (one line, no angle
// brackets in the identity), and a message that ends in one newline.
func FuzzParseHeader(f *testing.F) {
	f.Add([]byte("From 0123 Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nDate: Wed, 2 Jan 2019 04:33:20 +0100\nSubject: [PATCH] x\n\nbody\n---\ndiff --git a/f b/f\n"))
	f.Add([]byte("subject\n\nFrom: B <b@c>\n\nbody\n--- a/f\n+++ b/f\n"))
	f.Add([]byte("Subject: s\n ccont\nFrom: =?UTF-8?q?J=C3=B6rg?= <j@example.com>\n\n"))
	f.Add([]byte("--- a/f\n+++ b/f\n@@ -1 +1 @@\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := ParseHeader(data)
		for _, s := range []string{h.Name, h.Email, h.Subject} {
			if strings.ContainsAny(s, "\n") {
				t.Fatalf("multi-line value %q", s)
			}
		}
		if strings.ContainsAny(h.Name+h.Email, "<>") {
			t.Fatalf("angle bracket in identity %q <%q>", h.Name, h.Email)
		}
		if h.Email != "" && h.Name == "" {
			t.Fatalf("identity without a name: %q", h.Email)
		}
		if utf8.Valid(data) && !utf8.ValidString(h.Message()) {
			t.Fatalf("valid input gave invalid UTF-8 message %q", h.Message())
		}
		if m := h.Message(); !strings.HasSuffix(m, "\n") || strings.HasSuffix(m, "\n\n") && h.Body != "" {
			t.Fatalf("message %q", m)
		}
	})
}
