package review

import (
	"github.com/patchqueue/pqtools/internal/git"
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
	c := &commitCache[V]{path: cachePath(repo, name), magic: magic,
		off: noCache, have: map[string]V{}, fresh: map[string]V{}}
	if !noCache {
		c.have = c.read()
	}
	return c
}

// read returns the file's entries; none when it is missing or damaged.
func (c *commitCache[V]) read() map[string]V {
	if m, ok := loadGob[map[string]V](c.path, c.magic); ok && m != nil {
		return m
	}
	return map[string]V{}
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
	all := c.read()
	for k, v := range c.fresh {
		all[k] = v
	}
	if err := saveGob(c.path, c.magic, all); err != nil {
		return err
	}
	c.fresh = map[string]V{} // saved: a later save has nothing of it to add
	return nil
}
