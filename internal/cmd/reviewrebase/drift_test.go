package reviewrebase

import (
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func driftFixture(d *repos.DriftRepo) *repos.Fixture {
	return &repos.Fixture{Dir: d.Dir, Env: d.Env}
}

// The drift fixture's review, as text and JSON: a drift line under each
// row whose patch uses a name upstream removed (a C function renamed, a
// Python attribute moved, a struct member removed), none for the helper
// another file still defines, and --no-drift leaves them out.
func TestDriftGolden(t *testing.T) {
	d := repos.NewDrift(t, false)
	fx := driftFixture(d)
	args := []string{"v1..queue-old", "v2..queue-new"}
	r := runIn(t, fx, fx.Dir, append([]string{"--no-cache"}, args...)...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "review.txt", r.stdout)
	j := runIn(t, fx, fx.Dir, append([]string{"--no-cache", "--format=json"}, args...)...)
	if j.code != 0 {
		t.Fatalf("exit %d: %s", j.code, j.stderr)
	}
	golden(t, "review.json", j.stdout)
	if strings.Contains(r.stdout, "helper_count") || strings.Contains(j.stdout, "helper_count") {
		t.Error("helper_count, still defined in lib/util.c, is flagged")
	}
	v := runIn(t, fx, fx.Dir, append([]string{"-v", "--format=json"}, args...)...)
	if !strings.Contains(v.stderr, "drift: ") || !strings.Contains(v.stderr, "removed upstream") {
		t.Errorf("-v does not report the drift check:\n%s", v.stderr)
	}
	// The verdicts are cached per pair of bases: a second run asks git
	// nothing about the identifiers, and says the same (without the
	// whole result of the first run, which would answer before drift).
	dropResults(t, fx.Dir)
	if w := runIn(t, fx, fx.Dir, append([]string{"-v", "--format=json"}, args...)...); !strings.Contains(w.stderr, "all cached") || w.stdout != j.stdout {
		t.Errorf("second run:\n%s", w.stderr)
	}
	// The whole result, cached by that run, says the same.
	if w := runIn(t, fx, fx.Dir, append([]string{"-v", "--format=json"}, args...)...); !strings.Contains(w.stderr, "the result of an earlier run") || w.stdout != j.stdout {
		t.Errorf("from the result cache:\n%s", w.stderr)
	}
	n := runIn(t, fx, fx.Dir, append([]string{"--no-drift"}, args...)...)
	if n.code != 0 || strings.Contains(n.stdout, "drift") {
		t.Errorf("--no-drift: exit %d\n%s", n.code, n.stdout)
	}
}

// --check fails on drift and names each commit and identifier; it passes
// when the messages name the identifiers (the maintainer's word that the
// use is intended), or a note does.
func TestDriftCheck(t *testing.T) {
	d := repos.NewDrift(t, false)
	fx := driftFixture(d)
	args := []string{"--check", "v1..queue-old", "v2..queue-new"}
	r := runIn(t, fx, fx.Dir, args...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1:\n%s%s", r.code, r.stdout, r.stderr)
	}
	golden(t, "check.txt", r.stdout)
	for name, ident := range map[string]string{"c-rename": "foo_init", "py-rename": "SR.SROSError", "member": "priv_flags"} {
		if want := git.Short(d.Commits["new:"+name]) + " uses " + ident + ", which upstream removed"; !strings.Contains(r.stdout, want) {
			t.Errorf("--check does not say %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "\n  "); n != 3 {
		t.Errorf("%d offenders, want 3:\n%s", n, r.stdout)
	}
	j := runIn(t, fx, fx.Dir, append([]string{"--format=json"}, args...)...)
	if j.code != 1 || strings.Count(j.stdout, `"kind": "drift"`) != 3 {
		t.Errorf("--check --format=json: exit %d\n%s", j.code, j.stdout)
	}
	for _, c := range []string{"c-rename", "py-rename"} {
		if _, err := d.Env.Git(d.Dir, "notes", "add", "-m", "Keeps the vendor's "+map[string]string{"c-rename": "foo_init", "py-rename": "SR.SROSError"}[c]+".", d.Commits["new:"+c]); err != nil {
			t.Fatal(err)
		}
	}
	// The notes are read again when the result comes from the cache.
	r = runIn(t, fx, fx.Dir, append([]string{"-v"}, args...)...)
	if r.code != 1 || strings.Count(r.stdout, "\n  ") != 1 || !strings.Contains(r.stdout, "priv_flags") {
		t.Errorf("with two notes: exit %d\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "review: the result of an earlier run") {
		t.Errorf("the run after the notes did not reuse the result:\n%s", r.stderr)
	}

	m := repos.NewDrift(t, true)
	r = runIn(t, driftFixture(m), m.Dir, args...)
	if r.code != 0 {
		t.Errorf("with the identifiers in the messages: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
