package git

import (
	"context"
	"io"
	"strings"
	"testing"
)

// Every git we run gets the tuning, as git -c would give it; -c options
// the user passed (git hands them on in GIT_CONFIG_PARAMETERS) are kept
// and win over ours.
func TestTuning(t *testing.T) {
	r := &Repo{Dir: t.TempDir()}
	get := func(key string, env ...string) string {
		t.Helper()
		r.Env = env
		out, err := r.output(context.Background(), "config", "--get", key)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := get("core.deltaBaseCacheLimit"); got != "8m" {
		t.Errorf("tuning: %q", got)
	}
	theirs := "GIT_CONFIG_PARAMETERS='core.deltaBaseCacheLimit=32m' 'user.name=Hook User'"
	if got := get("core.deltaBaseCacheLimit", theirs); got != "32m" {
		t.Errorf("the user's -c lost: %q", got)
	}
	if got := get("user.name", theirs); got != "Hook User" {
		t.Errorf("the user's other -c lost: %q", got)
	}
	var n int
	for _, kv := range r.env(true) {
		if strings.HasPrefix(kv, "GIT_CONFIG_PARAMETERS=") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d GIT_CONFIG_PARAMETERS in the environment", n)
	}
}

// The git processes that stream get the malloc tuning, the user's own
// tunables after it (glibc takes the last value); short commands do not.
func TestMallocTuning(t *testing.T) {
	t.Setenv("GLIBC_TUNABLES", "") // the user's are given through r.Env below
	r := &Repo{Dir: t.TempDir()}
	// A shell alias prints the environment git was given.
	dump := []string{"-c", "alias.envdump=!env", "envdump"}
	tunables := func(env ...string) (streamed, short string) {
		t.Helper()
		r.Env = env
		find := func(out []byte) string {
			for _, l := range strings.Split(string(out), "\n") {
				if v, ok := strings.CutPrefix(l, "GLIBC_TUNABLES="); ok {
					return v
				}
			}
			return ""
		}
		err := r.stream(context.Background(), nil, func(rd io.Reader) error {
			out, err := io.ReadAll(rd)
			streamed = find(out)
			return err
		}, dump...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.output(context.Background(), dump...)
		if err != nil {
			t.Fatal(err)
		}
		return streamed, find(out)
	}
	if streamed, short := tunables(); streamed != mallocTuning || short != "" {
		t.Errorf("streamed %q, short %q; want %q and none", streamed, short, mallocTuning)
	}
	theirs := "glibc.malloc.hugetlb=0"
	if streamed, short := tunables("GLIBC_TUNABLES=" + theirs); streamed != mallocTuning+":"+theirs || short != theirs {
		t.Errorf("with the user's %q: streamed %q, short %q", theirs, streamed, short)
	}
}
