package cliutil

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestReorder(t *testing.T) {
	takes := func(n string) bool { return n == "format" || n == "j" }
	for _, c := range []struct {
		in               []string
		ordered, pos, dd string
	}{
		{[]string{"a..b", "--check", "c..d"}, "--check a..b c..d", "a..b c..d", ""},
		{[]string{"a..b", "--format", "json", "c..d"}, "--format json a..b c..d", "a..b c..d", ""},
		{[]string{"--format=json", "a..b", "--", "x.c", "--check"}, "--format=json a..b", "a..b", "x.c --check"},
		{[]string{"-j", "2", "a..b"}, "-j 2 a..b", "a..b", ""},
		{[]string{"a..b", "-"}, "a..b -", "a..b -", ""},
	} {
		o, p, dd, _ := Reorder(c.in, takes)
		if strings.Join(o, " ") != c.ordered || strings.Join(p, " ") != c.pos || strings.Join(dd, " ") != c.dd {
			t.Errorf("%v: got %v / %v / %v", c.in, o, p, dd)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		msg  string
	}{
		{nil, ExitOK, ""},
		{ErrSilent, ExitProblems, ""},
		{Usagef("bad %s", "thing"), ExitUsage, "app: bad thing (see 'app -h')\n"},
		{errors.New("broken\nsecond line"), ExitProblems, "app: broken\n"},
	} {
		var stderr bytes.Buffer
		app := &cli.App{Name: "app", Action: func(*cli.Context) error { return c.err }}
		if code := Run(context.Background(), app, []string{"app"}, &stderr); code != c.code || stderr.String() != c.msg {
			t.Errorf("%v: exit %d %q, want %d %q", c.err, code, stderr.String(), c.code, c.msg)
		}
	}
	// A subcommand's usage error points at the subcommand's help.
	var sub bytes.Buffer
	app := &cli.App{Name: "app", Commands: []*cli.Command{{Name: "sub", Aliases: []string{"s"},
		Action: func(*cli.Context) error { return Usagef("bad") }}}}
	for _, args := range [][]string{{"app", "sub"}, {"app", "s", "x"}} {
		sub.Reset()
		if code := Run(context.Background(), app, args, &sub); code != ExitUsage || sub.String() != "app: bad (see 'app sub -h')\n" {
			t.Errorf("%q: exit %d %q", args, code, sub.String())
		}
	}

	var stderr bytes.Buffer
	app = &cli.App{Name: "app", Action: func(*cli.Context) error { return nil }}
	if code := Run(context.Background(), app, []string{"app", "--nope"}, &stderr); code != ExitUsage || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("unknown flag: exit %d %q", code, stderr.String())
	}
}
