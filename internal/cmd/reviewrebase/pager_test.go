package reviewrebase

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/testdata/repos"
)

// runTTY runs the review as on a terminal, with extra git environment.
func runTTY(t *testing.T, fx *repos.Fixture, tty bool, env []string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"git review-rebase"}, args...), &cliutil.IO{
		Out: &out, ErrOut: &errb, OutTTY: tty, Dir: fx.Dir,
		GitEnv: append(append([]string(nil), fx.Env.Vars...), env...), Getenv: func(string) string { return "" },
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	return code, out.String()
}

// On a terminal the text goes through the pager git chooses (here
// GIT_PAGER), not straight out; --no-pager, pager.review-rebase=false and
// a pipe write it directly.
func TestPager(t *testing.T) {
	fx := newFixture(t)
	rng := []string{"--format=text", fx.OldBase + ".." + fx.OldTip, fx.NewBase + ".." + fx.NewTip}
	paged := filepath.Join(t.TempDir(), "paged")
	pagerEnv := []string{"GIT_PAGER=cat > '" + paged + "'"}

	_, direct := runTTY(t, fx, false, pagerEnv, rng...)
	if direct == "" {
		t.Fatal("no output without a terminal")
	}
	if _, err := os.Stat(paged); err == nil {
		t.Fatal("the pager ran although stdout is no terminal")
	}

	_, out := runTTY(t, fx, true, pagerEnv, append([]string{"--color=never"}, rng...)...)
	if out != "" {
		t.Errorf("output bypassed the pager: %q", out)
	}
	got, err := os.ReadFile(paged)
	if err != nil {
		t.Fatalf("the pager did not run: %v", err)
	}
	if string(got) != direct {
		t.Errorf("the pager got other text than the pipe:\n%s\nwant\n%s", got, direct)
	}
	os.Remove(paged)

	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"--no-pager", nil, []string{"--no-pager"}},
		{"pager.review-rebase=false", []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=pager.review-rebase", "GIT_CONFIG_VALUE_0=false"}, nil},
		{"git --no-pager", []string{"GIT_PAGER=cat"}, nil},
	} {
		env := append(append([]string(nil), pagerEnv...), tc.env...)
		_, out := runTTY(t, fx, true, env, append(append([]string{"--color=never"}, tc.args...), rng...)...)
		if out != direct {
			t.Errorf("%s: output not written directly", tc.name)
		}
		if _, err := os.Stat(paged); err == nil {
			t.Errorf("%s: the pager ran", tc.name)
			os.Remove(paged)
		}
	}
}

// color.ui=always colours piped output, as git does; color.reviewrebase
// wins over color.ui.
func TestColorConfig(t *testing.T) {
	fx := newFixture(t)
	rng := []string{"--format=text", fx.OldBase + ".." + fx.OldTip, fx.NewBase + ".." + fx.NewTip}
	cfg := func(kv ...string) []string {
		env := []string{"GIT_CONFIG_COUNT=" + string(rune('0'+len(kv)/2))}
		for i := 0; i < len(kv); i += 2 {
			n := string(rune('0' + i/2))
			env = append(env, "GIT_CONFIG_KEY_"+n+"="+kv[i], "GIT_CONFIG_VALUE_"+n+"="+kv[i+1])
		}
		return env
	}
	tests := []struct {
		name  string
		env   []string
		args  []string
		color bool
	}{
		{"piped, no config", nil, nil, false},
		{"color.ui=always piped", cfg("color.ui", "always"), nil, true},
		{"color.ui=auto piped", cfg("color.ui", "auto"), nil, false},
		{"color.reviewrebase=never wins", cfg("color.reviewrebase", "never", "color.ui", "always"), nil, false},
		{"--color=always piped", nil, []string{"--color=always"}, true},
		{"--color=never beats color.ui=always", cfg("color.ui", "always"), []string{"--color=never"}, false},
	}
	for _, tc := range tests {
		_, out := runTTY(t, fx, false, tc.env, append(tc.args, rng...)...)
		if got := strings.Contains(out, "\x1b["); got != tc.color {
			t.Errorf("%s: coloured %v, want %v", tc.name, got, tc.color)
		}
	}
}
