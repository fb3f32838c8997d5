package kabi

import (
	"path"
	"regexp"
	"strings"
)

// Unknown reports whether declaration tokens are genksyms' placeholder for
// a type declared but not defined where it was used: "struct foo {
// UNKNOWN }".
func Unknown(tokens []string) bool {
	return len(tokens) == 5 && tokens[2] == "{" && tokens[3] == "UNKNOWN" && tokens[4] == "}"
}

// VisibilityChanged reports whether a type went from declared-only to
// defined, or back, between two versions of its declaration tokens. Such a
// change seldom comes from editing the type: a translation unit started
// (or stopped) including the header that defines it.
func VisibilityChanged(old, new []string) bool {
	return len(old) > 0 && len(new) > 0 && Unknown(old) != Unknown(new)
}

// IncludeName is how C source names a header in #include: the path below
// the last "include/" directory ("include/linux/foo.h" is <linux/foo.h>,
// "arch/x86/include/asm/bar.h" is <asm/bar.h>), or the file name for a
// header elsewhere, included from beside it.
func IncludeName(file string) string {
	if i := strings.LastIndex(file, "include/"); i >= 0 && (i == 0 || file[i-1] == '/') {
		return file[i+len("include/"):]
	}
	return path.Base(file)
}

// IncludePattern is an extended regular expression (git log -G) matching
// an #include line of any of the headers.
func IncludePattern(files []string) string {
	var names []string
	seen := map[string]bool{}
	for _, f := range files {
		if !strings.HasSuffix(f, ".h") {
			continue
		}
		n := regexp.QuoteMeta(IncludeName(f))
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return `^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*/)?(` + strings.Join(names, "|") + `)[>"]`
}
