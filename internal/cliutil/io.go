package cliutil

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IO is what a command reads and writes and where it runs, injected so
// tests read buffers and can say either way whether the outputs are
// terminals. The binaries build it with System; nothing below the command
// layer touches os.Stdin, os.Stdout or os.Stderr.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
	// OutTTY and ErrTTY say whether Out and ErrOut are terminals (colour,
	// pager and the terminal UI depend on it).
	OutTTY, ErrTTY bool
	// Width is the terminal's width in columns when Out is one, else 0.
	Width int
	// Getenv reads the environment (NO_COLOR, TERM, GIT_PAGER...); nil
	// means os.Getenv.
	Getenv func(string) string
	// Dir is where git runs and relative paths are read from ("" is the
	// current directory).
	Dir string
	// GitEnv is appended to the environment of every git the command
	// runs; tests pin HOME, identities and dates here.
	GitEnv []string
}

// System is the IO of the running process.
func System() *IO {
	s := &IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Getenv: os.Getenv,
	}
	if s.OutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	return s
}

// Env reads one environment variable through Getenv.
func (s *IO) Env(key string) string {
	if s.Getenv == nil {
		return os.Getenv(key)
	}
	return s.Getenv(key)
}
