package review

// The split and squash tier, after "similar": one old commit whose changed
// lines several new commits carry between them (split), or several old
// commits whose changed lines one new commit carries (squashed, fix-ups
// folded into the commit they fix included). It compares the diff
// signatures the similar tier reads (similar.go), by containment rather
// than by Jaccard index: each part must lie within the whole, and the parts
// together must cover it. The thresholds are measured (split_measure_test.go,
// README "Split and squash").

import (
	"context"
	"fmt"
	"sort"

	"github.com/patchqueue/pqtools/internal/git"
)

const (
	// minPartExplained is the share of a part's changed lines that the
	// whole must hold (or that cancel against another part: a fix-up
	// removing a line its target added).
	minPartExplained = 0.9
	// minWholeCovered is the share of the whole's changed lines that the
	// parts together must carry: never pair when a large part stays
	// unexplained.
	minWholeCovered = 0.9
	// minPartLines keeps trivially small commits out: a one-line part is
	// contained in almost anything.
	minPartLines = 2
	// slackLines: a part (or whole) of at least slackMinLines lines may
	// miss this many whatever its share, the line a part needed of its own
	// ("#include", a declaration) or one line retouched. Measured: it
	// raises recall and costs no precision (README).
	slackLines    = 1
	slackMinLines = 3
)

// enough reports whether ok of n lines pass threshold t, with the slack.
func enough(ok, n int, t float64, slack bool) bool {
	if n == 0 {
		return false
	}
	return float64(ok)/float64(n) >= t || (slack && n >= slackMinLines && n-ok <= slackLines)
}

// groupFit is how parts (commits of one side, in range order) explain a
// whole (one commit of the other side).
type groupFit struct {
	covered   float64   // share of the whole's lines some part carries
	explained []float64 // per part, share of its lines the whole holds or that cancel
	unique    []bool    // per part, it explains something no other part does
	// The same as counts: covered of wholeLines; explainedN of partLines.
	coveredN, wholeLines  int
	explainedN, partLines []int
}

// fits reports whether the fit passes the thresholds of tune.
func (f groupFit) fits(tune tuning) bool {
	if !enough(f.coveredN, f.wholeLines, tune.whole, tune.slack) {
		return false
	}
	for i := range f.explained {
		if !f.partFits(i, tune) {
			return false
		}
	}
	return true
}

func (f groupFit) partFits(i int, tune tuning) bool {
	return f.unique[i] && enough(f.explainedN[i], f.partLines[i], tune.part, tune.slack)
}

// score is the fit's weakest link.
func (f groupFit) score() float64 {
	s := f.covered
	for _, e := range f.explained {
		s = min(s, e)
	}
	return s
}

// fitParts measures parts against whole. A line of a part that the whole
// lacks is still explained when another part has it with the other sign:
// one commit adds it and another removes it, so the combination has
// neither.
func fitParts(whole signature, parts []signature) groupFit {
	f := groupFit{explained: make([]float64, len(parts)), unique: make([]bool, len(parts)),
		explainedN: make([]int, len(parts)), partLines: make([]int, len(parts)), wholeLines: len(whole)}
	holders := map[uint64]int{} // line -> how many parts have it
	for _, p := range parts {
		for k := range p {
			holders[k]++
		}
	}
	covered := 0
	for k := range whole {
		if holders[k] > 0 {
			covered++
		}
	}
	f.coveredN = covered
	if len(whole) > 0 {
		f.covered = float64(covered) / float64(len(whole))
	}
	for i, p := range parts {
		ok := 0
		for k := range p {
			_, inWhole := whole[k]
			_, selfFlip := p[flip(k)]
			cancels := !inWhole && holders[flip(k)] > 0 && !selfFlip
			if inWhole || cancels {
				ok++
			}
			if (inWhole && holders[k] == 1) || cancels {
				f.unique[i] = true
			}
		}
		f.explainedN[i], f.partLines[i] = ok, len(p)
		if len(p) > 0 {
			f.explained[i] = float64(ok) / float64(len(p))
		}
	}
	return f
}

// groupCand is a split or squash the tier may record.
type groupCand struct {
	one   *Commit   // the original (split) or the combination (squash)
	parts []*Commit // the other side, in range order
	split bool      // one is an old commit
	score float64
}

// choosePartsFor narrows pool (commits of the other side sharing a line
// with whole) to the parts that fit: each explained enough and explaining
// something of its own. It drops the worst part and measures again until
// every part fits.
func choosePartsFor(whole signature, pool []*Commit, sigs map[string]signature, tune tuning) ([]*Commit, groupFit) {
	parts := append([]*Commit(nil), pool...)
	for {
		ss := make([]signature, len(parts))
		for i, p := range parts {
			ss[i] = sigs[p.SHA]
		}
		f := fitParts(whole, ss)
		// Of two parts carrying the same lines the later goes first;
		// then the least explained.
		worse := func(i, j int) bool {
			switch {
			case f.unique[i] != f.unique[j]:
				return !f.unique[i]
			case !f.unique[i]:
				return parts[i].Index > parts[j].Index
			}
			return f.explained[i] < f.explained[j]
		}
		worst := -1
		for i := range parts {
			if f.partFits(i, tune) {
				continue
			}
			if worst < 0 || worse(i, worst) {
				worst = i
			}
		}
		if worst < 0 {
			return parts, f
		}
		parts = append(parts[:worst], parts[worst+1:]...)
		if len(parts) == 0 {
			return nil, f
		}
	}
}

// groupSides is what one direction of the search looks at: the wholes, the
// commits of the other side that may be parts, and the weak one-to-one
// matches (title, similar) a group may replace.
type groupSides struct {
	wholes  []*Commit
	pool    []*Commit
	partner map[*Commit]*Commit // whole -> its weak match, if any
}

// findGroups lists the candidate groups of one direction.
func findGroups(s groupSides, split bool, sigs map[string]signature, tune tuning) []groupCand {
	index := map[uint64][]*Commit{}
	for _, c := range s.pool {
		if len(sigs[c.SHA]) < minPartLines {
			continue
		}
		for k := range sigs[c.SHA] {
			index[k] = append(index[k], c)
		}
	}
	var out []groupCand
	for _, w := range s.wholes {
		ws := sigs[w.SHA]
		if len(ws) < minPartLines {
			continue
		}
		partner := s.partner[w]
		seen := map[*Commit]bool{}
		var pool []*Commit
		add := func(c *Commit) {
			if c != nil && !seen[c] && len(sigs[c.SHA]) >= minPartLines {
				seen[c] = true
				pool = append(pool, c)
			}
		}
		add(partner)
		for k := range ws {
			for _, c := range index[k] {
				add(c)
			}
		}
		if len(pool) < 2 {
			continue
		}
		sort.Slice(pool, func(i, j int) bool { return pool[i].Index < pool[j].Index })
		parts, f := choosePartsFor(ws, pool, sigs, tune)
		if len(parts) < 2 || !f.fits(tune) {
			continue
		}
		score := f.score()
		if partner != nil {
			// The group replaces a one-to-one match: it must contain the
			// partner and explain more than the pair does.
			has := false
			for _, p := range parts {
				has = has || p == partner
			}
			if !has || score <= fitParts(ws, []signature{sigs[partner.SHA]}).score() {
				continue
			}
		}
		out = append(out, groupCand{one: w, parts: parts, split: split, score: score})
	}
	return out
}

// weakPairs are the one-to-one matches in the new queue that a group may
// replace: by title or by similar diff, not patch-id or same commit (the
// patch is whole on both sides).
func (m *matcher) weakPairs() map[*Commit]*Commit {
	out := map[*Commit]*Commit{}
	for _, o := range m.old {
		if q, ok := m.queue[o]; ok && (q.ev == EvidenceTitle || q.ev == EvidenceSimilar) {
			out[o] = q.c
		}
	}
	return out
}

// groupCandidates lists the commits whose signatures the tier needs:
// leftovers and weakly paired commits sharing a file with a leftover of
// the other side. Without a leftover there is nothing to group, and nothing
// is diffed.
func (m *matcher) groupCandidates() []*Commit {
	lo, ln := m.leftovers()
	if len(lo) == 0 && len(ln) == 0 {
		return nil
	}
	weak := m.weakPairs()
	files := func(cs ...[]*Commit) map[string]bool {
		out := map[string]bool{}
		for _, set := range cs {
			for _, c := range set {
				for _, f := range c.Files {
					out[f] = true
				}
			}
		}
		return out
	}
	var weakOld, weakNew []*Commit
	for _, o := range m.old {
		if n, ok := weak[o]; ok {
			weakOld, weakNew = append(weakOld, o), append(weakNew, n)
		}
	}
	oldFiles, newFiles := files(lo, weakOld), files(ln, weakNew)
	loFiles, lnFiles := files(lo), files(ln)
	touches := func(c *Commit, set map[string]bool) bool {
		for _, f := range c.Files {
			if set[f] {
				return true
			}
		}
		return false
	}
	var out []*Commit
	for _, c := range lo {
		if touches(c, newFiles) {
			out = append(out, c)
		}
	}
	for _, c := range ln {
		if touches(c, oldFiles) {
			out = append(out, c)
		}
	}
	for i, o := range weakOld {
		if n := weakNew[i]; touches(o, lnFiles) || touches(n, loFiles) {
			out = append(out, o, n)
		}
	}
	return out
}

// groups records the splits and squashes among the candidates: best score
// first, each commit in at most one group.
func (m *matcher) groups(sigs map[string]signature) {
	lo, ln := m.leftovers()
	weak := m.weakPairs()
	byNew := map[*Commit]*Commit{}
	for o, n := range weak {
		byNew[n] = o
	}
	splits := groupSides{partner: weak}
	squashes := groupSides{partner: byNew}
	splits.wholes = append(splits.wholes, lo...)
	squashes.wholes = append(squashes.wholes, ln...)
	for _, o := range m.old {
		if _, ok := weak[o]; ok {
			splits.wholes = append(splits.wholes, o)
		}
	}
	for _, n := range m.new {
		if _, ok := byNew[n]; ok {
			squashes.wholes = append(squashes.wholes, n)
		}
	}
	splits.pool, squashes.pool = ln, lo
	cands := append(findGroups(splits, true, sigs, m.tune), findGroups(squashes, false, sigs, m.tune)...)
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.parts) != len(b.parts) {
			return len(a.parts) > len(b.parts)
		}
		if a.split != b.split {
			return a.split
		}
		return a.one.Index < b.one.Index
	})
	claimed := map[*Commit]bool{}
	for _, c := range cands {
		free := !claimed[c.one]
		for _, p := range c.parts {
			free = free && !claimed[p]
		}
		if !free {
			continue
		}
		claimed[c.one] = true
		for _, p := range c.parts {
			claimed[p] = true
		}
		m.record(c)
	}
}

// record turns a chosen candidate into the matcher's state.
func (m *matcher) record(c groupCand) {
	if m.split == nil {
		m.split, m.squash, m.groupScore = map[*Commit][]*Commit{}, map[*Commit]*Commit{}, map[*Commit]float64{}
	}
	if c.split {
		delete(m.queue, c.one)
		m.split[c.one] = c.parts
		m.groupScore[c.one] = c.score
		for _, p := range c.parts {
			m.newPaired[p] = true
		}
		return
	}
	m.newPaired[c.one] = true
	for _, p := range c.parts {
		delete(m.queue, p)
		m.squash[p] = c.one
		m.groupScore[p] = c.score
	}
}

// groupCommits is the split and squash tier of Run, after the similar one
// (and off with it, by Options.NoSimilar): it reads the signatures the
// similar tier did not (cached like them) and records the groups in m.
func groupCommits(ctx context.Context, repo *git.Repo, m *matcher, o Options, res *Result) error {
	if o.NoSimilar {
		return nil
	}
	cands := m.groupCandidates()
	if len(cands) == 0 {
		return nil
	}
	sigs := map[string]signature{}
	var missing []string
	for _, c := range cands {
		if s, ok := m.sigs[c.SHA]; ok {
			sigs[c.SHA] = s
		} else {
			missing = append(missing, c.SHA)
		}
	}
	if len(missing) > 0 {
		got, err := m.signaturesFor(ctx, repo, missing, o.NoCache, res)
		if err != nil {
			return fmt.Errorf("read patches for splits and squashes: %w", err)
		}
		for s, sig := range got {
			sigs[s] = sig
		}
	}
	m.groups(sigs)
	return nil
}
