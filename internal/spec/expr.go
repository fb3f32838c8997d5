package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// value is the result of an rpm expression: an integer or a string.
type exprValue struct {
	isStr bool
	n     int64
	s     string
}

func (v exprValue) String() string {
	if v.isStr {
		return v.s
	}
	return strconv.FormatInt(v.n, 10)
}

func (v exprValue) truth() bool {
	if v.isStr {
		return v.s != ""
	}
	return v.n != 0
}

func intVal(n int64) exprValue { return exprValue{n: n} }

func boolVal(b bool) exprValue {
	if b {
		return intVal(1)
	}
	return intVal(0)
}

// evalExpr evaluates an already macro-expanded %if or %[ ] expression
// with the grammar of rpm's expression.c.
func evalExpr(s string) (exprValue, error) {
	p := &exprParser{s: s}
	p.next()
	if p.err != nil {
		return exprValue{}, p.err
	}
	if p.tok == tokEOF {
		return exprValue{}, fmt.Errorf("%w: empty expression", ErrSyntax)
	}
	v, err := p.ternary()
	if err == nil {
		err = p.err
	}
	if err != nil {
		return exprValue{}, err
	}
	if p.tok != tokEOF {
		return exprValue{}, fmt.Errorf("%w: unexpected %q in expression %q", ErrSyntax, p.text, s)
	}
	return v, nil
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokNum
	tokStr
	tokOp
)

type exprParser struct {
	s    string
	pos  int
	tok  tokKind
	text string
	err  error
}

var twoCharOps = []string{"==", "!=", "<=", ">=", "&&", "||"}

func (p *exprParser) next() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
	if p.pos >= len(p.s) {
		p.tok, p.text = tokEOF, ""
		return
	}
	rest := p.s[p.pos:]
	switch c := rest[0]; {
	case isDigit(c):
		i := 0
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		p.tok, p.text = tokNum, rest[:i]
		p.pos += i
	case c == '"':
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			p.err = fmt.Errorf("%w: unterminated string in expression %q", ErrSyntax, p.s)
			p.tok, p.text = tokEOF, ""
			p.pos = len(p.s)
			return
		}
		p.tok, p.text = tokStr, rest[1:end+1]
		p.pos += end + 2
	default:
		for _, op := range twoCharOps {
			if strings.HasPrefix(rest, op) {
				p.tok, p.text = tokOp, op
				p.pos += 2
				return
			}
		}
		if strings.ContainsRune("+-*/<>!()?:", rune(c)) {
			p.tok, p.text = tokOp, string(c)
			p.pos++
			return
		}
		i := 0
		for i < len(rest) && !isSpace(rest[i]) && !strings.ContainsRune("+-*/<>!=()?:&|\"", rune(rest[i])) {
			i++
		}
		if i == 0 {
			i = 1
		}
		p.err = fmt.Errorf("%w: bare word %q in expression %q (strings need quotes)", ErrSyntax, rest[:i], p.s)
		p.tok, p.text = tokEOF, ""
		p.pos = len(p.s)
	}
}

func (p *exprParser) is(op string) bool { return p.tok == tokOp && p.text == op }

func (p *exprParser) ternary() (exprValue, error) {
	c, err := p.or()
	if err != nil || !p.is("?") {
		return c, err
	}
	p.next()
	a, err := p.ternary()
	if err != nil {
		return a, err
	}
	if !p.is(":") {
		return a, p.fail("expected ':'")
	}
	p.next()
	b, err := p.ternary()
	if err != nil {
		return b, err
	}
	if c.truth() {
		return a, nil
	}
	return b, nil
}

func (p *exprParser) or() (exprValue, error) {
	v, err := p.and()
	for err == nil && p.is("||") {
		p.next()
		var w exprValue
		if w, err = p.and(); err == nil && !v.truth() {
			v = w
		}
	}
	return v, err
}

func (p *exprParser) and() (exprValue, error) {
	v, err := p.cmp()
	for err == nil && p.is("&&") {
		p.next()
		var w exprValue
		if w, err = p.cmp(); err == nil && v.truth() {
			v = w
		}
	}
	return v, err
}

func (p *exprParser) cmp() (exprValue, error) {
	v, err := p.add()
	for err == nil && p.tok == tokOp {
		op := p.text
		switch op {
		case "==", "!=", "<", ">", "<=", ">=":
		default:
			return v, nil
		}
		p.next()
		var w exprValue
		if w, err = p.add(); err != nil {
			break
		}
		if v.isStr != w.isStr {
			return v, p.fail("types must match")
		}
		c := 0
		if v.isStr {
			c = strings.Compare(v.s, w.s)
		} else if v.n < w.n {
			c = -1
		} else if v.n > w.n {
			c = 1
		}
		v = boolVal(map[string]bool{
			"==": c == 0, "!=": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0,
		}[op])
	}
	return v, err
}

func (p *exprParser) add() (exprValue, error) {
	v, err := p.mul()
	for err == nil && (p.is("+") || p.is("-")) {
		op := p.text
		p.next()
		var w exprValue
		if w, err = p.mul(); err != nil {
			break
		}
		switch {
		case v.isStr && w.isStr && op == "+":
			v = exprValue{isStr: true, s: v.s + w.s}
		case v.isStr || w.isStr:
			return v, p.fail("types must match")
		case op == "+":
			v = intVal(v.n + w.n)
		default:
			v = intVal(v.n - w.n)
		}
	}
	return v, err
}

func (p *exprParser) mul() (exprValue, error) {
	v, err := p.unary()
	for err == nil && (p.is("*") || p.is("/")) {
		op := p.text
		p.next()
		var w exprValue
		if w, err = p.unary(); err != nil {
			break
		}
		if v.isStr || w.isStr {
			return v, p.fail("types must match")
		}
		if op == "*" {
			v = intVal(v.n * w.n)
		} else {
			if w.n == 0 {
				return v, p.fail("division by zero")
			}
			v = intVal(v.n / w.n)
		}
	}
	return v, err
}

func (p *exprParser) unary() (exprValue, error) {
	if p.err != nil {
		return exprValue{}, p.err
	}
	switch {
	case p.is("!"):
		p.next()
		v, err := p.unary()
		if err != nil {
			return v, err
		}
		if v.isStr {
			return boolVal(v.s == ""), nil
		}
		return boolVal(v.n == 0), nil
	case p.is("-"):
		p.next()
		v, err := p.unary()
		if err != nil {
			return v, err
		}
		if v.isStr {
			return v, p.fail("- applied to a string")
		}
		return intVal(-v.n), nil
	case p.is("("):
		p.next()
		v, err := p.ternary()
		if err != nil {
			return v, err
		}
		if !p.is(")") {
			return v, p.fail("expected ')'")
		}
		p.next()
		return v, nil
	case p.tok == tokNum:
		n, err := strconv.ParseInt(p.text, 10, 64)
		if err != nil {
			return exprValue{}, p.fail("number out of range")
		}
		p.next()
		return intVal(n), p.err
	case p.tok == tokStr:
		s := p.text
		p.next()
		return exprValue{isStr: true, s: s}, p.err
	}
	return exprValue{}, p.fail("unexpected end")
}

func (p *exprParser) fail(msg string) error {
	if p.err != nil {
		return p.err
	}
	return fmt.Errorf("%w: %s in expression %q", ErrSyntax, msg, p.s)
}
