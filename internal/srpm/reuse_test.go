package srpm

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// TestReuseGivesTheSameCommits imports three revisions of an SRPM (20,
// then 30 patches, then the 30 with the 10th changed) with one Reuse, and
// each again alone into a fresh clone: the tips must be the same commits,
// while the shared patches were taken from the earlier import.
func TestReuseGivesTheSameCommits(t *testing.T) {
	dir := t.TempDir()
	m, err := srpmtest.BuildMany(dir, 30)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	open := func(d string) *git.Repo { return openRepo(t, m.Env, d) }
	g := func(d string, args ...string) string { return repos.Git(t, m.Env, d, args...) }
	names := m.Names()
	commit := func(release string, patches []string) string {
		rev, err := m.CommitSpec(release, patches)
		if err != nil {
			t.Fatal(err)
		}
		return rev
	}
	revs := []string{commit("2", names[:20]), commit("3", names)}
	// The third changes the 10th patch: only the 9 before it are shared.
	p10 := filepath.Join(m.SRPM, "SOURCES", names[9])
	data, err := os.ReadFile(p10)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), "Subject: [PATCH", "Subject: [PATCH v2", 1)
	if err := os.WriteFile(p10, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	g(m.SRPM, "add", "-A")
	revs = append(revs, commit("4", names))
	// The fourth changes no patch: all are written again, and nothing is
	// applied (no worktree is made).
	revs = append(revs, commit("5", names))

	shared := open(m.Code)
	reuse := &Reuse{}
	wantReused := []int{0, 20, 9, 30}
	for i, sha := range revs {
		rev, err := Read(ctx, open(m.SRPM), sha, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		got, err := Import(ctx, shared, rev, ImportOptions{Log: &log, Reuse: reuse})
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(log.String(), ": "+ByReuse+"\n"); n != wantReused[i] {
			t.Errorf("revision %d: %d patches reused, want %d:\n%s", i, n, wantReused[i], log.String())
		}
		alone := filepath.Join(dir, fmt.Sprintf("alone%d", i))
		g(dir, "clone", "-q", m.Code, alone)
		want, err := Import(ctx, open(alone), rev, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Tip != want.Tip {
			t.Errorf("revision %d: tip %s with reuse, %s alone", i, got.Tip, want.Tip)
		}
	}
}

// reparent refuses what an import did not make; its output is a valid
// commit with the new parent and committer.
func TestReparent(t *testing.T) {
	committer := []byte("committer " + CommitterName + " <" + CommitterEmail + "> 1700000000 +0000")
	ok := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 1111111111111111111111111111111111111111\n" +
		"author A <a@x> 1 +0000\ncommitter " + CommitterName + " <" + CommitterEmail + "> 5 +0000\n\nsubject\n\nbody\n"
	out, err := reparent([]byte(ok), "2222222222222222222222222222222222222222", committer)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(strings.Replace(ok, "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222", 1),
		"> 5 +0000", "> 1700000000 +0000", 1)
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	for _, bad := range []string{
		strings.Replace(ok, "committer "+CommitterName, "committer Someone Else", 1),
		strings.Replace(ok, "parent 1111111111111111111111111111111111111111\n", "", 1),
		strings.Replace(ok, "author", "parent 3333333333333333333333333333333333333333\nauthor", 1),
		strings.Replace(ok, "\n\nsubject", "\ngpgsig -----BEGIN PGP SIGNATURE-----\n -----END PGP SIGNATURE-----\n\nsubject", 1),
	} {
		if _, err := reparent([]byte(bad), "2222222222222222222222222222222222222222", committer); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}
