package reviewrebase

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
)

// Layer 1 of the command's tests: the command line becomes Options or
// ReplayOptions, or a usage error (exit 2), without any repository. The
// behaviour tests (reviewrebase_test.go, replay_test.go) run the command.

// parsed is what execute handed to a run function.
type parsed struct {
	review *Options
	replay *ReplayOptions
	code   int
	stderr string
}

func parseArgs(t *testing.T, args ...string) parsed {
	t.Helper()
	var out, errb bytes.Buffer
	ios := &cliutil.IO{Out: &out, ErrOut: &errb, Getenv: func(string) string { return "" }}
	var p parsed
	p.code = execute(context.Background(), append([]string{"git review-rebase"}, args...), &Options{IO: ios},
		func(_ context.Context, o *Options) error {
			c := *o
			c.IO = nil
			if len(c.Args) == 0 {
				c.Args = nil
			}
			p.review = &c
			return nil
		},
		func(_ context.Context, o *ReplayOptions) error {
			c := *o
			c.IO = nil
			if len(c.Args) == 0 {
				c.Args = nil
			}
			p.replay = &c
			return nil
		})
	p.stderr = errb.String()
	return p
}

func TestParseReviewFlags(t *testing.T) {
	two := []string{"a..b", "c..d"}
	for _, c := range []struct {
		args []string
		want Options // Color "auto" unless set
	}{
		{two, Options{Args: two}},
		{[]string{"a..b"}, Options{Args: []string{"a..b"}}},
		{[]string{"--format=json", "--check", "a..b", "c..d"}, Options{Format: "json", Check: true, Args: two}},
		{[]string{"a..b", "--format", "text", "c..d"}, Options{Format: "text", Args: two}},
		{[]string{"b..c", "--onto", "v2", "--old-base=v1"}, Options{Onto: "v2", OldBase: "v1", Args: []string{"b..c"}}},
		{[]string{"-j", "4", "-v", "--no-cache", "--no-similar", "--replay", "--color", "never", "a..b"},
			Options{Jobs: 4, Verbose: true, NoCache: true, NoSimilar: true, Replay: true, Color: "never", Args: []string{"a..b"}}},
		{[]string{"--jobs=0", "--color=always", "a..b"}, Options{Color: "always", Args: []string{"a..b"}}},
		{[]string{"a..b", "c..d", "--", "x/", "y.c"}, Options{Args: two, Paths: []string{"x/", "y.c"}}},
		{[]string{"a..b", "--", "--check"}, Options{Args: []string{"a..b"}, Paths: []string{"--check"}}},
		{[]string{"--demo"}, Options{Demo: true}},
		{[]string{"--demo", "--format=json"}, Options{Demo: true, Format: "json"}},
	} {
		p := parseArgs(t, c.args...)
		if c.want.Color == "" {
			c.want.Color = "auto"
		}
		if p.code != 0 || p.review == nil || p.replay != nil {
			t.Errorf("%q: exit %d, review %v, replay %v: %s", c.args, p.code, p.review, p.replay, p.stderr)
			continue
		}
		if !reflect.DeepEqual(*p.review, c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.args, *p.review, c.want)
		}
	}
}

func TestParseReplayFlags(t *testing.T) {
	ab := []string{"a", "b"}
	for _, c := range []struct {
		args []string
		want ReplayOptions
	}{
		{[]string{"replay", "a", "b"}, ReplayOptions{Args: ab}},
		{[]string{"replay", "a", "b", "--format=json"}, ReplayOptions{Format: "json", Args: ab}},
		{[]string{"--format", "json", "replay", "a", "b"}, ReplayOptions{Format: "json", Args: ab}},
		{[]string{"replay", "--worktree", "a", "b"}, ReplayOptions{Worktree: true, Args: ab}},
		{[]string{"replay", "--compare", "/tmp/wt", "b"}, ReplayOptions{Compare: "/tmp/wt", Args: []string{"b"}}},
		{[]string{"replay", "b", "--compare=/tmp/wt"}, ReplayOptions{Compare: "/tmp/wt", Args: []string{"b"}}},
		{[]string{"replay", "--clean"}, ReplayOptions{Clean: true}},
		{[]string{"replay", "--force", "--clean"}, ReplayOptions{Clean: true, Force: true}},
	} {
		p := parseArgs(t, c.args...)
		if p.code != 0 || p.replay == nil || p.review != nil {
			t.Errorf("%q: exit %d, review %v, replay %v: %s", c.args, p.code, p.review, p.replay, p.stderr)
			continue
		}
		if !reflect.DeepEqual(*p.replay, c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.args, *p.replay, c.want)
		}
	}
}

func TestParseUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{nil, "missing ranges"},
		{[]string{"a..b", "c..d", "e..f"}, "too many arguments"},
		{[]string{"--format=xml", "a..b"}, "unknown --format \"xml\""},
		{[]string{"--color=sometimes", "a..b"}, "unknown --color"},
		{[]string{"--jobs=-1", "a..b"}, "--jobs must not be negative"},
		{[]string{"--jobs=many", "a..b"}, "invalid value"},
		{[]string{"--frobnicate", "a..b"}, "frobnicate"},
		{[]string{"--onto"}, "flag needs an argument"},
		{[]string{"--demo", "a..b"}, "--demo takes no ranges"},
		{[]string{"a..b", "c..d", "--onto", "v2"}, "--onto and --old-base only go with"},
		{[]string{"replay"}, "replay needs two commits"},
		{[]string{"replay", "a"}, "replay needs two commits"},
		{[]string{"replay", "a", "b", "c"}, "no paths"},
		{[]string{"replay", "a", "b", "--", "x"}, "no paths"},
		{[]string{"replay", "--format=xml", "a", "b"}, "unknown --format"},
		{[]string{"replay", "--check", "a", "b"}, "check"},
		{[]string{"replay", "--", "-x", "b"}, "'-'"},
		{[]string{"replay", "--clean", "x"}, "--clean takes no arguments"},
		{[]string{"replay", "--compare", "/tmp/wt"}, "--compare <dir> takes one commit"},
		{[]string{"replay", "--compare", "/tmp/wt", "--", "-b"}, "'-'"},
		{[]string{"replay", "--worktree", "--clean", "a", "b"}, "go alone"},
		{[]string{"replay", "--compare", "/tmp/wt", "--worktree", "b"}, "go alone"},
		{[]string{"replay", "--force", "a", "b"}, "--force goes with --clean or --compare"},
	} {
		p := parseArgs(t, c.args...)
		if p.code != cliutil.ExitUsage || p.review != nil || p.replay != nil {
			t.Errorf("%q: exit %d, review %v, replay %v; want a usage error", c.args, p.code, p.review, p.replay)
		}
		if !strings.Contains(p.stderr, c.msg) || !strings.Contains(p.stderr, "-h')") || strings.Count(p.stderr, "\n") != 1 {
			t.Errorf("%q: stderr %q, want one line with %q and where to get help", c.args, p.stderr, c.msg)
		}
	}
}

// -h prints help on stdout and runs nothing.
func TestParseHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"replay", "-h"}, {"--help"}, {"replay", "--help"}} {
		if p := parseArgs(t, args...); p.code != 0 || p.review != nil || p.replay != nil {
			t.Errorf("%q: exit %d, review %v, replay %v", args, p.code, p.review, p.replay)
		}
	}
}
