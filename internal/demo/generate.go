package demo

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
)

// Params scale a generated repository.
type Params struct {
	Upstream int   // upstream commits between the old and the new base tag
	Queue    int   // generic queue patches besides the named cases
	Files    int   // generated C files
	Releases int   // tags after the old base, the last being the new base
	Seed     int64 // for the choice of upstream edits
	// Functions per generated file (default 8); sets file size, which sets
	// what a diff costs (kernel .c files run to hundreds of lines).
	Functions int
}

// Small is the default for tests and the demo: every case, a few seconds.
func Small() Params { return Params{Upstream: 40, Queue: 8, Files: 16, Releases: 6, Seed: 1} }

// Expected is the generator's ground truth for one old queue commit: what
// the review must say about it.
type Expected struct {
	Case         string
	Title        string
	Old          string
	Status       string // same, patch-id, title, similar or dropped
	Upstream     bool
	New          string // counterpart in the new queue or upstream
	AlsoUpstream string
	Note         string
	Explained    bool // the new message explains a conflict
}

// Fixture is a generated repository and what was put in it.
type Fixture struct {
	Dir    string
	Env    *Env
	OldTag string
	NewTag string
	// Full commit ids of the two queues' bases and tips.
	OldBase, OldTip, NewBase, NewTip string
	Expected                         []Expected
	// Added lists the new queue commits no old commit maps to, in the
	// order of the new range (oldest first); Merges the merge commits of
	// the new range.
	Added  []string
	Merges []string
	// Commits names notable commits: "old:<case>", "new:<case>", "up:<case>", "mainline".
	Commits map[string]string
}

var (
	upstreamAuthors = []ident{
		{"Linus Upstream", "linus@kernel.example"}, {"Ada Maintainer", "ada@kernel.example"},
		{"Ben Netdev", "ben@kernel.example"}, {"Chloe Storage", "chloe@kernel.example"},
		{"Dan Memory", "dan@kernel.example"},
	}
	stableCommitter = ident{"Stable Maintainer", "stable@kernel.example"}
	vendorDev       = ident{"Vendor Dev", "dev@vendor.example"}
	vendorPackager  = ident{"Jane Packager", "jane@vendor.example"}
	botCommitter    = ident{CommitterName, CommitterEmail}
)

// qpatch is one patch of the old queue and what the rebase did to it.
type qpatch struct {
	name    string
	slot    slot
	title   string
	body    string
	author  ident
	apply   func(tree)
	fate    string // keep, context, upstream, trailer, titleup, alsoup, reword, dropped
	explain bool   // the rebased commit explains its conflict
	note    string
	// for fates that need an upstream commit
	upTitle string
	upApply func(tree)
	// for reword
	newTitle string
	newApply func(tree)
	// filled while writing
	oldMark string
	newMark string
}

type added struct {
	after string // name of the old patch it follows in the new queue ("" = first)
	title string
	apply func(tree)
	side  bool // committed on a side branch merged into the queue
}

// Build generates a repository in dir (created if needed).
func Build(dir string, p Params) (*Fixture, error) {
	if p.Files < 12 || p.Releases < 1 || p.Upstream < 10 {
		return nil, fmt.Errorf("demo: params too small: %+v", p)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	env, err := NewEnv(filepath.Join(dir, ".."+string(filepath.Separator)+filepath.Base(dir)+"-env"))
	if err != nil {
		return nil, err
	}
	return BuildWithEnv(env, dir, p)
}

// BuildWithEnv generates the repository using an existing environment.
func BuildWithEnv(env *Env, dir string, p Params) (*Fixture, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := env.Git(dir, "init", "-q"); err != nil {
		return nil, err
	}
	g := &gen{p: p, env: env, dir: dir, rnd: rand.New(rand.NewSource(p.Seed)), st: newStream(), fns: p.Functions}
	if g.fns <= 0 {
		g.fns = 8
	}
	if err := g.st.begin(env, dir, false); err != nil {
		return nil, err
	}
	g.plan()
	if err := g.writeUpstream(); err != nil {
		return nil, err
	}
	if err := g.writeQueues(); err != nil {
		return nil, err
	}
	if _, err := g.st.end(); err != nil {
		return nil, err
	}
	os.Remove(filepath.Join(dir, ".git", "pq-marks"))
	if _, err := env.Git(dir, "checkout", "-q", "queue-new"); err != nil {
		return nil, err
	}
	return g.fixture(), nil
}

type gen struct {
	p     Params
	fns   int
	env   *Env
	dir   string
	rnd   *rand.Rand
	st    *stream
	marks map[string]string

	nextSlot int
	patches  []*qpatch
	adds     []added
	byName   map[string]*qpatch

	base0, base1 tree
	oldTag       string
	newTag       string
	oldTagMark   string
	newTagMark   string
	mainline     string
	fx           Fixture
	upMarks      map[string]string
	ctxMarks     map[string]string
	ctxTitles    map[string]string
	addedMarks   []string
	mergeMarks   []string
}

func (g *gen) slot() slot {
	n := g.nextSlot
	g.nextSlot++
	return slot{file: n % g.p.Files, fn: (n / g.p.Files) % g.fns}
}

func ins(s slot, n int) func(tree) { return insLines(s, patchLines(s, n)) }

// insLines and delLines take the slot by value: closures over a variable
// that plan() reassigns would all edit the last slot.
func insLines(s slot, l []string) func(tree) { return func(t tree) { insertAt(t, s, l) } }

func delLines(s slot, l []string) func(tree) { return func(t tree) { removeAfter(t, s, l) } }

const (
	firmwarePath = "firmware/acme/garply.bin"
	renameFrom   = "scripts/waldo.sh"
	renameTo     = "scripts/waldo-helper.sh"
	modePath     = "scripts/fred.sh"
)

// plan decides the queue: the named cases first, then generic patches.
func (g *gen) plan() {
	g.byName = map[string]*qpatch{}
	add := func(q *qpatch) {
		if q.author.name == "" {
			q.author = vendorDev
		}
		if q.body == "" {
			q.body = "Downstream change carried by the vendor kernel."
		}
		g.patches = append(g.patches, q)
		g.byName[q.name] = q
	}
	sub := func(s slot) string { return subsystem(s.file) }

	add(&qpatch{name: "empty", title: "vendor: start of downstream patches", fate: "keep",
		body: "Marker commit: the vendor queue starts here.", apply: func(tree) {}})
	s := g.slot()
	add(&qpatch{name: "unchanged", slot: s, title: sub(s) + ": add quirk for rev B boards", fate: "keep", apply: ins(s, 1)})
	s = g.slot()
	add(&qpatch{name: "context", slot: s, title: sub(s) + ": fix refcount leak on error path", fate: "context", explain: true, apply: ins(s, 2)})
	s = g.slot()
	add(&qpatch{name: "upstream", slot: s, title: sub(s) + ": avoid NULL dereference on probe", fate: "upstream", apply: ins(s, 3),
		upTitle: sub(s) + ": avoid NULL dereference on probe"})
	s = g.slot()
	bl := patchLines(s, 4)
	more := append(append([]string{}, bl...), "\tret = 0;")
	add(&qpatch{name: "backport", slot: s, title: sub(s) + ": fix timeout handling", fate: "trailer",
		apply:   insLines(s, bl),
		upTitle: sub(s) + ": fix timeout handling", upApply: insLines(s, more)})
	s, s2 := g.slot(), g.slot()
	add(&qpatch{name: "same-title-upstream", slot: s, title: sub(s) + ": add debug knob", fate: "keep", apply: ins(s, 5),
		upTitle: sub(s) + ": add debug knob", upApply: ins(s2, 55)})
	s, s2 = g.slot(), g.slot()
	add(&qpatch{name: "title-upstream", slot: s, title: sub(s) + ": handle -EAGAIN from firmware", fate: "titleup", apply: ins(s, 6),
		upTitle: sub(s) + ": handle -EAGAIN from firmware", upApply: ins(s2, 66)})
	s = g.slot()
	add(&qpatch{name: "carried-again", slot: s, title: sub(s) + ": drop stale lock in teardown", fate: "alsoup", explain: true,
		apply: ins(s, 7), upTitle: sub(s) + ": drop stale lock in teardown"})
	add(&qpatch{name: "binary", title: "firmware: acme: update garply blob to 2.1", fate: "keep",
		apply: func(t tree) { t[firmwarePath] = entry{mode: "100644", data: BinaryBlob(2)} }})
	add(&qpatch{name: "rename", title: "scripts: rename waldo helper", fate: "keep",
		apply: func(t tree) { t[renameTo] = t[renameFrom]; delete(t, renameFrom) }})
	add(&qpatch{name: "mode", title: "scripts: make fred.sh executable", fate: "keep",
		apply: func(t tree) { t[modePath] = entry{mode: "100755", data: t[modePath].data} }})
	s = g.slot()
	add(&qpatch{name: "dup-title-1", slot: s, title: "defconfig: enable acme drivers", fate: "keep", apply: ins(s, 8)})
	s = g.slot()
	rl := patchLines(s, 9)
	rl2 := append(append([]string{}, rl[:2]...), fmt.Sprintf("\t\tret = %s_quirk_fixed(dev, arg);", fileBase(s.file)), rl[3])
	add(&qpatch{name: "reworded", slot: s, title: sub(s) + ": fix leak in probe", fate: "reword",
		apply: insLines(s, rl), newTitle: sub(s) + ": plug memory leak in " + fnName(s) + "()",
		newApply: insLines(s, rl2)})
	s = g.slot()
	add(&qpatch{name: "dup-title-2", slot: s, title: "defconfig: enable acme drivers", fate: "context", apply: ins(s, 10)})
	s = g.slot()
	ql := patchLines(s, 11)
	add(&qpatch{name: "dup-id-1", slot: s, title: sub(s) + ": add suspend quirk", fate: "keep", apply: insLines(s, ql)})
	add(&qpatch{name: "dup-id-revert", title: "Revert \"" + sub(s) + ": add suspend quirk\"", fate: "keep",
		body: "This reverts the quirk: it broke resume.", apply: delLines(s, ql)})
	add(&qpatch{name: "dup-id-2", title: sub(s) + ": add suspend quirk", fate: "keep",
		body: "Reapply now that resume is fixed.", apply: insLines(s, ql)})
	s = g.slot()
	add(&qpatch{name: "dropped", slot: s, title: sub(s) + ": legacy hack for old firmware", fate: "dropped", apply: ins(s, 12)})
	s = g.slot()
	add(&qpatch{name: "dropped-noted", slot: s, title: sub(s) + ": workaround for broken BIOS tables", fate: "dropped", apply: ins(s, 13),
		note: "Dropped: superseded by the upstream rework of the BIOS table parser in v4.19.22."})

	s = g.slot()
	g.adds = append(g.adds, added{after: "mode", title: sub(s) + ": support rev C boards", apply: ins(s, 14)})
	s = g.slot()
	g.adds = append(g.adds, added{after: "mode", title: sub(s) + ": add fallback for missing firmware", apply: ins(s, 15), side: true})

	// Generic patches in the proportions of a real rebase.
	for i := 0; i < g.p.Queue; i++ {
		s := g.slot()
		n := 100 + i
		q := &qpatch{name: fmt.Sprintf("q%d", i), slot: s, apply: ins(s, n), author: vendorPackager}
		switch i % 20 {
		case 2, 3:
			q.fate, q.explain, q.title = "context", true, sub(s)+fmt.Sprintf(": fix error handling in fn%d", s.fn)
		case 5, 6:
			q.fate, q.title = "upstream", sub(s)+fmt.Sprintf(": backport fix for request %d", s.fn)
			q.upTitle = q.title
		case 9:
			q.fate, q.title = "dropped", sub(s)+fmt.Sprintf(": temporary workaround %d", n)
			if i%40 == 9 {
				q.note = "Dropped: no longer needed with the new base."
			}
		default:
			q.fate, q.title = "keep", sub(s)+fmt.Sprintf(": add quirk %d", n)
		}
		add(q)
		if i%25 == 12 {
			s := g.slot()
			g.adds = append(g.adds, added{after: q.name, title: sub(s) + fmt.Sprintf(": add tracepoint %d", n), apply: ins(s, 10000+n)})
		}
	}
	s = g.slot()
	g.adds = append(g.adds, added{after: g.patches[len(g.patches)-1].name, title: sub(s) + ": add sysfs attribute", apply: ins(s, 16)})
	if g.nextSlot > g.p.Files*g.fns {
		panic("demo: not enough files for the queue")
	}
}

func rootTree(files, fns int) tree {
	t := tree{}
	for i := 0; i < files; i++ {
		t[filePath(i)] = entry{mode: "100644", data: sourceFile(i, fns)}
	}
	t[firmwarePath] = entry{mode: "100644", data: BinaryBlob(1)}
	t[renameFrom] = entry{mode: "100644", data: []byte("#!/bin/sh\n# waldo helper\nexec waldo \"$@\"\n")}
	t[modePath] = entry{mode: "100644", data: []byte("#!/bin/sh\necho fred\n")}
	t["Makefile"] = entry{mode: "100644", data: []byte("VERSION = 4\nPATCHLEVEL = 19\nSUBLEVEL = 19\n")}
	return t
}

func signoff(who ident) string { return "Signed-off-by: " + who.name + " <" + who.email + ">" }

func (g *gen) sha12(mark string) string { return g.marks[mark][:12] }
