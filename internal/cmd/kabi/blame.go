package kabi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/urfave/cli/v2"
)

// BlameOptions are the dependencies and arguments of `git kabi blame`.
type BlameOptions struct {
	Stdout   io.Writer
	Dir      string
	GitEnv   []string
	Old, New string // symtypes files
	Range    string // <a>..<b>
}

func blameCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "blame",
		Usage:     "find the commits of a range that changed each differing type",
		ArgsUsage: "<old-symtypes> <new-symtypes> <rev-range>",
		Description: "Compares the two Symtypes files like compare; for every changed type it finds the\n" +
			"file defining it at both ends of the range (git grep) and the commits of the range that\n" +
			"added or removed lines naming the differing members (git log -G), each with the\n" +
			"git kabi commit line that starts its !kabi fix.",
		Flags: []cli.Flag{&cli.StringFlag{Name: "repo", Usage: "kernel work tree `DIR` (default: the current directory)"}},
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 3, "<old-symtypes> <new-symtypes> <rev-range>"); err != nil {
				return err
			}
			o := &BlameOptions{Stdout: e.stdout, Dir: e.dir, GitEnv: e.gitEnv,
				Old: c.Args().Get(0), New: c.Args().Get(1), Range: c.Args().Get(2)}
			if r := c.String("repo"); r != "" {
				o.Dir = r
			}
			return runBlame(c.Context, o)
		},
	}
}

// typeBlame is what blame reports for one changed type.
type typeBlame struct {
	Title   string
	Removed []string // pretty lines only in the old definition
	Added   []string // pretty lines only in the new one
	Files   []string // where the type is defined, at either end
	Commits [][2]string
}

func runBlame(ctx context.Context, o *BlameOptions) error {
	from, to, ok := strings.Cut(o.Range, "..")
	if !ok || from == "" || to == "" || strings.HasPrefix(to, ".") {
		return cliutil.Usagef("blame: %q is not a range <from>..<to>", o.Range)
	}
	old, err := parseSymtypesFile(o.Old)
	if err != nil {
		return err
	}
	nw, err := parseSymtypesFile(o.New)
	if err != nil {
		return err
	}
	cmp, err := compareSets(o.Old, o.New, old, nw)
	if err != nil {
		return err
	}
	repo, err := openRepo(ctx, o.Dir, o.GitEnv)
	if err != nil {
		return err
	}
	if err := requireComplete(ctx, repo); err != nil {
		return err
	}
	revs, err := repo.ResolveCommits(ctx, from, to)
	if err != nil {
		if errors.Is(err, git.ErrUnknownRevision) {
			return cliutil.Usagef("blame: %v", err)
		}
		return err
	}
	var out strings.Builder
	if len(cmp.Changes) == 0 {
		fmt.Fprintln(&out, "No type differences between the two Symtypes files.")
	}
	for _, ch := range cmp.Changes {
		do, _ := old.Lookup(ch.Old)
		dn, _ := nw.Lookup(ch.New)
		b := typeBlame{Title: symtypes.TypeTitle(ch.Name)}
		b.Removed, b.Added = lineDiff(pretty(do), pretty(dn))
		if b.Files, err = definingFiles(ctx, repo, ch.Name, revs); err != nil {
			return err
		}
		if b.Commits, err = touchingCommits(ctx, repo, revs, b.Files, members(append(append([]string{}, b.Removed...), b.Added...))); err != nil {
			return err
		}
		writeBlame(&out, &b)
	}
	_, err = io.WriteString(o.Stdout, out.String())
	return err
}

func pretty(d *symtypes.Def) []string {
	if d == nil {
		return nil
	}
	return strings.Split(symtypes.Pretty(d), "\n")
}

// lineDiff returns the lines of a not in b and of b not in a (as
// multisets, in order), compared without indentation.
func lineDiff(a, b []string) (removed, added []string) {
	onlyIn := func(xs, ys []string) []string {
		left := map[string]int{}
		for _, y := range ys {
			left[strings.TrimSpace(y)]++
		}
		var out []string
		for _, x := range xs {
			k := strings.TrimSpace(x)
			if left[k] > 0 {
				left[k]--
				continue
			}
			out = append(out, k)
		}
		return out
	}
	return onlyIn(a, b), onlyIn(b, a)
}

var (
	identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	fnPtrRE = regexp.MustCompile(`\(\s*\*\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)`)
	cWords  = map[string]bool{
		"struct": true, "union": true, "enum": true, "const": true, "volatile": true, "unsigned": true,
		"signed": true, "int": true, "long": true, "short": true, "char": true, "void": true, "bool": true,
		"_Bool": true, "float": true, "double": true, "typedef": true, "static": true, "inline": true,
		"extern": true, "attribute": true, "__attribute__": true, "restrict": true, "__restrict": true,
	}
)

// members names the declarators of definition lines: "struct list_head
// lru;" declares lru, "int (*cb)(void *);" declares cb, and an enumerator
// line "FOO = 3," declares FOO.
func members(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		name := ""
		if m := fnPtrRE.FindStringSubmatch(l); m != nil {
			name = m[1]
		} else {
			decl := l
			if i := strings.IndexAny(decl, "[:="); i >= 0 {
				decl = decl[:i]
			}
			for _, id := range identRE.FindAllString(decl, -1) {
				if !cWords[id] {
					name = id
				}
			}
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// definitionPattern is an extended regex matching the line that defines a
// symtypes name in C source, and the files to look in.
func definitionPattern(name string) (string, []string) {
	kind, base := "", name
	if i := strings.IndexByte(name, '#'); i >= 0 {
		kind, base = name[:i], name[i+1:]
	}
	if i := strings.IndexByte(base, '@'); i >= 0 {
		base = base[:i]
	}
	id := regexp.QuoteMeta(base)
	const nb = `(^|[^A-Za-z0-9_])`
	switch kind {
	case "s", "u", "e":
		kw := map[string]string{"s": "struct", "u": "union", "e": "enum"}[kind]
		return nb + kw + `[[:space:]]+` + id + `[[:space:]]*(\{|$)`, []string{"*.h", "*.c"}
	case "t":
		return `(typedef.*[^A-Za-z0-9_]|^[[:space:]]*\}[[:space:]]*)` + id + `[[:space:]]*(;|\[|\))`, []string{"*.h", "*.c"}
	case "E":
		return nb + id + `[[:space:]]*(=|,|$)`, []string{"*.h"}
	default:
		return `EXPORT_SYMBOL[A-Z_]*\([[:space:]]*` + id + `[[:space:]]*\)`, []string{"*.c"}
	}
}

// definingFiles greps both ends of the range for the definition.
func definingFiles(ctx context.Context, repo *git.Repo, name string, revs []string) ([]string, error) {
	pattern, globs := definitionPattern(name)
	seen := map[string]bool{}
	var files []string
	for _, rev := range revs {
		args := append([]string{"grep", "-l", "-E", "-e", pattern, rev, "--"}, globs...)
		out, err := repo.Output(ctx, args...)
		if err != nil {
			var ge *git.Error
			if errors.As(err, &ge) && ge.ExitCode == 1 {
				continue // not found at this end
			}
			return nil, err
		}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if _, path, ok := strings.Cut(l, ":"); ok && !seen[path] {
				seen[path] = true
				files = append(files, path)
			}
		}
	}
	sort.Strings(files)
	return files, nil
}

// touchingCommits lists the commits of the range whose diff of files adds
// or removes a line naming one of the members.
func touchingCommits(ctx context.Context, repo *git.Repo, revs, files, names []string) ([][2]string, error) {
	if len(names) == 0 || len(files) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	re := `(^|[^A-Za-z0-9_])(` + strings.Join(quoted, "|") + `)([^A-Za-z0-9_]|$)`
	args := []string{"--literal-pathspecs", "log", "--no-merges", "--format=%H%x00%s", "-G" + re, "--end-of-options", revs[1], "^" + revs[0], "--"}
	out, err := repo.Output(ctx, append(args, files...)...)
	if err != nil {
		return nil, err
	}
	var commits [][2]string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if sha, subj, ok := strings.Cut(l, "\x00"); ok {
			commits = append(commits, [2]string{sha, subj})
		}
	}
	return commits, nil
}

func writeBlame(w io.Writer, b *typeBlame) {
	where := "definition not found in the range"
	if len(b.Files) > 0 {
		where = strings.Join(b.Files, ", ")
	}
	fmt.Fprintf(w, "%s (%s)\n", b.Title, where)
	for _, l := range b.Removed {
		fmt.Fprintf(w, "  - %s\n", l)
	}
	for _, l := range b.Added {
		fmt.Fprintf(w, "  + %s\n", l)
	}
	if len(b.Commits) == 0 {
		fmt.Fprintln(w, "  no commit of the range changed these lines")
	}
	for _, c := range b.Commits {
		fmt.Fprintf(w, "  %s %s\n      git kabi commit %s\n", c[0][:12], c[1], c[0][:12])
	}
	fmt.Fprintln(w)
}
