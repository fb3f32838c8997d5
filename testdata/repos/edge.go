package repos

import (
	"os"
	"path/filepath"

	"github.com/patchqueue/pqtools/internal/demo"
)

// Edge builds a small repository of commits that stress diff parsing: no
// newline at end of file, paths with spaces, quotes and non-ASCII bytes,
// symlinks, empty files, mode-only changes, deletions, CRLF, form feeds
// and vertical tabs, and binary files alone and mixed with text. It returns the commit ids oldest first.
// "binary-a" and "binary-b" make different changes to the same binary file
// from the same preimage content, on two branches.
func Edge(env *Env, dir string) (map[string]string, []string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	if _, err := env.Git(dir, "init", "-q"); err != nil {
		return nil, nil, err
	}
	named := map[string]string{}
	var order []string
	when := Epoch
	write := func(name string, data []byte, mode os.FileMode) error {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, mode); err != nil {
			return err
		}
		return os.Chmod(p, mode)
	}
	commit := func(name, msg string) error {
		when += 60
		sha, err := commitAt(env, dir, when, msg, "--allow-empty")
		named[name], order = sha, append(order, sha)
		return err
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"root", func() error {
			return write("src/main.c", []byte("int main(void)\n{\n\treturn 0;\n}\n"), 0o644)
		}},
		{"no-newline", func() error { return write("src/nonl.c", []byte("int x;\nint y;"), 0o644) }},
		{"no-newline-edit", func() error { return write("src/nonl.c", []byte("int x;\nint z;"), 0o644) }},
		{"space-path", func() error { return write("docs/read me.txt", []byte("hello\nworld\n"), 0o644) }},
		{"quoted-path", func() error {
			return write("src/caf\xc3\xa9 \"q\".c", []byte("/* caf\xc3\xa9 */\nint cafe;\n"), 0o644)
		}},
		{"tab-path", func() error { return write("src/a\tb.c", []byte("int ab;\n"), 0o644) }},
		{"symlink", func() error { return os.Symlink("main.c", filepath.Join(dir, "src/link.c")) }},
		{"empty-file", func() error { return write("src/empty.h", nil, 0o644) }},
		{"mode-only", func() error { return os.Chmod(filepath.Join(dir, "src/main.c"), 0o755) }},
		{"mode-and-content", func() error {
			return write("src/main.c", []byte("int main(void)\n{\n\treturn 1;\n}\n"), 0o644)
		}},
		{"crlf", func() error { return write("src/dos.c", []byte("int a;\r\nint b;\r\n"), 0o644) }},
		{"whitespace-only", func() error { return write("src/dos.c", []byte("int  a;\r\nint b;\r\n"), 0o644) }},
		{"delete", func() error { return os.Remove(filepath.Join(dir, "docs/read me.txt")) }},
		{"binary-new", func() error { return write("fw/blob.bin", demo.BinaryBlob(7), 0o644) }},
		{"binary-and-text", func() error {
			if err := write("fw/blob.bin", demo.BinaryBlob(8), 0o644); err != nil {
				return err
			}
			if err := write("src/a.c", []byte("int a1;\n"), 0o644); err != nil {
				return err
			}
			return write("zz/z.c", []byte("int z1;\n"), 0o644)
		}},
		{"binary-and-mode", func() error {
			if err := write("fw/blob.bin", demo.BinaryBlob(9), 0o644); err != nil {
				return err
			}
			return os.Chmod(filepath.Join(dir, "src/a.c"), 0o755)
		}},
		{"binary-delete", func() error { return os.Remove(filepath.Join(dir, "fw/blob.bin")) }},
		{"empty", func() error { return nil }},
		// Form feeds (old kernel sources have them between sections) and
		// vertical tabs: white space to C, not to git patch-id.
		{"form-feed", func() error { return write("src/ff.c", []byte("int f1;\n\f\nint f2;\n"), 0o644) }},
		{"form-feed-edit", func() error { return write("src/ff.c", []byte("int f1;\n\f\nint f3;\v\n"), 0o644) }},
		{"binary-base", func() error { return write("fw/other.bin", demo.BinaryBlob(20), 0o644) }},
		{"binary-a", func() error { return write("fw/other.bin", demo.BinaryBlob(21), 0o644) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return nil, nil, err
		}
		if err := commit(s.name, s.name+"\n"); err != nil {
			return nil, nil, err
		}
	}
	if _, err := env.Git(dir, "checkout", "-q", "-b", "other", named["binary-base"]); err != nil {
		return nil, nil, err
	}
	if err := write("fw/other.bin", demo.BinaryBlob(22), 0o644); err != nil {
		return nil, nil, err
	}
	if err := commit("binary-b", "binary-b\n"); err != nil {
		return nil, nil, err
	}
	if _, err := env.Git(dir, "checkout", "-q", "main"); err != nil {
		return nil, nil, err
	}
	return named, order, nil
}
