package kabi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	rules "github.com/patchqueue/pqtools/internal/kabi"
	"github.com/patchqueue/pqtools/internal/safetext"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/urfave/cli/v2"
)

// BlameOptions are the dependencies and arguments of `git kabi blame`.
type BlameOptions struct {
	IO       *cliutil.IO
	Repo     string // --repo: the kernel work tree, "" for IO.Dir
	Old, New string // symtypes files
	Range    string // <a>..<b>
}

func blameCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "blame",
		Usage:     "find the commits of a range that changed each differing type",
		ArgsUsage: "<old-symtypes> <new-symtypes> <rev-range>",
		Description: "Compares the two Symtypes files like compare; for every changed type it finds the\n" +
			"file defining it at both ends of the range (git grep) and the commits of the range that\n" +
			"added or removed lines naming the differing members (git log -G), each with the\n" +
			"git kabi commit line that starts its !kabi fix. A type that was only declared on one\n" +
			"side (UNKNOWN) and defined on the other is blamed on the commits that added or removed\n" +
			"an #include of its header.",
		Flags: []cli.Flag{&cli.StringFlag{Name: "repo", Usage: "kernel work tree `DIR` (default: the current directory)"}},
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 3, "<old-symtypes> <new-symtypes> <rev-range>"); err != nil {
				return err
			}
			return run(c.Context, &BlameOptions{IO: stdio, Repo: c.String("repo"),
				Old: c.Args().Get(0), New: c.Args().Get(1), Range: c.Args().Get(2)})
		},
	}
}

// typeBlame is what blame reports for one changed type.
type typeBlame struct {
	Title   string
	Removed []string // pretty lines only in the old definition
	Added   []string // pretty lines only in the new one
	Files   []string // where the type is defined, at either end
	Commits []git.Title
	// Visibility: the type went from declared only (UNKNOWN) to defined
	// or back; Includes are the commits adding or removing an #include
	// of a header in Files.
	Visibility bool
	Includes   []git.Title
	// For the advice when nothing is found.
	Name    string // symtypes name ("s#foo")
	Range   string
	Members []string
}

// splitRange splits <from>..<to>; cmd names the command in the usage
// error.
func splitRange(rng, cmd string) (from, to string, err error) {
	from, to, ok := strings.Cut(rng, "..")
	if !ok || from == "" || to == "" || strings.HasPrefix(to, ".") {
		return "", "", cliutil.Usagef("%s: %q is not a range <from>..<to>", cmd, rng)
	}
	return from, to, nil
}

// openRange opens the kernel work tree (dir, else stdio.Dir), refuses a
// shallow clone and resolves from and to, in one git call when all is
// well; cmd names the command in a usage error.
func openRange(ctx context.Context, stdio *cliutil.IO, dir, cmd, from, to string) (*git.Repo, []string, error) {
	if dir == "" {
		dir = stdio.Dir
	}
	repo, err := openRepo(ctx, dir, stdio.GitEnv, from, to)
	if err != nil {
		return nil, nil, err
	}
	revs, shallow, err := repo.ResolveCommitsShallow(ctx, from, to)
	if err != nil && !shallow {
		// A shallow clone is said first, as before any revision is read.
		if cerr := requireComplete(ctx, repo); cerr != nil {
			return nil, nil, cerr
		}
	}
	switch {
	case shallow:
		return nil, nil, errShallow
	case errors.Is(err, git.ErrUnknownRevision):
		return nil, nil, cliutil.Usagef("%s: %v", cmd, err)
	case err != nil:
		return nil, nil, err
	}
	return repo, revs, nil
}

func runBlame(ctx context.Context, o *BlameOptions) error {
	from, to, err := splitRange(o.Range, "blame")
	if err != nil {
		return err
	}
	old, nw, cmp, err := compareFiles(o.Old, o.New, nil)
	if err != nil {
		return err
	}
	repo, revs, err := openRange(ctx, o.IO, o.Repo, "blame", from, to)
	if err != nil {
		return err
	}
	var out strings.Builder
	if len(cmp.Changes) == 0 {
		fmt.Fprintln(&out, "No type differences between the two Symtypes files.")
	}
	for _, ch := range cmp.Changes {
		b, err := blameChange(ctx, repo, revs, o.Range, old, nw, ch)
		if err != nil {
			return err
		}
		writeBlame(&out, b)
	}
	_, err = io.WriteString(o.IO.Out, out.String())
	return err
}

// blameChange finds what blame reports for one changed type: the
// differing lines, the files defining it at either end of revs (the
// resolved rng), the commits touching those lines and, when the type
// became visible or hidden, the commits changing the includes.
func blameChange(ctx context.Context, repo *git.Repo, revs []string, rng string, old, nw *symtypes.Set, ch symtypes.TypeChange) (*typeBlame, error) {
	do, _ := old.Lookup(ch.Old)
	dn, _ := nw.Lookup(ch.New)
	b := &typeBlame{Title: symtypes.TypeTitle(ch.Name), Name: ch.Name, Range: rng}
	b.Removed, b.Added = rules.LineDiff(pretty(do), pretty(dn))
	var err error
	if b.Files, err = definingFiles(ctx, repo, ch.Name, revs); err != nil {
		return nil, err
	}
	b.Members = rules.Members(append(append([]string{}, b.Removed...), b.Added...))
	if do != nil && dn != nil && rules.VisibilityChanged(do.Tokens, dn.Tokens) {
		b.Visibility = true
		if b.Includes, err = includingCommits(ctx, repo, revs, b.Files); err != nil {
			return nil, err
		}
	}
	if b.Commits, err = touchingCommits(ctx, repo, revs, b.Files, b.Members); err != nil {
		return nil, err
	}
	return b, nil
}

func pretty(d *symtypes.Def) []string {
	if d == nil {
		return nil
	}
	return strings.Split(symtypes.Pretty(d), "\n")
}

// definingFiles greps both ends of the range for the definition.
func definingFiles(ctx context.Context, repo *git.Repo, name string, revs []string) ([]string, error) {
	pattern, globs := rules.DefinitionPattern(name)
	seen := map[string]bool{}
	var files []string
	for _, rev := range revs {
		found, err := repo.GrepFiles(ctx, rev, pattern, globs)
		if err != nil {
			return nil, err
		}
		for _, path := range found {
			if !seen[path] {
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
func touchingCommits(ctx context.Context, repo *git.Repo, revs, files, names []string) ([]git.Title, error) {
	if len(names) == 0 || len(files) == 0 {
		return nil, nil
	}
	return repo.Titles(ctx, git.LogOptions{Include: revs[1:2], Exclude: revs[:1], Paths: files, NoMerges: true}, rules.MembersPattern(names))
}

// includingCommits lists the commits of the range adding or removing an
// #include of one of the headers, anywhere in the tree: the include that
// made a type visible to a translation unit may be in any file.
func includingCommits(ctx context.Context, repo *git.Repo, revs, files []string) ([]git.Title, error) {
	pattern := rules.IncludePattern(files)
	if pattern == "" {
		return nil, nil
	}
	return repo.Titles(ctx, git.LogOptions{Include: revs[1:2], Exclude: revs[:1], NoMerges: true}, pattern)
}

func writeBlame(w io.Writer, b *typeBlame) {
	where := "definition not found in the range"
	if len(b.Files) > 0 {
		where = strings.Join(b.Files, ", ")
	}
	fmt.Fprintf(w, "%s (%s)\n", b.Title, where)
	for _, l := range b.Removed {
		fmt.Fprintf(w, "  - %s\n", safetext.Line(l))
	}
	for _, l := range b.Added {
		fmt.Fprintf(w, "  + %s\n", safetext.Line(l))
	}
	if b.Visibility {
		fmt.Fprintln(w, "  declared only (UNKNOWN) on one side, defined on the other: an #include changed")
		if len(b.Includes) == 0 {
			fmt.Fprintln(w, "  no commit of the range added or removed an #include of its header")
		}
		for _, c := range b.Includes {
			fmt.Fprintf(w, "  %s %s (#include)\n      git kabi commit %s\n", git.Short(c.SHA), safetext.Line(c.Subject), git.Short(c.SHA))
		}
	}
	if len(b.Commits) == 0 && (!b.Visibility || len(b.Includes) == 0) {
		fmt.Fprintln(w, "  no commit of the range changed these lines; try:")
		for _, l := range blameAdvice(b) {
			fmt.Fprintf(w, "      %s\n", safetext.Line(l))
		}
	}
	for _, c := range b.Commits {
		fmt.Fprintf(w, "  %s %s\n      git kabi commit %s\n", git.Short(c.SHA), safetext.Line(c.Subject), git.Short(c.SHA))
	}
	fmt.Fprintln(w)
}

// blameAdvice says what to run when blame found no commit: the change may
// predate the range, hide in a line not naming the member (a macro, a
// typedef), or sit in a header found under another path.
func blameAdvice(b *typeBlame) []string {
	from, to, _ := strings.Cut(b.Range, "..")
	out := []string{"a wider range: git kabi blame <old> <new> <earlier>.." + to + " (the change may predate " + from + ")"}
	paths := ""
	if len(b.Files) > 0 {
		paths = " -- " + strings.Join(b.Files, " ")
	}
	if len(b.Members) > 0 {
		out = append(out, "the member's history: git log -S"+b.Members[0]+" "+b.Range+paths)
	}
	if len(b.Files) > 0 {
		out = append(out, "the header's history: git log "+b.Range+paths)
	} else {
		pattern, _ := rules.DefinitionPattern(b.Name)
		out = append(out, "the header path: git grep -nE '"+pattern+"' "+to+" (the definition was not found)")
	}
	return out
}
