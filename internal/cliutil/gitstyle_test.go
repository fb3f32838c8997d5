package cliutil

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestGitStyle covers what the three commands need: import-srpm's default
// action and negative offsets, kabi's subcommand options anywhere, and
// review-rebase's replay word after the app's options with paths after
// "--".
func TestGitStyle(t *testing.T) {
	importsrpm := &cli.App{
		Flags: []cli.Flag{&cli.StringFlag{Name: "srpm-repo"}, &cli.BoolFlag{Name: "force", Aliases: []string{"f"}}},
		Commands: []*cli.Command{{Name: "renumber", Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}}, &cli.StringFlag{Name: "vendor-marker"}}}},
	}
	kabi := &cli.App{Commands: []*cli.Command{
		{Name: "compare", Flags: []cli.Flag{&cli.BoolFlag{Name: "print-missing"}}},
		{Name: "collect", Flags: []cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"}}, &cli.StringFlag{Name: "kabi"}}},
		{Name: "report"},
	}}
	for _, c := range []struct {
		name     string
		app      *cli.App
		in, want []string
	}{
		{"negative number as an option's value", importsrpm, []string{"p", "renumber", "--vendor-marker", "-3", "s", "1", "2"}, []string{"p", "renumber", "--vendor-marker", "-3", "--", "s", "1", "2"}},
		{"negative offset", importsrpm, []string{"p", "renumber", "s", "1", "-5", "-n"}, []string{"p", "renumber", "-n", "--", "s", "1", "-5"}},
		{"option value with space", importsrpm, []string{"p", "renumber", "--vendor-marker", "# X", "s", "1", "2"}, []string{"p", "renumber", "--vendor-marker", "# X", "--", "s", "1", "2"}},
		{"user's --", importsrpm, []string{"p", "renumber", "s", "--", "-1", "2"}, []string{"p", "renumber", "--", "s", "-1", "2"}},
		{"only options", importsrpm, []string{"p", "-h"}, []string{"p", "-h"}},
		{"already in order", importsrpm, []string{"p", "--srpm-repo", "d", "rev"}, []string{"p", "--srpm-repo", "d", "rev"}},
		{"default action options after the revision", importsrpm, []string{"p", "rev", "-f", "--srpm-repo", "d"}, []string{"p", "-f", "--srpm-repo", "d", "--", "rev"}},
		{"default action user's --", importsrpm, []string{"p", "-f", "--", "-rev"}, []string{"p", "-f", "--", "-rev"}},
		{"app option value naming a command", importsrpm, []string{"p", "--srpm-repo", "renumber", "rev", "-f"}, []string{"p", "--srpm-repo", "renumber", "-f", "--", "rev"}},
		{"app options stay before the word", importsrpm, []string{"p", "-f", "renumber", "s", "1", "2", "-n"}, []string{"p", "-f", "renumber", "-n", "--", "s", "1", "2"}},
		{"subcommand options anywhere", kabi, []string{"k", "compare", "a", "--print-missing", "b"}, []string{"k", "compare", "--print-missing", "--", "a", "b"}},
		{"subcommand option values", kabi, []string{"k", "collect", "dir", "-o", "out", "--kabi", "l"}, []string{"k", "collect", "-o", "out", "--kabi", "l", "--", "dir"}},
		{"subcommand user's -- only", kabi, []string{"k", "report", "--", "-odd-name"}, []string{"k", "report", "--", "-odd-name"}},
		{"subcommand help", kabi, []string{"k", "compare", "-h"}, []string{"k", "compare", "-h"}},
		{"unknown word", kabi, []string{"k", "bogus", "x"}, []string{"k", "bogus", "x"}},
		{"no arguments", kabi, []string{"k"}, []string{"k"}},
		{"negative number an option", kabi, []string{"k", "report", "-5"}, []string{"k", "report", "-5"}},
	} {
		style := Style{NegativeNumbers: c.app == importsrpm}
		if got, _ := style.Reorder(c.app, c.in); !slices.Equal(got, c.want) {
			t.Errorf("%s: GitStyle(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestStyleReviewRebase(t *testing.T) {
	app := &cli.App{
		Flags: []cli.Flag{&cli.StringFlag{Name: "format"}, &cli.BoolFlag{Name: "check"}, &cli.StringFlag{Name: "onto"}},
		Commands: []*cli.Command{{Name: "replay", Flags: []cli.Flag{
			&cli.StringFlag{Name: "format"}, &cli.BoolFlag{Name: "check"}, &cli.StringFlag{Name: "compare"}}}},
	}
	style := Style{LeadingOptionsToCommand: true, Paths: true}
	for _, c := range []struct {
		in, want, paths []string
	}{
		{[]string{"x", "replay", "a", "b", "--format=json"}, []string{"x", "replay", "--format=json", "--", "a", "b"}, nil},
		{[]string{"x", "replay", "a", "--format", "json", "b"}, []string{"x", "replay", "--format", "json", "--", "a", "b"}, nil},
		{[]string{"x", "--format", "json", "replay", "a", "b"}, []string{"x", "replay", "--format", "json", "--", "a", "b"}, nil},
		{[]string{"x", "replay", "--check", "a", "b"}, []string{"x", "replay", "--check", "--", "a", "b"}, nil},
		{[]string{"x", "replay", "a", "b", "--", "p"}, []string{"x", "replay", "--", "a", "b", "p"}, nil},
		// The review: options first, paths after "--" returned apart.
		{[]string{"x", "a..b", "--format=json", "c..d", "--", "replay"}, []string{"x", "--format=json", "--", "a..b", "c..d"}, []string{"replay"}},
		{[]string{"x", "--check", "--", "p"}, []string{"x", "--check"}, []string{"p"}},
		// "replay" as the value of an option is not the subcommand.
		{[]string{"x", "--onto", "replay", "a..b"}, []string{"x", "--onto", "replay", "--", "a..b"}, nil},
	} {
		got, paths := style.Reorder(app, c.in)
		if !slices.Equal(got, c.want) || !slices.Equal(paths, c.paths) {
			t.Errorf("Reorder(%q) = %q, %q; want %q, %q", c.in, got, paths, c.want, c.paths)
		}
	}
}

func FuzzGitStyle(f *testing.F) {
	f.Add("renumber\x00s\x00-5\x00-n\x00--\x00x")
	app := &cli.App{
		Flags:    []cli.Flag{&cli.StringFlag{Name: "srpm-repo"}},
		Commands: []*cli.Command{{Name: "renumber", Flags: []cli.Flag{&cli.StringFlag{Name: "vendor-marker"}}}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := append([]string{"p"}, splitZ(s)...)
		out, _ := Style{NegativeNumbers: true}.Reorder(app, in)
		if plain := GitStyle(app, in); len(plain) < len(in) {
			t.Fatalf("%q -> %q", in, plain)
		}
		// Nothing is lost or invented: the same words, at most one "--" more.
		if d := len(out) - len(in); d < 0 || d > 1 {
			t.Fatalf("%q -> %q", in, out)
		}
		count := map[string]int{}
		for _, a := range in {
			count[a]++
		}
		for _, a := range out {
			count[a]--
		}
		for w, n := range count {
			if n != 0 && !(w == "--" && n == -1) {
				t.Fatalf("%q -> %q: %q off by %d", in, out, w, n)
			}
		}
	})
}

func splitZ(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
