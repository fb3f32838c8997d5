package reviewrebase

// The replay subcommand (git review-rebase replay <old> <new>) and the
// review's --replay option: both redo the mechanical part of a commit's
// rebase with internal/replay and report how the author's commit differs.

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/replay"
	"github.com/patchqueue/pqtools/internal/review"
)

// ReplayOptions are what the replay subcommand depends on and its parsed
// flags and arguments; newReplayCommand fills them, runReplay acts on them.
type ReplayOptions struct {
	IO       *cliutil.IO
	Format   string // text (default) or json
	Worktree bool
	Compare  string
	Clean    bool
	Force    bool // with Clean: also worktrees changed since the replay
	Args     []string
}

var replayFlags = []cli.Flag{
	&cli.StringFlag{Name: "format", Usage: "output `FORMAT`: text or json (default: text)"},
	&cli.BoolFlag{Name: "worktree", Usage: "also check the replay out in a worktree, conflicts in place, to resolve them yourself"},
	&cli.StringFlag{Name: "compare", Usage: "diff your resolution in worktree `DIR` against <new> (replay --compare DIR <new>)"},
	&cli.BoolFlag{Name: "clean", Usage: "remove every replay worktree not changed since the replay"},
	&cli.BoolFlag{Name: "force", Usage: "with --clean: also remove worktrees changed since the replay (resolutions in progress); with --compare: compare a directory that is not a replay worktree"},
}

const replayDescription = `Cherry-picks <old> onto the parent of <new> without touching the work tree,
the index, HEAD or any ref, and compares the result with <new>:

   identical   the replay gives exactly <new>: only the context moved;
   changed     the replay is clean but the author changed more (shown as a
               diff from the replay to <new>);
   conflicted  the replay conflicts: each conflict region with both sides
               and the author's resolution of the same region.

The exit status is 0 whatever the verdict: it is a report.`

// newReplayCommand wires the subcommand's flags into o; usage errors are
// found here, before runF runs.
func newReplayCommand(o *ReplayOptions, runF func(context.Context, *ReplayOptions) error) *cli.Command {
	return &cli.Command{
		Name:        "replay",
		Usage:       "replay an old commit onto its rebased counterpart's parent and compare",
		UsageText:   "git review-rebase replay [--format=text|json] [--worktree] <old> <new>\ngit review-rebase replay --compare <dir> <new>\ngit review-rebase replay --clean [--force]",
		Description: replayDescription,
		Flags:       replayFlags,
		Action: func(c *cli.Context) error {
			o.Format = c.String("format")
			o.Worktree, o.Compare, o.Clean, o.Force = c.Bool("worktree"), c.String("compare"), c.Bool("clean"), c.Bool("force")
			o.Args = c.Args().Slice()
			if err := validateReplay(o); err != nil {
				return err
			}
			return runF(c.Context, o)
		},
	}
}

// reorderArgs puts options first (git accepts them anywhere) with the
// one reorder the three commands share: "replay" may follow the review's
// options and takes its own; words after the user's "--" are the review's
// paths. args is without the program name.
func reorderArgs(args []string) (ordered, paths []string) {
	app := newApp(&Options{IO: &cliutil.IO{}}, nil, nil)
	ordered, paths = cliutil.Style{LeadingOptionsToCommand: true, Paths: true}.Reorder(app, append([]string{app.Name}, args...))
	return ordered[1:], paths
}

// validateReplay checks what can be checked without a repository.
func validateReplay(o *ReplayOptions) error {
	switch {
	case o.Compare != "" && (o.Worktree || o.Clean), o.Worktree && o.Clean:
		return cliutil.Usagef("replay: --worktree, --compare and --clean go alone")
	case o.Force && !o.Clean && o.Compare == "":
		return cliutil.Usagef("replay: --force goes with --clean or --compare")
	case o.Compare != "":
		if len(o.Args) != 1 {
			return cliutil.Usagef("replay --compare <dir> takes one commit: <new>")
		}
		if err := git.CheckRev(o.Args[0]); err != nil {
			return cliutil.Usagef("%v", err)
		}
		return nil
	case o.Clean:
		if len(o.Args) > 0 {
			return cliutil.Usagef("replay --clean takes no arguments")
		}
		return nil
	}
	switch o.Format {
	case "", "text", "json":
	default:
		return cliutil.Usagef("unknown --format %q: use text or json", o.Format)
	}
	switch {
	case len(o.Args) < 2:
		return cliutil.Usagef("replay needs two commits: <old> <new>")
	case len(o.Args) > 2:
		return cliutil.Usagef("replay takes two commits, <old> <new>, and no paths")
	}
	for _, rev := range o.Args {
		if err := git.CheckRev(rev); err != nil {
			return cliutil.Usagef("%v", err)
		}
	}
	return nil
}

// runReplay replays, checks a replay out, compares a resolution or cleans
// replay worktrees, as o says (validateReplay has passed).
func runReplay(ctx context.Context, o *ReplayOptions) error {
	if o.Compare != "" {
		return replayCompare(ctx, o)
	}
	repo, err := openRepo(ctx, o.IO, "both commits")
	if err != nil {
		return err
	}
	if o.Clean {
		return replayClean(ctx, o, repo)
	}
	if o.Worktree {
		if err := replayWorktree(ctx, o, repo); err != nil {
			return err
		}
	}
	res, err := replay.Replay(ctx, repo, o.Args[0], o.Args[1])
	if err != nil {
		return explainReplay(err)
	}
	if o.Format == "json" {
		return replay.WriteJSON(o.IO.Out, res)
	}
	return replay.WriteText(o.IO.Out, res)
}

// openRepo opens the repository around ios.Dir (default: the current
// directory), its git run with ios.GitEnv; holding says what the user
// should run it beside.
func openRepo(ctx context.Context, ios *cliutil.IO, holding string, resolve ...string) (*git.Repo, error) {
	dir := ios.Dir
	if dir == "" {
		dir = "."
	}
	repo, err := git.OpenWith(ctx, dir, git.OpenOptions{Env: ios.GitEnv, Resolve: resolve})
	if errors.Is(err, git.ErrNotRepository) {
		return nil, fmt.Errorf("%w: run it inside a work tree of the repository holding %s", git.ErrNotRepository, holding)
	}
	if err != nil {
		return nil, err
	}
	return repo, nil
}

// explainReplay turns replay errors into what the user should read.
func explainReplay(err error) error {
	switch {
	case errors.Is(err, git.ErrUnknownRevision):
		return cliutil.Usagef("%v", err)
	case errors.Is(err, replay.ErrMerge):
		return fmt.Errorf("%v; give the queue commit, not a merge", err)
	}
	return err
}

// addReplay sets the replay verdict of every title and similar row, with
// one batch of git processes for all of them.
func addReplay(ctx context.Context, repo *git.Repo, res *review.Result) error {
	var pairs []replay.Pair
	var rows []int
	for i, r := range res.Rows {
		if (r.Status == review.StatusTitle || r.Status == review.StatusSimilar) && r.Old != nil && r.New != nil {
			pairs = append(pairs, replay.Pair{Old: r.Old.SHA, New: r.New.SHA})
			rows = append(rows, i)
		}
	}
	vs, err := replay.Verdicts(ctx, repo, pairs)
	if err != nil {
		return fmt.Errorf("replay the changed patches: %w", err)
	}
	for k, i := range rows {
		res.Rows[i].Replay = string(vs[k].Verdict)
	}
	return nil
}
