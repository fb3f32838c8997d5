package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// UpstreamEdit comments out patch Num as now upstream:
// "# PatchN: <file>: <Commit> <Title>".
type UpstreamEdit struct {
	Num    int
	Commit string // abbreviated id of the upstream commit (12 hex digits)
	Title  string
}

// DroppedEdit comments out patch Num as dropped from the queue:
// "# PatchN: <file>: dropped: <Reason>".
type DroppedEdit struct {
	Num    int
	Reason string
}

// ReplaceEdit points patch Num at another file.
type ReplaceEdit struct {
	Num  int
	File string
}

// Edits are the changes git import-srpm sync makes to a spec.
type Edits struct {
	Upstream []UpstreamEdit
	Dropped  []DroppedEdit
	Replace  []ReplaceEdit
	// Version, when set, becomes the value of the Version tag, and each
	// literal occurrence of the old version in Source0 is replaced too.
	Version string
}

// Added is a patch Edit declared.
type Added struct {
	Num  int
	File string
	Line int // 1-based line in the result
}

// Changed is a line Edit rewrote, by its number in the input.
type Changed struct {
	Line     int
	Old, New string
}

// EditResult is the outcome of Edit.
type EditResult struct {
	Out     []byte
	Changed []Changed
}

// Edit applies edits to src, changing only the lines they are about: the
// PatchN: line of each upstream patch becomes a comment, the value of each
// replaced patch is swapped for the new file (nothing else on the line
// changes). Every other byte stays as it was. Edit refuses patches that
// are not declared by a numbered PatchN: line on a line of its own. New
// patches are Insert's.
func Edit(src []byte, edits Edits, opts *Options) (*EditResult, error) {
	s, err := Parse(src, opts)
	if err != nil {
		return nil, err
	}
	patches, err := s.Patches()
	if err != nil {
		return nil, err
	}
	byNum := map[int]Patch{}
	for _, p := range patches {
		byNum[p.Num] = p
	}
	lines := append([]string(nil), s.lines...)
	res := &EditResult{}
	seen := map[int]bool{}
	target := func(num int) (Patch, tagLine, error) {
		p, ok := byNum[num]
		if !ok {
			return p, tagLine{}, fmt.Errorf("%w: %d", ErrNoPatch, num)
		}
		if seen[num] {
			return p, tagLine{}, lineErrf(p.Line, ErrSyntax, "patch %d edited twice", num)
		}
		seen[num] = true
		t, err := checkSimple(lines, p)
		return p, t, err
	}
	set := func(p Patch, text string) {
		old := lines[p.Line-1]
		if text == content(old) {
			return // already so: not a change
		}
		lines[p.Line-1] = text + old[len(content(old)):]
		res.Changed = append(res.Changed, Changed{Line: p.Line, Old: content(old), New: text})
	}
	for _, u := range edits.Upstream {
		p, t, err := target(u.Num)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(u.Commit+u.Title, "\n\r") || u.Commit == "" || !isHex(u.Commit) {
			return nil, lineErrf(p.Line, ErrSyntax, "patch %d: bad upstream commit %q", u.Num, u.Commit)
		}
		text := "# " + t.name + ": " + p.File + ": " + u.Commit
		if title := strings.TrimSpace(u.Title); title != "" {
			// rpm expands macros even in comments: keep a % literal.
			text += " " + strings.ReplaceAll(title, "%", "%%")
		}
		set(p, text)
	}
	for _, d := range edits.Dropped {
		p, t, err := target(d.Num)
		if err != nil {
			return nil, err
		}
		reason := strings.Join(strings.Fields(d.Reason), " ")
		if reason == "" {
			reason = "no reason given"
		}
		set(p, "# "+t.name+": "+p.File+": dropped: "+strings.ReplaceAll(reason, "%", "%%"))
	}
	if len(edits.Upstream)+len(edits.Dropped) > 0 {
		var gone []int
		for _, u := range edits.Upstream {
			gone = append(gone, u.Num)
		}
		for _, d := range edits.Dropped {
			gone = append(gone, d.Num)
		}
		if err := commentPrep(lines, gone, res); err != nil {
			return nil, err
		}
	}
	for _, r := range edits.Replace {
		p, t, err := target(r.Num)
		if err != nil {
			return nil, err
		}
		if !validFile(r.File) {
			return nil, lineErrf(p.Line, ErrSyntax, "patch %d: bad file name %q", r.Num, r.File)
		}
		c := content(lines[p.Line-1])
		from, to := t.valueFrom, t.valueFrom+len(t.value)
		if !strings.Contains(t.value, "%") && strings.HasSuffix(t.value, p.File) {
			from = to - len(p.File) // keep a directory or URL prefix
		}
		set(p, c[:from]+r.File+c[to:])
	}
	if edits.Version != "" {
		if err := setVersion(s, lines, edits.Version, res); err != nil {
			return nil, err
		}
	}
	sort.Slice(res.Changed, func(i, j int) bool { return res.Changed[i].Line < res.Changed[j].Line })
	res.Out = []byte(strings.Join(lines, ""))
	if err := verifyEdit(res, edits, opts); err != nil {
		return nil, err
	}
	return res, nil
}

// setVersion rewrites the Version line's value and the old version's
// literal occurrences in Source0; a Version computed by macros is left to
// the user.
func setVersion(s *Spec, lines []string, version string, res *EditResult) error {
	if !s.version.found {
		return fmt.Errorf("%w: Version", ErrNoTag)
	}
	if strings.ContainsAny(version, " \t\n\r%") {
		return fmt.Errorf("%w: bad version %q", ErrSyntax, version)
	}
	old, err := s.Version()
	if err != nil {
		return err
	}
	ln := s.version.line
	c := content(lines[ln-1])
	t, ok := matchTag(c)
	if !ok || t.key != "version" || strings.Contains(t.value, "%") || t.value != old {
		return lineErrf(ln, ErrUnsupported, "Version is not written literally; change it by hand")
	}
	change := func(ln int, text string) {
		o := lines[ln-1]
		if text == content(o) {
			return
		}
		lines[ln-1] = text + o[len(content(o)):]
		res.Changed = append(res.Changed, Changed{Line: ln, Old: content(o), New: text})
	}
	change(ln, c[:t.valueFrom]+version+c[t.valueFrom+len(t.value):])
	for _, src := range s.sources {
		if src.Num != 0 {
			continue
		}
		c := content(lines[src.Line-1])
		if t, ok := matchTag(c); ok && t.key == "source" && strings.Contains(t.value, old) {
			change(src.Line, c[:t.valueFrom]+strings.ReplaceAll(t.value, old, version)+c[t.valueFrom+len(t.value):])
		}
	}
	return nil
}

// commentPrep comments out the %prep lines that apply one of the patches
// gone ("#%%patchN -p1", a %% so rpm does not read a macro there); a line
// applying one of them with others is refused.
func commentPrep(lines []string, gone []int, res *EditResult) error {
	isGone := map[int]bool{}
	for _, n := range gone {
		isGone[n] = true
	}
	// An error of scanDecls is about a declaration: its %prep lines are
	// good all the same.
	_, _, preps, _ := scanDecls(lines, "")
	for _, p := range preps {
		if p.auto || p.err != nil {
			continue
		}
		if r, ok := onePatch(p.refs, p.err); ok {
			if isGone[r.num] && !strings.Contains(p.text, "\n") {
				o := lines[p.line-1]
				text := "#" + strings.ReplaceAll(content(o), "%", "%%")
				lines[p.line-1] = text + o[len(content(o)):]
				res.Changed = append(res.Changed, Changed{Line: p.line, Old: content(o), New: text})
			} else if isGone[r.num] {
				return lineErrf(p.line, ErrPrepLayout, "%%patch line continued over several lines; comment out patch %d in %%prep by hand", r.num)
			}
			continue
		}
		for _, r := range p.refs {
			if r.num >= 0 && isGone[r.num] {
				return lineErrf(p.line, ErrPrepLayout, "%%prep applies patch %d together with others (%s); take it out by hand", r.num, trimSpace(p.text))
			}
		}
	}
	return nil
}

// checkSimple makes sure patch p is a numbered PatchN: tag on a single
// physical line, the only kind Edit rewrites.
func checkSimple(lines []string, p Patch) (tagLine, error) {
	if !p.Numbered {
		return tagLine{}, lineErrf(p.Line, ErrUnsupported, "patch %d has no written number (numberless Patch: or %%patchlist); edit it by hand", p.Num)
	}
	c := content(lines[p.Line-1])
	t, ok := matchTag(c)
	if !ok || t.key != "patch" || strings.HasSuffix(c, "\\") || strings.Contains(t.value, "%{") && strings.Count(t.value, "{") != strings.Count(t.value, "}") {
		return tagLine{}, lineErrf(p.Line, ErrUnsupported, "patch %d is not declared on a line of its own; edit it by hand", p.Num)
	}
	return t, nil
}

func validFile(name string) bool {
	return name != "" && !strings.ContainsAny(name, "/%\n\r \t")
}

// verifyEdit parses the result again and checks it says what was meant:
// upstream patches gone, replaced ones pointing at their new file, and
// %prep still read.
func verifyEdit(res *EditResult, edits Edits, opts *Options) error {
	s, err := Parse(res.Out, opts)
	if err != nil {
		return fmt.Errorf("edited spec does not parse: %w", err)
	}
	patches, err := s.Patches()
	if err != nil {
		return fmt.Errorf("edited spec: %w", err)
	}
	byNum := map[int]Patch{}
	for _, p := range patches {
		byNum[p.Num] = p
	}
	for _, u := range edits.Upstream {
		if _, ok := byNum[u.Num]; ok {
			return fmt.Errorf("edited spec still declares patch %d", u.Num)
		}
	}
	for _, d := range edits.Dropped {
		if _, ok := byNum[d.Num]; ok {
			return fmt.Errorf("edited spec still declares patch %d", d.Num)
		}
	}
	for _, r := range edits.Replace {
		if byNum[r.Num].File != r.File {
			return fmt.Errorf("edited spec: patch %d is %q, not %q", r.Num, byNum[r.Num].File, r.File)
		}
	}
	if edits.Version != "" {
		if v, err := s.Version(); err != nil || v != edits.Version {
			return fmt.Errorf("edited spec: Version is %q, not %q", v, edits.Version)
		}
	}
	if _, err := s.Applied(); err != nil {
		return fmt.Errorf("edited spec: %w", err)
	}
	return nil
}

// RebaseFileName is the name of a regenerated patch: file without its
// .patch suffix (and without an earlier "-rebase-to-..." suffix), then
// "-rebase-to-<tag>.patch".
func RebaseFileName(file, tag string) string {
	base := strings.TrimSuffix(file, ".patch")
	if i := strings.LastIndex(base, "-rebase-to-"); i > 0 {
		base = base[:i]
	}
	return base + "-rebase-to-" + tag + ".patch"
}

// PatchFileName names a new patch like git format-patch does,
// "NNNN-<sanitized subject>.patch", with num as NNNN.
func PatchFileName(num int, subject string) string {
	var b strings.Builder
	dash := false
	for _, c := range []byte(subject) {
		if isAlnum(c) || c == '.' || c == '_' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteByte(c)
		} else {
			dash = true
		}
		if b.Len() >= 52 {
			break
		}
	}
	name := strings.TrimRight(strings.TrimLeft(b.String(), "."), ".-")
	n := strconv.Itoa(num)
	if len(n) < 4 {
		n = strings.Repeat("0", 4-len(n)) + n
	}
	if name == "" {
		return n + ".patch"
	}
	return n + "-" + name + ".patch"
}
