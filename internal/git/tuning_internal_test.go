package git

import (
	"context"
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
