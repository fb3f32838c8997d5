package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	for name, write := range map[string]func(string, []byte, os.FileMode) error{"Write": Write, "WriteUnsynced": WriteUnsynced} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "f")
			if err := write(p, []byte("one"), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := write(p, []byte("two"), 0o640); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(p)
			fi, _ := os.Stat(p)
			if err != nil || string(data) != "two" || fi.Mode().Perm() != 0o640 {
				t.Fatalf("%q %v %v", data, fi.Mode(), err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("temporary files left: %v", ents)
			}
			if err := write(filepath.Join(dir, "missing", "f"), nil, 0o644); err == nil {
				t.Error("write into a missing directory succeeded")
			}
		})
	}
}
