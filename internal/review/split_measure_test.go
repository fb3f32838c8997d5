package review

// Measurements of the thresholds of the diff-based tiers on generated
// rebases: the similar tier's Jaccard index, and the split and squash
// tier's containment. The tables of README.md ("Choosing the thresholds")
// come from `go test -run TestMeasure -v ./internal/review/`; the tests pin
// precision and recall at the chosen thresholds to what the README says.
//
// A generated rebase is a queue of old commits, each with a fate (kept,
// context changed, reworded with part of its lines rewritten, split,
// squashed with the next, fixed up by a later "fixup!" commit, partly
// rewritten beside an unrelated new commit, dropped beside an unrelated new
// commit in the same files), and the new queue they become, lightly
// reordered. Patches are changed lines in a few shared files, some of them
// boilerplate that unrelated patches share ("return ret;", "goto out;").
// The matcher runs on their signatures, as Run runs it, minus git.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/patchid"
)

type genLine struct {
	file string
	sign byte
	text string
}

type genPatch []genLine

var boilerplate = []string{"return 0;", "return ret;", "goto out;", "if (ret)", "int ret;", "out:",
	"struct device *dev = &pdev->dev;", "mutex_lock(&priv->lock);", "mutex_unlock(&priv->lock);", "kfree(buf);"}

type gen struct {
	r      *rand.Rand
	n      int // commits made, for unique ids and lines
	sigs   map[string]signature
	old    []*Commit
	new    []*Commit
	truth  map[[2]*Commit]bool    // the pairs the tier under test must report
	share  map[[2]*Commit]float64 // similar: the share of a pair's lines rewritten
	stream strings.Builder        // the commits' patches, read into sigs by finish
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, 14)), truth: map[[2]*Commit]bool{}, share: map[[2]*Commit]float64{}}
}

func (g *gen) uniq() int { g.n++; return g.n }

// patch makes a patch of a few files and 2 to ~40 lines.
func (g *gen) patch() genPatch {
	id := g.uniq()
	nf := 1 + g.r.IntN(3)
	files := g.r.Perm(6)[:nf]
	total := max(2, 2+int(g.r.ExpFloat64()*8))
	total = min(total, 60)
	var p genPatch
	for i := 0; i < total; i++ {
		f := fmt.Sprintf("drivers/acme/f%d.c", files[i*nf/total])
		switch x := g.r.Float64(); {
		case x < 0.12:
			p = append(p, genLine{f, '+', "\t" + boilerplate[g.r.IntN(len(boilerplate))]})
		case x < 0.3:
			p = append(p, genLine{f, '-', fmt.Sprintf("\tlegacy_%d_%d(dev);", id, i)})
		default:
			p = append(p, genLine{f, '+', fmt.Sprintf("\tc%d_op%d(dev, %d);", id, i, g.r.IntN(100))})
		}
	}
	return p
}

// unrelated makes a patch in the files of p that shares none of its own
// lines (boilerplate aside).
func (g *gen) unrelated(p genPatch) genPatch {
	q := g.patch()
	for i := range q {
		q[i].file = p[g.r.IntN(len(p))].file
	}
	return q
}

// siblings makes k patches of one family: the same template lines (a
// quirk table entry, an error path) in the same file, each with a few
// lines of its own, as a queue adding a quirk per board has them.
func (g *gen) siblings(k int) []genPatch {
	fam := g.uniq()
	f := fmt.Sprintf("drivers/acme/f%d.c", g.r.IntN(6))
	var tmpl genPatch
	for i := 0; i < 1+g.r.IntN(3); i++ {
		tmpl = append(tmpl, genLine{f, '+', fmt.Sprintf("\tfamily%d_common%d(dev);", fam, i)})
	}
	var out []genPatch
	for j := 0; j < k; j++ {
		p := append(genPatch{}, tmpl...)
		for i := 0; i < 2+g.r.IntN(5); i++ {
			p = append(p, genLine{f, '+', fmt.Sprintf("\tfamily%d_member%d_op%d(dev);", fam, g.uniq(), i)})
		}
		out = append(out, p)
	}
	return out
}

// mutate rewrites a share of p's lines.
func (g *gen) mutate(p genPatch, share float64) genPatch {
	q := append(genPatch{}, p...)
	n := int(share*float64(len(q)) + 0.5)
	for _, i := range g.r.Perm(len(q))[:n] {
		q[i].text = fmt.Sprintf("%s /* v%d */", strings.TrimSuffix(q[i].text, ";"), g.uniq())
	}
	return q
}

func (g *gen) commit(title string, p genPatch, id patchid.ID) *Commit {
	n := g.uniq()
	c := &Commit{SHA: fmt.Sprintf("%040x", n), Title: title, PatchID: id}
	if id.IsZero() {
		c.PatchID = patchid.ID{byte(n), byte(n >> 8), byte(n >> 16), 1}
	}
	seen := map[string]bool{}
	b := &g.stream
	b.WriteString(c.SHA + "\n")
	byFile := map[string][]genLine{}
	var files []string
	for _, l := range p {
		if !seen[l.file] {
			seen[l.file] = true
			files = append(files, l.file)
		}
		byFile[l.file] = append(byFile[l.file], l)
	}
	for _, f := range files {
		c.Files = append(c.Files, f)
		fmt.Fprintf(b, "diff --git a/%s b/%s\n@@ -1 +1 @@\n", f, f)
		for _, l := range byFile[f] {
			b.WriteString(string(l.sign) + l.text + "\n")
		}
	}
	return c
}

func (g *gen) title() string { return fmt.Sprintf("acme: change %d", g.uniq()) }

// splitQueue generates a rebase for the split and squash tier; truth holds
// the rows it must report (old, new of every split and squashed row).
func (g *gen) splitQueue(n int) {
	type pending struct {
		at int
		c  *Commit
	}
	var fixups []pending
	var news []*Commit
	for i := 0; i < n; i++ {
		for len(fixups) > 0 && fixups[0].at <= i {
			g.old = append(g.old, fixups[0].c)
			fixups = fixups[1:]
		}
		p, t := g.patch(), g.title()
		switch x := g.r.Float64(); {
		case x < 0.35: // kept
			o := g.commit(t, p, patchid.ID{})
			g.old = append(g.old, o)
			news = append(news, g.commit(t, p, o.PatchID))
		case x < 0.45: // context changed
			g.old = append(g.old, g.commit(t, p, patchid.ID{}))
			news = append(news, g.commit(t, p, patchid.ID{}))
		case x < 0.52: // reworded, a little rewritten
			g.old = append(g.old, g.commit(t, p, patchid.ID{}))
			news = append(news, g.commit(g.title(), g.mutate(p, g.r.Float64()*0.25), patchid.ID{}))
		case x < 0.64 && len(p) >= 4: // split in 2 or 3
			k := 2
			if x >= 0.60 && len(p) >= 6 {
				k = 3
			}
			o := g.commit(t, p, patchid.ID{})
			g.old = append(g.old, o)
			for j := 0; j < k; j++ {
				part := append(genPatch{}, p[j*len(p)/k:(j+1)*len(p)/k]...)
				if g.r.Float64() < 0.3 { // the part needed one more line
					part = append(part, genLine{part[0].file, '+', fmt.Sprintf("#include <linux/h%d.h>", g.uniq())})
				}
				if g.r.Float64() < 0.2 {
					part = g.mutate(part, 1/float64(len(part)))
				}
				pt := g.title()
				if j == 0 && g.r.Float64() < 0.5 {
					pt = t
				}
				nc := g.commit(pt, part, patchid.ID{})
				news = append(news, nc)
				g.truth[[2]*Commit{o, nc}] = true
			}
		case x < 0.71: // squashed with the next
			q := g.patch()
			for k := range q {
				q[k].file = p[k%len(p)].file
			}
			o1, o2 := g.commit(t, p, patchid.ID{}), g.commit(g.title(), q, patchid.ID{})
			g.old = append(g.old, o1, o2)
			both := append(append(genPatch{}, p...), q...)
			if g.r.Float64() < 0.3 {
				both = g.mutate(both, 1/float64(len(both)))
			}
			nt := g.title()
			if g.r.Float64() < 0.5 {
				nt = t
			}
			nc := g.commit(nt, both, patchid.ID{})
			news = append(news, nc)
			g.truth[[2]*Commit{o1, nc}], g.truth[[2]*Commit{o2, nc}] = true, true
		case x < 0.77: // fixed up by a later commit, folded in the new queue
			var plus []int
			for k, l := range p {
				if l.sign == '+' {
					plus = append(plus, k)
				}
			}
			if len(plus) < 2 {
				o := g.commit(t, p, patchid.ID{})
				g.old = append(g.old, o)
				news = append(news, g.commit(t, p, o.PatchID))
				continue
			}
			fixed := append(genPatch{}, p...)
			var fix genPatch
			for _, k := range plus[:1+g.r.IntN(2)] {
				nl := genLine{p[k].file, '+', strings.TrimSuffix(p[k].text, ";") + " /* fixed */"}
				fixed[k] = nl
				fix = append(fix, genLine{p[k].file, '-', p[k].text}, nl)
			}
			o := g.commit(t, p, patchid.ID{})
			g.old = append(g.old, o)
			f := g.commit("fixup! "+t, fix, patchid.ID{})
			fixups = append(fixups, pending{i + 1 + g.r.IntN(3), f})
			nc := g.commit(t, fixed, patchid.ID{})
			news = append(news, nc)
			g.truth[[2]*Commit{o, nc}], g.truth[[2]*Commit{f, nc}] = true, true
		case x < 0.85: // partly rewritten, an unrelated commit added beside
			g.old = append(g.old, g.commit(t, p, patchid.ID{}))
			news = append(news, g.commit(t, g.mutate(p, 0.4+0.2*g.r.Float64()), patchid.ID{}),
				g.commit(g.title(), g.unrelated(p), patchid.ID{}))
		case x < 0.89: // dropped, an unrelated commit added in its files
			g.old = append(g.old, g.commit(t, p, patchid.ID{}))
			if g.r.Float64() < 0.7 {
				news = append(news, g.commit(g.title(), g.unrelated(p), patchid.ID{}))
			}
		case x < 0.92 && len(p) >= 4: // split and much rewritten: no split
			g.old = append(g.old, g.commit(t, p, patchid.ID{}))
			for j := 0; j < 2; j++ {
				part := g.mutate(p[j*len(p)/2:(j+1)*len(p)/2], 0.3+0.2*g.r.Float64())
				news = append(news, g.commit(g.title(), part, patchid.ID{}))
			}
		case x < 0.96: // a sibling dropped, siblings added: no split, no squash
			sib := g.siblings(4)
			g.old = append(g.old, g.commit(t, sib[0], patchid.ID{}), g.commit(g.title(), sib[1], patchid.ID{}))
			news = append(news, g.commit(g.title(), sib[2], patchid.ID{}), g.commit(g.title(), sib[3], patchid.ID{}))
		default: // kept, and an unrelated commit added
			o := g.commit(t, p, patchid.ID{})
			g.old = append(g.old, o)
			news = append(news, g.commit(t, p, o.PatchID), g.commit(g.title(), g.unrelated(p), patchid.ID{}))
		}
	}
	for _, f := range fixups {
		g.old = append(g.old, f.c)
	}
	g.finish(news)
}

// finish reorders the new queue a little (adjacent swaps) and numbers both.
func (g *gen) finish(news []*Commit) {
	for i := 0; i+1 < len(news); i++ {
		if g.r.Float64() < 0.15 {
			news[i], news[i+1] = news[i+1], news[i]
		}
	}
	g.new = news
	sigs, err := signatures(strings.NewReader(g.stream.String()))
	if err != nil {
		panic(err)
	}
	g.sigs = sigs
	for i, c := range g.old {
		c.Index = i
	}
	for i, c := range g.new {
		c.Index = i
	}
}

// similarQueue generates a rebase for the similar tier: reworded commits
// (title changed, so only their diff can pair them) with a share of their
// lines rewritten, 0 for a context change only; drops beside unrelated
// additions in the same files. truth holds the reworded pairs.
func (g *gen) similarQueue(n int) {
	var news []*Commit
	for i := 0; i < n; i++ {
		p, t := g.patch(), g.title()
		switch x := g.r.Float64(); {
		case x < 0.3:
			o := g.commit(t, p, patchid.ID{})
			g.old = append(g.old, o)
			news = append(news, g.commit(t, p, o.PatchID))
		case x < 0.7:
			share := 0.0
			if g.r.Float64() < 0.75 {
				share = g.r.Float64() * 0.6
			}
			o := g.commit(t, p, patchid.ID{})
			g.old = append(g.old, o)
			nc := g.commit(g.title(), g.mutate(p, share), patchid.ID{})
			news = append(news, nc)
			g.truth[[2]*Commit{o, nc}] = true
			g.share[[2]*Commit{o, nc}] = share
		case x < 0.85:
			g.old = append(g.old, g.commit(t, p, patchid.ID{}))
			news = append(news, g.commit(g.title(), g.unrelated(p), patchid.ID{}))
		default: // a sibling dropped, another added
			sib := g.siblings(2)
			g.old = append(g.old, g.commit(t, sib[0], patchid.ID{}))
			news = append(news, g.commit(g.title(), sib[1], patchid.ID{}))
		}
	}
	g.finish(news)
}

// score counts true and false positives and false negatives; light counts
// the true pairs with at most 30% of their lines rewritten, and lightTP
// those found.
type score struct{ tp, fp, fn, light, lightTP int }

func (s score) lightRecall() float64 { return float64(s.lightTP) / float64(max(1, s.light)) }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

// measure runs the matcher over rebases generated by queue and scores the
// rows whose status is in want against the truth.
func measure(tune tuning, seeds int, queue func(*gen), want ...Status) score {
	var s score
	for seed := 1; seed <= seeds; seed++ {
		g := newGen(uint64(seed))
		queue(g)
		m := newMatcher(g.old, g.new, nil)
		m.tune = tune
		m.strong()
		m.similar(g.sigs)
		m.groups(g.sigs)
		got := map[[2]*Commit]bool{}
		for _, r := range m.rows(nil) {
			for _, w := range want {
				if r.Status == w {
					got[[2]*Commit{r.Old, r.New}] = true
				}
			}
		}
		for p := range got {
			if g.truth[p] {
				s.tp++
			} else {
				s.fp++
			}
		}
		for p := range g.truth {
			if !got[p] {
				s.fn++
			}
			if sh, ok := g.share[p]; ok && sh <= 0.3 {
				s.light++
				if got[p] {
					s.lightTP++
				}
			}
		}
	}
	return s
}

const measureSeeds = 40

func splitQueue(g *gen)   { g.splitQueue(40) }
func similarQueue(g *gen) { g.similarQueue(40) }

// TestMeasureSplitThresholds prints the split and squash tier's precision
// and recall at several thresholds (both the same) and pins them at the
// chosen ones.
func TestMeasureSplitThresholds(t *testing.T) {
	for _, slack := range []bool{false, true} {
		for _, th := range []float64{0.6, 0.7, 0.8, 0.9, 0.95, 1} {
			tune := defaultTuning
			tune.part, tune.whole, tune.slack = th, th, slack
			s := measure(tune, measureSeeds, splitQueue, StatusSplit, StatusSquashed)
			t.Logf("| %.2f | %v | %.3f | %.3f | %d | %d | %d |", th, slack, s.precision(), s.recall(), s.tp, s.fp, s.fn)
		}
	}
	s := measure(defaultTuning, measureSeeds, splitQueue, StatusSplit, StatusSquashed)
	// What README.md says of the chosen thresholds.
	if s.precision() < 0.99 || s.recall() < 0.85 {
		t.Errorf("split and squash at %.2f/%.2f: precision %.3f, recall %.3f; README.md says >= 0.99 and >= 0.85",
			minPartExplained, minWholeCovered, s.precision(), s.recall())
	}
}

// TestMeasureSimilarThreshold prints the similar tier's precision and
// recall at several thresholds and pins them at the chosen one.
func TestMeasureSimilarThreshold(t *testing.T) {
	for _, th := range []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8} {
		tune := defaultTuning
		tune.similar = th
		s := measure(tune, measureSeeds, similarQueue, StatusSimilar)
		t.Logf("| %.1f | %.3f | %.3f | %.3f | %d | %d | %d |", th, s.precision(), s.recall(), s.lightRecall(), s.tp, s.fp, s.fn)
	}
	s := measure(defaultTuning, measureSeeds, similarQueue, StatusSimilar)
	if s.precision() < 0.99 || s.recall() < 0.6 || s.lightRecall() < 0.98 {
		t.Errorf("similar at %.2f: precision %.3f, recall %.3f (%.3f up to 30%% rewritten); README.md says >= 0.99, >= 0.6 and >= 0.98",
			minSimilarity, s.precision(), s.recall(), s.lightRecall())
	}
}
