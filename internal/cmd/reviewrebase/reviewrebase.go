// Package reviewrebase is the command layer of git review-rebase: it parses
// the command line, resolves what to compare, runs the review engine and
// writes text, JSON or the --check verdict, and decides the exit status.
package reviewrebase

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/demo"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/safetext"
	"github.com/patchqueue/pqtools/internal/sbs"
)

// Options are what a review depends on and its parsed flags and
// arguments; newApp fills them, run acts on them.
type Options struct {
	IO                 *cliutil.IO
	DemoDirForTestOnly string // where --demo builds its repository (default: a temporary directory)

	Format    string // text, json ("" = terminal UI when stdout is a terminal, else text)
	Check     bool
	NoCache   bool
	NoSimilar bool
	NoDrift   bool
	Onto      string
	OldBase   string
	Color     string // auto, always, never
	NoPager   bool
	Patch     bool // -p: side-by-side of the changed rows (text)
	Width     int  // of -p's side-by-side; 0: the terminal's
	Jobs      int
	Verbose   bool
	Demo      bool
	Replay    bool // replay title and similar matches (replay.go)
	// AllLayers reviews the whole queue of an import-srpm branch X/base,
	// not only our layer from X/vendor-base.
	AllLayers bool
	Args      []string
	Paths     []string
}

var flags = []cli.Flag{
	&cli.StringFlag{Name: "format", Usage: "output `FORMAT`: text or json (default: the terminal UI on a terminal, text otherwise)"},
	&cli.BoolFlag{Name: "check", Usage: "exit 1 listing dropped commits without a note, changed patches without a conflict explanation, and unmentioned drift"},
	&cli.BoolFlag{Name: "no-cache", Usage: "neither read nor write the caches (patch-ids, changed files, upstream digests, pruned candidates, diff signatures)"},
	&cli.BoolFlag{Name: "no-similar", Usage: "do not pair commits by similar diffs"},
	&cli.BoolFlag{Name: "no-drift", Usage: "do not look for identifiers the new queue uses that upstream removed"},
	&cli.StringFlag{Name: "onto", Usage: "new base `REV` (for the old-tip..new-tip form)"},
	&cli.StringFlag{Name: "old-base", Usage: "old base `REV` (for the old-tip..new-tip form)"},
	&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour text output: `WHEN` is auto, always or never (default: color.reviewrebase, then color.ui)"},
	&cli.BoolFlag{Name: "patch", Aliases: []string{"p"}, Usage: "with --format=text: the side-by-side of every changed row under the list"},
	&cli.IntFlag{Name: "width", Usage: "with -p: lay the patches out in `N` columns (default: the terminal's width, else 160)"},
	&cli.BoolFlag{Name: "no-pager", Usage: "do not page the text output (default: paged on a terminal as git pages, see pager.review-rebase)"},
	&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "`N` parallel git processes", DefaultText: "number of CPUs"},
	&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "report bases, counts and cache use on stderr"},
	&cli.BoolFlag{Name: "demo", Usage: "review a generated example repository (no setup needed)"},
	&cli.BoolFlag{Name: "all-layers", Usage: "for an import-srpm branch X/base with X/vendor-base: review the whole queue from X/pre-base, the upstream vendor's patches too (default: our layer only)"},
	&cli.BoolFlag{Name: "replay", Usage: "replay title and similar matches: identical, changed or conflicted (--check then accepts identical title matches)"},
}

const usageText = `git review-rebase [options] <old-base>..<old-tip> <new-base>..<new-tip> [-- <path>...]
git review-rebase [options] <old-tip>..<new-tip> [-- <path>...]
git review-rebase --demo [options]`

const description = `Matches the commits of a patch queue before and after a rebase: the same
commit, the same patch-id, the same title (the patch changed: a conflict was
resolved), a similar diff (reworded), or dropped; old commits whose patch is
now upstream are flagged, and new commits nothing explains are "added".

In the two-tip form, a branch X/base has its base in X/pre-base; otherwise
the old base is the merge base of the tips and the new base the nearest tag
reachable from the new tip only.`

// Main runs the command and returns its exit status; args[0] is the
// program name.
func Main(ctx context.Context, args []string, ios *cliutil.IO) int {
	return execute(ctx, args, &Options{IO: ios}, run, runReplay)
}

// execute parses args into o, or into the replay subcommand's options, and
// hands the result to runF or replayF; tests pass functions that record
// what was parsed.
func execute(ctx context.Context, args []string, o *Options, runF func(context.Context, *Options) error, replayF func(context.Context, *ReplayOptions) error) int {
	ordered, paths := reorderArgs(args[1:]) // replay.go: a "replay" subcommand gets its own options
	o.Paths = paths
	return cliutil.Run(ctx, newApp(o, runF, replayF), append([]string{args[0]}, ordered...), o.IO.ErrOut)
}

// newApp wires the review's flags into o and the replay subcommand's into
// options of its own; usage errors are found here, before runF or replayF
// runs.
func newApp(o *Options, runF func(context.Context, *Options) error, replayF func(context.Context, *ReplayOptions) error) *cli.App {
	return &cli.App{
		Name:        "git review-rebase",
		Usage:       "review the rebase of a patch queue",
		UsageText:   usageText,
		Description: description,
		Flags:       flags,
		Commands:    []*cli.Command{newReplayCommand(&ReplayOptions{IO: o.IO}, replayF), newShowCommand(&ShowOptions{IO: o.IO}), newExplainCommand(&ExplainOptions{IO: o.IO, Paths: o.Paths})},
		Writer:      o.IO.Out,
		Action: func(c *cli.Context) error {
			o.Format = c.String("format")
			o.Check = c.Bool("check")
			o.NoCache = c.Bool("no-cache")
			o.NoSimilar = c.Bool("no-similar")
			o.NoDrift = c.Bool("no-drift")
			o.Onto = c.String("onto")
			o.OldBase = c.String("old-base")
			o.Color = c.String("color")
			o.NoPager = c.Bool("no-pager")
			o.Patch = c.Bool("patch")
			o.Width = c.Int("width")
			o.Jobs = c.Int("jobs")
			o.Verbose = c.Bool("verbose")
			o.Demo = c.Bool("demo")
			o.Replay = c.Bool("replay")
			o.AllLayers = c.Bool("all-layers")
			o.Args = c.Args().Slice()
			if err := validate(o); err != nil {
				return err
			}
			return runF(c.Context, o)
		},
	}
}

// splitRange parses "<a>..<b>".
func splitRange(s string) (string, string, error) {
	if strings.Contains(s, "...") {
		return "", "", cliutil.Usagef("%q: symmetric ranges (...) are not supported; use <base>..<tip>", s)
	}
	a, b, ok := strings.Cut(s, "..")
	if !ok || a == "" || b == "" {
		return "", "", cliutil.Usagef("%q is not a range <base>..<tip>", s)
	}
	for _, r := range []string{a, b} {
		if err := git.CheckRev(r); err != nil {
			return "", "", cliutil.Usagef("%q: %v", s, err)
		}
	}
	return a, b, nil
}

// validate checks what can be checked without a repository.
func validate(o *Options) error {
	switch o.Format {
	case "", "text", "json":
	default:
		return cliutil.Usagef("unknown --format %q: use text or json", o.Format)
	}
	switch o.Color {
	case "auto", "always", "never":
	default:
		return cliutil.Usagef("unknown --color %q: use auto, always or never", o.Color)
	}
	if o.Jobs < 0 {
		return cliutil.Usagef("--jobs must not be negative (0: the default)")
	}
	if o.Patch {
		if o.Format == "json" || o.Check {
			return cliutil.Usagef("-p goes with the text output, not with --format=json or --check")
		}
		o.Format = "text" // -p asks for text, even on a terminal
	}
	if o.Width < 0 || o.Width > 0 && o.Width < 40 {
		return cliutil.Usagef("--width %d: give at least 40 columns", o.Width)
	}
	if o.Demo {
		if len(o.Args) > 0 {
			return cliutil.Usagef("--demo takes no ranges")
		}
		return nil
	}
	switch len(o.Args) {
	case 0:
		return cliutil.Usagef("missing ranges: give <old-base>..<old-tip> <new-base>..<new-tip> or <old-tip>..<new-tip>")
	case 1, 2:
	default:
		return cliutil.Usagef("too many arguments (paths go after --)")
	}
	if len(o.Args) == 2 && (o.Onto != "" || o.OldBase != "") {
		return cliutil.Usagef("--onto and --old-base only go with the <old-tip>..<new-tip> form")
	}
	return nil
}

// run reviews the rebase o describes (validate has passed).
func run(ctx context.Context, o *Options) error {
	var repo *git.Repo
	var ropts review.Options
	if o.Demo {
		fx, cleanup, err := buildDemo(o)
		if err != nil {
			return fmt.Errorf("build demo repository: %w", err)
		}
		defer cleanup()
		repo = &git.Repo{Dir: fx.Dir, GitDir: filepath.Join(fx.Dir, ".git"), CommonDir: filepath.Join(fx.Dir, ".git"), Env: fx.Env.Vars}
		ropts = review.Options{OldBase: fx.OldTag, OldTip: "queue-old", NewBase: fx.NewTag, NewTip: "queue-new"}
		fmt.Fprintf(o.IO.ErrOut, "demo: reviewing %s..queue-old %s..queue-new in a generated repository\n", fx.OldTag, fx.NewTag)
	} else {
		// The revisions the arguments name are known before the
		// repository is: one rev-parse finds it and resolves them (the four
		// of two ranges for Run; the two tips of one range for
		// InferBases). A range that does not parse is left for after the
		// repository, so that outside one that is still what is said first.
		var resolve []string
		if len(o.Args) == 2 {
			if given, err := resolveRanges(ctx, nil, o); err == nil {
				resolve = []string{given.OldBase, given.OldTip, given.NewBase, given.NewTip}
			}
		} else if oldTip, newTip, err := splitRange(o.Args[0]); err == nil {
			resolve = []string{oldTip, newTip}
		}
		// The notes list needs no git dir either: it runs alongside.
		var notes *review.Notes
		if !useTUI(o) {
			notes = review.StartNotes(ctx, &git.Repo{Dir: o.IO.Dir, Env: o.IO.GitEnv})
			defer notes.Stop()
		}
		var err error
		if repo, err = openRepo(ctx, o.IO, "both queues", resolve...); err != nil {
			return err
		}
		if ropts, err = resolveRanges(ctx, repo, o); err != nil {
			return err
		}
		ropts.Notes = notes
	}
	ropts.Paths, ropts.NoCache, ropts.NoSimilar, ropts.Jobs = o.Paths, o.NoCache, o.NoSimilar, o.Jobs
	ropts.NoDrift = o.NoDrift
	if useTUI(o) {
		return runTUI(ctx, repo, ropts, o.Replay)
	}
	prog := newProgress(o.IO.ErrOut, o.IO.ErrTTY && o.Format != "json")
	ropts.Progress = prog.update
	// Text, JSON and --check need no blame, so a whole earlier result
	// serves (review.Options.ResultCache).
	ropts.ResultCache = true
	res, err := review.Run(ctx, repo, ropts)
	prog.done()
	if err != nil {
		return explain(err)
	}
	if o.Replay {
		if err := addReplay(ctx, repo, res); err != nil {
			return err
		}
	}
	for _, m := range res.SkippedMerges {
		fmt.Fprintf(o.IO.ErrOut, "warning: skipping merge commit %s: merges have no patch-id and are not part of a queue\n", git.Short(m))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", w)
	}
	if o.Verbose {
		for _, d := range res.Details {
			fmt.Fprintf(o.IO.ErrOut, "%s\n", safetext.Line(d))
		}
		st := res.Stats
		fmt.Fprintf(o.IO.ErrOut, "old %s..%s, new %s..%s\n", git.Short(res.Old.Base), git.Short(res.Old.Tip), git.Short(res.New.Base), git.Short(res.New.Tip))
		fmt.Fprintf(o.IO.ErrOut, "%d upstream commits, %d patch-id candidates; patch-ids: %d computed, %d cached\n",
			st.UpstreamCommits, st.UpstreamCandidates, st.PatchIDsComputed, st.PatchIDsCached)
	}
	if o.Check {
		offenders := review.Check(res)
		if o.Format == "json" {
			if err := review.WriteJSONCheck(o.IO.Out, res, offenders); err != nil {
				return err
			}
			if err := review.WriteCheck(o.IO.ErrOut, offenders); err != nil {
				return err
			}
		} else if err := review.WriteCheck(o.IO.Out, offenders); err != nil {
			return err
		}
		if len(offenders) > 0 {
			return cliutil.ErrSilent
		}
		return nil
	}
	if o.Format == "json" {
		return review.WriteJSON(o.IO.Out, res)
	}
	color := useColor(ctx, repo, o)
	stop := o.IO.GitPager(ctx, repo, "review-rebase", o.NoPager)
	defer stop()
	if err := review.WriteText(o.IO.Out, res, color); err != nil || !o.Patch {
		return err
	}
	return writePatches(ctx, o.IO.Out, repo, res, sbs.TextOptions{Width: textWidth(o.Width, o.IO), Color: color})
}

// resolveRanges turns the arguments into the four revisions of a review.
// With two ranges it runs no git, and repo may be nil.
func resolveRanges(ctx context.Context, repo *git.Repo, o *Options) (review.Options, error) {
	var r review.Options
	var err error
	if len(o.Args) == 2 {
		if r.OldBase, r.OldTip, err = splitRange(o.Args[0]); err != nil {
			return r, err
		}
		if r.NewBase, r.NewTip, err = splitRange(o.Args[1]); err != nil {
			return r, err
		}
		return r, nil
	}
	if r.OldTip, r.NewTip, err = splitRange(o.Args[0]); err != nil {
		return r, err
	}
	for _, rev := range []string{o.Onto, o.OldBase} {
		if rev != "" {
			if err := git.CheckRev(rev); err != nil {
				return r, cliutil.Usagef("%v", err)
			}
		}
	}
	r.OldBase, r.NewBase = o.OldBase, o.Onto
	if r.OldBase == "" || r.NewBase == "" {
		b, err := review.InferBases(ctx, repo, r.OldTip, r.NewTip, review.Bases{OldBase: r.OldBase, NewBase: r.NewBase, OurLayer: !o.AllLayers})
		if err != nil {
			return r, explain(err)
		}
		r.OldBase, r.NewBase = b.OldBase, b.NewBase
		if o.Verbose {
			fmt.Fprintf(o.IO.ErrOut, "old base %s (%s), new base %s (%s)\n", r.OldBase, b.OldHow, r.NewBase, b.NewHow)
		}
	}
	return r, nil
}

// explain turns engine errors into what the user should read and do.
func explain(err error) error {
	switch {
	case errors.Is(err, git.ErrUnknownRevision):
		return cliutil.Usagef("%v", err)
	case errors.Is(err, review.ErrShallow):
		return errors.New("this is a shallow clone: history needed to compare the queues is missing; run 'git fetch --unshallow' first")
	case errors.Is(err, review.ErrEmptyRange):
		// One empty side is a review; only two empty sides are not.
		return cliutil.Usagef("%v: nothing to review (check the order of base and tip)", err)
	case errors.Is(err, review.ErrNoOldBase):
		return cliutil.Usagef("%v; give --old-base", err)
	case errors.Is(err, review.ErrNoNewBase):
		return cliutil.Usagef("%v; give --onto", err)
	case errors.Is(err, review.ErrNoBase), errors.Is(err, review.ErrNoPathHit):
		return cliutil.Usagef("%v", err)
	}
	return err
}

// useColor: --color, then color.reviewrebase, then color.ui, as git
// decides for its own commands.
func useColor(ctx context.Context, repo *git.Repo, o *Options) bool {
	return cliutil.UseColor(o.Color, o.IO, cliutil.RepoConfig(ctx, repo), "color.reviewrebase", "color.ui")
}

// buildDemo generates the demo repository.
func buildDemo(o *Options) (*demo.Fixture, func(), error) {
	root := o.DemoDirForTestOnly
	cleanup := func() {}
	if root == "" {
		d, err := os.MkdirTemp("", "review-rebase-demo-")
		if err != nil {
			return nil, cleanup, err
		}
		root, cleanup = d, func() { os.RemoveAll(d) }
	}
	env, err := demo.NewEnv(root)
	if err != nil {
		cleanup()
		return nil, func() {}, err
	}
	fx, err := demo.BuildWithEnv(env, filepath.Join(root, "linux"), demo.Small())
	if err != nil {
		cleanup()
		return nil, func() {}, err
	}
	return fx, cleanup, nil
}
