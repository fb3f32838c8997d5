package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
)

// This file holds the calls the drift check of git review-rebase makes:
// the files two trees differ in (with both blob ids), which of a few
// words occur in a tree (git grep), and the newest commit of a range that
// changed how often a word occurs (the pickaxe of git log -S).

// DiffTreeRaw lists the files whose content or mode differs between the
// trees of a and b, with both object ids, without rename detection
// (`git diff-tree -r -z --raw`, read as diff.c's diff_flush_raw writes it).
func (r *Repo) DiffTreeRaw(ctx context.Context, a, b string) ([]RawChange, error) {
	for _, rev := range []string{a, b} {
		if err := CheckRev(rev); err != nil {
			return nil, err
		}
	}
	out, err := r.output(ctx, "diff-tree", "-r", "-z", "--raw", "--no-abbrev", "--no-renames",
		"--no-ext-diff", "--no-textconv", "--end-of-options", a, b, "--")
	if err != nil {
		return nil, err
	}
	return ParseRawDiff(out)
}

// ParseRawDiff reads `git diff-tree -r -z --raw` output: per file a
// ":<mode> <mode> <oid> <oid> <status>" token and its path token (two for
// copies and renames), each ending with a NUL.
func ParseRawDiff(out []byte) ([]RawChange, error) {
	var changes []RawChange
	toks := bytes.Split(out, []byte{0})
	if n := len(toks); n > 0 && len(toks[n-1]) == 0 {
		toks = toks[:n-1]
	}
	for i := 0; i < len(toks); {
		tok := toks[i]
		if len(tok) == 0 || tok[0] != ':' {
			return nil, fmt.Errorf("diff-tree: %w: %.80q", ErrLogFormat, tok)
		}
		var c RawChange
		paths, err := parseRawMeta(tok, &c)
		if err != nil {
			return nil, fmt.Errorf("diff-tree: %w: %v", ErrLogFormat, err)
		}
		if i+paths >= len(toks) {
			return nil, fmt.Errorf("diff-tree: %w: raw entry %.80q without its path", ErrLogFormat, tok)
		}
		if paths == 2 {
			c.OldPath = string(toks[i+1])
		}
		c.Path = string(toks[i+paths])
		changes = append(changes, c)
		i += 1 + paths
	}
	return changes, nil
}

// GrepWords returns, for each of words found as a whole word (a fixed
// string with no word character on either side) in the files of tree
// (limited to paths when given), the paths holding it. Words may not
// contain a newline. git grep matches each word separately, so the cost
// grows with their number: it is meant for a few.
func (r *Repo) GrepWords(ctx context.Context, tree string, words, paths []string) (map[string][]string, error) {
	if err := CheckRev(tree); err != nil {
		return nil, err
	}
	found := map[string][]string{}
	if len(words) == 0 {
		return found, nil
	}
	var in bytes.Buffer
	for _, w := range words {
		if w == "" || strings.ContainsAny(w, "\n\x00") {
			return nil, fmt.Errorf("grep word %q: unusable", w)
		}
		in.WriteString(w)
		in.WriteByte('\n')
	}
	args := []string{"grep", "-z", "-o", "-w", "-F", "-I", "--full-name", "--no-color", "--no-textconv", "-f", "-", tree, "--"}
	for _, p := range paths {
		args = append(args, ":(literal)"+p)
	}
	out, err := r.invoke(ctx, true, &in, args)
	var ge *Error
	if errors.As(err, &ge) && ge.ExitCode == 1 && len(ge.Stderr) == 0 {
		return found, nil // nothing matched
	}
	if err != nil {
		return nil, err
	}
	return parseGrepWords(out, tree, found)
}

// parseGrepWords reads `git grep -z -o <tree>` output: per match
// "<tree>:<path>\0<match>\n".
func parseGrepWords(out []byte, tree string, found map[string][]string) (map[string][]string, error) {
	prefix := []byte(tree + ":")
	seen := map[[2]string]bool{}
	for len(out) > 0 {
		nl := bytes.IndexByte(out, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("git grep: unterminated line %.80q", out)
		}
		line := out[:nl]
		out = out[nl+1:]
		if !bytes.HasPrefix(line, prefix) {
			return nil, fmt.Errorf("git grep: unexpected line %.80q", line)
		}
		rest := line[len(prefix):]
		z := bytes.IndexByte(rest, 0)
		if z < 0 {
			return nil, fmt.Errorf("git grep: unexpected line %.80q", line)
		}
		path, word := string(rest[:z]), string(rest[z+1:])
		if path == "" || word == "" {
			return nil, fmt.Errorf("git grep: unexpected line %.80q", line)
		}
		if k := [2]string{word, path}; !seen[k] {
			seen[k] = true
			found[word] = append(found[word], path)
		}
	}
	return found, nil
}

// Pickaxe is a commit the pickaxe found.
type Pickaxe struct {
	Commit string
	Title  string
}

// LastPickaxe returns the newest commit of include ^exclude (merges
// skipped) that changes the number of matches of the extended regular
// expression re in paths, the commit that removed or added its last
// occurrence (`git log -1 -S<re> --pickaxe-regex`); found is false when
// none does.
func (r *Repo) LastPickaxe(ctx context.Context, include, exclude, re string, paths []string) (p Pickaxe, found bool, err error) {
	for _, rev := range []string{include, exclude} {
		if err := CheckRev(rev); err != nil {
			return Pickaxe{}, false, err
		}
	}
	if re == "" || strings.ContainsAny(re, "\n\x00") {
		return Pickaxe{}, false, fmt.Errorf("pickaxe %q: unusable", re)
	}
	args := []string{"log", "-1", "--no-merges", "--format=%H%x00%s%x00", "--pickaxe-regex", "-S" + re,
		"--end-of-options", include, "^" + exclude, "--"}
	for _, path := range paths {
		args = append(args, ":(literal)"+path)
	}
	out, err := r.output(ctx, args...)
	if err != nil {
		return Pickaxe{}, false, err
	}
	return parsePickaxe(out)
}

func parsePickaxe(out []byte) (Pickaxe, bool, error) {
	if len(bytes.TrimSpace(out)) == 0 {
		return Pickaxe{}, false, nil
	}
	f := bytes.SplitN(out, []byte{0}, 3)
	if len(f) != 3 || len(f[0]) != 40 || !isHexID(f[0]) || len(bytes.TrimSpace(f[2])) != 0 {
		return Pickaxe{}, false, fmt.Errorf("git log: %w: %.80q", ErrLogFormat, out)
	}
	return Pickaxe{Commit: string(f[0]), Title: string(f[1])}, true, nil
}
