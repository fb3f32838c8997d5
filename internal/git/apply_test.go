package git_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

func TestApply(t *testing.T) {
	r, env, named := edgeRepo(t)
	ctx := context.Background()
	// A mail of one commit, applied in a worktree at its parent.
	mail, err := env.Git(r.Dir, "format-patch", "--stdout", "-1", named["no-newline-edit"])
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "1.patch")
	os.WriteFile(file, []byte(mail+"\n"), 0o644)
	dir := filepath.Join(t.TempDir(), "wt")
	if err := r.AddWorktree(ctx, dir, named["root"], git.WorktreeAddOptions{}); err != nil {
		t.Fatal(err)
	}
	w := &git.Repo{Dir: dir, Env: r.Env}
	cfg := []string{"commit.gpgSign=false"}
	head := func() string {
		out, _ := env.Git(dir, "rev-parse", "HEAD")
		return out
	}
	// The patch does not apply on root (its file is missing): am stops,
	// abort goes back.
	if err := w.Am(ctx, []string{file}, git.AmOptions{ThreeWay: true, Whitespace: "nowarn", Config: cfg}); err == nil {
		t.Error("am of an applied patch succeeded")
	}
	if err := w.AmAbort(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := w.AmAbort(ctx, cfg); err == nil {
		t.Error("abort without a session succeeded")
	}
	if err := w.ResetHard(ctx, named["no-newline"], cfg); err != nil {
		t.Fatal(err)
	}
	if err := w.Am(ctx, []string{file}, git.AmOptions{ThreeWay: true, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	if s, _ := env.Git(dir, "log", "-1", "--format=%s %ae", "HEAD"); s != "no-newline-edit bot@pq.example" {
		t.Errorf("am made %q", s)
	}
	amended := head()
	// Changes: an untracked file, an ignored one, a deleted one.
	os.WriteFile(filepath.Join(dir, "new.c"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.o\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.o"), []byte("o\n"), 0o644)
	os.Remove(filepath.Join(dir, "src", "main.c"))
	if staged, err := w.HasStaged(ctx); staged || err != nil {
		t.Errorf("staged before add: %v %v", staged, err)
	}
	if err := w.AddAll(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if staged, err := w.HasStaged(ctx); !staged || err != nil {
		t.Errorf("staged after add: %v %v", staged, err)
	}
	msg := filepath.Join(t.TempDir(), "msg")
	os.WriteFile(msg, []byte("\n\nsubject  \n\n\nbody\n\n"), 0o644)
	err = w.CommitIndex(ctx, git.CommitIndexOptions{MessageFile: msg, Cleanup: "whitespace", Config: cfg,
		Author: &git.Ident{Name: "P Author", Email: "p@example.org", Date: "@1000 +0200"}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := env.Git(dir, "log", "-1", "--format=%an <%ae> %ad%n%B", "--date=raw", "HEAD")
	if got != "P Author <p@example.org> 1000 +0200\nsubject\n\nbody" {
		t.Errorf("commit %q", got)
	}
	files, _ := env.Git(dir, "show", "--name-status", "--format=", "HEAD")
	if files != "A\t.gitignore\nA\ta.o\nA\tnew.c\nD\tsrc/main.c" {
		t.Errorf("committed %q", files)
	}
	if err := w.CommitIndex(ctx, git.CommitIndexOptions{Amend: true, AllowEmpty: true, Date: "@2000 +0000", Config: cfg}); err != nil {
		t.Fatal(err)
	}
	if got, _ := env.Git(dir, "log", "-1", "--format=%ad %s", "--date=raw", "HEAD"); got != "2000 +0000 subject" {
		t.Errorf("amended %q", got)
	}
	// Clean removes untracked and ignored files; reset goes back.
	os.WriteFile(filepath.Join(dir, "b.o"), []byte("o\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "junk"), []byte("j\n"), 0o644)
	if err := w.CleanAll(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"b.o", "junk"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s survived clean", f)
		}
	}
	if err := w.ResetHard(ctx, amended, nil); err != nil || head() != amended {
		t.Errorf("reset: %v, HEAD %s", err, head())
	}
	// A stopped am quits keeping HEAD.
	if err := w.Am(ctx, []string{file}, git.AmOptions{Config: cfg}); err == nil {
		t.Error("am of the same patch twice succeeded")
	}
	if err := w.AmQuit(ctx, cfg); err != nil || head() != amended {
		t.Errorf("quit: %v, HEAD %s", err, head())
	}
	// A setting given as Config reaches git: a hook directory.
	hooks := t.TempDir()
	os.WriteFile(filepath.Join(hooks, "post-commit"), []byte("#!/bin/sh\ntouch \"$GIT_DIR/../../hooked\"\n"), 0o755)
	_ = w.CommitIndex(ctx, git.CommitIndexOptions{AllowEmpty: true, MessageFile: msg, Config: []string{"core.hooksPath=" + hooks}})
	if _, err := os.Stat(filepath.Join(r.GitDir, "hooked")); err != nil {
		t.Errorf("config not passed: %v", err)
	}
}
