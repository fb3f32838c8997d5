package kabi

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestTemplates(t *testing.T) {
	sha := "0123456789abcdef0123456789abcdef01234567"
	long := strings.Repeat("é", 85)
	for _, tc := range []struct{ got, want string }{
		{CommitMessage(sha, "net: fix it"), "!kabi net: fix it\n\n\nFixes: 0123456789ab (\"net: fix it\")\n"},
		{CommitMessage(sha, long), "!kabi " + strings.Repeat("é", 80) + "…\n\n\nFixes: 0123456789ab (\"" + long + "\")\n"},
		{CommitMessage(sha, strings.Repeat("x", 80)), "!kabi " + strings.Repeat("x", 80) + "\n\n\nFixes: 0123456789ab (\"" + strings.Repeat("x", 80) + "\")\n"},
		{RevertMessage(sha, long), "!kabi Revert: " + long + "\n\n\nReverts: 0123456789ab (\"" + long + "\")\n"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
	// What the templates write, Targets reads back.
	if got := Targets(CommitMessage(sha, "net: fix it")); !reflect.DeepEqual(got, []Target{{"Fixes", "0123456789ab", "net: fix it"}}) {
		t.Errorf("round trip: %+v", got)
	}
}

func TestTargets(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want []Target
	}{
		{"!kabi x\n\nFixes: ABCDEF0123 (\"x\")\n", []Target{{"Fixes", "abcdef0123", "x"}}},
		{"!kabi x\n\nReverts: abcdef0\nFixes:\tabcdef0123456  \n", []Target{{"Reverts", "abcdef0", ""}, {"Fixes", "abcdef0123456", ""}}},
		{"!kabi x\n\nFixes: abc (\"too short\")\n", nil},
		{"!kabi x\n\nSee: Fixes: abcdef0123\n", nil},
		{"!kabi x\n\nFixes: nothex0123 (\"x\")\n", nil},
	} {
		if got := Targets(c.msg); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Targets(%q) = %+v, want %+v", c.msg, got, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	const (
		guilty  = "1111111111111111111111111111111111111111"
		rebased = "2222222222222222222222222222222222222222"
		outside = "3333333333333333333333333333333333333333"
		fix     = "4444444444444444444444444444444444444444"
	)
	commits := []Commit{
		{SHA: guilty, Subject: "mm: grow struct a", Message: "mm: grow struct a\n"},
		{SHA: rebased, Subject: "net: grow struct b", Message: "net: grow struct b\n"},
		{SHA: fix, Subject: "!kabi mm: grow struct a", Message: "!kabi mm: grow struct a\n\n" +
			"Fixes: 111111111111 (\"mm: grow struct a\")\n" +
			"Fixes: 333333333333 (\"net: grow struct b\")\n" +
			"Fixes: 3333333 (\"elsewhere\")\n" +
			"Reverts: 5555555 (\"gone\")\n"},
		{SHA: "6666666666666666666666666666666666666666", Subject: "!kabi no trailer", Message: "!kabi no trailer\n"},
	}
	resolved := map[string]string{"111111111111": guilty, "333333333333": outside, "3333333": outside}
	var asked []string
	resolve := func(sha string) (string, bool) {
		asked = append(asked, sha)
		full, ok := resolved[sha]
		return full, ok
	}
	entries := Classify(commits, resolve)
	if strings.Join(asked, " ") != "111111111111 333333333333 3333333 5555555" {
		t.Errorf("resolve asked for %q", asked)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries, want the two !kabi commits", len(entries))
	}
	var got []Status
	for _, c := range entries[0].Targets {
		got = append(got, c.Status)
	}
	if want := []Status{InRange, SameTitle, NotInRange, UnknownCommit}; !reflect.DeepEqual(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if entries[0].Targets[1].SameAs != rebased {
		t.Errorf("same title as %q", entries[0].Targets[1].SameAs)
	}
	if !entries[0].Flagged() || !entries[1].Flagged() || len(entries[1].Targets) != 0 {
		t.Errorf("flags: %+v", entries)
	}
	ok := Classify(commits[:1:1], nil)
	if len(ok) != 0 {
		t.Errorf("no !kabi commit: %+v", ok)
	}
	good := Entry{Targets: []Checked{{Status: InRange}}}
	if good.Flagged() {
		t.Error("an in-range target is flagged")
	}
}

func TestMembers(t *testing.T) {
	for _, c := range []struct {
		lines []string
		want  []string
	}{
		{[]string{"struct list_head lru ;", "int ( * cb ) ( void * ) ;", "FOO = 3 ,"}, []string{"FOO", "cb", "lru"}},
		{[]string{"unsigned long flags [ 4 ] ;", "unsigned int bits : 3 ;"}, []string{"bits", "flags"}},
		{[]string{"const volatile int", "{", "}"}, nil},
		{[]string{"int a ;", "long a ;"}, []string{"a"}},
	} {
		if got := Members(c.lines); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Members(%q) = %q, want %q", c.lines, got, c.want)
		}
	}
}

func TestLineDiff(t *testing.T) {
	removed, added := LineDiff([]string{"struct a {", "\tint x;", "\tint x;", "}"}, []string{"struct a {", "  int x;", "\tlong y;", "}"})
	if !reflect.DeepEqual(removed, []string{"int x;"}) || !reflect.DeepEqual(added, []string{"long y;"}) {
		t.Errorf("LineDiff = %q, %q", removed, added)
	}
}

func TestDefinitionPattern(t *testing.T) {
	for _, c := range []struct {
		name    string
		globs   string
		match   []string
		nomatch []string
	}{
		{"s#page", "*.h *.c", []string{"struct page {", "struct page", "\tstruct  page{"}, []string{"struct page *p;", "struct pages {", "mystruct page {"}},
		{"u#val@1", "*.h *.c", []string{"union val {"}, []string{"union value {"}},
		{"e#mode", "*.h *.c", []string{"enum mode {"}, []string{"enum mode m;"}},
		{"t#gfp_t", "*.h *.c", []string{"typedef unsigned gfp_t;", "} gfp_t;", "typedef int (gfp_t)"}, []string{"gfp_t flags;"}},
		{"E#FOO", "*.h", []string{"\tFOO = 1,", "FOO,", "  FOO"}, []string{"FOOBAR,", "x = FOO + 1;"}},
		{"kmalloc", "*.c", []string{"EXPORT_SYMBOL(kmalloc);", "EXPORT_SYMBOL_GPL( kmalloc )"}, []string{"EXPORT_SYMBOL(kmalloc_node);", "kmalloc(4);"}},
	} {
		pattern, globs := DefinitionPattern(c.name)
		if strings.Join(globs, " ") != c.globs {
			t.Errorf("%s: globs %q", c.name, globs)
		}
		re := regexp.MustCompile(pattern)
		for _, l := range c.match {
			if !re.MatchString(l) {
				t.Errorf("%s: %q does not match %q", c.name, pattern, l)
			}
		}
		for _, l := range c.nomatch {
			if re.MatchString(l) {
				t.Errorf("%s: %q matches %q", c.name, pattern, l)
			}
		}
	}
}

func TestMembersPattern(t *testing.T) {
	re := regexp.MustCompile(MembersPattern([]string{"lru", "a.b"}))
	for l, want := range map[string]bool{"\tstruct list_head lru;": true, "lru_add();": false, "x = a.b;": true, "x = axb;": false} {
		if re.MatchString(l) != want {
			t.Errorf("%q: match %v", l, !want)
		}
	}
}

func FuzzTargets(f *testing.F) {
	f.Add("!kabi x\n\nFixes: 0123456789ab (\"x\")\nReverts: abcdef0\n")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, tg := range Targets(msg) {
			if len(tg.SHA) < 7 || len(tg.SHA) > 40 || strings.ToLower(tg.SHA) != tg.SHA {
				t.Fatalf("%q: target %+v", msg, tg)
			}
		}
	})
}

func FuzzMembers(f *testing.F) {
	f.Add("struct list_head lru ;\nint ( * cb ) ( void * ) ;")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range Members(strings.Split(s, "\n")) {
			if m == "" || cWords[m] {
				t.Fatalf("%q: member %q", s, m)
			}
		}
	})
}

func TestIncludeRules(t *testing.T) {
	unknown := strings.Fields("struct foo { UNKNOWN }")
	defined := strings.Fields("struct foo { int x ; }")
	if !Unknown(unknown) || Unknown(defined) || Unknown(strings.Fields("struct foo { UNKNOWN ; }")) {
		t.Error("Unknown")
	}
	if !VisibilityChanged(unknown, defined) || !VisibilityChanged(defined, unknown) || VisibilityChanged(defined, defined) || VisibilityChanged(nil, defined) {
		t.Error("VisibilityChanged")
	}
	for in, want := range map[string]string{
		"include/linux/foo.h":        "linux/foo.h",
		"arch/x86/include/asm/bar.h": "asm/bar.h",
		"drivers/net/e1000/hw.h":     "hw.h",
		"myinclude/x.h":              "x.h",
	} {
		if got := IncludeName(in); got != want {
			t.Errorf("IncludeName(%s) = %s, want %s", in, got, want)
		}
	}
	re := regexp.MustCompile(IncludePattern([]string{"include/linux/foo.h", "drivers/x.c", "drivers/net/hw.h"}))
	for line, want := range map[string]bool{
		"#include <linux/foo.h>":       true,
		"  #  include \"linux/foo.h\"": true,
		"#include <hw.h>":              true,
		"#include \"../net/hw.h\"":     true,
		"#include <linux/foo.hh>":      false,
		"#include <linux/xfoo.h>":      false,
		"// #include <linux/foo.h>":    false,
		"#include <x.c>":               false,
	} {
		if re.MatchString(line) != want {
			t.Errorf("%q: match %v", line, !want)
		}
	}
	if IncludePattern([]string{"a.c"}) != "" {
		t.Error("no header, no pattern")
	}
}
