package review

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/patchqueue/pqtools/internal/patchid"
)

type match struct {
	c   *Commit
	ev  Evidence
	sim float64
}

// matcher pairs old commits with new and upstream ones. It is pure: all
// inputs are in memory; the similar tier's diff signatures are supplied by
// the caller for the few commits still unmatched after the strong tiers.
type matcher struct {
	old, new, up []*Commit
	newPaired    map[*Commit]bool
	queue        map[*Commit]match // old -> match in the new queue
	upstream     map[*Commit]match // old -> upstream evidence
	// notes say why a hash an old message mentions is no evidence
	// (ambiguous, or no upstream commit of the range), for -v.
	notes   []string
	upBySHA map[string]*Commit
	// sigs are the diff signatures the similar tier read, for the split
	// and squash tier (split.go), which records its groups in split (old
	// -> its parts), squash (old -> the combination) and groupScore.
	sigs map[string]signature
	// known are the signatures this run's queue diffs gave (queueIDs),
	// and sigCache the signature cache, loaded once for both diff tiers.
	known      map[string]signature
	sigCache   *sigCache
	split      map[*Commit][]*Commit
	squash     map[*Commit]*Commit
	groupScore map[*Commit]float64
	tune       tuning
}

// tuning holds the thresholds of the diff-based tiers: the constants, but
// for the measurements that vary them (split_measure_test.go).
type tuning struct {
	similar     float64 // minSimilarity
	part, whole float64 // minPartExplained, minWholeCovered
	slack       bool    // allow slackLines (split.go)
}

var defaultTuning = tuning{similar: minSimilarity, part: minPartExplained, whole: minWholeCovered, slack: true}

func newMatcher(old, new, up []*Commit) *matcher {
	return &matcher{old: old, new: new, up: up, newPaired: map[*Commit]bool{},
		queue: map[*Commit]match{}, upstream: map[*Commit]match{}, tune: defaultTuning}
}

// strong runs every tier but "similar": same commit, patch-id in the new
// queue, patch-id upstream, trailers, title in the new queue, title upstream.
func (m *matcher) strong() {
	newBySHA := map[string]*Commit{}
	for _, c := range m.new {
		newBySHA[c.SHA] = c
	}
	for _, o := range m.old {
		if n := newBySHA[o.SHA]; n != nil && !m.newPaired[n] {
			m.pair(o, n, EvidenceCommit, 0)
		}
	}
	m.pairBy(EvidencePatchID, func(c *Commit) string {
		if c.PatchID.IsZero() {
			return ""
		}
		return string(c.PatchID[:])
	}, func(*Commit) bool { return true })

	m.upstreamEvidence()

	// A title shared by several old commits goes first to those without
	// strong upstream evidence: an old commit that is upstream verbatim is
	// less likely to be the one the rebaser kept.
	title := func(c *Commit) string { return c.Title }
	m.pairBy(EvidenceTitle, title, func(o *Commit) bool { return !m.strongUpstream(o) })
	m.pairBy(EvidenceTitle, title, func(o *Commit) bool { return true })

	upByTitle := map[string]*Commit{}
	for _, u := range m.up {
		if u.Title != "" {
			upByTitle[u.Title] = u // the newest wins: ranges are oldest first
		}
	}
	for _, o := range m.old {
		if _, ok := m.queue[o]; ok {
			continue
		}
		if _, ok := m.upstream[o]; ok {
			continue
		}
		if u := upByTitle[o.Title]; u != nil {
			m.upstream[o] = match{c: u, ev: EvidenceTitle}
		}
	}
}

func (m *matcher) strongUpstream(o *Commit) bool {
	u, ok := m.upstream[o]
	return ok && u.ev.Strong()
}

func (m *matcher) pair(o, n *Commit, ev Evidence, sim float64) {
	m.queue[o] = match{c: n, ev: ev, sim: sim}
	m.newPaired[n] = true
}

// pairBy pairs unmatched old commits (those eligible) with unpaired new ones
// sharing a non-empty key; within a key, by nearest relative position.
func (m *matcher) pairBy(ev Evidence, key func(*Commit) string, eligible func(*Commit) bool) {
	olds := map[string][]*Commit{}
	var order []string
	for _, o := range m.old {
		if _, done := m.queue[o]; done || !eligible(o) {
			continue
		}
		k := key(o)
		if k == "" {
			continue
		}
		if _, seen := olds[k]; !seen {
			order = append(order, k)
		}
		olds[k] = append(olds[k], o)
	}
	news := map[string][]*Commit{}
	for _, n := range m.new {
		if m.newPaired[n] {
			continue
		}
		if k := key(n); k != "" && olds[k] != nil {
			news[k] = append(news[k], n)
		}
	}
	for _, k := range order {
		for _, p := range pairNearest(olds[k], news[k], len(m.old), len(m.new)) {
			m.pair(p[0], p[1], ev, 0)
		}
	}
}

// pairNearest pairs commits sharing a key (duplicates) by nearest relative
// position in their ranges without crossing: the i-th duplicate in the old
// queue maps to the i-th in the new one unless some went missing, and then
// the alignment with the least total displacement wins. Groups are small,
// so an O(p*q) alignment is cheap.
func pairNearest(olds, news []*Commit, nOld, nNew int) [][2]*Commit {
	p, q := len(olds), len(news)
	if p == 0 || q == 0 {
		return nil
	}
	if p == 1 && q == 1 {
		return [][2]*Commit{{olds[0], news[0]}}
	}
	pos := func(c *Commit, n int) float64 {
		if n <= 1 {
			return 0
		}
		return float64(c.Index) / float64(n-1)
	}
	// Each pair earns a bonus larger than any displacement, so the
	// alignment pairs min(p, q) commits and only then minimises distance.
	const bonus = 4.0
	cost := make([][]float64, p+1)
	for i := range cost {
		cost[i] = make([]float64, q+1)
	}
	for i := 1; i <= p; i++ {
		for j := 1; j <= q; j++ {
			d := math.Abs(pos(olds[i-1], nOld)-pos(news[j-1], nNew)) - bonus
			best := cost[i-1][j-1] + d
			best = math.Min(best, cost[i-1][j])
			best = math.Min(best, cost[i][j-1])
			cost[i][j] = best
		}
	}
	var out [][2]*Commit
	for i, j := p, q; i > 0 && j > 0; {
		d := math.Abs(pos(olds[i-1], nOld)-pos(news[j-1], nNew)) - bonus
		switch {
		case cost[i][j] == cost[i-1][j-1]+d:
			out = append(out, [2]*Commit{olds[i-1], news[j-1]})
			i, j = i-1, j-1
		case cost[i][j] == cost[i-1][j]:
			i--
		default:
			j--
		}
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// The expressions of this package are compiled on first use: a warm run
// (a cached result) uses none of them, and compiling them all at start
// cost every run of the program.
var trailerREs = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bcherry[- ]picked from commit ([0-9a-f]{12,40})\b`),
		regexp.MustCompile(`(?i)\bbackported from commit ([0-9a-f]{12,40})\b`),
		regexp.MustCompile(`(?im)^\s*commit ([0-9a-f]{12,40}) upstream\b`),
		regexp.MustCompile(`(?im)^\s*\[\s*upstream commit ([0-9a-f]{12,40})\s*\]`),
	}
})

// trailerRefs returns the 12-digit prefixes of the commits a message says
// it was cherry-picked or backported from.
func trailerRefs(msg string) []string {
	// Most messages name no commit, and the case-insensitive expressions
	// cost a warm review a fifth of its time when run over every message.
	if !mayHaveRefs(msg) {
		return nil
	}
	var refs []string
	for _, re := range trailerREs() {
		for _, m := range re.FindAllStringSubmatch(msg, -1) {
			refs = append(refs, strings.ToLower(m[1][:12]))
		}
	}
	return refs
}

// upstreamEvidence records, for every old commit, an upstream commit with
// the same patch-id or sharing a cherry-pick origin.
func (m *matcher) upstreamEvidence() {
	byID := map[patchid.ID]*Commit{}
	byRef := map[string]*Commit{}
	m.upBySHA = make(map[string]*Commit, len(m.up))
	shas := make([]string, 0, len(m.up))
	for _, u := range m.up {
		m.upBySHA[u.SHA] = u
		shas = append(shas, u.SHA)
	}
	sort.Strings(shas)
	for _, u := range m.up {
		if !u.PatchID.IsZero() {
			byID[u.PatchID] = u // newest wins
		}
		byRef[u.SHA[:12]] = u
		for _, r := range u.Refs {
			byRef[r] = u
		}
	}
	for _, o := range m.old {
		if u := byID[o.PatchID]; u != nil && !o.PatchID.IsZero() {
			m.upstream[o] = match{c: u, ev: EvidencePatchID}
			continue
		}
		for _, r := range trailerRefs(o.Message) {
			if u := byRef[r]; u != nil {
				m.upstream[o] = match{c: u, ev: EvidenceTrailer}
				break
			}
		}
		if _, ok := m.upstream[o]; !ok {
			m.mentionEvidence(o, shas)
		}
	}
}

// hexWord is a hash as people write them in messages: 10 to 40 hex digits
// standing alone ("backport of 0a1b2c3d4e", "[ Upstream commit ... ]").
var hexWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b[0-9a-fA-F]{10,40}\b`) })

// otherCommitLine names a commit that is not the patch's origin: the one
// it fixes or reverts.
var otherCommitLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\s*(fixes|reverts|this reverts commit)\b`)
})

// mentionEvidence pairs o with the upstream commit of the range its
// message names by hash, whatever the wording, when the hash names exactly
// one of them. A hash naming several (too short to tell) or none is no
// evidence; notes say which, for -v.
func (m *matcher) mentionEvidence(o *Commit, shas []string) {
	seen := map[string]bool{}
	for _, line := range strings.Split(o.Message, "\n") {
		if otherCommitLine().MatchString(line) {
			continue
		}
		for _, w := range hexWord().FindAllString(line, -1) {
			w = strings.ToLower(w)
			if seen[w] || !strings.ContainsAny(w, "0123456789") {
				continue // a word like "deadbeefcafe" may be one; "facade" is not
			}
			seen[w] = true
			i := sort.SearchStrings(shas, w)
			n := 0
			for j := i; j < len(shas) && strings.HasPrefix(shas[j], w); j++ {
				n++
			}
			switch {
			case n == 1:
				m.upstream[o] = match{c: m.upBySHA[shas[i]], ev: EvidenceMention(shas[i])}
				return
			case n > 1:
				m.notes = append(m.notes, fmt.Sprintf("%s mentions %s, which names %d upstream commits between the bases: no evidence", o.SHA[:12], w, n))
			default:
				m.notes = append(m.notes, fmt.Sprintf("%s mentions %s, which names no upstream commit between the bases: no evidence", o.SHA[:12], w))
			}
		}
	}
}

// leftovers are the commits the similar tier may still pair.
func (m *matcher) leftovers() (olds, news []*Commit) {
	for _, o := range m.old {
		if _, ok := m.queue[o]; ok {
			continue
		}
		if _, ok := m.upstream[o]; ok {
			continue
		}
		olds = append(olds, o)
	}
	for _, n := range m.new {
		if !m.newPaired[n] {
			news = append(news, n)
		}
	}
	return olds, news
}

// similar pairs leftovers whose diffs are close: best scores first, each
// commit at most once, only above the threshold.
func (m *matcher) similar(sigs map[string]signature) {
	m.sigs = sigs
	olds, news := m.leftovers()
	for _, p := range pairSimilarAt(olds, news, sigs, m.tune.similar) {
		m.pair(p.o, p.n, EvidenceSimilar, p.score)
	}
}

// rows builds the review rows: old order, added commits where they sit in
// the new range. A split old commit has a row per part; the groups are
// numbered in row order.
func (m *matcher) rows(notes map[string]string) []Row {
	var rows []Row
	rowOfNew := map[*Commit]int{}
	groupOf := map[*Commit]int{} // the original or the combination -> group
	group := func(c *Commit) int {
		if groupOf[c] == 0 {
			groupOf[c] = len(groupOf) + 1
		}
		return groupOf[c]
	}
	for _, o := range m.old {
		row := Row{Old: o, Note: notes[o.SHA]}
		if parts := m.split[o]; parts != nil {
			g := group(o)
			for _, p := range parts {
				rows = append(rows, Row{Old: o, Note: row.Note, New: p, Status: StatusSplit, Evidence: EvidenceSplit,
					Similarity: m.groupScore[o], Group: g, Explained: HasConflictExplanation(p.Message)})
				rowOfNew[p] = len(rows) - 1
			}
			continue
		}
		if n := m.squash[o]; n != nil {
			row.New, row.Status, row.Evidence = n, StatusSquashed, EvidenceSquash
			row.Similarity, row.Group, row.Explained = m.groupScore[o], group(n), HasConflictExplanation(n.Message)
			rows = append(rows, row)
			rowOfNew[n] = len(rows) - 1
			continue
		}
		q, inQueue := m.queue[o]
		u, hasUp := m.upstream[o]
		switch {
		case inQueue:
			row.New, row.Evidence, row.Similarity = q.c, q.ev, q.sim
			row.Status = map[Evidence]Status{EvidenceCommit: StatusSame, EvidencePatchID: StatusPatchID,
				EvidenceTitle: StatusTitle, EvidenceSimilar: StatusSimilar}[q.ev]
			row.Explained = HasConflictExplanation(q.c.Message)
			if hasUp && u.ev.Strong() {
				row.AlsoUpstream = u.c
			}
		case hasUp:
			row.New, row.Evidence, row.Upstream = u.c, u.ev, true
			switch {
			case u.ev == EvidencePatchID:
				row.Status = StatusPatchID
			case o.Title == u.c.Title:
				row.Status = StatusTitle
			default:
				row.Status = StatusSimilar
			}
		default:
			row.Status = StatusDropped
		}
		rows = append(rows, row)
		if inQueue {
			rowOfNew[q.c] = len(rows) - 1
		}
	}
	// Each added commit goes after the row of the nearest preceding paired
	// new commit (or first), keeping new-range order among added ones.
	after := map[int][]*Commit{}
	last := -1
	for _, n := range m.new {
		if i, ok := rowOfNew[n]; ok {
			last = i
			continue
		}
		if !m.newPaired[n] {
			after[last] = append(after[last], n)
		}
	}
	out := make([]Row, 0, len(rows)+len(m.new))
	emit := func(i int) {
		for _, n := range after[i] {
			out = append(out, Row{Status: StatusAdded, New: n, Explained: HasConflictExplanation(n.Message)})
		}
	}
	emit(-1)
	for i, r := range rows {
		out = append(out, r)
		emit(i)
	}
	return out
}
