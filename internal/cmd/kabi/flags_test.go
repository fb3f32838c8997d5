package kabi

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// parse runs the command line through the wiring only: the options the
// subcommand would run with, or the exit status and stderr of a usage
// error.
func parse(t *testing.T, stdio *cliutil.IO, args ...string) (any, int, string) {
	t.Helper()
	var errb bytes.Buffer
	stdio.Out, stdio.ErrOut = &bytes.Buffer{}, &errb
	var got any
	app := newApp(stdio, func(_ context.Context, o any) error { got = o; return nil })
	argv := append([]string{"git-kabi"}, args...)
	code := cliutil.Run(context.Background(), app, cliutil.GitStyle(app, argv), &errb)
	return got, code, errb.String()
}

// Layer 1: the command line fills the options; behaviour is tested apart.
func TestParseOptions(t *testing.T) {
	stdio := &cliutil.IO{Dir: "/w"}
	for _, c := range []struct {
		args []string
		want any
	}{
		{[]string{"commit", "HEAD~2"}, &CommitOptions{IO: stdio, Rev: "HEAD~2", Edit: true}},
		{[]string{"commit", "HEAD", "--no-edit"}, &CommitOptions{IO: stdio, Rev: "HEAD"}},
		{[]string{"revert", "--no-edit", "abc"}, &CommitOptions{IO: stdio, Rev: "abc", Revert: true}},
		{[]string{"list", "v1..HEAD"}, &ListOptions{IO: stdio, Range: "v1..HEAD"}},
		{[]string{"blame", "a", "b", "v1..v2", "--repo", "/k"}, &BlameOptions{IO: stdio, Repo: "/k", Old: "a", New: "b", Range: "v1..v2"}},
		{[]string{"report", "--", "-odd"}, &ReportOptions{IO: stdio, Symtypes: "-odd"}},
		{[]string{"compare", "a", "--print-missing", "b"}, &CompareOptions{IO: stdio, Old: "a", New: "b", PrintSymbols: true, PrintMissing: true}},
		{[]string{"compare", "--no-print-symbols", "a", "b"}, &CompareOptions{IO: stdio, Old: "a", New: "b"}},
		{[]string{"consolidate", "-i", "in", "-o", "out"}, &ConsolidateOptions{IO: stdio, Input: "in", Output: "out"}},
		{[]string{"consolidate", "--kabi", "l", "--input=in", "--output", "out"}, &ConsolidateOptions{IO: stdio, Input: "in", Output: "out", Kabi: "l"}},
		{[]string{"collect", "build"}, &CollectOptions{IO: stdio, BuildDir: "build", Output: "Symtypes.build"}},
		{[]string{"collect", "build", "-o", "x", "--kabi", "l"}, &CollectOptions{IO: stdio, BuildDir: "build", Output: "x", Kabi: "l"}},
		{[]string{"check", "-k", "K", "-s", "S"}, &CheckOptions{IO: stdio, ModuleKabi: "K", ModuleSymvers: "S"}},
		{[]string{"check", "-k", "K", "-s", "S", "-K", "a", "-S", "b"}, &CheckOptions{IO: stdio, ModuleKabi: "K", ModuleSymvers: "S", SymtypesKabi: "a", SymtypesBuild: "b"}},
	} {
		got, code, stderr := parse(t, stdio, c.args...)
		if code != 0 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: exit %d %q, options %+v, want %+v", c.args, code, stderr, got, c.want)
		}
	}
}

func TestParseUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "missing command"},
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"commit"}, "commit: expected one revision"},
		{[]string{"revert", "a", "b"}, "revert: expected one revision"},
		{[]string{"commit", "--edit", "HEAD"}, "flag provided but not defined: -edit"},
		{[]string{"list"}, "list: expected one revision range"},
		{[]string{"blame", "a", "b"}, "blame: expected <old-symtypes> <new-symtypes> <rev-range>"},
		{[]string{"compare", "a"}, "compare: expected two Symtypes files"},
		{[]string{"consolidate", "-o", "x"}, "consolidate: option --input is required"},
		{[]string{"consolidate", "-i", "x", "-o", "y", "z"}, "consolidate: expected no arguments"},
		{[]string{"check", "-k", "x"}, "check: option --symvers is required"},
		{[]string{"check", "-k", "x", "-s", "y", "-K", "z"}, "check: -K and -S go together"},
		{[]string{"collect"}, "collect: expected one build directory"},
		{[]string{"report", "-5"}, "flag provided but not defined: -5"},
	} {
		got, code, stderr := parse(t, &cliutil.IO{}, c.args...)
		if got != nil || code != cliutil.ExitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, options %+v; want exit 2 and %q", c.args, code, stderr, got, c.want)
		}
	}
}
