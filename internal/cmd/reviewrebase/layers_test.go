package reviewrebase

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/srpm"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
)

// TestReviewOurLayer: two imports of a generated two-layer SRPM, where the
// upstream vendor added two patches (0007-fuzzy.patch and
// readme-no-newline.patch) before our one (carol.patch). Reviewing the
// X/base branches compares our layer only, from X/vendor-base: nothing
// added. --all-layers compares the whole queues, from X/pre-base, and the
// vendor's two new patches count as added.
func TestReviewOurLayer(t *testing.T) {
	f, err := srpmtest.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	open := func(dir string) *git.Repo {
		r, err := git.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		r.Env = f.Env.Vars
		return r
	}
	srpmRepo, code := open(f.SRPM), open(f.Code)
	good := srpmtest.GoodPatches
	for _, c := range []struct {
		release string
		patches []string
	}{
		{"1.4", []string{good[0], good[1], good[2], good[3], good[6]}},
		{"1.5", good},
	} {
		if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(srpmtest.Spec(c.release, c.patches, true)), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Env.Git(f.SRPM, "commit", "-q", "-am", c.release); err != nil {
			t.Fatal(err)
		}
		rev, err := srpm.Read(ctx, srpmRepo, "HEAD", srpm.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srpm.Import(ctx, code, rev, srpm.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	review := func(args ...string) (jsonOut struct {
		Old     struct{ Base string }
		New     struct{ Base string }
		Summary struct{ Added, Same, Upstream int }
		Rows    []json.RawMessage
	}, stderr string) {
		t.Helper()
		var out, errb bytes.Buffer
		args = append([]string{"git review-rebase", "--format=json", "-v", "--no-cache",
			"kernel/xcpng-4.19.19-1.4/base..kernel/xcpng-4.19.19-1.5/base"}, args...)
		if code := Main(ctx, args, &cliutil.IO{Out: &out, ErrOut: &errb, Dir: f.Code, GitEnv: f.Env.Vars,
			Getenv: func(string) string { return "" }}); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errb.String())
		}
		if err := json.Unmarshal(out.Bytes(), &jsonOut); err != nil {
			t.Fatal(err)
		}
		return jsonOut, errb.String()
	}
	sha := func(ref string) string {
		out, err := f.Env.Git(f.Code, "rev-parse", "kernel/xcpng-4.19.19-"+ref)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ours, stderr := review()
	if ours.Old.Base != sha("1.4/vendor-base") || ours.New.Base != sha("1.5/vendor-base") ||
		len(ours.Rows) != 1 || ours.Summary.Added != 0 || !strings.Contains(stderr, "(branch convention, our layer only)") {
		t.Errorf("our layer: bases %s, %s, %d rows, summary %+v\n%s", ours.Old.Base, ours.New.Base, len(ours.Rows), ours.Summary, stderr)
	}
	all, _ := review("--all-layers")
	if all.Old.Base != sha("1.4/pre-base") || all.New.Base != sha("1.5/pre-base") ||
		all.Summary.Added != 2 {
		t.Errorf("--all-layers: bases %s, %s, summary %+v", all.Old.Base, all.New.Base, all.Summary)
	}
}
