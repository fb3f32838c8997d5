package reviewrebase

// The show subcommand (git review-rebase show <old> <new>): the side-by-side
// of one pair as text, for mail and CI logs; --format=text -p on the review
// prints it under every changed row. Either side may be several commits
// joined by commas (a split's parts, a squash's old commits): they are laid
// out concatenated.

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

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
		UsageText: "git review-rebase show [--width=N] [--color=WHEN] [--blame] <old>[,<old>...] <new>[,<new>...]",
		Description: `Lays the two patches out side by side, as the terminal UI does, for mail and
CI logs: the old patch on the left, the new one on the right, "|" between
them where they differ, changed tokens marked. A side of several commits
joined by commas (the parts of a split, the old commits of a squash) is
shown as their patches concatenated.`,
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
				for _, rev := range strings.Split(a, ",") {
					if err := git.CheckRev(rev); err != nil {
						return cliutil.Usagef("%v", err)
					}
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
	var sides [2][]string
	for i, arg := range o.Args {
		if sides[i], err = resolveSide(ctx, repo, arg); err != nil {
			return explain(err)
		}
	}
	color := cliutil.UseColor(o.Color, o.IO, cliutil.RepoConfig(ctx, repo), "color.reviewrebase", "color.ui")
	stop := o.IO.GitPager(ctx, repo, "review-rebase", o.NoPager)
	defer stop()
	to := sbs.TextOptions{Width: textWidth(o.Width, o.IO), Color: color}
	if !o.Blame {
		return writeShow(ctx, o.IO.Out, repo, sides[0], sides[1], to)
	}
	// Blame stops at the fork point of the two commits: what changed
	// since is what a reviewer looks for, and older history is the
	// expensive part.
	base, err := repo.MergeBase(ctx, sides[0][0], sides[1][0])
	if err != nil {
		return err
	}
	return writeShowBlamed(ctx, o.IO.Out, repo, sides[0], sides[1], base, to)
}

// resolveSide resolves one side of show: a revision, or revisions joined
// by commas when the whole does not name a commit (a ref name may hold a
// comma).
func resolveSide(ctx context.Context, repo *git.Repo, arg string) ([]string, error) {
	sha, err := repo.ResolveCommit(ctx, arg)
	if err == nil || !strings.Contains(arg, ",") {
		return []string{sha}, err
	}
	return repo.ResolveCommits(ctx, strings.Split(arg, ",")...)
}

// pairLayout lays out the patches of olds and news side by side, as the
// terminal UI shows them: a side of several commits (a split's parts, a
// squash's old commits) as their patches concatenated.
func pairLayout(ctx context.Context, repo *git.Repo, olds, news []string) (*sbs.Layout, error) {
	var patches [2]string
	for i, shas := range [][]string{olds, news} {
		var ps []string
		for _, sha := range shas {
			p, err := repo.ShowCommit(ctx, sha, git.ShowOptions{Format: patchFormat})
			if err != nil {
				return nil, err
			}
			ps = append(ps, p)
		}
		patches[i] = sbs.Concat(ps...)
	}
	return sbs.New(patches[0], patches[1]), nil
}

// writeShow writes the side-by-side of olds and news.
func writeShow(ctx context.Context, w io.Writer, repo *git.Repo, olds, news []string, to sbs.TextOptions) error {
	lay, err := pairLayout(ctx, repo, olds, news)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, sbs.Text(lay, to))
	return err
}

// writeShowBlamed is writeShow with every context and removed line
// annotated by the commit that last changed it in the parent of its side,
// since base (blank when older). A side of several commits has no one
// parent: it is left blank.
func writeShowBlamed(ctx context.Context, w io.Writer, repo *git.Repo, olds, news []string, base string, to sbs.TextOptions) error {
	lay, err := pairLayout(ctx, repo, olds, news)
	if err != nil {
		return err
	}
	var shas [2]string
	for side, cs := range [][]string{olds, news} {
		if len(cs) == 1 {
			shas[side] = cs[0]
		}
	}
	var blamed [2]map[string]map[int]string
	for side := range shas {
		blamed[side] = map[string]map[int]string{}
		if shas[side] == "" {
			continue
		}
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
// row whose patch changed (title and similar matches), and of every split
// and squash once, under the lines of its rows: --format=text -p.
func writePatches(ctx context.Context, w io.Writer, repo *git.Repo, res *review.Result, to sbs.TextOptions) error {
	shown := map[int]bool{}
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Old == nil || r.New == nil || (r.Status != review.StatusTitle && r.Status != review.StatusSimilar && !r.Status.Grouped()) {
			continue
		}
		if r.Group > 0 {
			if shown[r.Group] {
				continue
			}
			shown[r.Group] = true
		}
		fmt.Fprintln(w)
		for j := range res.Rows {
			if g := &res.Rows[j]; g == r || (r.Group > 0 && g.Group == r.Group) {
				fmt.Fprintln(w, review.TextLine(g))
			}
		}
		olds, news := res.Sides(r)
		if err := writeShow(ctx, w, repo, shaList(olds), shaList(news), to); err != nil {
			return err
		}
	}
	return nil
}

func shaList(cs []*review.Commit) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.SHA
	}
	return out
}
