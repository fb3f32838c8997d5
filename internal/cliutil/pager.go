package cliutil

import (
	"context"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/proc"
)

// Config reads one git configuration value; ok is false when unset.
// (*git.Repo).ConfigGet fits, wrapped to drop its error.
type Config func(key string) (value string, ok bool)

// PagerOptions say how a command's long text output is paged.
type PagerOptions struct {
	// Command is the command's name in git's config keys
	// (pager.<Command>), e.g. "review-rebase".
	Command string
	// NoPager is the command's --no-pager flag.
	NoPager bool
	// Pager is the pager git would use (`git var GIT_PAGER`: GIT_PAGER,
	// core.pager, PAGER, then less).
	Pager string
}

// wantPager decides as git does for a command it runs: only on a terminal;
// not when git already started one for us (git -p, pager.<cmd> set:
// GIT_PAGER_IN_USE); not with --no-pager (git --no-pager sets GIT_PAGER
// to cat for us); pager.<cmd>=false turns it off, a command string there
// replaces the pager; "" and "cat" mean none.
func wantPager(s *IO, cfg Config, o PagerOptions) (string, bool) {
	if o.NoPager || !s.OutTTY || s.Env("GIT_PAGER_IN_USE") != "" {
		return "", false
	}
	pager := o.Pager
	if cfg != nil && o.Command != "" {
		if v, ok := cfg("pager." + o.Command); ok {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "false", "no", "off", "0":
				return "", false
			case "true", "yes", "on", "1", "":
			default:
				pager = v
			}
		}
	}
	pager = strings.TrimSpace(pager)
	if pager == "" || pager == "cat" {
		return "", false
	}
	return pager, true
}

// StartPager sends s.Out through the pager when git would, and returns the
// function that ends it (flush, wait for the user to quit); without a
// pager both are no-ops. Like git, it sets LESS=FRX and LV=-c unless the
// user set them, and GIT_PAGER_IN_USE for the programs below. Out stays
// "a terminal" for colour decisions, as with git's pager.color default.
func (s *IO) StartPager(ctx context.Context, cfg Config, o PagerOptions) func() {
	pager, ok := wantPager(s, cfg, o)
	if !ok {
		return func() {}
	}
	var set []string
	if s.Env("LESS") == "" {
		set = append(set, "LESS=FRX")
	}
	if s.Env("LV") == "" {
		set = append(set, "LV=-c")
	}
	set = append(set, "GIT_PAGER_IN_USE=true")
	// The pager setting is a shell snippet by git's definition ("less -S",
	// "delta --dark"); it is the user's own configuration, not data.
	w, wait, err := proc.Pipe(ctx, proc.Cmd{Program: "sh", Args: []string{"-c", pager}, Env: proc.Environ(nil, set...), Stdout: s.Out, Stderr: s.ErrOut})
	if err != nil {
		return func() {} // no pager: write to the terminal as is
	}
	out := s.Out
	s.Out = w
	return func() {
		_ = wait()
		s.Out = out
	}
}

// UseColor decides colour as git does: --color=always or never wins;
// otherwise the first of keys set (color.<command>, then color.ui) says
// always (colour even when piped), never/false (none) or auto/true (the
// default: colour on a terminal, NO_COLOR unset).
func UseColor(flag string, s *IO, cfg Config, keys ...string) bool {
	switch flag {
	case "always":
		return true
	case "never":
		return false
	}
	mode := "auto"
	if cfg != nil {
		for _, k := range keys {
			if v, ok := cfg(k); ok {
				mode = strings.ToLower(strings.TrimSpace(v))
				break
			}
		}
	}
	switch mode {
	case "always":
		return true
	case "never", "false", "no", "off", "0":
		return false
	}
	return (s.OutTTY || s.Env("GIT_PAGER_IN_USE") != "" && pagerColor(cfg)) && s.Env("NO_COLOR") == ""
}

// pagerColor is git's pager.color (default true): colour output that git's
// own pager shows.
func pagerColor(cfg Config) bool {
	if cfg == nil {
		return true
	}
	v, ok := cfg("pager.color")
	if !ok {
		v, ok = cfg("color.pager")
	}
	if !ok {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "false", "no", "off", "0", "never":
		return false
	}
	return true
}

// GitConfig is what the pager and colour decisions read from a repository;
// *git.Repo has both methods.
type GitConfig interface {
	ConfigGet(ctx context.Context, key string) (string, bool, error)
	Var(ctx context.Context, name string) (string, error)
}

// RepoConfig reads configuration through repo; a failed read counts as
// unset (colour and paging fall back to their defaults).
func RepoConfig(ctx context.Context, repo GitConfig) Config {
	if repo == nil {
		return nil
	}
	return func(key string) (string, bool) {
		v, ok, err := repo.ConfigGet(ctx, key)
		return v, ok && err == nil
	}
}

// GitPager starts the pager git would use for command's text output
// (`git var GIT_PAGER`) and returns the function that ends it.
func (s *IO) GitPager(ctx context.Context, repo GitConfig, command string, noPager bool) func() {
	if noPager || !s.OutTTY || repo == nil {
		return func() {}
	}
	pager, err := repo.Var(ctx, "GIT_PAGER")
	if err != nil {
		return func() {}
	}
	return s.StartPager(ctx, RepoConfig(ctx, repo), PagerOptions{Command: command, NoPager: noPager, Pager: pager})
}

// Paged runs a command's output through the pager git would use for
// command, with the repository (if any) around s.Dir giving the
// configuration: git --no-pager <command> (GIT_PAGER=cat) and
// pager.<command>=false turn it off, as for git's own commands.
func (s *IO) Paged(ctx context.Context, command string, run func() error) error {
	stop := s.GitPager(ctx, &git.Repo{Dir: s.Dir, Env: s.GitEnv}, command, false)
	defer stop()
	return run()
}
