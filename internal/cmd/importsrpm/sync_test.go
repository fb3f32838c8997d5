package importsrpm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/patchid"
	"github.com/patchqueue/pqtools/internal/proc"
	"github.com/patchqueue/pqtools/internal/srpm"
	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// rebaseFixture imports the fixture's Good revision, then makes upstream
// v4.19.20 in the code repository, where the first patch (fs/a: return 55)
// is upstream (cherry-picked) and a change two lines above carol's patch
// changes its context, and rebases the imported queue onto it as branch
// "rebased", with one commit added on top. It returns the old tip and
// the upstream commit of the first patch.
func rebaseFixture(t *testing.T) (f *srpmtest.Fixture, old, upstream string) {
	t.Helper()
	f = importFixture(t)
	if code, _, stderr := run(t, "--srpm-repo", f.SRPM, f.Good); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	old = f.Prefix + "/base"
	fgit(t, f, f.SRPM, "checkout", "-q", "-b", "synced", f.Good)
	c := f.Code
	fgit(t, f, c, "checkout", "-q", "-b", "upstream", "v4.19.19")
	fgit(t, f, c, "cherry-pick", old+"~6")
	if got := fgit(t, f, c, "log", "-1", "--format=%s"); got != "fs/a: return 55" {
		t.Fatalf("cherry-picked %q", got)
	}
	upstream = fgit(t, f, c, "rev-parse", "HEAD")
	p := filepath.Join(c, "drivers", "c.c")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "int c_13(void) { return 13; }", "int c_13(void) { return 1313; }", 1)
	if edited == string(data) {
		t.Fatal("drivers/c.c has no c_13")
	}
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, c, "commit", "-q", "-am", "drivers/c: upstream change near c_15")
	fgit(t, f, c, "tag", "-a", "-m", "Linux 4.19.20", "v4.19.20")
	fgit(t, f, c, "checkout", "-q", "-b", "rebased", old)
	fgit(t, f, c, "rebase", "-q", "--onto", "v4.19.20", f.Prefix+"/pre-base")
	if err := os.WriteFile(filepath.Join(c, "drivers", "d.c"), []byte("int d(void) { return 4; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fgit(t, f, c, "add", "drivers/d.c")
	fgit(t, f, c, "commit", "-q", "-m", "drivers: add d")
	if n := fgit(t, f, c, "rev-list", "--count", "v4.19.20..rebased"); n != "7" {
		t.Fatalf("rebased queue has %s commits, want 6 of 7 and one added", n)
	}
	return f, old, upstream
}

// TestSyncRoundTrip is the end-to-end test: import, rebase, sync, commit,
// import again: the new import is the rebased branch, tree for tree.
func TestSyncRoundTrip(t *testing.T) {
	f, old, upstream := rebaseFixture(t)
	specPath := filepath.Join(f.SRPM, "SPECS", "kernel.spec")
	before, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(f.SRPM, "SOURCES")) // anywhere in the SRPM work tree

	// --dry-run: the diff and the files, nothing written.
	code, stdout, stderr := run(t, "sync", "--dry-run", old+"..rebased")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"-Patch0: 0001-fs-a-alice.patch\n+# Patch0: 0001-fs-a-alice.patch: " + upstream[:12] + " fs/a: return 55\n",
		"-Patch6: carol.patch\n+Patch6: carol-rebase-to-v4.19.20.patch\n+Patch7: 0007-drivers-add-d.patch\n",
		"would write " + filepath.Join(f.SRPM, "SOURCES", "carol-rebase-to-v4.19.20.patch"),
		"would write " + filepath.Join(f.SRPM, "SOURCES", "0007-drivers-add-d.patch"),
		"would remove " + filepath.Join(f.SRPM, "SOURCES", "carol.patch"),
		": 1 upstream, 1 changed, 1 added, 0 dropped, 5 unchanged (3 patch file(s) whose patch-id matches no commit paired by position)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, stdout)
		}
	}
	if st := fgit(t, f, f.SRPM, "status", "--porcelain"); st != "" {
		t.Fatalf("dry run changed the work tree:\n%s", st)
	}

	// The version follows the tag; the release is bumped.
	code, stdout, stderr = run(t, "sync", old+"..rebased")
	if code != 0 || !strings.Contains(stdout, "Release (%global xsrel): 1.2, now 1.3\nVersion: 4.19.19, now 4.19.20\n") {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}
	after, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"%global xsrel 1.2\n", "%global xsrel 1.3\n",
		"%autosetup -p1\n", "%autosetup -p1\n\n%changelog\n* Tue Jan 01 2019 Patch Queue Bot <bot@pq.example> - 4.19.20-1.3\n- Rebase on v4.19.20\n"+
			"- Patch0 0001-fs-a-alice.patch: upstream as "+upstream[:12]+" fs/a: return 55\n"+
			"- Patch6 carol.patch: regenerated as carol-rebase-to-v4.19.20.patch ("+fgit(t, f, f.Code, "rev-parse", "--short=12", "rebased~1")+" drivers: carol's change)\n"+
			"- Patch7 0007-drivers-add-d.patch: added ("+fgit(t, f, f.Code, "rev-parse", "--short=12", "rebased")+" drivers: add d)\n",
		"Version: 4.19.19\n", "Version: 4.19.20\n",
		"Source0: kernel-4.19.19.tar.gz\n", "Source0: kernel-4.19.20.tar.gz\n",
		"Patch0: 0001-fs-a-alice.patch\n", "# Patch0: 0001-fs-a-alice.patch: "+upstream[:12]+" fs/a: return 55\n",
		"Patch6: carol.patch\n", "Patch6: carol-rebase-to-v4.19.20.patch\nPatch7: 0007-drivers-add-d.patch\n",
	).Replace(string(before))
	if string(after) != want {
		t.Fatalf("spec after sync:\n%s\nwant:\n%s", after, want)
	}
	if st := fgit(t, f, f.SRPM, "status", "--porcelain"); st != "D  SOURCES/0001-fs-a-alice.patch\nD  SOURCES/carol.patch\n M SPECS/kernel.spec\n?? SOURCES/0007-drivers-add-d.patch\n?? SOURCES/carol-rebase-to-v4.19.20.patch" {
		t.Errorf("status after sync:\n%s", st)
	}
	// The regenerated patch is the new commit's, with a stable From line.
	carol, err := os.ReadFile(filepath.Join(f.SRPM, "SOURCES", "carol-rebase-to-v4.19.20.patch"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(carol), "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n") ||
		strings.Contains(string(carol), "\n-- \n") || !strings.Contains(string(carol), " int c_13(void) { return 1313; }\n") {
		t.Errorf("regenerated patch:\n%s", carol)
	}
	newCarol := fgit(t, f, f.Code, "rev-parse", "rebased~1")
	ids := patchIDs(t, f, newCarol)
	if got := srpm.FilePatchID(carol); got != ids {
		t.Errorf("regenerated patch has patch-id %s, its commit %s", got, ids)
	}

	// Running sync again finds it all done.
	code, stdout, _ = run(t, "sync", old+"..rebased")
	if code != 0 || !strings.Contains(stdout, ": 0 upstream, 0 changed, 0 added, 0 dropped, 5 unchanged, 3 already done") {
		t.Errorf("second sync: exit %d\n%s", code, stdout)
	}
	if again, _ := os.ReadFile(specPath); string(again) != want {
		t.Errorf("second sync changed the spec:\n%s", again)
	}

	// Commit the SRPM and import it again: the same tree as the rebase.
	fgit(t, f, f.SRPM, "add", "-A")
	fgit(t, f, f.SRPM, "commit", "-q", "-m", "rebase onto v4.19.20")
	code, stdout, stderr = run(t, "--srpm-repo", f.SRPM, "HEAD")
	if code != 0 || !strings.HasPrefix(stdout, "kernel/xenserver-4.19.20-1.3/base: 7 patch(es) on v4.19.20") {
		t.Fatalf("import after sync: exit %d\n%s%s", code, stdout, stderr)
	}
	if d := fgit(t, f, f.Code, "diff", "--stat", "rebased", "kernel/xenserver-4.19.20-1.3/base", "--"); d != "" {
		t.Errorf("the import of the synced SRPM differs from the rebased branch:\n%s", d)
	}
	if a, b := fgit(t, f, f.Code, "rev-parse", "rebased^{tree}"), fgit(t, f, f.Code, "rev-parse", "kernel/xenserver-4.19.20-1.3/base^{tree}"); a != b {
		t.Errorf("trees %s and %s differ", a, b)
	}
}

// patchIDs is git's own patch-id of a commit, the oracle.
func patchIDs(t *testing.T, f *srpmtest.Fixture, sha string) patchid.ID {
	t.Helper()
	diff := fgit(t, f, f.Code, "diff-tree", "-p", "--no-renames", sha)
	out, err := f.Env.GitInput(f.Code, []byte(diff+"\n"), "patch-id", "--stable")
	if err != nil {
		t.Fatal(err)
	}
	id, err := patchid.Parse(strings.Fields(out)[0])
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSyncDroppedAndErrors: a dropped commit is listed and left alone; a
// changed patch that no file matches stops sync before anything is written;
// usage errors exit 2.
func TestSyncDroppedAndErrors(t *testing.T) {
	f, old, _ := rebaseFixture(t)
	t.Chdir(f.SRPM)
	// Drop the readme commit (the 6th of the queue) from the rebase.
	fgit(t, f, f.Code, "checkout", "-q", "-b", "dropped", "rebased")
	fgit(t, f, f.Code, "rebase", "-q", "--onto", "rebased~3", "rebased~2")
	// Without a note it stops sync, listing it as review-rebase --check does.
	code, stdout, stderr := run(t, "sync", "--dry-run", old+"..dropped")
	readme := fgit(t, f, f.Code, "rev-parse", "--short=12", old+"~1")
	if code != 1 || stdout != "" || stderr != "sync: 1 dropped commit(s) without a note:\n  "+readme+" readme: tweak\n"+
		"Say why with git notes add <sha> in the code repository (the first line goes into the spec), or give --allow-unexplained.\n" {
		t.Errorf("dropped without a note: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "sync", "--dry-run", "--allow-unexplained", old+"..dropped")
	if code != 0 || !strings.Contains(stdout, "+# Patch5: readme-no-newline.patch: dropped: no note\n") {
		t.Errorf("--allow-unexplained: exit %d\n%s%s", code, stdout, stderr)
	}
	// With a note, its first line says why in the spec and the changelog.
	fgit(t, f, f.Code, "notes", "add", "-m", "readme: obsolete, the docs moved\n\nMore words.", old+"~1")
	code, stdout, stderr = run(t, "sync", "--dry-run", old+"..dropped")
	if code != 0 || !strings.Contains(stdout, "-Patch5: readme-no-newline.patch\n") ||
		!strings.Contains(stdout, "+# Patch5: readme-no-newline.patch: dropped: readme: obsolete, the docs moved\n") ||
		!strings.Contains(stdout, "+- Patch5 readme-no-newline.patch: dropped: readme: obsolete, the docs moved\n") ||
		!strings.Contains(stdout, ": 1 upstream, 1 changed, 1 added, 1 dropped, 4 unchanged") {
		t.Errorf("dropped: exit %d\n%s%s", code, stdout, stderr)
	}

	// Explicit bases and tag, options after the range as git allows.
	code, stdout, stderr = run(t, "sync", old+"..rebased", "--old-base", f.Prefix+"/pre-base", "--new-base", "v4.19.20^{commit}", "--onto-tag", "v9", "-n")
	if code != 0 || !strings.Contains(stdout, "+Patch6: carol-rebase-to-v9.patch\n") || fgit(t, f, f.SRPM, "status", "--porcelain") != "" {
		t.Errorf("explicit bases: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ = run(t, "sync", "-h"); code != 0 || !strings.Contains(stdout, "--onto-tag") {
		t.Errorf("sync -h: exit %d\n%s", code, stdout)
	}

	// Carol's file no longer matches her old commit, and with quilt-b
	// applied after the plain diff the files are not in queue order, so
	// nothing is paired by position: sync refuses.
	specPath := filepath.Join(f.SRPM, "SPECS", "kernel.spec")
	orig, _ := os.ReadFile(specPath)
	before := strings.Replace(string(orig), "Patch1: quilt-b.patch\nPatch2: 0003-plain\n", "Patch2: 0003-plain\nPatch1: quilt-b.patch\n", 1)
	if before == string(orig) {
		t.Fatal("spec not reordered")
	}
	if err := os.WriteFile(specPath, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.SRPM, "SOURCES", "carol.patch"), []byte("not a patch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, "sync", old+"..rebased")
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "(drivers: carol's change) is changed, but no patch file of the spec has its patch-id; nothing was changed") {
		t.Errorf("unmatched: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if after, _ := os.ReadFile(specPath); string(after) != before {
		t.Error("a failed sync changed the spec")
	}
	if st := fgit(t, f, f.SRPM, "status", "--porcelain"); st != " M SOURCES/carol.patch\n M SPECS/kernel.spec" {
		t.Errorf("a failed sync wrote files:\n%s", st)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "rebased"}, "give the rebase as <old>..<new>"},
		{[]string{"sync", old + "...rebased"}, "two dots"},
		{[]string{"sync", old + "..nosuch"}, `"nosuch" is not a revision of the code repository`},
		{[]string{"sync", "--spec", filepath.Join(t.TempDir(), "x.spec"), old + "..rebased"}, "x.spec: no such file"},
		{[]string{"sync", "--spec", t.TempDir(), old + "..rebased"}, "not a regular file"},
		{[]string{"sync", "--sources", filepath.Join(t.TempDir(), "none"), old + "..rebased"}, "is not a directory; give --sources"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// syncEnv points the process at env (importFixture's, or a sync
// fixture's), with no GIT_DIR and friends from outside.
func syncEnv(t testing.TB, env *repos.Env) {
	t.Helper()
	for _, kv := range env.Vars {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// syncFixture builds the SyncV2 fixture in dir and points the process
// at its environment.
func syncFixture(t *testing.T, dir string, layered bool) *repos.SyncV2 {
	t.Helper()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	syncEnv(t, env)
	f, err := repos.BuildSyncV2(env, dir, layered)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// queueLog is what the round trip must keep of each commit of a queue:
// tree, subject, author and author date.
func queueLog(t *testing.T, env *repos.Env, dir, rng string) string {
	t.Helper()
	return repos.Git(t, env, dir, "log", "--reverse", "--format=%T %s|%an <%ae> %ad", "--date=raw", rng)
}

// TestSyncV2RoundTrip: for each kind of rebase, import, rebase, sync,
// commit and import again give the rebased queue (trees, subjects,
// authors, dates), and a second sync changes no byte.
func TestSyncV2RoundTrip(t *testing.T) {
	type tc struct {
		c       repos.SyncCase
		layered bool
		patchN  bool // %prep applies the patches one by one
	}
	var cases []tc
	for _, c := range repos.SyncCases {
		cases = append(cases, tc{c: c, layered: true})
	}
	cases = append(cases, tc{c: repos.SyncInsert}, tc{c: repos.SyncInsert, layered: true, patchN: true},
		tc{c: repos.SyncDroppedNote, layered: true, patchN: true})
	for _, c := range cases {
		name := string(c.c)
		if !c.layered {
			name += "-no-marker"
		}
		if c.patchN {
			name += "-patchN"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			f := syncFixture(t, dir, c.layered)
			env := f.Env
			g := func(d string, args ...string) string {
				t.Helper()
				return repos.Git(t, env, d, args...)
			}
			if c.patchN {
				perPatch(t, f)
			}
			if code, _, stderr := run(t, "--srpm-repo", f.SRPM, "--code-repo", f.Code, "HEAD"); code != 0 {
				t.Fatalf("import: %s", stderr)
			}
			vendor := "xenserver"
			if c.layered {
				vendor = "xcpng"
			}
			prefix := "demo/" + vendor + "-1.0-1"
			if err := f.Rebase(c.c, prefix+"/pre-base", prefix+"/base"); err != nil {
				t.Fatal(err)
			}
			t.Chdir(f.SRPM)
			args := []string{"sync", "--code-repo", f.Code, prefix + "/base..rebased"}
			if c.c == repos.SyncDroppedNoNote {
				code, stdout, stderr := run(t, args...)
				if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "sync: 1 dropped commit(s) without a note:\n  ") || !strings.Contains(stderr, " f0: change 20\n") {
					t.Fatalf("dropped without a note: exit %d\n%s%s", code, stdout, stderr)
				}
				if st := g(f.SRPM, "status", "--porcelain"); st != "" {
					t.Fatalf("a refused sync changed the work tree:\n%s", st)
				}
				args = append(args, "--allow-unexplained")
			}
			code, stdout, stderr := run(t, args...)
			if code != 0 {
				t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
			}
			if !c.layered && !strings.Contains(stderr, "no vendor marker") {
				t.Errorf("no warning about the missing marker:\n%s", stderr)
			}
			spec1, err := os.ReadFile(f.Spec)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(spec1), "Version: 1.1\nRelease: 2%{?dist}\n") || !strings.HasPrefix(string(spec1), "%global package_srccommit v1.1\n") {
				t.Errorf("version, release or %%global not updated:\n%s", spec1)
			}
			t.Logf("sync:\n%s%s\n%s", stdout, stderr, spec1)
			// rpm reads the changelog entry (rpmspec, the oracle, in the
			// format of rpm -q --changelog).
			log, err := proc.Run(context.Background(), proc.Cmd{Program: "rpmspec", Args: []string{"-q", "--srpm", "--qf",
				"[* %{CHANGELOGTIME:day} %{CHANGELOGNAME}\n%{CHANGELOGTEXT}\n\n]", f.Spec}, Env: []string{"HOME=" + dir, "LC_ALL=C", "PATH=" + os.Getenv("PATH")}})
			if err != nil {
				t.Fatalf("rpmspec: %v", err)
			}
			if !strings.HasPrefix(string(log), "* Tue Jan 01 2019 Patch Queue Bot <bot@pq.example> - 1.1-2\n- Rebase on v1.1\n- Patch") ||
				!strings.HasSuffix(string(log), "* Tue Jan 01 2019 Patch Queue Bot <bot@pq.example> - 1.0-1\n- First.\n\n") {
				t.Errorf("rpmspec reads the changelog as:\n%s", log)
			}

			// A second sync on its own result: exit 0, no byte changed.
			g(f.SRPM, "add", "-A")
			code, stdout2, stderr2 := run(t, args...)
			if code != 0 {
				t.Fatalf("second sync: exit %d\n%s%s", code, stdout2, stderr2)
			}
			if st := g(f.SRPM, "status", "--porcelain", "--untracked-files=all"); strings.Contains(st, "\n ") || strings.HasPrefix(st, " ") || strings.Contains(st, "??") {
				t.Errorf("the second sync changed the work tree:\n%s\n%s", st, stdout2)
			}
			if again, _ := os.ReadFile(f.Spec); string(again) != string(spec1) {
				t.Errorf("the second sync changed the spec:\n%s", again)
			}

			g(f.SRPM, "commit", "-q", "-m", "demo 1.1-2")
			code, stdout, stderr = run(t, "--srpm-repo", f.SRPM, "--code-repo", f.Code, "HEAD")
			if code != 0 {
				t.Fatalf("import after sync: exit %d\n%s%s\n%s", code, stdout, stderr, spec1)
			}
			want := queueLog(t, env, f.Code, "v1.1..rebased")
			if got := queueLog(t, env, f.Code, "v1.1..demo/"+vendor+"-1.1-2/base"); got != want {
				t.Errorf("the import of the synced SRPM is not the rebased queue:\n%s\nwant:\n%s\nspec:\n%s", got, want, spec1)
			}
		})
	}
}

// perPatch rewrites the fixture's %prep to apply each patch with its own
// %patchN line, and commits it.
func perPatch(t *testing.T, f *repos.SyncV2) {
	t.Helper()
	src, err := os.ReadFile(f.Spec)
	if err != nil {
		t.Fatal(err)
	}
	var prep strings.Builder
	prep.WriteString("%setup -q\n")
	for _, l := range strings.Split(string(src), "\n") {
		if n, ok := strings.CutPrefix(l, "Patch"); ok {
			num, _, _ := strings.Cut(n, ":")
			prep.WriteString("%patch" + num + " -p1\n")
		}
	}
	out := strings.Replace(string(src), "%autosetup -p1\n", prep.String(), 1)
	if err := os.WriteFile(f.Spec, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Env.Git(f.SRPM, "commit", "-q", "-am", "one %patch line a patch"); err != nil {
		t.Fatal(err)
	}
}

// TestSyncV2BadInput: what sync refuses, each with one clear message and
// nothing changed.
func TestSyncV2BadInput(t *testing.T) {
	for _, c := range []struct {
		name    string
		sc      repos.SyncCase
		prepare func(t *testing.T, f *repos.SyncV2) // before the import
		before  func(t *testing.T, f *repos.SyncV2) // before the sync
		want    []string
	}{
		{"number collision", repos.SyncInsertVendor, func(t *testing.T, f *repos.SyncV2) {
			editSpec(t, f, "Patch10:", "Patch3:", "Patch11:", "Patch4:", "Patch12:", "Patch5:")
		}, nil, []string{"no free patch number: making room for 1 new patch(es) after Patch0", "patch number 3 would be used by lines", "renumber the other layer first"}},
		{"%patch line applying two patches", repos.SyncInsertVendor, func(t *testing.T, f *repos.SyncV2) {
			editSpec(t, f, "%autosetup -p1\n", "%setup -q\n%patch -P 0 -P 1 -p1\n%patch2 -p1\n%patch10 -p1\n%patch11 -p1\n%patch12 -p1\n")
		}, nil, []string{"%prep cannot be edited to follow: %patch line applies several patches (%patch -P 0 -P 1 -p1); add patches 1 to %prep by hand; nothing was changed"}},
		{"LFS pointer instead of a patch", repos.SyncInsert, nil, func(t *testing.T, f *repos.SyncV2) {
			ptr := "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("ab", 32) + "\nsize 646\n"
			if err := os.WriteFile(filepath.Join(f.SRPM, "SOURCES", "0002-f1-change-5.patch"), []byte(ptr), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"0002-f1-change-5.patch is a Git LFS pointer, not the patch; run git lfs pull in the SRPM repository"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := syncFixture(t, t.TempDir(), true)
			env := f.Env
			if c.prepare != nil {
				c.prepare(t, f)
			}
			if code, _, stderr := run(t, "--srpm-repo", f.SRPM, "--code-repo", f.Code, "HEAD"); code != 0 {
				t.Fatalf("import: %s", stderr)
			}
			prefix := "demo/xcpng-1.0-1"
			if err := f.Rebase(c.sc, prefix+"/pre-base", prefix+"/base"); err != nil {
				t.Fatal(err)
			}
			if c.before != nil {
				c.before(t, f)
			}
			st0, _ := env.Git(f.SRPM, "status", "--porcelain")
			t.Chdir(f.SRPM)
			code, stdout, stderr := run(t, "sync", "--code-repo", f.Code, prefix+"/base..rebased")
			if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, want 1 and one line\n%s%s", code, stdout, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if st, _ := env.Git(f.SRPM, "status", "--porcelain"); st != st0 {
				t.Errorf("a refused sync changed the work tree:\n%s", st)
			}
		})
	}
}

// editSpec replaces pairs of strings in the fixture's spec and commits it.
func editSpec(t *testing.T, f *repos.SyncV2, oldnew ...string) {
	t.Helper()
	src, err := os.ReadFile(f.Spec)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.NewReplacer(oldnew...).Replace(string(src))
	if out == string(src) {
		t.Fatal("spec unchanged")
	}
	if err := os.WriteFile(f.Spec, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Env.Git(f.SRPM, "commit", "-q", "-am", "edit the spec"); err != nil {
		t.Fatal(err)
	}
}

// TestSyncV2Tarball: when SOURCES/ holds the old Source0 tarball (here a
// Git LFS pointer to it), sync writes the new version's from the tag,
// reproducibly, and says SOURCES/ holds LFS pointers.
func TestSyncV2Tarball(t *testing.T) {
	f := syncFixture(t, t.TempDir(), true)
	env := f.Env
	ptr := "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("cd", 32) + "\nsize 4096\n"
	if err := os.WriteFile(filepath.Join(f.SRPM, "SOURCES", "demo-1.0.tar.gz"), []byte(ptr), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Git(f.SRPM, "add", "-A"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Git(f.SRPM, "commit", "-q", "-m", "tarball in LFS"); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "--srpm-repo", f.SRPM, "--code-repo", f.Code, "HEAD"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	prefix := "demo/xcpng-1.0-1"
	if err := f.Rebase(repos.SyncInsert, prefix+"/pre-base", prefix+"/base"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(f.SRPM)
	code, stdout, stderr := run(t, "sync", "--code-repo", f.Code, prefix+"/base..rebased")
	tarball := filepath.Join(f.SRPM, "SOURCES", "demo-1.1.tar.gz")
	if code != 0 || !strings.Contains(stdout, "wrote "+tarball) || !strings.Contains(stderr, "holds Git LFS pointers") {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(tarball)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header: name %q, time %v", zr.Name, zr.ModTime)
	}
	tagDate, _ := env.Git(f.Code, "for-each-ref", "--format=%(taggerdate:unix)", "refs/tags/v1.1")
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if fmt.Sprint(h.ModTime.Unix()) != tagDate {
			t.Errorf("%s dated %d, want the tag's %s", h.Name, h.ModTime.Unix(), tagDate)
		}
	}
	if want := "demo-1.1/ demo-1.1/NEWS demo-1.1/f0.c demo-1.1/f1.c demo-1.1/f2.c demo-1.1/f3.c"; strings.Join(names, " ") != want {
		t.Errorf("entries %q, want %q", names, want)
	}
	// Again: the tarball is there, nothing changes.
	if code, stdout, stderr := run(t, "sync", "--code-repo", f.Code, prefix+"/base..rebased"); code != 0 || strings.Contains(stdout, "wrote") {
		t.Errorf("second sync: exit %d\n%s%s", code, stdout, stderr)
	}
	if again, _ := os.ReadFile(tarball); !bytes.Equal(again, data) {
		t.Error("the second sync rewrote the tarball")
	}
}
