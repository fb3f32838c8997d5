package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// pinnedEnv is the environment for a repository given with -repo: the
// caller's, with git's output and locking pinned as the tools pin them.
func pinnedEnv() []string {
	return append(os.Environ(), "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
}

// git runs git in dir and returns its standard output.
func (b *bench) git(dir string, stdin []byte, args ...string) ([]byte, error) {
	c := exec.Command("git", args...)
	c.Dir, c.Env = dir, b.env
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	var errb bytes.Buffer
	c.Stderr = &errb
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out, nil
}

func (b *bench) lines(args ...string) ([]string, error) {
	out, err := b.git(b.repo, nil, args...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// prepare picks the objects the operations read (with git, untimed) and
// makes the two copies in tmp: the working copy all operations read, and a
// `clone --shared` of it.
func (b *bench) prepare(tmp string, nblobs, npatches int, gc bool) error {
	ids, err := b.lines("rev-parse", "--verify", "--end-of-options", b.newTag+"^{commit}")
	if err != nil {
		return err
	}
	b.newBase = ids[0]
	if ids, err = b.lines("rev-parse", "--verify", "--end-of-options", b.newQueue+"^{commit}"); err != nil {
		return err
	}
	b.oneCommit = ids[0]
	if b.oldQueueCommits, err = b.lines("rev-list", "--topo-order", "--end-of-options", b.oldQueue, "^"+b.oldTag, "--"); err != nil {
		return err
	}
	newQ, err := b.lines("rev-list", "--topo-order", "--end-of-options", b.newQueue, "^"+b.newTag, "--")
	if err != nil {
		return err
	}
	b.queueCommits = append(append([]string{}, b.oldQueueCommits...), newQ...)

	// The blobs the queues change, before and after, as a review reads
	// them; topped up from the new base's tree when the queues are small.
	raw, err := b.git(b.repo, nil, "log", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "--format=",
		"--end-of-options", b.oldQueue, "^"+b.oldTag, b.newQueue, "^"+b.newTag, "--")
	if err != nil {
		return err
	}
	seen := map[string]bool{strings.Repeat("0", 40): true}
	add := func(id string) {
		if len(b.blobs) < nblobs && !seen[id] {
			seen[id] = true
			b.blobs = append(b.blobs, id)
		}
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 5 && strings.HasPrefix(f[0], ":") && f[0] != ":160000" {
			add(f[2])
			add(f[3])
		}
	}
	tree, err := b.git(b.repo, nil, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", b.newBase)
	if err != nil {
		return err
	}
	for _, e := range strings.Split(string(tree), "\x00") {
		if f := strings.Fields(e); len(f) >= 3 && f[1] == "blob" {
			add(f[2])
		}
	}
	if npatches > 0 {
		if b.patchCommits, err = b.lines("rev-list", "--no-merges", "-n", fmt.Sprint(npatches), "--end-of-options", b.newBase, "--"); err != nil {
			return err
		}
	}

	// The copy the operations read: a local bare clone (hard links, so the
	// generated data stays as it is for the other benchmarks), given a note
	// on every old queue commit, then packed by `git gc` as a maintained
	// repository is (-gc=false keeps fast-import's packs instead).
	b.work = filepath.Join(tmp, "work")
	if _, err := b.git(tmp, nil, "clone", "-q", "--bare", "--", b.repo, b.work); err != nil {
		return err
	}
	var fi bytes.Buffer
	fi.WriteString("commit refs/notes/commits\ncommitter Bench <bench@example.org> 1700000000 +0000\ndata 12\nbench notes\n")
	for i, c := range b.oldQueueCommits {
		text := fmt.Sprintf("Dropped in the rebase to %s: merged upstream as part of series %d.\nReviewed-by: Bench <bench@example.org>\n", b.newTag, i)
		fmt.Fprintf(&fi, "N inline %s\ndata %d\n%s", c, len(text), text)
	}
	if _, err := b.git(b.work, fi.Bytes(), "fast-import", "--quiet"); err != nil {
		return err
	}
	b.noteTargets = b.oldQueueCommits
	if gc {
		if _, err := b.git(b.work, nil, "-c", "gc.auto=0", "gc", "--quiet"); err != nil {
			return err
		}
	}

	b.sharedRepo = filepath.Join(tmp, "shared")
	_, err = b.git(tmp, nil, "clone", "-q", "--bare", "--shared", "--", b.work, b.sharedRepo)
	return err
}

// addObjects writes n small blobs into a second pack of the working copy:
// a larger object database, as a kernel repository's (about ten million
// objects), without generating a larger history.
func (b *bench) addObjects(n int) error {
	var fi bytes.Buffer
	for i := 0; i < n; i++ {
		d := fmt.Sprintf("extra object %d\n", i)
		fmt.Fprintf(&fi, "blob\ndata %d\n%s", len(d), d)
	}
	_, err := b.git(b.work, fi.Bytes(), "fast-import", "--quiet")
	return err
}
