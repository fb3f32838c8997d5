package reviewrebase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/notes"
	"github.com/patchqueue/pqtools/internal/proc"
	"github.com/patchqueue/pqtools/internal/replay"
	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/tui"
)

// useTUI: the terminal UI is the default on a terminal; any explicit
// format, --check, or output to a pipe gets text.
func useTUI(o *Options) bool {
	return o.Format == "" && !o.Check && o.IO.OutTTY
}

// runTUI runs the review inside the terminal UI, which shows progress
// while it loads.
func runTUI(ctx context.Context, repo *git.Repo, ropts review.Options, withReplay bool) error {
	b := &backend{repo: repo}
	ui := tui.New(ctx, b)
	return ui.Run(func(ctx context.Context, progress func(string, int, int)) (*review.Result, error) {
		ropts.Progress = progress
		res, err := review.Run(ctx, repo, ropts)
		if err != nil {
			return nil, explain(err)
		}
		b.setSince(res.Old.Base)
		if withReplay {
			progress("replaying title and similar matches", 0, 1)
			if err := addReplay(ctx, repo, res); err != nil {
				return nil, err
			}
		}
		return res, nil
	})
}

// backend gives the UI what it needs from git.
type backend struct {
	repo *git.Repo
	mu   sync.Mutex
	// since limits blame to the commits after the old base: what a
	// reviewer looks for is there, and a kernel's whole history took 15
	// to 30 s a file; older lines blame to the old base itself.
	since string
}

func (b *backend) setSince(base string) {
	b.mu.Lock()
	b.since = base
	b.mu.Unlock()
}

// patchFormat is the header of the patch view: git show's "medium"
// format, with the full id and the message indented.
const patchFormat = "commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n%w(0,4,4)%B"

func (b *backend) Patch(ctx context.Context, sha string, funcContext bool) (string, error) {
	return b.repo.ShowCommit(ctx, sha, git.ShowOptions{Format: patchFormat, StatWidth: 200, FunctionContext: funcContext})
}

// Blame blames file in the parent of commit over the requested lines, with
// one git blame.
func (b *backend) Blame(ctx context.Context, commit, file string, lines []int) (map[int]string, error) {
	b.mu.Lock()
	since := b.since
	b.mu.Unlock()
	bl, err := b.repo.BlameSince(ctx, since, commit+"^", file, git.LineRanges(lines)...)
	if err != nil {
		return nil, err
	}
	m := make(map[int]string, len(bl))
	for _, l := range bl {
		m[l.FinalLine] = l.Commit
	}
	return m, nil
}

func (b *backend) Replay(ctx context.Context, old, new string) (string, error) {
	res, err := replay.Replay(ctx, b.repo, old, new)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = replay.WriteText(&buf, res)
	return buf.String(), err
}

// EditNote opens the note of sha in the user's editor (`git var
// GIT_EDITOR`, run as git runs it) with the terminal handed over. An
// existing note is edited, never replaced unseen; an emptied note is
// removed.
func (b *backend) EditNote(ctx context.Context, sha string) (string, error) {
	existing, err := notes.Read(ctx, b.repo, []string{sha})
	if err != nil {
		return "", err
	}
	old, had := existing[sha]
	editor, err := b.repo.Editor(ctx)
	if err != nil {
		return "", fmt.Errorf("no editor: %w", err)
	}
	dir, err := os.MkdirTemp("", "review-rebase-note-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "NOTE_EDITMSG")
	initial := old
	if !had {
		initial = "\n# Why was " + git.Short(sha) + " dropped? Lines starting with '#' are ignored.\n"
	}
	if err := os.WriteFile(file, []byte(initial), 0o600); err != nil {
		return "", err
	}
	// The editor setting is a shell snippet by git's definition ("vim -f",
	// "code --wait"); the file name is passed as an argument, never spliced
	// into the command.
	if err := proc.Interactive(ctx, proc.Cmd{
		Program: "sh",
		Args:    []string{"-c", strings.TrimSpace(editor) + ` "$@"`, "editor", file},
		Dir:     b.repo.Dir,
		Env:     proc.Environ(nil, b.repo.Env...),
	}); err != nil {
		return old, fmt.Errorf("editor: %w", err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return old, err
	}
	text := stripComments(string(data))
	switch {
	case text == strings.TrimSpace(old):
		return old, nil
	case had:
		err = notes.Replace(ctx, b.repo, sha, text)
	case text == "":
		return "", nil
	default:
		err = notes.Add(ctx, b.repo, sha, text+"\n")
		if errors.Is(err, notes.ErrExists) {
			return old, fmt.Errorf("another note appeared meanwhile; edit again to see it")
		}
	}
	if err != nil {
		return old, err
	}
	saved, err := notes.Read(ctx, b.repo, []string{sha})
	return saved[sha], err
}

func stripComments(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}
