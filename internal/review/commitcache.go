package review

import (
	"bytes"
	"encoding/gob"
	"path/filepath"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/internal/sealed"
)

// commitCache keeps a value per commit id in a file under the common git
// dir. What a commit changed never changes, so entries are never stale;
// a damaged file reads as empty and is replaced on save. Not safe for
// concurrent use.
type commitCache[V any] struct {
	path, magic string
	off         bool
	have, fresh map[string]V
}

func loadCommitCache[V any](repo *git.Repo, name, magic string, noCache bool) *commitCache[V] {
	c := &commitCache[V]{path: filepath.Join(repo.CommonDir, "review-rebase", name), magic: magic,
		off: noCache, have: map[string]V{}, fresh: map[string]V{}}
	if !noCache {
		c.have = c.decode(readFileOrNil(c.path))
	}
	return c
}

func (c *commitCache[V]) decode(data []byte) map[string]V {
	out := map[string]V{}
	body, ok := sealed.Open(c.magic, data)
	if !ok {
		return out
	}
	var m map[string]V
	if gob.NewDecoder(bytes.NewReader(body)).Decode(&m) != nil || m == nil {
		return out
	}
	return m
}

func (c *commitCache[V]) get(sha string) (V, bool) {
	v, ok := c.have[sha]
	return v, ok
}

func (c *commitCache[V]) put(sha string, v V) {
	c.have[sha] = v
	c.fresh[sha] = v
}

// save merges what was put into the file. Another run may have saved
// meanwhile: its entries are read back and kept.
func (c *commitCache[V]) save() error {
	if c.off || len(c.fresh) == 0 {
		return nil
	}
	all := c.decode(readFileOrNil(c.path))
	for k, v := range c.fresh {
		all[k] = v
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(all); err != nil {
		return err
	}
	if err := saveSealed(c.path, c.magic, b.Bytes()); err != nil {
		return err
	}
	c.fresh = map[string]V{} // saved: a later save has nothing of it to add
	return nil
}
