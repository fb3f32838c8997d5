package kabi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/urfave/cli/v2"
)

// maxTitle is how much of the guilty commit's subject a !kabi title keeps.
const maxTitle = 80

// commitMessage is the template of a !kabi fix: the title names the guilty
// commit, the user explains between title and trailer (hence the two empty
// lines), and the trailer pins the commit whatever core.abbrev says.
func commitMessage(sha, subject string) string {
	title := subject
	if utf8.RuneCountInString(title) > maxTitle {
		title = string([]rune(title)[:maxTitle]) + "…"
	}
	return fmt.Sprintf("!kabi %s\n\n\nFixes: %s (\"%s\")\n", title, sha[:12], subject)
}

func revertMessage(sha, subject string) string {
	return fmt.Sprintf("!kabi Revert: %s\n\n\nReverts: %s (\"%s\")\n", subject, sha[:12], subject)
}

// CommitOptions are the dependencies and arguments of `git kabi commit` and
// `git kabi revert`.
type CommitOptions struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Dir            string
	GitEnv         []string
	Rev            string
	Edit           bool
	Revert         bool
}

func commitCommand(e *env) *cli.Command {
	return templateCommand(e, "commit", "commit the staged changes as a !kabi fix of <rev> (git commit -s -e)", false)
}

func revertCommand(e *env) *cli.Command {
	return templateCommand(e, "revert", "revert <rev> as a !kabi commit (signed off, edited unless --no-edit)", true)
}

func templateCommand(e *env, name, usage string, revert bool) *cli.Command {
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
			return runCommit(c.Context, &CommitOptions{
				Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr, Dir: e.dir, GitEnv: e.gitEnv,
				Rev: c.Args().Get(0), Edit: !c.Bool("no-edit"), Revert: revert,
			})
		},
	}
}

// openRepo opens the repository dir is in, phrasing failure for the user.
func openRepo(ctx context.Context, dir string, env []string) (*git.Repo, error) {
	r, err := git.Open(ctx, dir)
	if errors.Is(err, git.ErrNotRepository) && (dir == "." || dir == "") {
		// "." says nothing to the user; the absolute path does.
		if abs, aerr := filepath.Abs(dir); aerr == nil {
			return nil, fmt.Errorf("%w: %s", git.ErrNotRepository, abs)
		}
	}
	if err != nil {
		return nil, err
	}
	r.Env = env
	return r, nil
}

// requireWorkTree fails unless git runs inside a work tree: commit and
// revert change files and the index.
func requireWorkTree(ctx context.Context, r *git.Repo, cmd string) error {
	out, err := r.Output(ctx, "rev-parse", "--is-bare-repository", "--is-inside-work-tree")
	if err != nil {
		return err
	}
	switch strings.Join(strings.Fields(string(out)), " ") {
	case "false true":
		return nil
	case "true false":
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
		return errors.New("the repository is a shallow clone, its history is cut: run git fetch --unshallow first")
	}
	return nil
}

// hasStaged reports whether the index differs from HEAD.
func hasStaged(ctx context.Context, r *git.Repo) (bool, error) {
	_, err := r.Output(ctx, "diff", "--cached", "--quiet", "--no-ext-diff", "--ignore-submodules=none", "--")
	var ge *git.Error
	if errors.As(err, &ge) && ge.ExitCode == 1 {
		return true, nil
	}
	return false, err
}

// gitReason is what git said when a command failed: its first "error:" or
// "fatal:" line without the prefix, else its first line.
func gitReason(err error) string {
	var ge *git.Error
	if !errors.As(err, &ge) {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(ge.Stderr), "\n")
	for _, prefix := range []string{"error: ", "fatal: "} {
		for _, l := range lines {
			if rest, ok := strings.CutPrefix(l, prefix); ok {
				return strings.TrimSuffix(strings.TrimSpace(rest), ":")
			}
		}
	}
	if lines[0] == "" && ge.Err != nil {
		return ge.Err.Error()
	}
	return strings.TrimSuffix(strings.TrimSpace(lines[0]), ":")
}

// subjectOf resolves rev and returns its full id and subject.
func subjectOf(ctx context.Context, r *git.Repo, rev string) (string, string, error) {
	sha, err := r.ResolveCommit(ctx, rev)
	if err != nil {
		return "", "", err
	}
	out, err := r.Output(ctx, "log", "-1", "--no-show-signature", "--format=%s", "--end-of-options", sha, "--")
	if err != nil {
		return "", "", err
	}
	return sha, strings.TrimRight(string(out), "\n"), nil
}

func runCommit(ctx context.Context, o *CommitOptions) error {
	name := "commit"
	if o.Revert {
		name = "revert"
	}
	r, err := openRepo(ctx, o.Dir, o.GitEnv)
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
	staged, err := hasStaged(ctx, r)
	if err != nil {
		return err
	}
	msg := commitMessage(sha, subject)
	switch {
	case o.Revert && staged:
		// git revert --no-commit would fold them into the revert, and
		// git revert --abort after a conflict would drop them.
		return errors.New("changes are staged: commit them or unstage them (git restore --staged) before git kabi revert")
	case !o.Revert && !staged:
		return errors.New("nothing staged: git add the kABI fix first")
	case o.Revert:
		msg = revertMessage(sha, subject)
		if err := revertNoCommit(ctx, r, sha, msg); err != nil {
			return err
		}
	}
	args := []string{"commit", "-s", "-m", msg}
	if o.Edit {
		args = append(args, "-e")
	}
	out, err := r.Run(ctx, o.Stdin, args...)
	if err != nil {
		if o.Revert {
			return fmt.Errorf("git commit failed: %s; the revert of %s is staged: run git commit -s (the !kabi message is prepared)", gitReason(err), sha[:12])
		}
		return fmt.Errorf("git commit failed: %s", gitReason(err))
	}
	_, err = o.Stdout.Write(out)
	return err
}

// revertNoCommit applies the revert of sha to the index and work tree and
// puts msg in MERGE_MSG, so a git commit after resolving conflicts (or
// after the commit failed) still gets the !kabi message.
func revertNoCommit(ctx context.Context, r *git.Repo, sha, msg string) error {
	_, rerr := r.Run(ctx, nil, "revert", "--no-commit", "--end-of-options", sha)
	var ge *git.Error
	conflict := false
	if errors.As(rerr, &ge) && ge.ExitCode == 1 {
		unmerged, err := r.Output(ctx, "ls-files", "--unmerged", "-z")
		if err != nil {
			return err
		}
		conflict = len(unmerged) > 0
	}
	if rerr != nil && !conflict {
		return fmt.Errorf("cannot revert %s: %s", sha[:12], gitReason(rerr))
	}
	if rerr == nil {
		staged, err := hasStaged(ctx, r)
		if err != nil {
			return err
		}
		if !staged {
			// Leave no revert in progress behind (nothing was changed).
			if _, err := r.Run(ctx, nil, "revert", "--quit"); err != nil {
				return err
			}
			return fmt.Errorf("reverting %s changes nothing: is it reverted already?", sha[:12])
		}
	}
	out, err := r.Output(ctx, "rev-parse", "--path-format=absolute", "--git-path", "MERGE_MSG")
	if err != nil {
		return err
	}
	path := strings.TrimRight(string(out), "\n")
	if err := os.WriteFile(path, []byte(msg), 0o666); err != nil {
		return fmt.Errorf("cannot write the !kabi message: %w", err)
	}
	if conflict {
		return fmt.Errorf("%s does not revert cleanly: resolve the conflicts, then run git commit -s (the !kabi message is prepared)", sha[:12])
	}
	return nil
}

// explainRange phrases why git could not walk a range (err being its
// failure): no commits at all, or an end that names no commit.
func explainRange(ctx context.Context, r *git.Repo, cmd, rng string, err error) error {
	if out, lerr := r.Output(ctx, "rev-list", "-n", "1", "--all"); lerr == nil && len(out) == 0 {
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
	return fmt.Errorf("cannot list %s: %s", rng, gitReason(err))
}

// ListOptions are the dependencies and arguments of `git kabi list`.
type ListOptions struct {
	Stdout io.Writer
	Dir    string
	GitEnv []string
	Range  string
}

func listCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list the !kabi commits of a range and what they fix (exit 1 if a target left the range or a trailer is missing)",
		ArgsUsage: "<range>",
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 1, "one revision range"); err != nil {
				return err
			}
			return runList(c.Context, &ListOptions{Stdout: e.stdout, Dir: e.dir, GitEnv: e.gitEnv, Range: c.Args().Get(0)})
		},
	}
}

var trailerRe = regexp.MustCompile(`(?m)^(Fixes|Reverts):[ \t]+([0-9a-fA-F]{7,40})(?:[ \t]+\("(.*)"\))?[ \t]*$`)

// kabiTarget is one Fixes:/Reverts: trailer of a !kabi commit.
type kabiTarget struct {
	Kind, SHA, Title string
}

func kabiTargets(message string) []kabiTarget {
	var out []kabiTarget
	for _, m := range trailerRe.FindAllStringSubmatch(message, -1) {
		out = append(out, kabiTarget{Kind: m[1], SHA: strings.ToLower(m[2]), Title: m[3]})
	}
	return out
}

func runList(ctx context.Context, o *ListOptions) error {
	if err := git.CheckRev(o.Range); err != nil {
		return cliutil.Usagef("list: %v", err)
	}
	r, err := openRepo(ctx, o.Dir, o.GitEnv)
	if err != nil {
		return err
	}
	if err := requireComplete(ctx, r); err != nil {
		return err
	}
	commits, err := r.Log(ctx, git.LogOptions{Include: []string{o.Range}, NoMerges: true, Reverse: true})
	if err != nil {
		return explainRange(ctx, r, "list", o.Range, err)
	}
	inRange := map[string]bool{}
	bySubject := map[string]string{}
	for _, c := range commits {
		inRange[c.SHA] = true
		if _, ok := bySubject[c.Subject()]; !ok {
			bySubject[c.Subject()] = c.SHA
		}
	}
	var b strings.Builder
	flagged := false
	for _, c := range commits {
		if !strings.HasPrefix(c.Subject(), "!kabi") {
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", c.SHA[:12], c.Subject())
		targets := kabiTargets(c.Message)
		if len(targets) == 0 {
			b.WriteString("\tno Fixes: or Reverts: trailer: CHECK\n")
			flagged = true
		}
		for _, t := range targets {
			fmt.Fprintf(&b, "\t%s: %s", t.Kind, t.SHA[:min(12, len(t.SHA))])
			if t.Title != "" {
				fmt.Fprintf(&b, " (\"%s\")", t.Title)
			}
			full, err := r.ResolveCommit(ctx, t.SHA)
			switch {
			case err == nil && inRange[full]:
				b.WriteString(": in range\n")
				continue
			case bySubject[t.Title] != "" && t.Title != "":
				fmt.Fprintf(&b, ": NOT IN RANGE, same title as %s\n", bySubject[t.Title][:12])
			case err != nil:
				b.WriteString(": NOT IN RANGE, unknown commit\n")
			default:
				b.WriteString(": NOT IN RANGE\n")
			}
			flagged = true
		}
	}
	if _, err := io.WriteString(o.Stdout, b.String()); err != nil {
		return err
	}
	if flagged {
		return cliutil.ErrSilent
	}
	return nil
}
