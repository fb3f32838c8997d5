package review

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func driftRepo(d *repos.DriftRepo) *git.Repo { return repoAt(d.Dir, d.Env.Vars) }

func runDrift(t *testing.T, d *repos.DriftRepo, noCache bool) *Result {
	t.Helper()
	res, err := Run(context.Background(), driftRepo(d), Options{OldBase: "v1", OldTip: "queue-old", NewBase: "v2", NewTip: "queue-new", NoCache: noCache})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	return res
}

func TestDriftCases(t *testing.T) {
	d := repos.NewDrift(t, false)
	want := map[string][]Drift{
		"c-rename":  {{Ident: "foo_init", Upstream: d.Commits["up:rename"], UpstreamTitle: "foo: rename foo_init to foo_setup", NewName: "foo_setup"}},
		"py-rename": {{Ident: "SR.SROSError", Upstream: d.Commits["up:move"], UpstreamTitle: "sm: move SROSError to xs_errors", NewName: "xs_errors.SROSError"}},
		"member":    {{Ident: "priv_flags", Upstream: d.Commits["up:member"], UpstreamTitle: "foo: drop the unused priv_flags"}},
		"guard":     nil,
		"clean":     nil,
	}
	// Cold, then from the cache: the same verdict.
	for _, noCache := range []bool{false, false, true} {
		res := runDrift(t, d, noCache)
		for name, w := range want {
			var got []Drift
			found := false
			for _, r := range res.Rows {
				if r.New != nil && r.New.SHA == d.Commits["new:"+name] {
					got, found = r.Drift, true
					if r.Status != StatusPatchID {
						t.Errorf("%s: status %s, want patch-id", name, r.Status)
					}
				}
			}
			if !found || !reflect.DeepEqual(got, w) {
				t.Errorf("%s (noCache %v): drift %+v, want %+v", name, noCache, got, w)
			}
		}
		for _, r := range res.Rows {
			if r.Old != nil && r.New == nil && len(r.Drift) > 0 {
				t.Errorf("drift on an old-only row: %+v", r)
			}
		}
		offenders := Check(res)
		var idents []string
		for _, o := range offenders {
			if o.Kind != ProblemDrift {
				t.Errorf("unexpected offender %s: %s", o.Kind, o.Reason)
				continue
			}
			idents = append(idents, strings.TrimSuffix(strings.Fields(o.Reason)[1], ","))
		}
		slices.Sort(idents)
		if !slices.Equal(idents, []string{"SR.SROSError", "foo_init", "priv_flags"}) {
			t.Errorf("check offenders %v", idents)
		}
	}
}

// The guard reads the tree itself when git grep would get too many words;
// it decides as git grep does.
func TestDriftGuardWithoutGrep(t *testing.T) {
	d := repos.NewDrift(t, false)
	defer func(n int) { guardGrepMax = n }(guardGrepMax)
	guardGrepMax = 0
	res := runDrift(t, d, true)
	var got []string
	for _, r := range res.Rows {
		for _, dr := range r.Drift {
			got = append(got, dr.Ident)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"SR.SROSError", "foo_init", "priv_flags"}) {
		t.Errorf("drift %v", got)
	}
}

// A message or a note naming the identifier satisfies --check.
func TestDriftMentioned(t *testing.T) {
	d := repos.NewDrift(t, true)
	res := runDrift(t, d, true)
	n := 0
	for _, r := range res.Rows {
		for _, dr := range r.Drift {
			n++
			if !dr.Mentioned {
				t.Errorf("%s: not mentioned", dr.Ident)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d drifts, want 3", n)
	}
	if o := Check(res); len(o) != 0 {
		t.Errorf("check: %+v", o)
	}

	d = repos.NewDrift(t, false)
	d.Git("notes", "add", "-m", "foo_init is the vendor's own, kept on purpose", d.Commits["new:c-rename"])
	res = runDrift(t, d, true)
	if o := Check(res); len(o) != 2 {
		t.Errorf("check after a note on one commit: %d offenders, want 2", len(o))
	}
}

func TestEachIdent(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"raise SR.SROSError(2)", []string{"raise", "SR.SROSError", "SROSError"}},
		{"\tdev->priv_flags &= ~2;", []string{"dev", "dev->priv_flags", "priv_flags"}},
		{"a.b.cde x", []string{"a.b", "b.cde", "cde"}},
		{"0x1fab foo_2 12abc", []string{"foo_2"}},
		{"commit 1a2b3c4d5e6f deadbeef", []string{"commit", "deadbeef"}},
		{"$(MAKE) -C $(obj) ..foo", []string{"MAKE", "obj", "foo"}},
		{"foo. bar->", []string{"foo", "bar"}},
		{"x->y", []string{"x->y"}},
		{"", nil},
	} {
		var got []string
		eachIdent([]byte(tc.in), func(w []byte) { got = append(got, string(w)) })
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestReplacement(t *testing.T) {
	for _, tc := range []struct{ old, new, ident, want string }{
		{"int foo_init(struct foo *f)", "int foo_setup(struct foo *f)", "foo_init", "foo_setup"},
		{"        raise SR.SROSError(1)", "        raise xs_errors.SROSError(1)", "SR.SROSError", "xs_errors.SROSError"},
		{"\tdev->priv_flags |= 1;", "\tdev->flags2 |= 1;", "priv_flags", "flags2"},
		{"int foo_init(struct foo *f)", "int foo_setup(struct bar *f)", "foo_init", ""},
		{"int foo_init(void)", "int foo_init(void) /* x */", "foo_init", ""},
		{"x = foo_init;", "x = 3;", "foo_init", ""},
	} {
		if got := replacement([]byte(tc.old), []byte(tc.new), tc.ident); got != tc.want {
			t.Errorf("%q -> %q (%s): %q, want %q", tc.old, tc.new, tc.ident, got, tc.want)
		}
	}
}

func TestRenameIn(t *testing.T) {
	patch := "1111111111111111111111111111111111111111\ndiff --git a/sm/LVMSR.py b/sm/LVMSR.py\n--- a/sm/LVMSR.py\n+++ b/sm/LVMSR.py\n" +
		"@@ -1,7 +1,7 @@\n-import SR\n+import xs_errors\n \n \n def attach(path):\n     if not path:\n" +
		"-        raise SR.SROSError(1)\n+        raise xs_errors.SROSError(1)\n     return path\n" +
		"diff --git a/h.h b/h.h\n@@ -1,2 +1,1 @@\n-\tunsigned long priv_flags;\n int x;\n" +
		// A block across two hunks is two blocks: no pairing.
		"diff --git a/c.c b/c.c\n@@ -1,1 +1,0 @@\n-\tfoo_init(x);\n@@ -9,0 +9,1 @@\n+\tfoo_setup(x);\n" +
		// The marker of a last line without a newline is not context.
		"diff --git a/d.c b/d.c\n@@ -1 +1 @@\n-return bar_old;\n\\ No newline at end of file\n+return bar_new;\n"
	for _, tc := range []struct{ ident, want string }{
		{"SR.SROSError", "xs_errors.SROSError"},
		{"priv_flags", ""},
		{"foo_init", ""},
		{"bar_old", "bar_new"},
		{"absent", ""},
	} {
		got, err := renameIn(strings.NewReader(patch), tc.ident)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q (%v), want %q", tc.ident, got, err, tc.want)
		}
	}
}

func TestReadQueueTokens(t *testing.T) {
	stream := "2222222222222222222222222222222222222222\ndiff --git a/f.c b/f.c\nindex 1..2 100644\n--- a/f.c\n+++ b/f.c\n" +
		"@@ -1,3 +1,3 @@ int context_in_header(void)\n ctx_word\n-old_word = 1;\n+old_word = new_word;\n" +
		"3333333333333333333333333333333333333333\ndiff --git a/g.c b/g.c\n@@ -0,0 +1 @@\n+only_added\n"
	got := map[string]queueTokens{}
	if err := readQueueTokens(strings.NewReader(stream), func(sha string, q queueTokens) { got[sha] = q }); err != nil {
		t.Fatal(err)
	}
	want := map[string]queueTokens{
		"2222222222222222222222222222222222222222": {Added: []string{"new_word"}, Pre: []string{"ctx_word", "old_word"}},
		"3333333333333333333333333333333333333333": {Added: []string{"only_added"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestDriftCandidates(t *testing.T) {
	nw := []*Commit{{SHA: "a"}, {SHA: "b"}}
	toks := map[string]queueTokens{
		"a": {Added: []string{"added_by_a", "used_elsewhere"}, Pre: []string{"in_base"}},
		// b's context shows what a added (not known in the base) and a
		// base word (known), which b also adds elsewhere.
		"b": {Added: []string{"in_base", "new_b"}, Pre: []string{"added_by_a", "used_elsewhere_ctx"}},
	}
	got := driftCandidates(nw, toks)
	want := map[string]bool{"added_by_a": true, "used_elsewhere": true, "new_b": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func FuzzEachIdent(f *testing.F) {
	f.Add([]byte("raise SR.SROSError(2) dev->priv_flags 0x12 a.b.c"))
	f.Fuzz(func(t *testing.T, b []byte) {
		eachIdent(b, func(w []byte) {
			if len(w) == 0 || !isIdentStart(w[0]) || !isWordByte(w[len(w)-1]) {
				t.Fatalf("bad identifier %q", w)
			}
		})
		_ = lineWords(b, true)
		_ = lineWords(b, false)
	})
}

func FuzzRenameIn(f *testing.F) {
	f.Add([]byte("1111111111111111111111111111111111111111\ndiff --git a/x b/x\n@@ -1 +1 @@\n-a foo_init b\n+a foo_setup b\n"), "foo_init")
	f.Fuzz(func(t *testing.T, patch []byte, ident string) {
		if w, _ := renameIn(bytes.NewReader(patch), ident); w != "" && !isIdentStart(w[0]) {
			t.Fatalf("new name %q", w)
		}
		_ = readQueueTokens(strings.NewReader(string(patch)), func(string, queueTokens) {})
	})
}

// A queue patch to a file upstream left alone may use what that file
// defines, even where upstream removed it from another file: the new
// base's version of the untouched file is not read (step 2a reads only
// the queue files upstream changed), and the guard still finds the name
// there. A name of a queue file upstream changed is dropped by step 2a.
func TestDriftUnchangedQueueFile(t *testing.T) {
	s := repos.NewScratch(t)
	filler := strings.Repeat("/* filler */\n", 12)
	s.Write("lib/keep.c", "int keep_me(void)\n{\n\treturn 1;\n}\n"+filler+"int user(void)\n{\n\treturn 0;\n}\n")
	s.Write("lib/gone.c", "int keep_me(void);\n\nint gone(void)\n{\n\treturn keep_me();\n}\n")
	s.Write("lib/busy.c", "int busy_helper(void)\n{\n\treturn 2;\n}\n"+filler+"int busy(void)\n{\n\treturn 0;\n}\n")
	s.Git("add", "-A")
	s.Git("commit", "-qm", "base")
	s.Git("tag", "v1")
	s.Git("branch", "queue-old")
	s.Write("lib/gone.c", "int gone(void)\n{\n\treturn 1;\n}\n")
	s.Write("lib/busy.c", "/* busy things */\nint busy_helper(void)\n{\n\treturn 2;\n}\n"+filler+"int busy(void)\n{\n\treturn 0;\n}\n")
	s.Git("commit", "-qam", "gone: keep_me is not needed here")
	s.Git("tag", "v2")
	s.Git("checkout", "-qb", "queue-new")
	s.Write("lib/keep.c", "int keep_me(void)\n{\n\treturn 1;\n}\n"+filler+"int user(void)\n{\n\treturn keep_me();\n}\n")
	s.Write("lib/busy.c", "/* busy things */\nint busy_helper(void)\n{\n\treturn 2;\n}\n"+filler+"int busy(void)\n{\n\treturn busy_helper();\n}\n")
	s.Git("commit", "-qam", "lib: use what is there")
	repo := repoAt(s.Dir, s.Env.Vars)
	res, err := Run(context.Background(), repo, Options{OldBase: "v1", OldTip: "queue-old", NewBase: "v2", NewTip: "queue-new", NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if len(r.Drift) > 0 {
			t.Errorf("drift %+v", r.Drift)
		}
	}
	var steps string
	for _, d := range res.Details {
		if strings.HasPrefix(d, "drift: ") {
			steps = d
		}
	}
	if !strings.Contains(steps, "1 in the new base's versions of the 1 queue files upstream changed; of the others 1 in the old base's 2 changed files, 1 gone from the new ones") {
		t.Errorf("steps: %s", steps)
	}
}

// readQueueTokens reads a diff-tree --stdin -p stream and hands each
// commit's tokens to fn, as the review's own diff pass does (tokenVisitor).
func readQueueTokens(r io.Reader, fn func(sha string, t queueTokens)) error {
	return git.ReadPatches(r, tokenVisitor(fn))
}

// A new-queue commit rebased untouched (the raw key of an old one whose
// patch-id is cached) is not diffed; its drift tokens come from the cache
// under the old commit's id, where the last rebase's review left them (the
// old queue was its new queue). The test stands in for that review, keeps
// only the old queue's patch-ids, and adds foo_init to the cached tokens
// of the old "clean" patch: only the twin's cached tokens can give its new
// commit that drift.
func TestDriftTokensOfTwins(t *testing.T) {
	d := repos.NewDrift(t, false)
	repo := driftRepo(d)
	ctx := context.Background()
	if _, err := Run(ctx, repo, Options{OldBase: "v2", OldTip: "queue-new", NewBase: "v1", NewTip: "queue-old"}); err != nil {
		t.Fatal(err)
	}
	ids := cachedPatchIDs(t, repo)
	for _, c := range repos.DriftCases {
		delete(ids, d.Commits["new:"+c.Name])
	}
	setCachedPatchIDs(t, repo, ids)
	toks := loadCommitCache[queueTokens](repo, "drift-tokens", driftTokensMagic, false)
	clean, ok := toks.get(d.Commits["old:clean"])
	if !ok {
		t.Fatal("the stand-in review cached no tokens for the old queue")
	}
	clean.Added = append(clean.Added, "foo_init")
	toks.put(d.Commits["old:clean"], clean)
	if err := toks.save(); err != nil {
		t.Fatal(err)
	}

	res := runDrift(t, d, false)
	for _, r := range res.Rows {
		if r.New == nil || r.New.SHA != d.Commits["new:clean"] {
			continue
		}
		if len(r.Drift) != 1 || r.Drift[0].Ident != "foo_init" {
			t.Errorf("new clean commit: drift %+v, want foo_init from its twin's cached tokens", r.Drift)
		}
		return
	}
	t.Error("no row for the new clean commit")
}
