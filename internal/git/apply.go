package git

import (
	"context"
)

// The methods of this file change a work tree, its index and HEAD: what
// applying patches takes. Each takes Config, "key=value" settings given to
// that git call as -c, so a caller can pin the configuration (hooks,
// signing, line endings) that would otherwise change the result.

func withConfig(config []string, args ...string) []string {
	out := make([]string, 0, 2*len(config)+len(args))
	for _, kv := range config {
		out = append(out, "-c", kv)
	}
	return append(out, args...)
}

// AmOptions tune Am.
type AmOptions struct {
	// ThreeWay falls back on a three-way merge (-3) when a patch does not
	// apply as it is.
	ThreeWay bool
	// Whitespace is --whitespace (nowarn, warn, fix, error); empty leaves
	// it to git.
	Whitespace string
	Config     []string
}

// Am applies mails (files in mbox or patch mail form) as commits on HEAD,
// quietly, taking each mail as written: no scissors, no Message-ID, no
// carriage returns kept. When a mail does not apply git stops with the
// session open (AmQuit, AmAbort) and the error holds what it said.
func (r *Repo) Am(ctx context.Context, mails []string, o AmOptions) error {
	args := []string{"am"}
	if o.ThreeWay {
		args = append(args, "-3")
	}
	args = append(args, "--quiet", "--no-scissors", "--no-message-id", "--no-keep-cr")
	if o.Whitespace != "" {
		args = append(args, "--whitespace="+o.Whitespace)
	}
	args = append(append(args, "--"), mails...)
	_, err := r.run(ctx, nil, withConfig(o.Config, args...)...)
	return err
}

// AmQuit ends a stopped am session, keeping HEAD and the work tree.
func (r *Repo) AmQuit(ctx context.Context, config []string) error {
	_, err := r.run(ctx, nil, withConfig(config, "am", "--quit")...)
	return err
}

// AmAbort ends a stopped am session, going back to where it started. It
// fails when no session is open.
func (r *Repo) AmAbort(ctx context.Context, config []string) error {
	_, err := r.run(ctx, nil, withConfig(config, "am", "--abort")...)
	return err
}

// ResetHard makes HEAD, the index and the work tree rev.
func (r *Repo) ResetHard(ctx context.Context, rev string, config []string) error {
	if err := CheckRev(rev); err != nil {
		return err
	}
	_, err := r.run(ctx, nil, withConfig(config, "reset", "--hard", "--quiet", rev, "--")...)
	return err
}

// CleanAll removes every untracked file and directory, ignored ones too.
func (r *Repo) CleanAll(ctx context.Context, config []string) error {
	_, err := r.run(ctx, nil, withConfig(config, "clean", "-fdxq")...)
	return err
}

// AddAll stages the whole work tree as it is: new, changed and deleted
// files, ignored ones too.
func (r *Repo) AddAll(ctx context.Context, config []string) error {
	_, err := r.run(ctx, nil, withConfig(config, "add", "--all", "--force", "--", ".")...)
	return err
}

// Ident is a person and a date, as git's GIT_AUTHOR_* variables take them.
type Ident struct {
	Name, Email string
	Date        string // any form git reads; "@<unix> +hhmm" is never misread
}

// CommitIndexOptions tune CommitIndex.
type CommitIndexOptions struct {
	// MessageFile holds the message; empty with Amend keeps the message.
	MessageFile string
	Amend       bool
	AllowEmpty  bool
	// Cleanup is --cleanup (whitespace, strip, verbatim...); empty leaves
	// it to git.
	Cleanup string
	// Date is the author date (--date); Author, when set, the whole
	// author (environment, which overrides the configuration).
	Date   string
	Author *Ident
	Config []string
}

// CommitIndex commits the index on HEAD, quietly and without hooks, with
// the message of a file (Commit is the interactive sibling, with the
// user's hooks and editor).
func (r *Repo) CommitIndex(ctx context.Context, o CommitIndexOptions) error {
	args := []string{"commit"}
	if o.Amend {
		args = append(args, "--amend")
	}
	args = append(args, "--quiet")
	if o.Amend && o.MessageFile == "" {
		args = append(args, "--no-edit")
	}
	if o.AllowEmpty {
		args = append(args, "--allow-empty")
	}
	args = append(args, "--no-verify")
	if o.Cleanup != "" {
		args = append(args, "--cleanup="+o.Cleanup)
	}
	if o.Date != "" {
		args = append(args, "--date="+o.Date)
	}
	if o.MessageFile != "" {
		args = append(args, "--file", o.MessageFile)
	}
	c := r
	if o.Author != nil {
		cp := *r
		cp.Env = append(append([]string(nil), r.Env...),
			"GIT_AUTHOR_NAME="+o.Author.Name, "GIT_AUTHOR_EMAIL="+o.Author.Email, "GIT_AUTHOR_DATE="+o.Author.Date)
		c = &cp
	}
	_, err := c.run(ctx, nil, withConfig(o.Config, args...)...)
	return err
}
