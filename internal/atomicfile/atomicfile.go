// Package atomicfile replaces files so that a reader, or a crash, sees the
// old content or the new one, never part of it: the data goes to a
// temporary file in the same directory, is synced, and is renamed over the
// target. Specs, patch files and caches are all written this way.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces (or creates) path with data and permissions perm.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
