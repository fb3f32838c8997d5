package importsrpm

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/spec"
	"github.com/patchqueue/pqtools/internal/srpm"
)

// parse runs the command line through the wiring only: the options the
// command would run with, or the exit status and stderr of a usage error.
func parse(t *testing.T, stdio *cliutil.IO, args ...string) (any, int, string) {
	t.Helper()
	var errb bytes.Buffer
	stdio.Out, stdio.ErrOut = &bytes.Buffer{}, &errb
	var got any
	app := newApp(stdio, func(_ context.Context, o any) error { got = o; return nil })
	argv := append([]string{"git-import-srpm"}, args...)
	code := cliutil.Run(context.Background(), app, gitStyle(app, argv), &errb)
	return got, code, errb.String()
}

// Layer 1: the command line fills the options; behaviour is tested apart.
func TestParseOptions(t *testing.T) {
	stdio := &cliutil.IO{Dir: "/w"}
	imp := func(f func(*ImportOptions)) *ImportOptions {
		o := &ImportOptions{IO: stdio, BaseTag: srpm.DefaultBaseTag, MaxPatchSize: srpm.DefaultMaxPatchSize}
		f(o)
		return o
	}
	for _, c := range []struct {
		args []string
		want any
	}{
		{[]string{"HEAD~1"}, imp(func(o *ImportOptions) { o.Rev = "HEAD~1" })},
		{[]string{"v1", "-f", "--srpm-repo", "s", "--code-repo=c", "--dist", "", "-v", "--prep", "--vendor", "xs"},
			imp(func(o *ImportOptions) {
				o.Rev, o.Force, o.SRPMRepo, o.CodeRepo, o.DistSet, o.Verbose, o.Prep, o.Vendor = "v1", true, "s", "c", true, true, true, "xs"
			})},
		{[]string{"--all", "-j", "3", "--base-tag", "linux-%{version}"}, imp(func(o *ImportOptions) { o.All, o.Jobs, o.BaseTag = true, 3, "linux-%{version}" })},
		{[]string{"verify", "b", "r", "--srpm-repo", "s"}, &VerifyOptions{
			ImportOptions: ImportOptions{IO: stdio, BaseTag: srpm.DefaultBaseTag, SRPMRepo: "s", Rev: "r", MaxPatchSize: srpm.DefaultMaxPatchSize}, Branch: "b"}},
		{[]string{"x", "--max-patch-size", "2G"}, imp(func(o *ImportOptions) { o.Rev, o.MaxPatchSize = "x", 2<<30 })},
		{[]string{"x", "--max-patch-size=1536k"}, imp(func(o *ImportOptions) { o.Rev, o.MaxPatchSize = "x", 1536<<10 })},
		{[]string{"renumber", "k.spec", "10", "-5", "-n"}, &RenumberOptions{IO: stdio, SpecPath: "k.spec", Start: 10, Offset: -5, DryRun: true, VendorMarker: spec.DefaultVendorMarker}},
		{[]string{"renumber", "--vendor-marker", "# X", "k.spec", "0", "3"}, &RenumberOptions{IO: stdio, SpecPath: "k.spec", Offset: 3, VendorMarker: "# X"}},
		{[]string{"sync", "q/base..rebased", "--spec", "k.spec", "--onto-tag", "v2", "-n", "--new-version", "4.19.20"}, &SyncOptions{
			IO: stdio, SpecPath: "k.spec", OntoTag: "v2", DryRun: true, NewVersion: "4.19.20", VendorMarker: spec.DefaultVendorMarker,
			BaseTag: srpm.DefaultBaseTag, OldTip: "q/base", NewTip: "rebased"}},
		{[]string{"sync", "--release", "3.1", "--no-changelog", "--allow-unexplained", "--base-tag", "linux-%{version}", "a..b"}, &SyncOptions{
			IO: stdio, Release: "3.1", NoChangelog: true, AllowUnexplained: true, BaseTag: "linux-%{version}", VendorMarker: spec.DefaultVendorMarker,
			OldTip: "a", NewTip: "b"}},
		{[]string{"sync", "--old-base", "v1", "--new-base", "v2", "--sources", "S", "--code-repo", "c", "a..b"}, &SyncOptions{
			IO: stdio, OldBase: "v1", NewBase: "v2", SourcesDir: "S", CodeRepo: "c", VendorMarker: spec.DefaultVendorMarker, BaseTag: srpm.DefaultBaseTag,
			OldTip: "a", NewTip: "b"}},
	} {
		got, code, stderr := parse(t, stdio, c.args...)
		if code != 0 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: exit %d %q\noptions %+v\nwant    %+v", c.args, code, stderr, got, c.want)
		}
	}
}

func TestParseUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "give one <srpm-rev> to import (or --all), got 0 argument(s)"},
		{[]string{"a", "b"}, "got 2 argument(s)"},
		{[]string{"--all", "a"}, `--all takes no revision, got "a"`},
		{[]string{"x", "--max-patch-size", "lots"}, `--max-patch-size "lots": give a positive size such as 512M or 2G`},
		{[]string{"verify", "b", "r", "--max-patch-size", "-1"}, `--max-patch-size "-1"`},
		{[]string{"-j", "-1", "--all"}, "--jobs must not be negative"},
		{[]string{"--base-tag", "", "a"}, "--base-tag must not be empty"},
		{[]string{"--", "-a"}, `revision "-a" starts with '-'`},
		{[]string{"--nope", "a"}, "flag provided but not defined: -nope"},
		{[]string{"verify", "b"}, "verify takes <branch> <srpm-rev>, got 1 argument(s)"},
		{[]string{"verify", "--force", "b", "r"}, "flag provided but not defined: -force"},
		{[]string{"renumber", "k.spec", "1"}, "renumber takes <spec> <start> <offset>, got 2 argument(s)"},
		{[]string{"renumber", "k.spec", "-1", "2"}, `start must be a patch number (0 or more), not "-1"`},
		{[]string{"renumber", "k.spec", "1", "x"}, `offset must be a whole number, not "x"`},
		{[]string{"renumber", "--vendor-marker=", "k.spec", "1", "2"}, "--vendor-marker must not be empty"},
		{[]string{"sync"}, "sync takes one <old>..<new>, got 0 argument(s)"},
		{[]string{"sync", "a...b"}, "with two dots"},
		{[]string{"sync", "a.."}, "give the rebase as <old>..<new>"},
		{[]string{"sync", "--new-version", "4.19-1", "a..b"}, "is not an RPM version"},
		{[]string{"sync", "--onto-tag", "v 2", "a..b"}, "cannot be part of a file name"},
		{[]string{"sync", "--release", "1-2", "a..b"}, "is not an RPM release"},
		{[]string{"sync", "--base-tag", "v1", "a..b"}, "does not name %{version}"},
	} {
		got, code, stderr := parse(t, &cliutil.IO{}, c.args...)
		if got != nil || code != cliutil.ExitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, options %+v; want exit 2 and %q", c.args, code, stderr, got, c.want)
		}
	}
}
