package spec

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
)

const (
	maxDepth  = 64
	maxOutput = 1 << 20 // bytes one top-level expansion may produce
)

// macro is one definition; rpm keeps a stack of them per name.
type macro struct {
	body   string
	opts   string // getopt string of a parametric macro
	param  bool
	line   int
	global bool  // body already expanded
	err    error // a %global body that could not be expanded
}

type macros map[string][]*macro

func (m macros) get(name string) *macro {
	if s := m[name]; len(s) > 0 {
		return s[len(s)-1]
	}
	return nil
}

func (m macros) push(name string, d *macro) { m[name] = append(m[name], d) }

func (m macros) pop(name string) {
	if s := m[name]; len(s) > 0 {
		m[name] = s[:len(s)-1]
	}
}

// expander expands macros in text. line is where the text being expanded is
// written, for error messages.
type expander struct {
	m      macros
	line   int
	depth  int
	budget int
	calls  int // macro bodies expanded since the last reset
	arch   string
}

// maxCalls bounds the work of one line: lazily defined macros that each
// use the next one twice would otherwise take exponential time.
const maxCalls = 100000

func (e *expander) reset(line int) {
	e.line, e.depth, e.budget, e.calls = line, 0, maxOutput, 0
}

func (e *expander) expandLine(s string, line int) (string, error) {
	e.reset(line)
	return e.expand(s)
}

func (e *expander) expand(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, e.spend(len(s))
	}
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		return "", lineErrf(e.line, ErrRecursion, "more than %d levels", maxDepth)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch n := s[i+1]; {
		case n == '%':
			b.WriteByte('%')
			i += 2
		case n == '{':
			end := matchClose(s, i+1, '{', '}')
			if end < 0 {
				return "", lineErrf(e.line, ErrSyntax, "unterminated %%{ in %q", shorten(s[i:]))
			}
			out, err := e.braced(s[i+2:end], s[i:end+1])
			if err != nil {
				return "", err
			}
			b.WriteString(out)
			i = end + 1
		case n == '(':
			end := matchClose(s, i+1, '(', ')')
			if end < 0 {
				end = len(s) - 1
			}
			return "", &OpaqueError{Line: e.line, Construct: shorten(s[i : end+1])}
		case n == '[':
			end := matchClose(s, i+1, '[', ']')
			if end < 0 {
				return "", lineErrf(e.line, ErrSyntax, "unterminated %%[ in %q", shorten(s[i:]))
			}
			inner, err := e.expand(s[i+2 : end])
			if err != nil {
				return "", err
			}
			v, err := evalExpr(inner)
			if err != nil {
				return "", lineErr(e.line, err)
			}
			b.WriteString(v.String())
			i = end + 1
		default:
			out, next, err := e.bare(s, i)
			if err != nil {
				return "", err
			}
			b.WriteString(out)
			i = next
		}
		if err := e.spend(b.Len()); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func (e *expander) spend(n int) error {
	if n > e.budget {
		return lineErrf(e.line, ErrRecursion, "more than %d bytes", maxOutput)
	}
	return nil
}

// bare expands %name, %?name, %!?name, %1, %* and %# at s[i].
func (e *expander) bare(s string, i int) (string, int, error) {
	j := i + 1
	neg, test := false, false
	for j < len(s) && (s[j] == '!' || s[j] == '?') {
		if s[j] == '!' {
			neg = !neg
		} else {
			test = true
		}
		j++
	}
	k := j
	switch {
	case k < len(s) && s[k] == '*':
		k++
		if k < len(s) && s[k] == '*' {
			k++
		}
	case k < len(s) && s[k] == '#':
		k++
	default:
		for k < len(s) && (isAlnum(s[k]) || s[k] == '_') {
			k++
		}
	}
	name := s[j:k]
	if name == "" {
		return s[i:k], k, nil
	}
	switch name {
	case "define", "global", "undefine":
		// The rest of the line is the definition.
		end := strings.IndexByte(s[k:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += k
		}
		return "", end, e.define(name, s[k:end], e.line)
	}
	d := e.m.get(name)
	if test {
		if neg || d == nil {
			return "", k, nil
		}
		v, err := e.value(d, name, "")
		return v, k, err
	}
	if d == nil {
		return s[i:k], k, nil
	}
	args := ""
	if d.param {
		// A bare parametric call takes the rest of the line.
		end := strings.IndexByte(s[k:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += k
		}
		args = s[k:end]
		k = end
	}
	v, err := e.value(d, name, args)
	return v, k, err
}

// builtins that take "name:arg".
var builtins = map[string]bool{
	"lua": true, "expand": true, "basename": true, "dirname": true,
	"suffix": true, "lower": true, "upper": true, "len": true,
	"quote": true, "defined": true, "undefined": true, "shrink": true,
	"echo": true, "warn": true, "verbose": true, "error": true, "S": true,
	"P": true, "getenv": true, "url2path": true, "u2p": true,
	"uncompress": true, "load": true, "shescape": true, "dump": true,
	"trace": true, "getconfdir": true, "sub": true, "rep": true,
	"gsub": true, "reverse": true, "exists": true, "macrobody": true,
}

// braced expands the inside of %{...}; whole is the construct for messages.
func (e *expander) braced(in, whole string) (string, error) {
	j := 0
	neg, test := false, false
	for j < len(in) && (in[j] == '!' || in[j] == '?') {
		if in[j] == '!' {
			neg = !neg
		} else {
			test = true
		}
		j++
	}
	k := j
	for k < len(in) && in[k] != ':' && !isSpace(in[k]) {
		k++
	}
	name := in[j:k]
	hasColon := k < len(in) && in[k] == ':'
	rest := ""
	if k < len(in) {
		rest = in[k+1:]
	}
	if name == "lua" && hasColon {
		return "", &OpaqueError{Line: e.line, Construct: shorten(whole)}
	}
	if test {
		d := e.m.get(name)
		defined := d != nil
		if neg {
			defined = !defined
		}
		if hasColon {
			if defined {
				return e.expand(rest)
			}
			return "", nil
		}
		if neg || !defined {
			return "", nil
		}
		return e.value(d, name, "")
	}
	if hasColon && builtins[name] && e.m.get(name) == nil {
		return e.builtin(name, rest, whole)
	}
	d := e.m.get(name)
	if d == nil {
		if builtins[name] {
			return e.builtin(name, rest, whole)
		}
		return whole, nil
	}
	args := ""
	if !hasColon && k < len(in) {
		args = in[k:]
	}
	return e.value(d, name, args)
}

func (e *expander) builtin(name, arg, whole string) (string, error) {
	switch name {
	case "defined", "undefined":
		v := e.m.get(trimSpace(arg)) != nil
		if name == "undefined" {
			v = !v
		}
		if v {
			return "1", nil
		}
		return "0", nil
	}
	v, err := e.expand(arg)
	if err != nil {
		return "", err
	}
	switch name {
	case "expand":
		return e.expand(v)
	case "basename":
		return path.Base(v), nil
	case "dirname":
		return path.Dir(v), nil
	case "suffix":
		if i := strings.LastIndexByte(v, '.'); i >= 0 {
			return v[i+1:], nil
		}
		return "", nil
	case "lower":
		return strings.ToLower(v), nil
	case "upper":
		return strings.ToUpper(v), nil
	case "len":
		return strconv.Itoa(len([]rune(v))), nil
	case "quote":
		return v, nil
	case "shrink":
		return strings.Join(strings.Fields(v), " "), nil
	case "echo", "warn", "verbose":
		return "", nil
	case "S", "P":
		tag := map[string]string{"S": "SOURCE", "P": "PATCH"}[name]
		d := e.m.get(tag + trimSpace(v))
		if d == nil {
			return whole, nil
		}
		return e.value(d, tag, "")
	}
	return "", lineErrf(e.line, ErrUnsupported, "%s", shorten(whole))
}

// value expands a macro's definition, with args for a parametric macro.
func (e *expander) value(d *macro, name, args string) (string, error) {
	if d.err != nil {
		return "", d.err
	}
	if e.calls++; e.calls > maxCalls {
		return "", lineErrf(e.line, ErrRecursion, "more than %d macro expansions", maxCalls)
	}
	if d.global {
		return d.body, nil
	}
	if !d.param {
		saved := e.line
		e.line = d.line
		defer func() { e.line = saved }()
		return e.expand(d.body)
	}
	expArgs, err := e.expand(args)
	if err != nil {
		return "", err
	}
	locals, err := bindArgs(d.opts, name, strings.Fields(expArgs))
	if err != nil {
		return "", lineErr(e.line, err)
	}
	for k, v := range locals {
		e.m.push(k, &macro{body: v, global: true})
	}
	defer func() {
		for k := range locals {
			e.m.pop(k)
		}
	}()
	saved := e.line
	e.line = d.line
	defer func() { e.line = saved }()
	return e.expand(d.body)
}

// bindArgs makes the local macros of a parametric call: %0, %1.., %*, %**,
// %#, and %-x/%-x* for options.
func bindArgs(opts, name string, args []string) (map[string]string, error) {
	locals := map[string]string{"0": name}
	takes := func(c byte) (bool, error) {
		at := strings.IndexByte(opts, c)
		if at < 0 {
			return false, fmt.Errorf("%w: unknown option -%c in %%%s", ErrSyntax, c, name)
		}
		return at+1 < len(opts) && opts[at+1] == ':', nil
	}
	pos, err := scanOpts(args, " of %"+name, takes, func(c byte, v string, valued bool) {
		o := "-" + string(c)
		if !valued {
			locals[o] = o
			return
		}
		locals[o] = o + " " + v
		locals[o+"*"] = v
	})
	if err != nil {
		return nil, err
	}
	for i, a := range pos {
		locals[strconv.Itoa(i+1)] = a
	}
	locals["*"] = strings.Join(pos, " ")
	locals["**"] = strings.Join(args, " ")
	locals["#"] = strconv.Itoa(len(pos))
	return locals, nil
}

// define handles the text after %define, %global or %undefine.
func (e *expander) define(kind, rest string, line int) error {
	rest = trimLeftSpace(rest)
	i := 0
	for i < len(rest) && (isAlnum(rest[i]) || rest[i] == '_') {
		i++
	}
	name := rest[:i]
	if name == "" {
		return lineErrf(line, ErrSyntax, "%%%s without a macro name", kind)
	}
	if kind == "undefine" {
		e.m.pop(name)
		return nil
	}
	d := &macro{line: line}
	rest = rest[i:]
	if strings.HasPrefix(rest, "(") {
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return lineErrf(line, ErrSyntax, "unterminated options of %%%s %s", kind, name)
		}
		d.param, d.opts = true, rest[1:end]
		rest = rest[end+1:]
	}
	if rest != "" && !isSpace(rest[0]) {
		return lineErrf(line, ErrSyntax, "bad macro name in %%%s %s%s", kind, name, shorten(rest))
	}
	body := strings.ReplaceAll(trimSpace(rest), "\\\n", "\n")
	d.body = body
	if kind == "global" && !d.param {
		saved := e.line
		e.line = line
		v, err := e.expand(body)
		e.line = saved
		if err != nil {
			if !isOpaque(err) {
				return err
			}
			d.err = err
		}
		d.body, d.global = v, true
	}
	e.m.push(name, d)
	return nil
}

func isOpaque(err error) bool {
	var oe *OpaqueError
	return errors.As(err, &oe)
}

// matchClose finds the closer matching s[open], counting nesting and
// skipping backslash escapes as rpm's matchchar does.
func matchClose(s string, open int, o, c byte) int {
	lvl := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case o:
			lvl++
		case c:
			lvl--
			if lvl == 0 {
				return i
			}
		}
	}
	return -1
}

func shorten(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
