package srpm

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/patchqueue/pqtools/internal/git"
)

// Reuse lets the imports of one --all run share the patches their
// revisions have in common. Consecutive revisions of an SRPM mostly carry
// the same patches on the same base, but an import's commits are dated by
// their own revision, so the commits of a shared prefix cannot be taken as
// they are: they are written again with the same trees, authors and
// messages, a new parent chain and the new revision's committer date. That
// gives exactly the commits applying the patches again would make (the
// tests compare both), for the cost of one cat-file and one hash-object.
// A Reuse is safe for concurrent use.
type Reuse struct {
	mu     sync.Mutex
	chains []reuseChain
}

// reuseChain is one import's patch commits, oldest first, and the keys of
// the patches that made them.
type reuseChain struct {
	base    string
	keys    []patchKey
	commits []string
}

// patchKey identifies what a patch commit depends on besides its parent:
// the patch's number, file name and contents.
type patchKey [sha256.Size]byte

func patchKeys(ps []Patch) []patchKey {
	keys := make([]patchKey, len(ps))
	for i, p := range ps {
		h := sha256.New()
		fmt.Fprintf(h, "%d\x00%s\x00%d\x00", p.Num, p.File, len(p.Data))
		h.Write(p.Data)
		copy(keys[i][:], h.Sum(nil))
	}
	return keys
}

// longest returns the commits of the longest prefix of keys an earlier
// import on base applied.
func (r *Reuse) longest(base string, keys []patchKey) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best []string
	for _, c := range r.chains {
		if c.base != base {
			continue
		}
		n := 0
		for n < len(keys) && n < len(c.keys) && keys[n] == c.keys[n] {
			n++
		}
		if n > len(best) {
			best = c.commits[:n]
		}
	}
	return best
}

func (r *Reuse) add(base string, keys []patchKey, commits []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chains = append(r.chains, reuseChain{base: base, keys: keys, commits: commits})
}

// errNotReusable says an earlier commit is not one an import made; the
// patches are then applied again.
var errNotReusable = errors.New("not an import's commit")

// recommit writes the commits of prefix again on base, dated date, and
// returns their ids, oldest first.
func recommit(ctx context.Context, code *git.Repo, base string, prefix []string, date time.Time) ([]string, error) {
	objs, err := code.CatObjects(ctx, prefix, git.ObjectOptions{})
	if err != nil {
		return nil, err
	}
	committer := []byte("committer " + CommitterName + " <" + CommitterEmail + "> " + GitDate(date)[1:])
	parent := base
	bodies := make([][]byte, len(objs))
	ids := make([]string, len(objs))
	for i, obj := range objs {
		if obj.Missing || obj.Type != git.TypeCommit {
			return nil, errNotReusable
		}
		body, err := reparent(obj.Data, parent, committer)
		if err != nil {
			return nil, err
		}
		sum := sha1.Sum(append([]byte("commit "+strconv.Itoa(len(body))+"\x00"), body...))
		bodies[i], ids[i] = body, fmt.Sprintf("%x", sum)
		parent = ids[i]
	}
	written, err := code.WriteObjects(ctx, git.TypeCommit, bodies)
	if err != nil {
		return nil, err
	}
	for i := range ids {
		if i >= len(written) || written[i] != ids[i] {
			return nil, fmt.Errorf("rewritten commit %d: git wrote a different id", i)
		}
	}
	return ids, nil
}

// reparent rewrites a commit's single parent and its committer line.
func reparent(data []byte, parent string, committer []byte) ([]byte, error) {
	head, msg, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		head, msg = data, nil
	}
	lines := bytes.Split(head, []byte("\n"))
	parents, committers := 0, 0
	for i, l := range lines {
		switch {
		case bytes.HasPrefix(l, []byte("parent ")):
			parents++
			lines[i] = []byte("parent " + parent)
		case bytes.HasPrefix(l, []byte("committer ")):
			committers++
			// Only a commit an import made: its committer is fixed.
			if !bytes.HasPrefix(l, committer[:bytes.LastIndexByte(committer[:bytes.LastIndexByte(committer, ' ')], ' ')+1]) {
				return nil, errNotReusable
			}
			lines[i] = committer
		case bytes.HasPrefix(l, []byte("gpgsig")), bytes.HasPrefix(l, []byte(" ")):
			return nil, errNotReusable
		}
	}
	if parents != 1 || committers != 1 {
		return nil, errNotReusable
	}
	out := bytes.Join(lines, []byte("\n"))
	if ok {
		out = append(append(out, "\n\n"...), msg...)
	}
	return out, nil
}
