package importsrpm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/spec"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
)

func runIn(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), append([]string{"git-import-srpm"}, args...),
		&cliutil.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errb, Dir: dir})
	return code, out.String(), errb.String()
}

// TestMergeSpecImport: they insert a patch mid-list (0007-fuzzy.patch
// before readme-no-newline.patch, renumbering it); our layer (carol.patch)
// was numbered right after theirs. merge-spec, reading their two specs as
// revisions of the SRPM repository, gives exactly the two-layer spec of
// all the good patches, and importing it gives the good tree.
func TestMergeSpecImport(t *testing.T) {
	f := importFixture(t)
	good := srpmtest.GoodPatches
	theirOld := append(append([]string(nil), good[:4]...), good[5])
	specPath := filepath.Join(f.SRPM, "SPECS", "kernel.spec")
	commit := func(text, msg string) string {
		if err := os.WriteFile(specPath, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		fgit(t, f, f.SRPM, "commit", "-q", "-am", msg)
		return fgit(t, f, f.SRPM, "rev-parse", "HEAD")
	}
	oldRev := commit(srpmtest.Spec("1.2", theirOld, false), "their 1.2 without the fuzzy patch")
	newRev := commit(srpmtest.Spec("1.2", good[:6], false), "their 1.2 with it")
	ours := filepath.Join(t.TempDir(), "kernel.spec")
	if err := os.WriteFile(ours, []byte(srpmtest.Spec("1.2", append(theirOld, good[6]), true)), 0o644); err != nil {
		t.Fatal(err)
	}

	// --dry-run shows the diff and writes nothing.
	code, stdout, stderr := runIn(t, f.SRPM, "merge-spec", "--dry-run", oldRev+":SPECS/kernel.spec", newRev+":SPECS/kernel.spec", ours)
	if code != 0 || !strings.Contains(stdout, "+Patch4: 0007-fuzzy.patch\n") || !strings.Contains(stdout, "-Patch5: carol.patch\n+Patch6: carol.patch\n") ||
		!strings.Contains(stderr, "would merge into") {
		t.Fatalf("dry run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(ours); string(b) != srpmtest.Spec("1.2", append(theirOld, good[6]), true) {
		t.Fatal("--dry-run changed our spec")
	}

	code, stdout, stderr = runIn(t, f.SRPM, "merge-spec", oldRev+":SPECS/kernel.spec", newRev+":SPECS/kernel.spec", ours)
	want := "merged into " + ours + ": 1 of their patches added, 0 removed, 2 patch line(s) renumbered; our layer moved up by 1 to make room\n" +
		"  added   Patch4: 0007-fuzzy.patch (line 13)\n"
	if code != 0 || stdout != want || stderr != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}
	merged, err := os.ReadFile(ours)
	if err != nil {
		t.Fatal(err)
	}
	if string(merged) != srpmtest.Spec("1.2", good, true) {
		t.Fatalf("merged spec:\n%s", merged)
	}

	// The merged spec imports to the good tree.
	rev := commit(string(merged), "ours, merged")
	code, stdout, stderr = run(t, "--srpm-repo", f.SRPM, "--code-repo", f.Code, rev)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	branch := strings.Fields(stdout)[0]
	if tree := fgit(t, f, f.Code, "rev-parse", strings.TrimSuffix(branch, ":")+"^{tree}"); tree != f.GoodTree {
		t.Errorf("imported tree %s, want %s", tree, f.GoodTree)
	}
}

func TestMergeSpecConflictAndErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := srpmtest.GoodPatches
	old := write("old.spec", srpmtest.Spec("1.2", good[:2], false))
	newer := write("new.spec", srpmtest.Spec("1.3", good[:3], false))
	oursText := srpmtest.Spec("1.2.xcpng", append(good[:2:2], good[6]), true)
	ours := write("ours.spec", oursText)

	// Both changed the release: a conflict, written with markers, exit 1.
	out := filepath.Join(dir, "out.spec")
	code, stdout, stderr := runIn(t, dir, "merge-spec", "-o", "out.spec", "old.spec", "new.spec", "ours.spec")
	if code != 1 || !strings.Contains(stdout, "1 of their patches added") ||
		stderr != "git import-srpm: out.spec: 1 conflict(s), at line(s) 1: edit them (markers as git merge-file --diff3 writes them), then check with rpmspec -P\n" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	got, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(got), "<<<<<<< ours.spec\n%global xsrel 1.2.xcpng\n||||||| old.spec\n%global xsrel 1.2\n=======\n%global xsrel 1.3\n>>>>>>> new.spec\n") ||
		!strings.Contains(string(got), "Patch2: 0003-plain\n\n# XCP-ng patches\nPatch3: carol.patch\n") {
		t.Errorf("result:\n%s", got)
	}
	if b, _ := os.ReadFile(ours); string(b) != oursText {
		t.Error("-o changed our spec")
	}

	// A spec without the marker: where their patches end.
	noMarker := write("nomarker.spec", srpmtest.Spec("1.2", append(good[:2:2], good[6]), false))
	code, _, stderr = runIn(t, dir, "merge-spec", old, newer, noMarker)
	if code != 1 || !strings.Contains(stderr, `no marker line "# XCP-ng patches" in our spec: their old spec's patches end at line 10 (Patch1: quilt-b.patch); put the marker after that line`) {
		t.Errorf("no marker: exit %d, %q", code, stderr)
	}
	// Usage: missing files and revisions, wrong number of arguments.
	for _, args := range [][]string{
		{"merge-spec", old, newer},
		{"merge-spec", old, newer, "HEAD:nope.spec"},
		{"merge-spec", "--dry-run", "-o", "x", old, newer, ours},
	} {
		if code, _, stderr := runIn(t, dir, args...); code != 2 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	if code, _, stderr := runIn(t, dir, "merge-spec", old, newer, filepath.Join(dir, "missing.spec")); code != 1 || !strings.Contains(stderr, "missing.spec: no such file") {
		t.Errorf("missing file: exit %d, %q", code, stderr)
	}
}

// Layer 1 for merge-spec: the command line fills the options.
func TestParseMergeSpec(t *testing.T) {
	stdio := &cliutil.IO{Dir: "/w"}
	for _, c := range []struct {
		args []string
		want *MergeSpecOptions
	}{
		{[]string{"merge-spec", "a", "b", "c"}, &MergeSpecOptions{IO: stdio, TheirOld: "a", TheirNew: "b", Ours: "c", VendorMarker: spec.DefaultVendorMarker}},
		{[]string{"merge-spec", "v1:S/k.spec", "v2:S/k.spec", "k.spec", "-n", "--vendor-marker", "# X"},
			&MergeSpecOptions{IO: stdio, TheirOld: "v1:S/k.spec", TheirNew: "v2:S/k.spec", Ours: "k.spec", DryRun: true, VendorMarker: "# X"}},
		{[]string{"merge-spec", "-o", "out.spec", "a", "b", "HEAD:k.spec"},
			&MergeSpecOptions{IO: stdio, TheirOld: "a", TheirNew: "b", Ours: "HEAD:k.spec", Output: "out.spec", VendorMarker: spec.DefaultVendorMarker}},
	} {
		got, code, stderr := parse(t, stdio, c.args...)
		if code != 0 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: exit %d %q\noptions %+v\nwant    %+v", c.args, code, stderr, got, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"merge-spec", "a", "b"}, "merge-spec takes <their-old-spec> <their-new-spec> <our-spec>, got 2 argument(s)"},
		{[]string{"merge-spec", "--vendor-marker=", "a", "b", "c"}, "--vendor-marker must not be empty"},
		{[]string{"merge-spec", "-n", "-o", "x", "a", "b", "c"}, "--dry-run writes nothing"},
	} {
		got, code, stderr := parse(t, &cliutil.IO{}, c.args...)
		if got != nil || code != cliutil.ExitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
