package spec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestGetopt: a %prep directive's options, bundled or not, values glued
// on or in the next argument, "--" ending them.
func TestGetopt(t *testing.T) {
	for _, c := range []struct {
		args string
		opts map[byte][]string
		pos  []string
		err  string
	}{
		{"", map[byte][]string{}, nil, ""},
		{"-p1 -m 3 -M5 7", map[byte][]string{'p': {"1"}, 'm': {"3"}, 'M': {"5"}}, []string{"7"}, ""},
		{"-qp1 - x", map[byte][]string{'q': {""}, 'p': {"1"}}, []string{"-", "x"}, ""},
		{"-m1 -m2 -- -M3", map[byte][]string{'m': {"1", "2"}}, []string{"-M3"}, ""},
		{"-p", nil, nil, "option -p needs a value"},
	} {
		opts, pos, err := getopt(strings.Fields(c.args), "pmM")
		if fmt.Sprint(err) != fmt.Sprint(errorOrNil(c.err)) || !reflect.DeepEqual(opts, c.opts) || !reflect.DeepEqual(pos, c.pos) {
			t.Errorf("%q: %v %q %v, want %v %q %s", c.args, opts, pos, err, c.opts, c.pos, c.err)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: %v is not ErrSyntax", c.args, err)
		}
	}
}

// TestBindArgs: a parametric macro's locals; an option its definition
// does not list is refused.
func TestBindArgs(t *testing.T) {
	for _, c := range []struct {
		opts, args string
		want       map[string]string
		err        string
	}{
		{"", "a b", map[string]string{"0": "m", "1": "a", "2": "b", "*": "a b", "**": "a b", "#": "2"}, ""},
		{"ab:", "-a -b 1 x", map[string]string{"0": "m", "-a": "-a", "-b": "-b 1", "-b*": "1", "1": "x", "*": "x", "**": "-a -b 1 x", "#": "1"}, ""},
		{"ab:", "-ab2 -- -a", map[string]string{"0": "m", "-a": "-a", "-b": "-b 2", "-b*": "2", "1": "-a", "*": "-a", "**": "-ab2 -- -a", "#": "1"}, ""},
		{"a", "-c", nil, "unknown option -c in %m"},
		{"b:", "-b", nil, "option -b of %m needs a value"},
	} {
		got, err := bindArgs(c.opts, "m", strings.Fields(c.args))
		if fmt.Sprint(err) != fmt.Sprint(errorOrNil(c.err)) || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q %q: %v %v, want %v %s", c.opts, c.args, got, err, c.want, c.err)
		}
	}
}

// errorOrNil is the error a case expects: ErrSyntax with msg, or nil.
func errorOrNil(msg string) error {
	if msg == "" {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrSyntax, msg)
}
