package reviewrebase

// The explain subcommand (git review-rebase explain <ranges>): writes, as
// a git note on each changed new commit, which upstream commits between
// the bases changed its context, so that --check passes without
// hand-written text where git can tell, and names the rows it cannot.

import (
	"context"
	"fmt"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/safetext"
)

// ExplainOptions are the explain subcommand's dependencies and flags.
type ExplainOptions struct {
	IO      *cliutil.IO
	DryRun  bool
	Onto    string
	OldBase string
	Args    []string
	Paths   []string
}

var explainFlags = []cli.Flag{
	&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "print the explanations, write no note"},
	&cli.StringFlag{Name: "onto", Usage: "new base `REV` (for the old-tip..new-tip form)"},
	&cli.StringFlag{Name: "old-base", Usage: "old base `REV` (for the old-tip..new-tip form)"},
}

func newExplainCommand(o *ExplainOptions) *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "write the conflict explanation of each changed patch as a git note on its new commit",
		UsageText: "git review-rebase explain [--dry-run] <old-base>..<old-tip> <new-base>..<new-tip>\ngit review-rebase explain [--dry-run] <old-tip>..<new-tip>",
		Description: `For every title or similar row whose replay is conflicted or changed and whose
new commit explains nothing yet, blames the lines of the new patch's context
that differ from the old one in the new commit's parent, limited to the
commits after the old base, and keeps the upstream commits between the bases.
The explanation, written the kernel way

   [Name: rebase from <old-base> to <new-base> conflicts:
    - <file>: <sha12> ("<title>")
   ]

is appended to the new commit's git note (never replacing one; history is
not rewritten), which --check accepts as it accepts the text in a message.
Rows no upstream commit explains are listed: those a reviewer must read.`,
		Flags: explainFlags,
		Action: func(c *cli.Context) error {
			o.DryRun, o.Onto, o.OldBase, o.Args = c.Bool("dry-run"), c.String("onto"), c.String("old-base"), c.Args().Slice()
			if len(o.Args) < 1 || len(o.Args) > 2 {
				return cliutil.Usagef("explain takes the review's ranges: <old-base>..<old-tip> <new-base>..<new-tip> or <old-tip>..<new-tip>")
			}
			return runExplain(c.Context, o)
		},
	}
}

func runExplain(ctx context.Context, o *ExplainOptions) error {
	repo, err := openRepo(ctx, o.IO, "both queues")
	if err != nil {
		return err
	}
	ropts, err := resolveRanges(ctx, repo, &Options{IO: o.IO, Args: o.Args, Onto: o.Onto, OldBase: o.OldBase})
	if err != nil {
		return err
	}
	ropts.Paths = o.Paths
	res, err := review.Run(ctx, repo, ropts)
	if err != nil {
		return explain(err)
	}
	if err := addReplay(ctx, repo, res); err != nil {
		return err
	}
	name := "git review-rebase"
	if v, ok, err := repo.ConfigGet(ctx, "user.name"); err == nil && ok && v != "" {
		name = v
	}
	oldName, newName, err := baseNames(ctx, repo, res.Old.Base, res.New.Base)
	if err != nil {
		return err
	}
	var unexplained []*review.Row
	explained := 0
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Old == nil || r.New == nil || r.Upstream || r.Explained ||
			(r.Status != review.StatusTitle && r.Status != review.StatusSimilar) ||
			(r.Replay != "conflicted" && r.Replay != "changed") {
			continue
		}
		var patches [2]string
		for k, sha := range []string{r.Old.SHA, r.New.SHA} {
			if patches[k], err = repo.ShowCommit(ctx, sha, git.ShowOptions{Format: "commit %H%n"}); err != nil {
				return err
			}
		}
		e, err := review.Explain(ctx, repo, res, r, patches[0], patches[1])
		if err != nil {
			return err
		}
		if len(e.Files) == 0 {
			unexplained = append(unexplained, r)
			continue
		}
		text := e.Text(name, oldName, newName)
		if o.DryRun {
			fmt.Fprintf(o.IO.Out, "%s %s\n%s", git.Short(r.New.SHA), safetext.Line(r.New.Title), safetext.Text(text))
		} else {
			if err := repo.AppendNote(ctx, r.New.SHA, text, git.NoteOptions{}); err != nil {
				return fmt.Errorf("note on %s: %w", git.Short(r.New.SHA), err)
			}
			commits := map[string]bool{}
			for _, f := range e.Files {
				for _, c := range f.Commits {
					commits[c.SHA] = true
				}
			}
			fmt.Fprintf(o.IO.Out, "explained %s %s: %d upstream commit(s) in %d file(s)\n", git.Short(r.New.SHA), safetext.Line(r.New.Title), len(commits), len(e.Files))
		}
		explained++
	}
	for _, r := range unexplained {
		fmt.Fprintf(o.IO.Out, "no upstream commit between the bases explains %s %s: read it (git review-rebase show %s %s)\n",
			git.Short(r.New.SHA), safetext.Line(r.New.Title), git.Short(r.Old.SHA), git.Short(r.New.SHA))
	}
	if explained == 0 && len(unexplained) == 0 {
		fmt.Fprintln(o.IO.Out, "nothing to explain: no changed patch lacks an explanation")
	}
	return nil
}

// baseNames are the names the explanation gives the bases: a tag pointing
// at the commit (the first in order), else its short id.
func baseNames(ctx context.Context, repo *git.Repo, bases ...string) (string, string, error) {
	tags, err := repo.Tags(ctx)
	if err != nil {
		return "", "", err
	}
	names := make([]string, len(bases))
	for i, b := range bases {
		names[i] = git.Short(b)
		if t := tags[b]; len(t) > 0 {
			sorted := append([]string(nil), t...)
			sort.Strings(sorted)
			names[i] = sorted[0]
		}
	}
	return names[0], names[1], nil
}
