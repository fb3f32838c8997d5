package srpm

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
)

// runPatch applies file in dir the way rpm's %autosetup -p1 does with
// %_default_patch_fuzz 2, and returns patch's combined output.
//
// --force answers patch's questions the way a careful user would here
// (never assume a patch is reversed), where rpm relies on stdin not being a
// terminal; no backup or reject files are left in the tree that git add
// would pick up.
func runPatch(ctx context.Context, dir, file string) (string, error) {
	cmd := exec.CommandContext(ctx, "patch", "-p1", "--fuzz=2", "--force",
		"--no-backup-if-mismatch", "--reject-file=-", "--input", file)
	cmd.Dir = dir
	cmd.Env = patchEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// patchEnv is the caller's environment without what changes patch's
// behaviour (POSIXLY_CORRECT turns off its git-diff support; backup
// settings), with untranslated messages.
func patchEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "POSIXLY_CORRECT", "LC_ALL", "LANGUAGE", "PATCH_GET", "PATCH_VERSION_CONTROL",
			"VERSION_CONTROL", "SIMPLE_BACKUP_SUFFIX", "QUOTING_STYLE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "QUOTING_STYLE=literal")
}
