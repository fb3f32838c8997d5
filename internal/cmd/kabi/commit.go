package kabi

import (
	"context"
	"fmt"
	"io"
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

func openRepo(ctx context.Context, dir string, env []string) (*git.Repo, error) {
	r, err := git.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	r.Env = env
	return r, nil
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
	r, err := openRepo(ctx, o.Dir, o.GitEnv)
	if err != nil {
		return err
	}
	sha, subject, err := subjectOf(ctx, r, o.Rev)
	if err != nil {
		return err
	}
	msg := commitMessage(sha, subject)
	if o.Revert {
		msg = revertMessage(sha, subject)
		if _, err := r.Run(ctx, nil, "revert", "--no-commit", "--end-of-options", sha); err != nil {
			return fmt.Errorf("%w (resolve the conflicts, then run git commit)", err)
		}
	}
	args := []string{"commit", "-s", "-m", msg}
	if o.Edit {
		args = append(args, "-e")
	}
	out, err := r.Run(ctx, o.Stdin, args...)
	if err != nil {
		return err
	}
	_, err = o.Stdout.Write(out)
	return err
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
	commits, err := r.Log(ctx, git.LogOptions{Include: []string{o.Range}, NoMerges: true, Reverse: true})
	if err != nil {
		return err
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
