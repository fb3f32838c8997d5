// Package atomicfile replaces files so that a reader, or a crash, sees the
// old content or the new one, never part of it: the data goes to a
// temporary file in the same directory, is synced, and is renamed over the
// target. Specs and patch files are written this way; caches, which check
// themselves, skip the sync (WriteUnsynced).
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces (or creates) path with data and permissions perm.
func Write(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, true)
}

// WriteUnsynced is Write without the sync, for files that check
// themselves (a checksum, internal/sealed) and are worth nothing damaged:
// caches. A reader still sees the old content or the new one; only a crash
// can leave the file short or zeroed (the rename may reach the disk before
// the data), and the checksum turns that into a missing file. The sync
// would cost milliseconds per file on a quiet disk, tens on a busy one,
// and a cold review writes about ten caches.
func WriteUnsynced(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, false)
}

func write(path string, data []byte, perm os.FileMode, sync bool) (err error) {
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
	if sync {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
