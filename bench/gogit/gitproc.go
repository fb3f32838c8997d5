package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// The git engine: the commands the tools run (internal/git, internal/notes),
// each started as a process, its output read and parsed.

func (b *bench) gitResolve() (string, error) {
	out, err := b.git(b.work, nil, "rev-parse", "--verify", "--end-of-options", b.newTag+"^{commit}")
	return strings.TrimSpace(string(out)), err
}

// logFormat is the format of internal/git's Log.
const logFormat = "--format=%H%x00%P%x00%an%x00%ae%x00%at%x00%B"

// parseLog returns the number of commits and a summary of the first.
func parseLog(out []byte) (int, string, error) {
	f := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(f)%6 != 0 || len(f) == 0 {
		return 0, "", fmt.Errorf("git log: %d fields", len(f))
	}
	msgBytes := 0
	for i := 5; i < len(f); i += 6 {
		msgBytes += len(f[i])
	}
	parents := len(strings.Fields(f[1]))
	return len(f) / 6, fmt.Sprintf("%s %d parents, %s <%s> %s, %d message bytes", f[0], parents, f[2], f[3], f[4], msgBytes), nil
}

func (b *bench) gitCommit() (string, error) {
	out, err := b.git(b.work, nil, "log", "-z", "-1", "--no-color", "--no-show-signature", logFormat, "--end-of-options", b.oneCommit, "--")
	if err != nil {
		return "", err
	}
	_, s, err := parseLog(out)
	return s, err
}

func (b *bench) gitQueueLog() (string, error) {
	out, err := b.git(b.work, nil, "log", "-z", "--topo-order", "--no-color", "--no-show-signature", logFormat,
		"--end-of-options", b.oldQueue, "^"+b.oldTag, "--")
	if err != nil {
		return "", err
	}
	f := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(f)%6 != 0 {
		return "", fmt.Errorf("git log: %d fields", len(f))
	}
	msgBytes := 0
	for i := 5; i < len(f); i += 6 {
		msgBytes += len(f[i])
	}
	return fmt.Sprintf("%d commits, %d message bytes", len(f)/6, msgBytes), nil
}

// gitNotes is internal/notes.Read: `git notes list`, then the note blobs
// of the wanted commits through one `git cat-file --batch`.
func (b *bench) gitNotes() (string, error) {
	out, err := b.git(b.work, nil, "notes", "list")
	if err != nil {
		return "", err
	}
	want := map[string]bool{}
	for _, c := range b.queueCommits {
		want[c] = true
	}
	var blobs []string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 2 && want[f[1]] {
			blobs = append(blobs, f[0])
		}
	}
	n, size, err := b.catBatch(b.work, blobs)
	return fmt.Sprintf("%d notes, %d bytes", n, size), err
}

func (b *bench) gitBlobs() (string, error) {
	n, size, err := b.catBatch(b.work, b.blobs)
	return fmt.Sprintf("%d blobs, %d bytes", n, size), err
}

// catBatch reads objects through one `git cat-file --batch`, as
// internal/git's ReadObjects does, and returns their number and size.
func (b *bench) catBatch(dir string, ids []string) (int, int64, error) {
	var in bytes.Buffer
	for _, id := range ids {
		in.WriteString(id)
		in.WriteByte('\n')
	}
	c := exec.Command("git", "cat-file", "--batch")
	c.Dir, c.Env, c.Stdin = dir, b.env, &in
	stdout, err := c.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := c.Start(); err != nil {
		return 0, 0, err
	}
	br := bufio.NewReaderSize(stdout, 64<<10)
	var n int
	var total int64
	var buf []byte
	for range ids {
		hdr, err := br.ReadString('\n')
		if err != nil {
			c.Wait()
			return 0, 0, fmt.Errorf("cat-file: %v", err)
		}
		f := strings.Fields(hdr)
		if len(f) != 3 {
			c.Wait()
			return 0, 0, fmt.Errorf("cat-file: %q", hdr)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			c.Wait()
			return 0, 0, err
		}
		if int64(cap(buf)) < size+1 {
			buf = make([]byte, size+1)
		}
		if _, err := io.ReadFull(br, buf[:size+1]); err != nil {
			c.Wait()
			return 0, 0, err
		}
		n++
		total += size
	}
	return n, total, c.Wait()
}

func (b *bench) gitTree() (string, error) {
	out, err := b.git(b.work, nil, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", b.newBase)
	if err != nil {
		return "", err
	}
	n := 0
	for _, e := range strings.Split(string(out), "\x00") {
		if _, path, ok := strings.Cut(e, "\t"); ok && path != "" {
			n++
		}
	}
	return fmt.Sprintf("%d paths", n), nil
}

// patchArgs are internal/git's PatchIDDiffArgs.
var patchArgs = []string{
	"diff-tree", "--stdin", "--always", "--root", "-p", "--full-index", "--no-renames",
	"--diff-algorithm=myers", "--no-indent-heuristic", "--unified=3", "--no-color",
	"--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative",
}

func (b *bench) gitPatches() (string, error) {
	in := []byte(strings.Join(b.patchCommits, "\n") + "\n")
	out, err := b.git(b.work, in, patchArgs...)
	return fmt.Sprintf("%d bytes", len(out)), err
}
