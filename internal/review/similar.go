package review

import (
	"context"
	"hash/fnv"
	"sort"
	"strings"

	"github.com/patchqueue/pqtools/internal/git"
)

// signature is the set of changed lines of a patch, each keyed by file and
// sign, with white space removed: what range-diff's cost comparison looks
// at, reduced to what survives a rebase unchanged. The lowest bit of a key
// is the sign (1 added, 0 removed), so that flip gives the same line with
// the other sign: the split and squash tier (split.go) cancels a line one
// commit adds and another removes.
type signature map[uint64]struct{}

// flip is the key of the same line with the other sign.
func flip(k uint64) uint64 { return k ^ 1 }

// minSimilarity is the Jaccard index two diffs need to pair as "similar".
// A wrong pairing is worse than a missed one: a reworded patch usually keeps
// most of its lines, unrelated patches share almost none.
const minSimilarity = 0.5

// minSimilarLines keeps trivially small patches out of the similar tier.
const minSimilarLines = 2

// signatureVisitor adds the signature of every commit of a patch stream
// to out.
func signatureVisitor(out map[string]signature) git.PatchVisitor {
	var cur signature
	var file string
	return git.PatchVisitor{
		Commit: func(sha string) { cur = signature{}; out[sha] = cur },
		File:   func(h []byte) { file = string(h[len("diff --git "):]) },
		Change: func(sign byte, text []byte) {
			norm := strings.Join(strings.Fields(string(text)), "")
			if len(norm) < 3 {
				return // braces and blank lines say nothing
			}
			h := fnv.New64a()
			h.Write([]byte(file))
			h.Write([]byte{0})
			h.Write([]byte(norm))
			k := h.Sum64() &^ 1
			if sign == '+' {
				k |= 1
			}
			cur[k] = struct{}{}
		},
	}
}

func jaccard(a, b signature) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if _, ok := b[k]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

type simPair struct {
	o, n  *Commit
	score float64
}

// pairSimilar pairs old and new commits whose signatures are close enough,
// best first, each at most once. An inverted index keeps it near linear
// when the leftovers are many and unrelated.
func pairSimilar(olds, news []*Commit, sigs map[string]signature) []simPair {
	return pairSimilarAt(olds, news, sigs, minSimilarity)
}

// pairSimilarAt is pairSimilar with the threshold given (measurements vary
// it: split_measure_test.go).
func pairSimilarAt(olds, news []*Commit, sigs map[string]signature, threshold float64) []simPair {
	index := map[uint64][]*Commit{}
	for _, n := range news {
		for h := range sigs[n.SHA] {
			index[h] = append(index[h], n)
		}
	}
	var cands []simPair
	for _, o := range olds {
		so := sigs[o.SHA]
		if len(so) < minSimilarLines {
			continue
		}
		seen := map[*Commit]bool{}
		for h := range so {
			for _, n := range index[h] {
				if seen[n] {
					continue
				}
				seen[n] = true
				sn := sigs[n.SHA]
				if len(sn) < minSimilarLines {
					continue
				}
				if s := jaccard(so, sn); s >= threshold {
					cands = append(cands, simPair{o, n, s})
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		if cands[i].o.Index != cands[j].o.Index {
			return cands[i].o.Index < cands[j].o.Index
		}
		return cands[i].n.Index < cands[j].n.Index
	})
	usedO, usedN := map[*Commit]bool{}, map[*Commit]bool{}
	var out []simPair
	for _, c := range cands {
		if usedO[c.o] || usedN[c.n] {
			continue
		}
		usedO[c.o], usedN[c.n] = true, true
		out = append(out, c)
	}
	return out
}

// sigCache keeps diff signatures (sorted hashes) of commits the similar
// tier looked at: without it a warm run would diff the leftovers again.
type sigCache = commitCache[[]uint64]

// v2: the sign is the key's lowest bit (flip).
const sigMagic = "pqtools diff signatures v2\n"

func loadSigCache(repo *git.Repo, noCache bool) *sigCache {
	return loadCommitCache[[]uint64](repo, "signatures", sigMagic, noCache)
}

// signaturesFor returns the signatures of shas for the diff tiers: those
// this run's queue diffs gave, else the cached ones, else diffed. The
// cache is loaded once per run and saved after each call.
func (m *matcher) signaturesFor(ctx context.Context, repo *git.Repo, shas []string, noCache bool, res *Result) (map[string]signature, error) {
	if m.sigCache == nil {
		m.sigCache = loadSigCache(repo, noCache)
	}
	sc := m.sigCache
	// Those this run diffed are used as they are (and cached); only the
	// rest go to the cache or to git.
	var rest []string
	known := map[string]signature{}
	for _, sha := range shas {
		sg, ok := m.known[sha]
		if !ok {
			rest = append(rest, sha)
			continue
		}
		known[sha] = sg
		if _, cached := sc.get(sha); !cached {
			sc.put(sha, sortedHashes(sg))
		}
	}
	sigs, err := signaturesOf(ctx, sc, repo, rest)
	if err != nil {
		return nil, err
	}
	for sha, sg := range known {
		sigs[sha] = sg
	}
	if err := sc.save(); err != nil {
		res.Warnings = append(res.Warnings, "cannot write the signature cache: "+err.Error())
	}
	return sigs, nil
}

// signaturesOf returns the signatures of commits, diffing only those the
// cache does not hold.
func signaturesOf(ctx context.Context, c *sigCache, repo *git.Repo, shas []string) (map[string]signature, error) {
	out := map[string]signature{}
	var missing []string
	for _, s := range shas {
		if hs, ok := c.get(s); ok {
			sig := signature{}
			for _, h := range hs {
				sig[h] = struct{}{}
			}
			out[s] = sig
			continue
		}
		missing = append(missing, s)
	}
	if len(missing) == 0 {
		return out, nil
	}
	got := map[string]signature{}
	if err := repo.WalkPatches(ctx, missing, signatureVisitor(got)); err != nil {
		return nil, err
	}
	for s, sig := range got {
		out[s] = sig
		c.put(s, sortedHashes(sig))
	}
	return out, nil
}
