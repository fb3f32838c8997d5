package srpm

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

// TestRunPatchGitFeatures checks that the patch(1) fallback keeps what a
// git-style diff without mail headers carries: a rename with changes, a new
// executable file, a mode change, a deletion and a missing final newline.
func TestRunPatchGitFeatures(t *testing.T) {
	dir := t.TempDir()
	env, err := repos.NewEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := func(d string, args ...string) string {
		t.Helper()
		return repos.Git(t, env, d, args...)
	}
	write := func(d, name, text string, mode os.FileMode) {
		t.Helper()
		p := filepath.Join(d, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(dir, "src")
	g(dir, "init", "-q", src)
	write(src, "old/name.c", cfileText(30), 0o644)
	write(src, "gone.txt", "bye\n", 0o644)
	write(src, "tool.sh", "#!/bin/sh\n", 0o644)
	write(src, "tail.txt", "no newline", 0o644)
	g(src, "add", "-A")
	g(src, "commit", "-q", "-m", "base")
	g(dir, "clone", "-q", src, filepath.Join(dir, "dst"))
	if err := os.Mkdir(filepath.Join(src, "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	g(src, "mv", "old/name.c", "new/name.c")
	write(src, "new/name.c", cfileText(30)+"int extra;\n", 0o644)
	g(src, "rm", "-q", "gone.txt")
	write(src, "tool.sh", "#!/bin/sh\n", 0o755)
	write(src, "bin/run", "#!/bin/sh\necho run\n", 0o755)
	write(src, "tail.txt", "still no newline", 0o644)
	g(src, "add", "-A")
	g(src, "commit", "-q", "-m", "change")
	diff := g(src, "diff", "-M", "HEAD~", "HEAD") + "\n"
	file := filepath.Join(dir, "p.diff")
	if err := os.WriteFile(file, []byte(diff), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "dst")
	if out, err := runPatch(context.Background(), dst, file); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, diff)
	}
	g(dst, "add", "-A", "-f")
	g(dst, "commit", "-q", "-m", "patched")
	if a, b := g(src, "rev-parse", "HEAD^{tree}"), g(dst, "rev-parse", "HEAD^{tree}"); a != b {
		t.Errorf("patch(1) gave another tree:\n%s\nwant:\n%s", g(dst, "ls-tree", "-r", "HEAD"), g(src, "ls-tree", "-r", "HEAD"))
	}
}

func cfileText(n int) string {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString("int line" + string(rune('a'+i%26)) + ";\n")
	}
	return b.String()
}

func TestDecompress(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("--- a/f\n+++ b/f\n"))
	zw.Close()
	if got, err := decompress(context.Background(), gz.Bytes(), DefaultMaxPatchSize); err != nil || string(got) != "--- a/f\n+++ b/f\n" {
		t.Errorf("gzip: %q, %v", got, err)
	}
	if got, err := decompress(context.Background(), []byte("BZh is a word\n"), DefaultMaxPatchSize); err != nil || string(got) != "BZh is a word\n" {
		t.Errorf("text starting BZh: %q, %v", got, err)
	}
	if _, err := decompress(context.Background(), []byte{0xfd, '7', 'z', 'X', 'Z', 0, 1}, DefaultMaxPatchSize); err == nil {
		t.Error("broken xz: no error")
	}
	// The formats Go lacks go through the programs rpm uses too; the
	// compressed bytes come from those programs.
	const text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
	for _, c := range [][]string{{"xz", "-c"}, {"xz", "--format=lzma", "-c"}, {"zstd", "-q", "-c"}} {
		if _, err := exec.LookPath(c[0]); err != nil {
			t.Logf("%s not installed: not checked", c[0])
			continue
		}
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Stdin = strings.NewReader(text)
		packed, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		if got, err := decompress(context.Background(), packed, DefaultMaxPatchSize); err != nil || string(got) != text {
			t.Errorf("%v: %q, %v", c, got, err)
		}
	}
	if _, err := decompress(context.Background(), []byte{0x1f, 0x8b, 0}, DefaultMaxPatchSize); err == nil {
		t.Error("broken gzip: no error")
	}
}

// A small compressed patch of a huge text is refused at the cap, and the
// memory used stays near the cap, not the text's size (a 157 KB .xz of
// 1 GiB took 6.3 GB before).
func TestDecompressionBomb(t *testing.T) {
	const size = 32 << 20 // zeros, decompressed
	const max = 256 << 10
	bombs := map[string][]byte{}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zeros := make([]byte, 1<<20)
	for i := 0; i < size>>20; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	bombs["gzip"] = gz.Bytes()
	for _, c := range [][]string{{"xz", "-1", "-c"}, {"xz", "--format=lzma", "-1", "-c"}, {"zstd", "-q", "-1", "-c"}} {
		cmd := exec.Command("sh", append([]string{"-c", `n=$1; shift; head -c "$n" /dev/zero | "$@"`, "sh", strconv.Itoa(size)}, c...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		bombs[strings.Join(c[:len(c)-2], " ")] = out
	}
	for name, bomb := range bombs {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := decompress(context.Background(), bomb, max)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "--max-patch-size") {
			t.Errorf("%s bomb of %d bytes: %v", name, len(bomb), err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16*max {
			t.Errorf("%s bomb: %d KiB allocated for a %d KiB cap", name, grew>>10, max>>10)
		}
		// Under the cap it decompresses whole.
		if got, err := decompress(context.Background(), bomb, size); err != nil || len(got) != size {
			t.Errorf("%s at the cap: %d bytes, %v", name, len(got), err)
		}
	}
}
