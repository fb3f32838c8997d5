package git_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
)

const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

func TestUpdateRefs(t *testing.T) {
	r, env, named := edgeRepo(t)
	ctx := context.Background()
	a, b := named["root"], named["delete"]
	head := func(ref string) string {
		out, _ := env.Git(r.Dir, "for-each-ref", "--format=%(objectname)", ref)
		return out
	}
	if err := r.UpdateRefs(ctx, []git.RefUpdate{
		{Ref: "refs/heads/x", New: a, Create: true},
		{Ref: "refs/heads/y", New: b, Create: true},
	}, "test: create"); err != nil {
		t.Fatal(err)
	}
	if head("refs/heads/x") != a || head("refs/heads/y") != b {
		t.Fatalf("refs not created: %s %s", head("refs/heads/x"), head("refs/heads/y"))
	}
	if log, _ := env.Git(r.Dir, "reflog", "-1", "--format=%gs", "refs/heads/x"); log != "test: create" {
		t.Errorf("reflog message %q", log)
	}
	// All or nothing: z is not created when x exists.
	err := r.UpdateRefs(ctx, []git.RefUpdate{
		{Ref: "refs/heads/z", New: a, Create: true},
		{Ref: "refs/heads/x", New: b, Create: true},
	}, "")
	var ge *git.Error
	if !errors.Is(err, git.ErrRefExists) || !errors.As(err, &ge) {
		t.Errorf("create over an existing ref: %v", err)
	}
	if head("refs/heads/z") != "" {
		t.Error("half a transaction happened")
	}
	if err := r.UpdateRefs(ctx, []git.RefUpdate{{Ref: "refs/heads/x", New: b, Old: b}}, ""); !errors.Is(err, git.ErrRefStale) {
		t.Errorf("update from the wrong value: %v", err)
	}
	if err := r.UpdateRefs(ctx, []git.RefUpdate{{Ref: "refs/heads/x", New: b, Old: a}, {Ref: "refs/heads/y"}}, ""); err != nil {
		t.Fatal(err)
	}
	if head("refs/heads/x") != b || head("refs/heads/y") != "" {
		t.Errorf("update and delete: %s %s", head("refs/heads/x"), head("refs/heads/y"))
	}
	if err := r.UpdateRefs(ctx, []git.RefUpdate{{Ref: "refs/heads/x", New: "a b"}}, ""); err == nil {
		t.Error("a value with a space went to git")
	}
}

func TestWriteObjects(t *testing.T) {
	r, env, named := edgeRepo(t)
	ctx := context.Background()
	empty, err := r.MkTree(ctx, nil)
	if err != nil || empty != emptyTree {
		t.Fatalf("empty tree %q %v", empty, err)
	}
	blobs, err := r.WriteObjects(ctx, "blob", [][]byte{[]byte("a\n"), nil})
	if err != nil || len(blobs) != 2 {
		t.Fatalf("blobs %v %v", blobs, err)
	}
	if out, _ := env.Git(r.Dir, "cat-file", "blob", blobs[0]); out != "a" {
		t.Errorf("blob holds %q", out)
	}
	tree, err := r.MkTree(ctx, []git.TreeEntry{{Mode: "100644", Type: "blob", OID: blobs[0], Path: "f"}})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := env.Git(r.Dir, "ls-tree", tree); out != "100644 blob "+blobs[0]+"\tf" {
		t.Errorf("tree holds %q", out)
	}
	if _, err := r.MkTree(ctx, []git.TreeEntry{{Mode: "100644", Type: "blob", OID: blobs[0], Path: "a/b"}}); err == nil {
		t.Error("a path with a slash went to mktree")
	}
	who := "A U Thor <a@example.org> 0 +0000"
	ids, err := r.WriteCommits(ctx, []git.CommitObject{
		{Tree: tree, Author: who, Committer: who, Message: "one\n"},
		{Tree: emptyTree, Parents: []string{named["root"]}, Author: who, Committer: who, Message: "two\n"},
	})
	if err != nil || len(ids) != 2 {
		t.Fatalf("commits %v %v", ids, err)
	}
	// What git commit-tree writes for the same commit.
	e := *env
	e.Vars = append(append([]string{}, env.Vars...), "GIT_AUTHOR_NAME=A U Thor", "GIT_AUTHOR_EMAIL=a@example.org",
		"GIT_AUTHOR_DATE=@0 +0000", "GIT_COMMITTER_NAME=A U Thor", "GIT_COMMITTER_EMAIL=a@example.org", "GIT_COMMITTER_DATE=@0 +0000")
	want, err := e.Git(r.Dir, "commit-tree", "-p", named["root"], "-m", "two", emptyTree)
	if err != nil || ids[1] != want {
		t.Errorf("commit %s, commit-tree made %s (%v)", ids[1], want, err)
	}
	if _, err := r.WriteObjects(ctx, "commit", [][]byte{[]byte("not a commit")}); err == nil {
		t.Error("a malformed commit was written")
	}
}

func TestMergeTreeBatchAndDiff(t *testing.T) {
	r, _, named := edgeRepo(t)
	ctx := context.Background()
	ms, err := r.MergeTreeBatch(ctx, []git.MergePair{
		{Ours: named["crlf"], Theirs: named["delete"]},
		{Ours: named["binary-a"], Theirs: named["binary-b"]},
	}, git.MergeTreeOptions{ConflictStyle: "diff3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || !ms[0].Clean || ms[1].Clean {
		t.Fatalf("merges %+v", ms)
	}
	if len(ms[1].Entries) != 3 || ms[1].Entries[0].Path != "fw/other.bin" {
		t.Errorf("conflict entries %+v", ms[1].Entries)
	}
	binary := false
	for _, m := range ms[1].Messages {
		binary = binary || m.Type == "CONFLICT (binary)"
	}
	if !binary {
		t.Errorf("messages %+v", ms[1].Messages)
	}
	diff, err := r.DiffTrees(ctx, named["crlf"], ms[0].Tree)
	if err != nil || !strings.Contains(string(diff), "deleted file mode 100644") || !strings.Contains(string(diff), "read me.txt") {
		t.Errorf("diff %q %v", diff, err)
	}
	if _, err := r.MergeTreeBatch(ctx, []git.MergePair{{Ours: "-x", Theirs: "y"}}, git.MergeTreeOptions{}); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like revision: %v", err)
	}
	if _, err := r.DiffTrees(ctx, "--output=x", "y"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like tree: %v", err)
	}
}
