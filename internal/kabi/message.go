package kabi

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxTitle is how much of the guilty commit's subject a !kabi title keeps.
const MaxTitle = 80

// Prefix starts the subject of every !kabi commit.
const Prefix = "!kabi"

// CommitMessage is the template of a !kabi fix of commit sha: the title
// names the guilty commit, the user explains between title and trailer
// (hence the two empty lines), and the trailer pins the commit whatever
// core.abbrev says.
func CommitMessage(sha, subject string) string {
	title := subject
	if utf8.RuneCountInString(title) > MaxTitle {
		title = string([]rune(title)[:MaxTitle]) + "…"
	}
	return fmt.Sprintf("%s %s\n\n\nFixes: %s (\"%s\")\n", Prefix, title, sha[:12], subject)
}

// RevertMessage is the template of a !kabi revert of commit sha.
func RevertMessage(sha, subject string) string {
	return fmt.Sprintf("%s Revert: %s\n\n\nReverts: %s (\"%s\")\n", Prefix, subject, sha[:12], subject)
}

// IsKabi reports whether a subject is a !kabi commit's.
func IsKabi(subject string) bool { return strings.HasPrefix(subject, Prefix) }

var trailerRe = regexp.MustCompile(`(?m)^(Fixes|Reverts):[ \t]+([0-9a-fA-F]{7,40})(?:[ \t]+\("(.*)"\))?[ \t]*$`)

// Target is one Fixes: or Reverts: trailer of a !kabi commit: the commit
// it names (lower-case, as abbreviated) and the title quoted after it.
type Target struct {
	Kind, SHA, Title string
}

// Targets reads the trailers of a commit message.
func Targets(message string) []Target {
	var out []Target
	for _, m := range trailerRe.FindAllStringSubmatch(message, -1) {
		out = append(out, Target{Kind: m[1], SHA: strings.ToLower(m[2]), Title: m[3]})
	}
	return out
}
