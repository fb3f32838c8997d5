package git_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// small is a work tree with three commits changing a.h and b.c.
type small struct {
	*repos.Scratch
	t    *testing.T
	repo *git.Repo
}

func newSmall(t *testing.T) *small {
	t.Helper()
	sc := repos.NewScratch(t)
	return &small{Scratch: sc, t: t, repo: &git.Repo{Dir: sc.Dir, Env: sc.Env.Vars}}
}

func (s *small) write(file, content string) {
	s.t.Helper()
	s.Write(file, content)
	s.Git("add", file)
}

func (s *small) commit(file, content, subject string) string {
	s.t.Helper()
	s.write(file, content)
	s.Git("commit", "-q", "-m", subject)
	return s.Git("rev-parse", "HEAD")
}

func TestCommitAndRevert(t *testing.T) {
	ctx := context.Background()
	s := newSmall(t)
	r := s.repo
	if has, err := r.HasAnyCommit(ctx); err != nil || has {
		t.Fatalf("empty repository: HasCommits %v %v", has, err)
	}
	base := s.commit("a.h", "struct a {\n\tint x;\n};\n", "base")
	if has, err := r.HasAnyCommit(ctx); err != nil || !has {
		t.Fatalf("HasCommits %v %v", has, err)
	}
	if staged, err := r.HasStaged(ctx); err != nil || staged {
		t.Fatalf("nothing staged: %v %v", staged, err)
	}
	s.write("a.h", "struct a {\n\tint x;\n\tint y;\n};\n")
	if staged, err := r.HasStaged(ctx); err != nil || !staged {
		t.Fatalf("staged: %v %v", staged, err)
	}
	out, err := r.Commit(ctx, git.CommitOptions{Message: "a: add y\n\nbody\n", SignOff: true})
	if err != nil || !strings.Contains(string(out), "a: add y") {
		t.Fatalf("Commit: %q %v", out, err)
	}
	addY := s.Git("rev-parse", "HEAD")
	if msg := s.Git("log", "-1", "--format=%B"); !strings.HasSuffix(msg, "Signed-off-by: "+repos.CommitterName+" <"+repos.CommitterEmail+">") {
		t.Errorf("not signed off: %q", msg)
	}
	if subj, err := r.CommitSubject(ctx, addY); err != nil || subj != "a: add y" {
		t.Errorf("CommitSubject = %q %v", subj, err)
	}
	if subj, err := r.Subjects(ctx, []string{addY, base}); err != nil || len(subj) != 2 || subj[addY] != "a: add y" || subj[base] != "base" {
		t.Errorf("Subjects = %q %v", subj, err)
	}
	// Nothing staged: git refuses, and Reason says why in one line.
	_, err = r.Commit(ctx, git.CommitOptions{Message: "empty"})
	if err == nil || strings.Contains(git.Reason(err), "\n") {
		t.Errorf("empty commit: %v", err)
	}

	// A clean revert stages the inverse.
	if err := r.RevertNoCommit(ctx, addY); err != nil {
		t.Fatalf("RevertNoCommit: %v", err)
	}
	if staged, _ := r.HasStaged(ctx); !staged {
		t.Error("revert staged nothing")
	}
	path, err := r.GitPath(ctx, "MERGE_MSG")
	if err != nil || !filepath.IsAbs(path) || filepath.Base(path) != "MERGE_MSG" {
		t.Errorf("GitPath = %q %v", path, err)
	}
	if err := r.RevertQuit(ctx); err != nil {
		t.Fatal(err)
	}
	s.Git("reset", "-q", "--hard")

	// A revert that conflicts wraps ErrConflict; any other failure not.
	s.commit("a.h", "struct a {\n\tint x;\n\tlong y;\n};\n", "a: y is long")
	if err := r.RevertNoCommit(ctx, addY); !errors.Is(err, git.ErrConflict) {
		t.Errorf("conflicting revert: %v", err)
	}
	s.Git("revert", "--abort")
	if err := r.RevertNoCommit(ctx, "0000000000000000000000000000000000000001"); err == nil || errors.Is(err, git.ErrConflict) {
		t.Errorf("revert of a missing commit: %v", err)
	}
	if err := r.RevertNoCommit(ctx, "--all"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like revision: %v", err)
	}
	_ = base
}

func TestHistoryQueries(t *testing.T) {
	ctx := context.Background()
	s := newSmall(t)
	r := s.repo
	c1 := s.commit("a.h", "struct a {\n\tint x;\n};\n", "base")
	c2 := s.commit("b.c", "int f(void) { return 1; }\n", "b: add f")
	c3 := s.commit("a.h", "struct a {\n\tint x;\n\tint lru;\n};\n", "a: add lru")

	if got, err := r.Ancestry(ctx, "HEAD"); err != nil || !slices.Equal(got, []string{c1, c2, c3}) {
		t.Errorf("Ancestry = %v %v", got, err)
	}
	titles, err := r.Titles(ctx, git.LogOptions{Include: []string{c3}, Exclude: []string{c1}, Paths: []string{"a.h"}}, `(^|[^A-Za-z0-9_])(lru)([^A-Za-z0-9_]|$)`)
	if err != nil || len(titles) != 1 || titles[0] != (git.Title{SHA: c3, Subject: "a: add lru"}) {
		t.Errorf("Titles -G = %+v %v", titles, err)
	}
	titles, err = r.Titles(ctx, git.LogOptions{Include: []string{c3}, Reverse: true}, "")
	if err != nil || len(titles) != 3 || titles[0].SHA != c1 || titles[2].Subject != "a: add lru" {
		t.Errorf("Titles = %+v %v", titles, err)
	}

	trees, err := r.Trees(ctx, c2, "HEAD")
	if err != nil || len(trees) != 2 || trees[0] == trees[1] || !git.IsHex(trees[0]) {
		t.Errorf("Trees = %v %v", trees, err)
	}
	stat, err := r.DiffStat(ctx, c2, c3)
	if err != nil || !bytes.Contains(stat, []byte("a.h | 1 +")) {
		t.Errorf("DiffStat = %q %v", stat, err)
	}
	mail, err := r.FormatPatch(ctx, c3)
	if err != nil || !bytes.HasPrefix(mail, []byte("From 0000000000000000000000000000000000000000 ")) ||
		!bytes.Contains(mail, []byte("Subject: [PATCH] a: add lru")) || !bytes.Contains(mail, []byte("--- a/a.h")) {
		t.Errorf("FormatPatch = %q %v", mail, err)
	}

	files, err := r.GrepFiles(ctx, c3, `struct[[:space:]]+a[[:space:]]*(\{|$)`, []string{"*.h", "*.c"})
	if err != nil || !slices.Equal(files, []string{"a.h"}) {
		t.Errorf("GrepFiles = %v %v", files, err)
	}
	if files, err := r.GrepFiles(ctx, c1, "nothing-like-this", []string{"*.c"}); err != nil || files != nil {
		t.Errorf("GrepFiles without a match = %v %v", files, err)
	}

	top, err := r.TopLevel(ctx)
	if want, _ := filepath.EvalSymlinks(s.Dir); err != nil || top != want {
		t.Errorf("TopLevel = %q %v, want %q", top, err, want)
	}
	if bare, inside, err := r.Layout(ctx); err != nil || bare || !inside {
		t.Errorf("Layout of a work tree: %v %v %v", bare, inside, err)
	}
	bareDir := filepath.Join(t.TempDir(), "b.git")
	if _, err := s.Env.Git(s.Dir, "clone", "-q", "--bare", s.Dir, bareDir); err != nil {
		t.Fatal(err)
	}
	b := &git.Repo{Dir: bareDir, Env: s.Env.Vars}
	if bare, inside, err := b.Layout(ctx); err != nil || !bare || inside {
		t.Errorf("Layout of a bare repository: %v %v %v", bare, inside, err)
	}
}
