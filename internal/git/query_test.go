package git_test

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
)

func TestQueries(t *testing.T) {
	r, _, named := edgeRepo(t)
	ctx := context.Background()
	p, err := r.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.GitDir != r.GitDir || p.CommonDir != r.CommonDir || p.Objects != filepath.Join(r.CommonDir, "objects") {
		t.Errorf("paths %+v", p)
	}
	// In a subdirectory, listings are of the whole tree.
	sub := *r
	sub.Dir = filepath.Join(r.Dir, "src")
	files, err := sub.ListTree(ctx, named["space-path"], true, "docs/", "src/main.c")
	if err != nil || !slices.Equal(files, []string{"docs/read me.txt", "src/main.c"}) {
		t.Errorf("recursive listing %q %v", files, err)
	}
	files, err = sub.ListTree(ctx, named["space-path"], false)
	if err != nil || !slices.Equal(files, []string{"docs", "src"}) {
		t.Errorf("top listing %q %v", files, err)
	}
	if _, err := r.ListTree(ctx, "--help", false); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like tree: %v", err)
	}
	// Edge commits are made a minute apart from the epoch, in UTC.
	d, err := r.CommitterDate(ctx, named["root"])
	if err != nil || !d.Equal(time.Unix(1546300800+60, 0)) {
		t.Errorf("date %v %v", d, err)
	}
	for name, want := range map[string]bool{"refs/heads/a/b": true, "refs/heads/a..b": false, "refs/heads/a b": false, "-x": false} {
		if ok, err := r.ValidRefName(ctx, name); ok != want || err != nil {
			t.Errorf("ValidRefName(%q) = %v, %v", name, ok, err)
		}
	}
	out := filepath.Join(t.TempDir(), "a.tar")
	if err := r.Archive(ctx, named["root"], out, git.ArchiveOptions{Prefix: "p-1/"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	if !slices.Contains(names, "p-1/src/main.c") {
		t.Errorf("archive holds %q", names)
	}
}

// ResolveCommitsShallow agrees with IsShallow and ResolveCommits, and
// still names a revision that does not resolve.
func TestResolveCommitsShallow(t *testing.T) {
	r, _, named := edgeRepo(t)
	ctx := context.Background()
	revs := []string{named["root"], "HEAD", named["root"] + "~0"}
	want, err := r.ResolveCommits(ctx, revs...)
	if err != nil {
		t.Fatal(err)
	}
	got, shallow, err := r.ResolveCommitsShallow(ctx, revs...)
	if err != nil || shallow || !slices.Equal(got, want) {
		t.Errorf("got %q shallow %v %v, want %q", got, shallow, err, want)
	}
	if _, _, err := r.ResolveCommitsShallow(ctx, "HEAD", "no-such-rev"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("missing revision: %v", err)
	}
	if _, _, err := r.ResolveCommitsShallow(ctx, "--all"); !errors.Is(err, git.ErrUnknownRevision) {
		t.Errorf("option-like revision: %v", err)
	}
}

// RefsExist names exactly the refs that exist, as RefExists does one by
// one: not a ref below a name asked for, nor one a glob in a name would
// match.
func TestRefsExist(t *testing.T) {
	r, env, named := edgeRepo(t)
	ctx := context.Background()
	for _, ref := range []string{"refs/heads/x/base", "refs/heads/x/pre-base/old", "refs/heads/y/base"} {
		if _, err := env.Git(r.Dir, "update-ref", ref, named["root"]); err != nil {
			t.Fatal(err)
		}
	}
	asked := []string{"refs/heads/x/base", "refs/heads/x/pre-base", "refs/heads/*/base", "refs/heads/x", "refs/heads/y/base", "refs/heads/z/base"}
	got, err := r.RefsExist(ctx, asked...)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range asked {
		want, err := r.RefExists(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if got[ref] != want {
			t.Errorf("%s: %v, RefExists says %v", ref, got[ref], want)
		}
	}
	if len(got) != 2 {
		t.Errorf("found %v", got)
	}
}

// OpenWith resolving revisions finds the same repository as Open, and
// ResolveCommitsShallow on exactly those revisions answers as it would
// have; a revision that does not resolve leaves the repository opened and
// the error to that later call, which names it.
func TestOpenWithResolve(t *testing.T) {
	r, _, named := edgeRepo(t)
	ctx := context.Background()
	revs := []string{named["root"], "HEAD", "main~1"}
	want, err := r.ResolveCommits(ctx, revs...)
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(r.Dir, "src")
	trace := filepath.Join(t.TempDir(), "trace")
	p, err := git.OpenWith(ctx, sub, git.OpenOptions{Env: append(slices.Clone(r.Env), "GIT_TRACE="+trace), Resolve: revs})
	if err != nil {
		t.Fatal(err)
	}
	if p.GitDir != r.GitDir || p.CommonDir != r.CommonDir || p.Dir != sub {
		t.Errorf("opened %+v, want the repository of %+v", p, r)
	}
	gits := func() int {
		data, _ := os.ReadFile(trace)
		return strings.Count(string(data), "trace: built-in: git rev-parse")
	}
	if n := gits(); n != 1 {
		t.Fatalf("%d rev-parses to open", n)
	}
	got, shallow, err := p.ResolveCommitsShallow(ctx, revs...)
	if err != nil || shallow || !slices.Equal(got, want) || gits() != 1 {
		t.Errorf("primed: %q shallow %v %v, %d rev-parses; want %q from the first", got, shallow, err, gits(), want)
	}
	// The primed answer serves once: the same question again asks git.
	if again, _, err := p.ResolveCommitsShallow(ctx, revs...); err != nil || !slices.Equal(again, want) || gits() != 2 {
		t.Errorf("asked again: %q %v, %d rev-parses", again, err, gits())
	}
	// Other revisions are asked of git.
	if got, _, err := p.ResolveCommitsShallow(ctx, "HEAD"); err != nil || got[0] != want[1] {
		t.Errorf("other revisions: %q %v", got, err)
	}
	bad, err := git.OpenWith(ctx, r.Dir, git.OpenOptions{Env: r.Env, Resolve: []string{"HEAD", "no-such-rev"}})
	if err != nil {
		t.Fatalf("a bad revision failed the open: %v", err)
	}
	if _, _, err := bad.ResolveCommitsShallow(ctx, "HEAD", "no-such-rev"); !errors.Is(err, git.ErrUnknownRevision) || !strings.Contains(err.Error(), "no-such-rev") {
		t.Errorf("bad revision: %v", err)
	}
	if _, err := git.OpenWith(ctx, t.TempDir(), git.OpenOptions{Env: r.Env, Resolve: revs}); !errors.Is(err, git.ErrNotRepository) {
		t.Errorf("outside a repository: %v", err)
	}
}
