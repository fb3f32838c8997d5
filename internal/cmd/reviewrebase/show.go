package reviewrebase

// The show subcommand (git review-rebase show <old> <new>): the side-by-side
// of one pair as text, for mail and CI logs; --format=text -p on the review
// prints it under every changed row.

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/sbs"
)

// ShowOptions are the show subcommand's dependencies and parsed flags.
type ShowOptions struct {
	IO      *cliutil.IO
	Width   int    // 0: the terminal's, else $COLUMNS, else 160
	Color   string // auto, always, never
	NoPager bool
	Blame   bool // annotate context and removed lines with the commit that last changed them
	Args    []string
}

var showFlags = []cli.Flag{
	&cli.IntFlag{Name: "width", Usage: "lay the two patches out in `N` columns (default: the terminal's width, else 160)"},
	&cli.StringFlag{Name: "color", Value: "auto", Usage: "`WHEN` to colour: auto, always or never (without colour, changed tokens are marked [-old-] and {+new+})"},
	&cli.BoolFlag{Name: "no-pager", Usage: "do not page the output"},
	&cli.BoolFlag{Name: "blame", Usage: "annotate context and removed lines with the commit since the fork point that last changed them (the upstream commit that moved the context)"},
}

func newShowCommand(o *ShowOptions) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "print the side-by-side of an old commit and its rebased counterpart as text",
		UsageText: "git review-rebase show [--width=N] [--color=WHEN] [--blame] <old> <new>",
		Description: `Lays the two patches out side by side, as the terminal UI does, for mail and
CI logs: the old patch on the left, the new one on the right, "|" between
them where they differ, changed tokens marked.`,
		Flags: showFlags,
		Action: func(c *cli.Context) error {
			o.Width, o.Color, o.NoPager, o.Args = c.Int("width"), c.String("color"), c.Bool("no-pager"), c.Args().Slice()
			o.Blame = c.Bool("blame")
			switch {
			case len(o.Args) != 2:
				return cliutil.Usagef("show takes <old> <new>, got %d argument(s)", len(o.Args))
			case o.Width < 0 || o.Width > 0 && o.Width < 40:
				return cliutil.Usagef("--width %d: give at least 40 columns", o.Width)
			case o.Color != "auto" && o.Color != "always" && o.Color != "never":
				return cliutil.Usagef("unknown --color %q: use auto, always or never", o.Color)
			}
			for _, a := range o.Args {
				if err := git.CheckRev(a); err != nil {
					return cliutil.Usagef("%v", err)
				}
			}
			return runShow(c.Context, o)
		},
	}
}

// textWidth is the width show lays out in: asked, else the terminal's,
// else $COLUMNS, else 160 (two 80-column patches).
func textWidth(asked int, stdio *cliutil.IO) int {
	if asked > 0 {
		return asked
	}
	if stdio.Width > 0 {
		return stdio.Width
	}
	if n, err := strconv.Atoi(stdio.Env("COLUMNS")); err == nil && n >= 40 {
		return n
	}
	return 160
}

func runShow(ctx context.Context, o *ShowOptions) error {
	repo, err := openRepo(ctx, o.IO, "both commits")
	if err != nil {
		return err
	}
	shas, err := repo.ResolveCommits(ctx, o.Args[0], o.Args[1])
	if err != nil {
		return explain(err)
	}
	color := cliutil.UseColor(o.Color, o.IO, cliutil.RepoConfig(ctx, repo), "color.reviewrebase", "color.ui")
	stop := o.IO.GitPager(ctx, repo, "review-rebase", o.NoPager)
	defer stop()
	to := sbs.TextOptions{Width: textWidth(o.Width, o.IO), Color: color}
	if !o.Blame {
		return writeShow(ctx, o.IO.Out, repo, shas[0], shas[1], to)
	}
	// Blame stops at the fork point of the two commits: what changed
	// since is what a reviewer looks for, and older history is the
	// expensive part.
	base, err := repo.MergeBase(ctx, shas[0], shas[1])
	if err != nil {
		return err
	}
	return writeShowBlamed(ctx, o.IO.Out, repo, shas[0], shas[1], base, to)
}

// pairLayout lays out the patches of old and new side by side, as the
// terminal UI shows them.
func pairLayout(ctx context.Context, repo *git.Repo, old, new string) (*sbs.Layout, error) {
	var patches [2]string
	for i, sha := range []string{old, new} {
		p, err := repo.ShowCommit(ctx, sha, git.ShowOptions{Format: patchFormat})
		if err != nil {
			return nil, err
		}
		patches[i] = p
	}
	return sbs.New(patches[0], patches[1]), nil
}

// writeShow writes the side-by-side of old and new.
func writeShow(ctx context.Context, w io.Writer, repo *git.Repo, old, new string, to sbs.TextOptions) error {
	lay, err := pairLayout(ctx, repo, old, new)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, sbs.Text(lay, to))
	return err
}

// writeShowBlamed is writeShow with every context and removed line
// annotated by the commit that last changed it in the parent of its side,
// since base (blank when older).
func writeShowBlamed(ctx context.Context, w io.Writer, repo *git.Repo, old, new, base string, to sbs.TextOptions) error {
	lay, err := pairLayout(ctx, repo, old, new)
	if err != nil {
		return err
	}
	shas := [2]string{old, new}
	var blamed [2]map[string]map[int]string
	for side := range shas {
		blamed[side] = map[string]map[int]string{}
		for file, ls := range lay.PreLines(side, false) {
			bl, err := repo.BlameSince(ctx, base, shas[side]+"^", file, git.LineRanges(ls)...)
			if err != nil {
				return fmt.Errorf("blame %s: %w", file, err)
			}
			m := map[int]string{}
			for _, l := range bl {
				if !l.Boundary {
					m[l.FinalLine] = l.Commit
				}
			}
			blamed[side][file] = m
		}
	}
	to.Annotate = func(row, side int) string {
		r := lay.Rows[row]
		if s := r.Side(side); s.PreLine > 0 && blamed[side][r.File][s.PreLine] != "" {
			return blamed[side][r.File][s.PreLine][:8]
		}
		return "        "
	}
	_, err = io.WriteString(w, sbs.Text(lay, to))
	return err
}

// writePatches prints, after the review's text, the side-by-side of every
// row whose patch changed (title and similar matches): --format=text -p.
func writePatches(ctx context.Context, w io.Writer, repo *git.Repo, res *review.Result, to sbs.TextOptions) error {
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Old == nil || r.New == nil || (r.Status != review.StatusTitle && r.Status != review.StatusSimilar) {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", review.TextLine(r))
		if err := writeShow(ctx, w, repo, r.Old.SHA, r.New.SHA, to); err != nil {
			return err
		}
	}
	return nil
}
