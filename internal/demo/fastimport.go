package demo

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/proc"
)

type ident struct{ name, email string }

func (i ident) at(t int64) string { return fmt.Sprintf("%s <%s> %d +0000", i.name, i.email, t) }

// stream writes a git fast-import stream straight into a running git
// fast-import: kernel-scale histories are hundreds of MB of blobs.
type stream struct {
	w     *bufio.Writer
	mark  int
	wait  func() error // of the running git fast-import
	in    io.WriteCloser
	errb  bytes.Buffer
	marks string
}

func newStream() *stream { return &stream{} }

// begin starts git fast-import in dir, importing marks from a previous run.
func (s *stream) begin(env *Env, dir string, importMarks bool) error {
	s.marks = filepath.Join(dir, ".git", "pq-marks")
	args := []string{"fast-import", "--quiet", "--export-marks=" + s.marks}
	if importMarks {
		args = append(args, "--import-marks="+s.marks)
	}
	cmd := proc.Command(context.Background(), proc.Cmd{Program: "git", Args: args, Dir: dir, Env: env.Environ()})
	s.errb.Reset()
	cmd.Stderr = &s.errb
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	s.in, s.wait = in, cmd.Wait
	s.w = bufio.NewWriterSize(in, 1<<20)
	return cmd.Start()
}

// end finishes the running fast-import and returns all marks so far.
func (s *stream) end() (map[string]string, error) {
	ferr := s.w.Flush()
	s.in.Close()
	if err := s.wait(); err != nil || ferr != nil {
		return nil, fmt.Errorf("git fast-import: %v %v: %s", err, ferr, strings.TrimSpace(s.errb.String()))
	}
	f, err := os.Open(s.marks)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	marks := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok {
			marks[k] = v
		}
	}
	return marks, sc.Err()
}

func (s *stream) data(b []byte) {
	fmt.Fprintf(s.w, "data %d\n", len(b))
	s.w.Write(b)
	s.w.WriteByte('\n')
}

type commitSpec struct {
	ref       string
	from      string   // ":N", a commit id, or "" for a root commit
	merges    []string // further parents
	author    ident
	committer ident
	authorT   int64
	commitT   int64
	msg       string
	changes   []change
	deleteAll bool
}

// commit writes a commit and returns its mark (":N").
func (s *stream) commit(c commitSpec) string {
	s.mark++
	m := fmt.Sprintf(":%d", s.mark)
	fmt.Fprintf(s.w, "commit %s\nmark %s\n", c.ref, m)
	fmt.Fprintf(s.w, "author %s\ncommitter %s\n", c.author.at(c.authorT), c.committer.at(c.commitT))
	s.data([]byte(c.msg))
	if c.from != "" {
		fmt.Fprintf(s.w, "from %s\n", c.from)
	}
	for _, p := range c.merges {
		fmt.Fprintf(s.w, "merge %s\n", p)
	}
	if c.deleteAll {
		s.w.WriteString("deleteall\n")
	}
	for _, ch := range c.changes {
		if ch.delete {
			fmt.Fprintf(s.w, "D %s\n", ch.path)
			continue
		}
		fmt.Fprintf(s.w, "M %s inline %s\n", ch.mode, ch.path)
		s.data(ch.data)
	}
	s.w.WriteByte('\n')
	return m
}

func (s *stream) tag(name, from string, tagger ident, t int64, msg string) {
	fmt.Fprintf(s.w, "tag %s\nfrom %s\ntagger %s\n", name, from, tagger.at(t))
	s.data([]byte(msg))
}

func (s *stream) reset(ref, from string) {
	fmt.Fprintf(s.w, "reset %s\nfrom %s\n\n", ref, from)
}

// note attaches a note to a commit on refs/notes/commits.
func (s *stream) note(parentNotes string, target string, text string, who ident, t int64) string {
	s.mark++
	m := fmt.Sprintf(":%d", s.mark)
	fmt.Fprintf(s.w, "commit refs/notes/commits\nmark %s\ncommitter %s\n", m, who.at(t))
	s.data([]byte("Notes added by 'git notes add'\n"))
	if parentNotes != "" {
		fmt.Fprintf(s.w, "from %s\n", parentNotes)
	}
	fmt.Fprintf(s.w, "N inline %s\n", target)
	s.data([]byte(text))
	s.w.WriteByte('\n')
	return m
}
