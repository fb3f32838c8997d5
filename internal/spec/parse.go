package spec

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// DefaultVendorMarker is the comment that starts the vendor block.
const DefaultVendorMarker = "# XCP-ng patches"

// Options say how to read a spec. The zero value reads it for x86_64 Linux
// with the default vendor marker.
type Options struct {
	Arch         string            // for %ifarch and %{_arch}; default "x86_64"
	OS           string            // for %ifos and %{_os}; default "linux"
	VendorMarker string            // default DefaultVendorMarker
	Define       map[string]string // macros defined before the spec, like rpm --define
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Arch == "" {
		r.Arch = "x86_64"
	}
	if r.OS == "" {
		r.OS = "linux"
	}
	if r.VendorMarker == "" {
		r.VendorMarker = DefaultVendorMarker
	}
	return r
}

// Patch is a declared patch (PatchN: or a %patchlist entry), or a source
// when returned by Sources.
type Patch struct {
	Num      int
	Value    string // the expanded value: a file name, path or URL
	File     string // the file in SOURCES: the base name of Value
	Line     int
	Numbered bool // the number is written (PatchN:), not assigned by rpm
	Vendor   bool // declared after the vendor marker
	err      error
}

// Commented is a patch commented out because it is upstream:
// "# PatchN: <file>: <sha12> <title>". Commit and Title are empty when the
// comment does not have that shape.
type Commented struct {
	Line   int
	Num    int
	File   string
	Commit string
	Title  string
}

type tagValue struct {
	value string
	line  int
	found bool
	err   error
}

// Spec is a parsed spec. It keeps every byte of its input.
type Spec struct {
	lines      []string
	vendorLine int
	name       tagValue
	version    tagValue
	release    tagValue
	patches    []Patch
	sources    []Patch
	applied    []Patch
	appliedErr error
	commented  []Commented
}

// rpmMacros are the few macros of rpm's own macro files that specs use in
// the parts this package evaluates.
var rpmMacros = []struct{ name, opts, body string }{
	{"nil", "", ""},
	{"with", "-", "%{expand:%%{?with_%{1}:1}%%{!?with_%{1}:0}}"},
	{"without", "-", "%{expand:%%{?with_%{1}:0}%%{!?with_%{1}:1}}"},
	{"bcond_with", "-", "%{expand:%%{?_with_%{1}:%%global with_%{1} 1}}"},
	{"bcond_without", "-", "%{expand:%%{!?_without_%{1}:%%global with_%{1} 1}}"},
}

type cond struct {
	line    int
	parent  bool // the enclosing block is active
	active  bool // the current branch is active
	taken   bool // some branch was active
	sawElse bool
}

type parser struct {
	opts      Options
	s         *Spec
	e         *expander
	conds     []cond
	sec       string
	patchNext int
	srcNext   int
	patchAt   map[int]int // number -> line
	srcAt     map[int]int
}

// Parse reads a spec. Errors in the structure (conditionals, %prep
// directives, duplicate numbers) fail the parse; a tag value that cannot
// be computed is reported by the accessor that needs it.
func Parse(src []byte, opts *Options) (*Spec, error) {
	o := opts.withDefaults()
	s := &Spec{lines: splitLines(string(src))}
	p := &parser{
		opts: o, s: s,
		e:       &expander{m: macros{}, arch: o.Arch},
		patchAt: map[int]int{}, srcAt: map[int]int{},
	}
	for _, d := range rpmMacros {
		p.e.m.push(d.name, &macro{body: d.body, param: d.opts != "", opts: strings.Trim(d.opts, "-")})
	}
	for _, kv := range [][2]string{{"_arch", o.Arch}, {"_target_cpu", o.Arch}, {"_os", o.OS}} {
		p.e.m.push(kv[0], &macro{body: kv[1], global: true})
	}
	for k, v := range o.Define {
		p.e.m.push(k, &macro{body: v})
	}
	for _, l := range joinLogical(s.lines) {
		if err := p.line(l); err != nil {
			return nil, err
		}
	}
	if len(p.conds) > 0 {
		return nil, lineErrf(p.conds[len(p.conds)-1].line, ErrConditional, "%%if without %%endif")
	}
	return s, nil
}

func (p *parser) active() bool {
	return len(p.conds) == 0 || p.conds[len(p.conds)-1].active
}

func (p *parser) line(l logical) error {
	text := l.text
	trimmed := trimLeftSpace(text)
	name, rest := directive(trimmed)
	if handled, err := p.conditional(l.Line(), name, rest); handled {
		return err
	}
	if !p.active() {
		return nil
	}
	if sec := section(text); sec != "" {
		p.sec = sec
		return nil
	}
	if strings.HasPrefix(trimmed, "#") {
		if isPreamble(p.sec) {
			p.comment(l)
		}
		return nil
	}
	if p.sec == "changelog" {
		return nil
	}
	switch name {
	case "define", "global", "undefine":
		p.e.reset(l.Line())
		return p.e.define(name, rest, l.Line())
	}
	switch {
	case isPreamble(p.sec):
		return p.preamble(l)
	case p.sec == "patchlist" || p.sec == "sourcelist":
		if trimmed == "" {
			return nil
		}
		v, err := p.e.expandLine(trimSpace(text), l.Line())
		if p.sec == "patchlist" {
			return p.declarePatch(l.Line(), "", v, err)
		}
		return p.declareSource(l.Line(), "", v, err)
	case p.sec == "prep":
		return p.prep(l.Line(), name, rest)
	}
	return nil
}

func (p *parser) conditional(line int, name, rest string) (bool, error) {
	if rest != "" && !isSpace(rest[0]) {
		return false, nil
	}
	switch name {
	case "if", "ifarch", "ifnarch", "ifos", "ifnos":
		c := cond{line: line, parent: p.active()}
		if c.parent {
			v, err := p.test(line, name, rest)
			if err != nil {
				return true, err
			}
			c.active, c.taken = v, v
		}
		p.conds = append(p.conds, c)
		return true, nil
	case "elif", "elifarch", "elifos":
		if len(p.conds) == 0 || p.conds[len(p.conds)-1].sawElse {
			return true, lineErrf(line, ErrConditional, "%%%s without %%if", name)
		}
		c := &p.conds[len(p.conds)-1]
		c.active = false
		if c.parent && !c.taken {
			v, err := p.test(line, "if"+strings.TrimPrefix(name, "elif"), rest)
			if err != nil {
				return true, err
			}
			c.active, c.taken = v, v
		}
		return true, nil
	case "else":
		if len(p.conds) == 0 || p.conds[len(p.conds)-1].sawElse {
			return true, lineErrf(line, ErrConditional, "%%else without %%if")
		}
		c := &p.conds[len(p.conds)-1]
		c.active = c.parent && !c.taken
		c.taken, c.sawElse = true, true
		return true, nil
	case "endif":
		if len(p.conds) == 0 {
			return true, lineErrf(line, ErrConditional, "%%endif without %%if")
		}
		p.conds = p.conds[:len(p.conds)-1]
		return true, nil
	}
	return false, nil
}

func (p *parser) test(line int, kind, rest string) (bool, error) {
	v, err := p.e.expandLine(rest, line)
	if err != nil {
		return false, lineErr(line, err)
	}
	switch kind {
	case "if":
		r, err := evalExpr(v)
		if err != nil {
			return false, lineErr(line, err)
		}
		return r.truth(), nil
	case "ifarch", "ifnarch", "ifos", "ifnos":
		want := p.opts.Arch
		if strings.HasSuffix(kind, "os") {
			want = p.opts.OS
		}
		found := false
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || isSpace(byte(r)) }) {
			if f == want {
				found = true
			}
		}
		return found != strings.HasPrefix(kind, "ifn"), nil
	}
	return false, nil
}

func (p *parser) comment(l logical) {
	first := content(p.s.lines[l.first])
	if p.s.vendorLine == 0 && strings.HasPrefix(trimSpace(first), trimSpace(p.opts.VendorMarker)) {
		p.s.vendorLine = l.Line()
	}
	digits, _, rest, ok := matchCommentedPatch(first)
	if !ok {
		return
	}
	n, ok := parseNum(digits)
	if !ok {
		return
	}
	c := Commented{Line: l.Line(), Num: n, File: rest}
	if i := strings.Index(rest, ": "); i > 0 {
		after := strings.TrimLeft(rest[i+2:], " \t")
		sha, title, _ := strings.Cut(after, " ")
		if len(sha) >= 7 && len(sha) <= 40 && isHex(sha) {
			c.File, c.Commit, c.Title = rest[:i], sha, trimSpace(title)
		}
	}
	p.s.commented = append(p.s.commented, c)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (p *parser) preamble(l logical) error {
	t, ok := matchTag(l.text)
	var v string
	var err error
	if ok {
		v, err = p.e.expandLine(t.value, l.Line())
	} else {
		if !strings.Contains(l.text, "%") {
			return nil
		}
		// rpm expands the line before reading the tag; a line that is
		// only a macro call may define macros or produce a tag. One we
		// cannot expand (say a %{lua:} generating BuildRequires) is not
		// a tag we need.
		x, xerr := p.e.expandLine(l.text, l.Line())
		if xerr != nil {
			return nil
		}
		if t, ok = matchTag(x); !ok {
			return nil
		}
		v = t.value
	}
	switch t.key {
	case "name", "version", "release", "epoch":
		if t.digits != "" || p.sec != "" {
			return nil
		}
		tv := tagValue{value: v, line: l.Line(), found: true, err: err}
		switch t.key {
		case "name":
			p.s.name = tv
		case "version":
			p.s.version = tv
		case "release":
			p.s.release = tv
		}
		d := &macro{body: v, global: true, err: err, line: l.Line()}
		p.e.m.push(t.key, d)
		p.e.m.push(strings.ToUpper(t.key), d)
	case "patch":
		return p.declarePatch(l.Line(), t.digits, v, err)
	case "source":
		return p.declareSource(l.Line(), t.digits, v, err)
	}
	return nil
}

func (p *parser) declarePatch(line int, digits, v string, err error) error {
	n, numbered, e := number(line, digits, &p.patchNext)
	if e != nil {
		return e
	}
	if prev, dup := p.patchAt[n]; dup {
		return lineErrf(line, ErrDuplicate, "patch %d is also declared at line %d", n, prev)
	}
	p.patchAt[n] = line
	pt := Patch{Num: n, Value: v, File: path.Base(v), Line: line, Numbered: numbered,
		Vendor: p.s.vendorLine > 0, err: err}
	if err == nil && v == "" {
		pt.err = lineErrf(line, ErrSyntax, "patch %d has no file", n)
	}
	p.s.patches = append(p.s.patches, pt)
	p.e.m.push("PATCH"+strconv.Itoa(n), &macro{body: "%{_sourcedir}/" + pt.File, line: line, err: err})
	return nil
}

func (p *parser) declareSource(line int, digits, v string, err error) error {
	n, numbered, e := number(line, digits, &p.srcNext)
	if e != nil {
		return e
	}
	if prev, dup := p.srcAt[n]; dup {
		return lineErrf(line, ErrDuplicate, "source %d is also declared at line %d", n, prev)
	}
	p.srcAt[n] = line
	p.s.sources = append(p.s.sources, Patch{Num: n, Value: v, File: path.Base(v), Line: line, Numbered: numbered, err: err})
	p.e.m.push("SOURCE"+strconv.Itoa(n), &macro{body: "%{_sourcedir}/" + path.Base(v), line: line, err: err})
	return nil
}

// number gives a declaration its number: the written one, else one more
// than the highest so far (rpm >= 4.15).
func number(line int, digits string, next *int) (int, bool, error) {
	n := *next
	numbered := digits != ""
	if numbered {
		var ok bool
		if n, ok = parseNum(digits); !ok {
			return 0, false, lineErrf(line, ErrSyntax, "number %s out of range", digits)
		}
	}
	if n >= *next {
		*next = n + 1
	}
	return n, numbered, nil
}

func (p *parser) prep(line int, name, rest string) error {
	if p.s.appliedErr != nil {
		return nil
	}
	var nums []int
	var err error
	switch {
	case name == "autosetup":
		nums, err = p.autosetup(line, rest)
	case name == "autopatch":
		nums, err = p.autopatch(line, rest)
	case isPatchDirective(name):
		nums, err = p.patch(line, name[5:], rest)
	default:
		return nil
	}
	if err != nil {
		if isOpaque(err) {
			// Keep going: the order is unknown, but Name, Version and
			// the declarations are still useful.
			p.s.appliedErr = err
			return nil
		}
		return err
	}
	for _, n := range nums {
		for _, pt := range p.s.patches {
			if pt.Num == n {
				p.s.applied = append(p.s.applied, pt)
			}
		}
	}
	return nil
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func (p *parser) args(line int, rest, valued string) (map[byte][]string, []string, error) {
	v, err := p.e.expandLine(rest, line)
	if err != nil {
		return nil, nil, err
	}
	opts, pos, err := getopt(strings.Fields(v), valued)
	if err != nil {
		return nil, nil, lineErr(line, err)
	}
	return opts, pos, nil
}

func (p *parser) autosetup(line int, rest string) ([]int, error) {
	opts, _, err := p.args(line, rest, "abnSpC")
	if err != nil || opts['N'] != nil {
		return nil, err
	}
	return p.allPatches(nil, nil), nil
}

func (p *parser) autopatch(line int, rest string) ([]int, error) {
	opts, pos, err := p.args(line, rest, "pmM")
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return p.numbers(line, pos)
	}
	var lo, hi *int
	for _, f := range []struct {
		c byte
		p **int
	}{{'m', &lo}, {'M', &hi}} {
		if vs := opts[f.c]; len(vs) > 0 {
			n, err := strconv.Atoi(vs[len(vs)-1])
			if err != nil {
				return nil, lineErrf(line, ErrSyntax, "-%c needs a number, not %q", f.c, vs[len(vs)-1])
			}
			*f.p = &n
		}
	}
	return p.allPatches(lo, hi), nil
}

func (p *parser) allPatches(lo, hi *int) []int {
	var nums []int
	for _, pt := range p.s.patches {
		if (lo == nil || pt.Num >= *lo) && (hi == nil || pt.Num <= *hi) {
			nums = append(nums, pt.Num)
		}
	}
	return nums
}

// patch reads the patches a %patch line applies, after expanding its
// macros as rpm does before doPatchMacro.
func (p *parser) patch(line int, suffix, rest string) ([]int, error) {
	v, err := p.e.expandLine(rest, line)
	if err != nil {
		return nil, err
	}
	text := "%patch" + suffix + v
	refs, err := patchArgs(text, len("%patch"))
	if err != nil {
		return nil, lineErr(line, err)
	}
	list := []string{"0"} // rpm's default
	if len(refs) > 0 {
		list = list[:0]
	}
	for _, r := range refs {
		list = append(list, text[r.start:r.end])
	}
	return p.numbers(line, list)
}

func (p *parser) numbers(line int, list []string) ([]int, error) {
	var nums []int
	for _, a := range list {
		n, ok := parseNum(a)
		if !ok || !isNumber(a) {
			return nil, lineErrf(line, ErrSyntax, "bad patch number %q", a)
		}
		if _, ok := p.patchAt[n]; !ok {
			return nil, lineErrf(line, ErrNoPatch, "patch %d is not declared", n)
		}
		nums = append(nums, n)
	}
	return nums, nil
}

// getopt splits short options from positional arguments as scanOpts
// does; valued lists the options that take a value, any other letter is
// an option without one.
func getopt(args []string, valued string) (map[byte][]string, []string, error) {
	opts := map[byte][]string{}
	takes := func(c byte) (bool, error) { return strings.IndexByte(valued, c) >= 0, nil }
	pos, err := scanOpts(args, "", takes, func(c byte, v string, _ bool) { opts[c] = append(opts[c], v) })
	if err != nil {
		return nil, nil, err
	}
	return opts, pos, nil
}

// scanOpts splits short options (bundled or not) from positional
// arguments as rpm reads the arguments of a parametric macro or a %prep
// directive: "--" ends the options, and an option that takes a value has
// it glued on or in the next argument. takes says whether option c takes
// a value, or refuses c; opt is given each option in order, with its
// value ("" for one that takes none) and whether it takes one. of names,
// in a message, what the options are given to (" of %name"), or is "".
func scanOpts(args []string, of string, takes func(c byte) (bool, error), opt func(c byte, v string, valued bool)) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			valued, err := takes(c)
			if err != nil {
				return nil, err
			}
			if !valued {
				opt(c, "", false)
				continue
			}
			v := a[j+1:]
			if v == "" {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("%w: option -%c%s needs a value", ErrSyntax, c, of)
				}
				i++
				v = args[i]
			}
			opt(c, v, true)
			break
		}
	}
	return pos, nil
}

// Bytes returns the spec as it is now: for a spec that was not changed,
// exactly the bytes Parse was given.
func (s *Spec) Bytes() []byte { return []byte(strings.Join(s.lines, "")) }

// NumLines is the number of physical lines.
func (s *Spec) NumLines() int { return len(s.lines) }

// Line returns physical line n (1-based) without its line terminator.
func (s *Spec) Line(n int) string {
	if n < 1 || n > len(s.lines) {
		return ""
	}
	return content(s.lines[n-1])
}

// VendorLine is the line of the vendor marker, 0 if there is none.
func (s *Spec) VendorLine() int { return s.vendorLine }

func (t tagValue) get(tag string) (string, error) {
	if !t.found {
		return "", fmt.Errorf("%w: %s", ErrNoTag, tag)
	}
	if t.err != nil {
		return "", fmt.Errorf("%s (line %d): %w", tag, t.line, t.err)
	}
	return t.value, nil
}

// Name is the evaluated Name tag.
func (s *Spec) Name() (string, error) { return s.name.get("Name") }

// Version is the evaluated Version tag.
func (s *Spec) Version() (string, error) { return s.version.get("Version") }

// Release is the evaluated Release tag.
func (s *Spec) Release() (string, error) { return s.release.get("Release") }

// Patches returns the declared patches that exist (not inside a false
// conditional), in declaration order.
func (s *Spec) Patches() ([]Patch, error) { return checked(s.patches, "patch") }

// Sources returns the declared sources, in declaration order.
func (s *Spec) Sources() ([]Patch, error) { return checked(s.sources, "source") }

// Applied returns the patches in the order %prep applies them.
func (s *Spec) Applied() ([]Patch, error) {
	if s.appliedErr != nil {
		return nil, fmt.Errorf("%%prep: %w", s.appliedErr)
	}
	return checked(s.applied, "patch")
}

func checked(ps []Patch, what string) ([]Patch, error) {
	for _, p := range ps {
		if p.err != nil {
			return nil, fmt.Errorf("%s %d (line %d): %w", what, p.Num, p.Line, p.err)
		}
	}
	return append([]Patch(nil), ps...), nil
}

// Commented returns the patches commented out as upstream.
func (s *Spec) Commented() []Commented { return append([]Commented(nil), s.commented...) }
