package srpm

import (
	"context"
	"errors"

	"github.com/patchqueue/pqtools/internal/proc"
)

// runPatch applies file in dir the way rpm's %autosetup -p1 does with
// %_default_patch_fuzz 2, and returns patch's combined output.
//
// --force answers patch's questions the way a careful user would here
// (never assume a patch is reversed), where rpm relies on stdin not being a
// terminal; no backup or reject files are left in the tree that git add
// would pick up.
func runPatch(ctx context.Context, dir, file string) (string, error) {
	out, err := proc.Run(ctx, proc.Cmd{Program: "patch", Args: []string{"-p1", "--fuzz=2", "--force",
		"--no-backup-if-mismatch", "--reject-file=-", "--input", file},
		Dir: dir, Env: patchEnv(), CombinedOutput: true})
	return string(out), err
}

// patchEnv is the caller's environment without what changes patch's
// behaviour (POSIXLY_CORRECT turns off its git-diff support; backup
// settings), with untranslated messages.
func patchEnv() []string {
	return proc.Environ([]string{"POSIXLY_CORRECT", "LC_ALL", "LANGUAGE", "PATCH_GET", "PATCH_VERSION_CONTROL",
		"VERSION_CONTROL", "SIMPLE_BACKUP_SUFFIX", "QUOTING_STYLE"}, "LC_ALL=C", "QUOTING_STYLE=literal")
}

// cause is why a program failed ("exit status 1"), without the command
// line a *proc.Error adds: the messages that show it name the program
// themselves.
func cause(err error) error {
	var pe *proc.Error
	if errors.As(err, &pe) && pe.Err != nil {
		return pe.Err
	}
	return err
}
