package repos

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The histories Split builds: a rebase in which the queue's commits were
// cut differently, one case each.
const (
	SplitTwo     = "split-2"       // one commit split in two, the first part keeping the title
	SplitThree   = "split-3"       // one commit split in three, every part retitled
	SquashTwo    = "squash-2"      // two commits squashed into one, retitled; an unrelated drop and add beside
	FixupFolded  = "fixup"         // a "fixup!" commit folded into the commit it fixes
	ReorderSplit = "reorder-split" // two commits swapped, the one moved down split in two
)

// SplitCases lists the cases of Split.
var SplitCases = []string{SplitTwo, SplitThree, SquashTwo, FixupFolded, ReorderSplit}

// splitRepo writes a small C tree and commits it with pinned dates.
type splitRepo struct {
	env   *Env
	dir   string
	when  int64
	files map[string][]string
	named map[string]string
}

func (r *splitRepo) git(args ...string) (string, error) { return r.env.Git(r.dir, args...) }

// insert puts lines after the line holding marker.
func (r *splitRepo) insert(path, marker string, lines ...string) {
	f := r.files[path]
	for i, l := range f {
		if strings.Contains(l, marker) {
			out := append(append(append([]string{}, f[:i+1]...), lines...), f[i+1:]...)
			r.files[path] = out
			return
		}
	}
	panic("no marker " + marker + " in " + path)
}

// replace changes the line equal to old into new.
func (r *splitRepo) replace(path, old, new string) {
	for i, l := range r.files[path] {
		if l == old {
			r.files[path][i] = new
			return
		}
	}
	panic("no line " + old + " in " + path)
}

func (r *splitRepo) commit(name, msg string) error {
	paths := make([]string, 0, len(r.files))
	for p := range r.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(r.dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(strings.Join(r.files[p], "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	r.when += 60
	sha, err := commitAt(r.env, r.dir, r.when, msg)
	r.named[name] = sha
	return err
}

func (r *splitRepo) snapshot() map[string][]string {
	out := map[string][]string{}
	for p, ls := range r.files {
		out[p] = append([]string{}, ls...)
	}
	return out
}

// block is n distinct statements of a change called tag.
func block(tag string, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("\t%s_step%d(dev, %d);", tag, i, i*7+1))
	}
	return out
}

// splitBase is the tree the queues start from: three source files with
// slots the patches fill, and a header.
func splitBase() map[string][]string {
	src := func(name string) []string {
		var out []string
		for fn := 0; fn < 3; fn++ {
			out = append(out, fmt.Sprintf("int %s_fn%d(struct device *dev)", name, fn), "{",
				fmt.Sprintf("\t/* %s slot %d */", name, fn), "\treturn 0;", "}", "")
		}
		return out
	}
	return map[string][]string{
		"drivers/acme/core.c": src("core"),
		"drivers/acme/net.c":  src("net"),
		"fs/foo/inode.c":      src("inode"),
		"include/acme.h":      {"#ifndef ACME_H", "#define ACME_H", "/* acme decls */", "#endif"},
	}
}

// Split builds, in dir, the rebase of one of SplitCases: a base (tag v1),
// the old queue on it (branch queue-old), an upstream commit (tag v2) and
// the new queue on that (branch queue-new). Commits are named "old:<x>" and
// "new:<x>" in Fixture.Commits; dates are pinned, so ids are stable.
func Split(env *Env, dir, name string) (*Fixture, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &splitRepo{env: env, dir: dir, when: Epoch, files: splitBase(), named: map[string]string{}}
	if _, err := r.git("init", "-q", "-b", "main"); err != nil {
		return nil, err
	}
	if err := r.commit("base", "acme: initial tree"); err != nil {
		return nil, err
	}
	if _, err := r.git("tag", "v1"); err != nil {
		return nil, err
	}
	base := r.snapshot()
	// Every queue starts with the same unrelated patch: it pairs by
	// patch-id, as most of a real queue does.
	common := func(side string) error {
		r.insert("drivers/acme/core.c", "core slot 0", block("probe_quirk", 3)...)
		return r.commit(side+":quirk", "acme: core: add probe quirk")
	}
	steps, ok := splitSteps[name]
	if !ok {
		return nil, fmt.Errorf("no split case %q", name)
	}
	if _, err := r.git("checkout", "-q", "-b", "queue-old"); err != nil {
		return nil, err
	}
	if err := common("old"); err != nil {
		return nil, err
	}
	if err := steps.old(r); err != nil {
		return nil, err
	}
	if _, err := r.git("checkout", "-q", "main"); err != nil {
		return nil, err
	}
	r.files = base
	r.insert("include/acme.h", "acme decls", "int acme_upstream_helper(void);")
	if err := r.commit("up:helper", "acme: add upstream helper"); err != nil {
		return nil, err
	}
	if _, err := r.git("tag", "v2"); err != nil {
		return nil, err
	}
	if _, err := r.git("checkout", "-q", "-b", "queue-new"); err != nil {
		return nil, err
	}
	if err := common("new"); err != nil {
		return nil, err
	}
	if err := steps.new(r); err != nil {
		return nil, err
	}
	fx := &Fixture{Dir: dir, Env: env, OldTag: "v1", NewTag: "v2", Commits: r.named}
	fx.OldBase, fx.NewBase = r.named["base"], r.named["up:helper"]
	var err error
	if fx.OldTip, err = r.git("rev-parse", "queue-old"); err != nil {
		return nil, err
	}
	if fx.NewTip, err = r.git("rev-parse", "queue-new"); err != nil {
		return nil, err
	}
	return fx, nil
}

type splitCase struct{ old, new func(*splitRepo) error }

// seq runs commits in order, stopping at the first error.
func seq(fs ...func() error) error {
	for _, f := range fs {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

var splitSteps = map[string]splitCase{
	SplitTwo: {
		old: func(r *splitRepo) error {
			r.insert("drivers/acme/net.c", "net slot 1", block("link_watch", 8)...)
			r.insert("include/acme.h", "acme decls", "int acme_link_watch(struct device *dev);", "int acme_link_unwatch(struct device *dev);")
			return r.commit("old:feature", "acme: net: watch the link state")
		},
		new: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("include/acme.h", "acme decls", "int acme_link_watch(struct device *dev);", "int acme_link_unwatch(struct device *dev);")
				r.insert("drivers/acme/net.c", "net slot 1", block("link_watch", 8)[:5]...)
				return r.commit("new:part1", "acme: net: watch the link state")
			}, func() error {
				r.insert("drivers/acme/net.c", "link_watch_step5", block("link_watch", 8)[5:]...)
				return r.commit("new:part2", "acme: net: report link changes")
			})
		},
	},
	SplitThree: {
		old: func(r *splitRepo) error {
			r.insert("drivers/acme/core.c", "core slot 1", block("reset_seq", 6)...)
			r.insert("drivers/acme/net.c", "net slot 2", block("reset_net", 5)...)
			r.insert("include/acme.h", "acme decls", "int acme_reset(struct device *dev);", "int acme_reset_net(struct device *dev);")
			return r.commit("old:feature", "acme: add device reset")
		},
		new: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("include/acme.h", "acme decls", "int acme_reset(struct device *dev);", "int acme_reset_net(struct device *dev);")
				return r.commit("new:part1", "acme: declare the reset entry points")
			}, func() error {
				r.insert("drivers/acme/core.c", "core slot 1", block("reset_seq", 6)...)
				return r.commit("new:part2", "acme: core: reset sequence")
			}, func() error {
				r.insert("drivers/acme/net.c", "net slot 2", block("reset_net", 5)...)
				return r.commit("new:part3", "acme: net: reset the link on device reset")
			})
		},
	},
	SquashTwo: {
		old: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("fs/foo/inode.c", "inode slot 0", block("inode_lock", 6)...)
				return r.commit("old:part1", "foo: lock the inode on open")
			}, func() error {
				r.insert("fs/foo/inode.c", "inode slot 1", block("inode_unlock", 5)...)
				return r.commit("old:part2", "foo: unlock the inode on release")
			}, func() error {
				r.insert("fs/foo/inode.c", "inode slot 2", block("legacy_hack", 4)...)
				return r.commit("old:dropped", "foo: legacy hack for old disks")
			})
		},
		new: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("fs/foo/inode.c", "inode slot 0", block("inode_lock", 6)...)
				r.insert("fs/foo/inode.c", "inode slot 1", block("inode_unlock", 5)...)
				return r.commit("new:squashed", "foo: lock the inode between open and release")
			}, func() error {
				r.insert("fs/foo/inode.c", "inode slot 2", block("inode_stats", 4)...)
				return r.commit("new:added", "foo: count inode opens")
			})
		},
	},
	FixupFolded: {
		old: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("drivers/acme/core.c", "core slot 2", block("cache_init", 9)...)
				return r.commit("old:target", "acme: core: add a request cache")
			}, func() error {
				r.insert("drivers/acme/net.c", "net slot 0", block("net_stats", 4)...)
				return r.commit("old:between", "acme: net: export statistics")
			}, func() error {
				r.replace("drivers/acme/core.c", "\tcache_init_step4(dev, 29);", "\tcache_init_step4(dev, 30);")
				return r.commit("old:fixup", "fixup! acme: core: add a request cache")
			})
		},
		new: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("drivers/acme/core.c", "core slot 2", block("cache_init", 9)...)
				r.replace("drivers/acme/core.c", "\tcache_init_step4(dev, 29);", "\tcache_init_step4(dev, 30);")
				return r.commit("new:target", "acme: core: add a request cache")
			}, func() error {
				r.insert("drivers/acme/net.c", "net slot 0", block("net_stats", 4)...)
				return r.commit("new:between", "acme: net: export statistics")
			})
		},
	},
	ReorderSplit: {
		old: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("fs/foo/inode.c", "inode slot 1", block("xattr_get", 5)...)
				r.insert("fs/foo/inode.c", "inode slot 2", block("xattr_set", 5)...)
				return r.commit("old:moved", "foo: support extended attributes")
			}, func() error {
				r.insert("drivers/acme/net.c", "net slot 1", block("mtu_check", 4)...)
				return r.commit("old:other", "acme: net: check the MTU")
			})
		},
		new: func(r *splitRepo) error {
			return seq(func() error {
				r.insert("drivers/acme/net.c", "net slot 1", block("mtu_check", 4)...)
				return r.commit("new:other", "acme: net: check the MTU")
			}, func() error {
				r.insert("fs/foo/inode.c", "inode slot 1", block("xattr_get", 5)...)
				return r.commit("new:part1", "foo: read extended attributes")
			}, func() error {
				r.insert("fs/foo/inode.c", "inode slot 2", block("xattr_set", 5)...)
				return r.commit("new:part2", "foo: write extended attributes")
			})
		},
	},
}
