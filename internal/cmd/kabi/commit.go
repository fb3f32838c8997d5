package kabi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	rules "github.com/patchqueue/pqtools/internal/kabi"
	"github.com/patchqueue/pqtools/internal/safetext"
	"github.com/urfave/cli/v2"
)

// The names of git kabi's own commit and revert subcommands (not git's:
// git runs through internal/git).
const (
	commitName = "commit"
	revertName = "revert"
)

// CommitOptions are the dependencies and arguments of `git kabi commit` and
// `git kabi revert`.
type CommitOptions struct {
	IO     *cliutil.IO
	Rev    string
	Edit   bool
	Revert bool
}

func commitCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return templateCommand(stdio, run, commitName, "commit the staged changes as a !kabi fix of <rev> (git commit -s -e)", false)
}

func revertCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return templateCommand(stdio, run, revertName, "revert <rev> as a !kabi commit (signed off, edited unless --no-edit)", true)
}

func templateCommand(stdio *cliutil.IO, run func(context.Context, any) error, name, usage string, revert bool) *cli.Command {
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "<rev>",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-edit", Usage: "commit the template as is, without opening the editor"},
		},
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 1, "one revision"); err != nil {
				return err
			}
			return run(c.Context, &CommitOptions{IO: stdio, Rev: c.Args().Get(0), Edit: !c.Bool("no-edit"), Revert: revert})
		},
	}
}

// openRepo opens the repository dir is in, phrasing failure for the user;
// resolve are revisions ResolveCommitsShallow will be asked for, read in
// the same git call (git.OpenOptions).
func openRepo(ctx context.Context, dir string, env []string, resolve ...string) (*git.Repo, error) {
	r, err := git.OpenWith(ctx, dir, git.OpenOptions{Env: env, Resolve: resolve})
	if errors.Is(err, git.ErrNotRepository) && (dir == "." || dir == "") {
		// "." says nothing to the user; the absolute path does.
		if abs, aerr := filepath.Abs(dir); aerr == nil {
			return nil, fmt.Errorf("%w: %s", git.ErrNotRepository, abs)
		}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// requireWorkTree fails unless git runs inside a work tree: commit and
// revert change files and the index.
func requireWorkTree(ctx context.Context, r *git.Repo, cmd string) error {
	bare, inside, err := r.Layout(ctx)
	switch {
	case err != nil:
		return err
	case !bare && inside:
		return nil
	case bare && !inside:
		return fmt.Errorf("the repository is bare: git kabi %s needs a work tree", cmd)
	default:
		return fmt.Errorf("not inside the work tree: run git kabi %s from the work tree", cmd)
	}
}

// requireComplete fails in a shallow clone, where ranges silently stop
// at the cut and commits outside it look unknown.
func requireComplete(ctx context.Context, r *git.Repo) error {
	shallow, err := r.IsShallow(ctx)
	if err != nil {
		return err
	}
	if shallow {
		return errShallow
	}
	return nil
}

var errShallow = errors.New("the repository is a shallow clone, its history is cut: run git fetch --unshallow first")

// subjectOf resolves rev and returns its full id and subject.
func subjectOf(ctx context.Context, r *git.Repo, rev string) (string, string, error) {
	sha, err := r.ResolveCommit(ctx, rev)
	if err != nil {
		return "", "", err
	}
	subject, err := r.CommitSubject(ctx, sha)
	if err != nil {
		return "", "", err
	}
	return sha, subject, nil
}

func runCommit(ctx context.Context, o *CommitOptions) error {
	name := commitName
	if o.Revert {
		name = revertName
	}
	r, err := openRepo(ctx, o.IO.Dir, o.IO.GitEnv)
	if err != nil {
		return err
	}
	if err := requireWorkTree(ctx, r, name); err != nil {
		return err
	}
	sha, subject, err := subjectOf(ctx, r, o.Rev)
	if err != nil {
		return err
	}
	staged, err := r.HasStaged(ctx)
	if err != nil {
		return err
	}
	msg := rules.CommitMessage(sha, subject)
	switch {
	case o.Revert && staged:
		// git revert --no-commit would fold them into the revert, and
		// git revert --abort after a conflict would drop them.
		return errors.New("changes are staged: commit them or unstage them (git restore --staged) before git kabi revert")
	case !o.Revert && !staged:
		return errors.New("nothing staged: git add the kABI fix first")
	case o.Revert:
		msg = rules.RevertMessage(sha, subject)
		if err := revertNoCommit(ctx, r, sha, msg); err != nil {
			return err
		}
	}
	out, err := r.Commit(ctx, git.CommitOptions{Message: msg, SignOff: true, Edit: o.Edit, Stdin: o.IO.In})
	if err != nil {
		if o.Revert {
			return fmt.Errorf("git commit failed: %s; the revert of %s is staged: run git commit -s (the !kabi message is prepared)", git.Reason(err), git.Short(sha))
		}
		return fmt.Errorf("git commit failed: %s", git.Reason(err))
	}
	_, err = o.IO.Out.Write(out)
	return err
}

// revertNoCommit applies the revert of sha to the index and work tree and
// puts msg in MERGE_MSG, so a git commit after resolving conflicts (or
// after the commit failed) still gets the !kabi message.
func revertNoCommit(ctx context.Context, r *git.Repo, sha, msg string) error {
	rerr := r.RevertNoCommit(ctx, sha)
	conflict := errors.Is(rerr, git.ErrConflict)
	if rerr != nil && !conflict {
		return fmt.Errorf("cannot revert %s: %s", git.Short(sha), git.Reason(rerr))
	}
	if rerr == nil {
		staged, err := r.HasStaged(ctx)
		if err != nil {
			return err
		}
		if !staged {
			// Leave no revert in progress behind (nothing was changed).
			if err := r.RevertQuit(ctx); err != nil {
				return err
			}
			return fmt.Errorf("reverting %s changes nothing: is it reverted already?", git.Short(sha))
		}
	}
	path, err := r.GitPath(ctx, "MERGE_MSG")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(msg), 0o666); err != nil {
		return fmt.Errorf("cannot write the !kabi message: %w", err)
	}
	if conflict {
		return fmt.Errorf("%s does not revert cleanly: resolve the conflicts, then run git commit -s (the !kabi message is prepared)", git.Short(sha))
	}
	return nil
}

// explainRange phrases why git could not walk a range (err being its
// failure): no commits at all, or an end that names no commit.
func explainRange(ctx context.Context, r *git.Repo, cmd, rng string, err error) error {
	if has, herr := r.HasAnyCommit(ctx); herr == nil && !has {
		return errors.New("the repository has no commits yet")
	}
	ends := []string{rng}
	if a, b, ok := strings.Cut(rng, "..."); ok {
		ends = []string{a, b}
	} else if a, b, ok := strings.Cut(rng, ".."); ok {
		ends = []string{a, b}
	}
	for _, end := range ends {
		if end == "" {
			end = "HEAD"
		}
		if _, rerr := r.ResolveCommit(ctx, end); errors.Is(rerr, git.ErrUnknownRevision) {
			return cliutil.Usagef("%s: unknown revision %s", cmd, end)
		}
	}
	return fmt.Errorf("cannot list %s: %s", rng, git.Reason(err))
}

// ListOptions are the dependencies and arguments of `git kabi list`.
type ListOptions struct {
	IO    *cliutil.IO
	Range string
}

func listCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list the !kabi commits of a range and what they fix (exit 1 if a target left the range or a trailer is missing)",
		ArgsUsage: "<range>",
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 1, "one revision range"); err != nil {
				return err
			}
			return run(c.Context, &ListOptions{IO: stdio, Range: c.Args().Get(0)})
		},
	}
}

func runList(ctx context.Context, o *ListOptions) error {
	if err := git.CheckRev(o.Range); err != nil {
		return cliutil.Usagef("list: %v", err)
	}
	r, err := openRepo(ctx, o.IO.Dir, o.IO.GitEnv)
	if err != nil {
		return err
	}
	if err := requireComplete(ctx, r); err != nil {
		return err
	}
	log, err := r.Log(ctx, git.LogOptions{Include: []string{o.Range}, NoMerges: true, Reverse: true})
	if err != nil {
		return explainRange(ctx, r, "list", o.Range, err)
	}
	commits := make([]rules.Commit, len(log))
	for i, c := range log {
		commits[i] = rules.Commit{SHA: c.SHA, Subject: c.Subject(), Message: c.Message}
	}
	// Several !kabi commits may name the same commit: git is asked once.
	type resolution struct {
		full  string
		known bool
	}
	resolved := map[string]resolution{}
	resolve := func(sha string) (string, bool) {
		res, ok := resolved[sha]
		if !ok {
			full, err := r.ResolveCommit(ctx, sha)
			res = resolution{full, err == nil}
			resolved[sha] = res
		}
		return res.full, res.known
	}
	var b strings.Builder
	flagged := false
	for _, e := range rules.Classify(commits, resolve) {
		writeEntry(&b, &e)
		flagged = flagged || e.Flagged()
	}
	if _, err := io.WriteString(o.IO.Out, b.String()); err != nil {
		return err
	}
	if flagged {
		return cliutil.ErrSilent
	}
	return nil
}

// writeEntry writes a !kabi commit and its trailers as list shows them.
func writeEntry(b *strings.Builder, e *rules.Entry) {
	fmt.Fprintf(b, "%s %s\n", git.Short(e.Commit.SHA), safetext.Line(e.Commit.Subject))
	if len(e.Targets) == 0 {
		b.WriteString("\tno Fixes: or Reverts: trailer: CHECK\n")
	}
	for _, t := range e.Targets {
		fmt.Fprintf(b, "\t%s: %s", t.Kind, git.Short(t.SHA))
		if t.Title != "" {
			fmt.Fprintf(b, " (\"%s\")", safetext.Line(t.Title))
		}
		switch t.Status {
		case rules.InRange:
			b.WriteString(": in range\n")
		case rules.SameTitle:
			fmt.Fprintf(b, ": NOT IN RANGE, same title as %s\n", git.Short(t.SameAs))
		case rules.UnknownCommit:
			b.WriteString(": NOT IN RANGE, unknown commit\n")
		default:
			b.WriteString(": NOT IN RANGE\n")
		}
	}
}
