package review

import (
	"encoding/binary"
	"maps"
	"math"
	"slices"

	"github.com/patchqueue/pqtools/internal/patchid"
)

// The result file is written by hand rather than by gob. A warm run is
// one process that decodes one result, and gob builds its decoders by
// reflection on first use in every process. Measured (perf stat, three
// interleaved rounds): a warm run near 43.9 -> 42.4 ms, kernel scale
// (a 390 KB result) 51.1 -> 48.7 ms. resultcodec_test.go fills every field of the
// types below by reflection and checks they come back, so a field added
// to Commit, Row, Drift or Stats fails it until it is encoded here.
//
// Strings and lists are a uvarint length and their items, numbers
// varints, a float its IEEE bits, a patch-id its 20 bytes. Empty lists
// and maps decode as nil, as they did from gob.

type resultEncoder struct{ b []byte }

func (e *resultEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *resultEncoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *resultEncoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *resultEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *resultEncoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *resultEncoder) rng(r Range) { e.str(r.Base); e.str(r.Tip) }

func (e *resultEncoder) commit(c *Commit) {
	e.str(c.SHA)
	e.str(c.Title)
	e.str(c.Message)
	e.str(c.AuthorName)
	e.str(c.AuthorEmail)
	e.int(c.AuthorTime)
	e.b = append(e.b, c.PatchID[:]...)
	e.strs(c.Files)
	e.strs(c.Refs)
	e.int(int64(c.Index))
}

func (e *resultEncoder) row(r *resultRow) {
	e.str(string(r.Row.Status))
	e.bool(r.Row.Upstream)
	e.str(string(r.Row.Evidence))
	e.str(r.Row.Note)
	e.bool(r.Row.Explained)
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(r.Row.Similarity))
	e.int(int64(r.Row.Group))
	e.str(r.Row.Replay)
	e.uint(uint64(len(r.Row.Drift)))
	for _, d := range r.Row.Drift {
		e.str(d.Ident)
		e.str(d.Upstream)
		e.str(d.UpstreamTitle)
		e.str(d.NewName)
		e.bool(d.Mentioned)
	}
	e.int(int64(r.OldRef))
	e.int(int64(r.NewRef))
	e.int(int64(r.AlsoRef))
}

// encodeResult is the body of a result file (sealed by the caller).
func encodeResult(f *resultFile) []byte {
	e := &resultEncoder{}
	e.rng(f.Old)
	e.rng(f.New)
	e.uint(uint64(len(f.Commits)))
	for i := range f.Commits {
		e.commit(&f.Commits[i])
	}
	e.uint(uint64(len(f.Rows)))
	for i := range f.Rows {
		e.row(&f.Rows[i])
	}
	e.strs(f.SkippedMerges)
	e.strs(f.Details)
	s := f.Stats
	for _, v := range []int{s.OldCommits, s.NewCommits, s.UpstreamCommits, s.UpstreamCandidates, s.UpstreamDiffed, s.PatchIDsComputed, s.PatchIDsCached} {
		e.int(int64(v))
	}
	e.uint(uint64(len(f.Notes)))
	for _, k := range slices.Sorted(maps.Keys(f.Notes)) {
		e.str(k)
		e.str(f.Notes[k])
	}
	return e.b
}

// resultDecoder reads what resultEncoder wrote. A damaged body (the seal
// makes one unlikely) sets bad, and every read after returns zero values:
// the caller checks bad once at the end.
type resultDecoder struct {
	b   []byte
	bad bool
}

func (d *resultDecoder) uint() uint64 { return readVarint(d, binary.Uvarint) }
func (d *resultDecoder) int() int64   { return readVarint(d, binary.Varint) }

func readVarint[T uint64 | int64](d *resultDecoder, read func([]byte) (T, int)) T {
	v, n := read(d.b)
	if n <= 0 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Each item's smallest encoding, for count: a commit's five strings,
// time, patch-id, two lists and index; a row's fields; a drift's four
// strings and flag; a note's two strings.
const (
	minCommit = 5 + 1 + 20 + 2 + 1
	minRow    = 1 + 1 + 1 + 1 + 1 + 8 + 1 + 1 + 1 + 3
	minDrift  = 4 + 1
	minNote   = 2
)

// count reads a length, refused when the rest of the body could not hold
// that many items of min bytes each: a damaged length allocates no more
// than the body could describe.
func (d *resultDecoder) count(min int) int {
	n := d.uint()
	if n > uint64(len(d.b)/min) {
		d.bad, d.b = true, nil
		return 0
	}
	return int(n)
}

func (d *resultDecoder) bytes(n int) []byte {
	if n > len(d.b) {
		d.bad, d.b = true, nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *resultDecoder) str() string { return string(d.bytes(d.count(1))) }

func (d *resultDecoder) bool() bool {
	b := d.bytes(1)
	return len(b) == 1 && b[0] == 1
}

func (d *resultDecoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *resultDecoder) rng() Range { return Range{Base: d.str(), Tip: d.str()} }

func (d *resultDecoder) commit(c *Commit) {
	c.SHA, c.Title, c.Message = d.str(), d.str(), d.str()
	c.AuthorName, c.AuthorEmail = d.str(), d.str()
	c.AuthorTime = d.int()
	copy(c.PatchID[:], d.bytes(len(patchid.ID{})))
	c.Files, c.Refs = d.strs(), d.strs()
	c.Index = int(d.int())
}

func (d *resultDecoder) row(r *resultRow) {
	r.Row.Status = Status(d.str())
	r.Row.Upstream = d.bool()
	r.Row.Evidence = Evidence(d.str())
	r.Row.Note = d.str()
	r.Row.Explained = d.bool()
	if b := d.bytes(8); len(b) == 8 {
		r.Row.Similarity = math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	r.Row.Group = int(d.int())
	r.Row.Replay = d.str()
	if n := d.count(minDrift); n > 0 {
		r.Row.Drift = make([]Drift, n)
		for i := range r.Row.Drift {
			x := &r.Row.Drift[i]
			x.Ident, x.Upstream, x.UpstreamTitle, x.NewName = d.str(), d.str(), d.str(), d.str()
			x.Mentioned = d.bool()
		}
	}
	r.OldRef, r.NewRef, r.AlsoRef = int(d.int()), int(d.int()), int(d.int())
}

// decodeResult reads a result file's body; false when it is damaged.
func decodeResult(body []byte) (resultFile, bool) {
	d := &resultDecoder{b: body}
	var f resultFile
	f.Old, f.New = d.rng(), d.rng()
	if n := d.count(minCommit); n > 0 {
		f.Commits = make([]Commit, n)
		for i := range f.Commits {
			d.commit(&f.Commits[i])
		}
	}
	if n := d.count(minRow); n > 0 {
		f.Rows = make([]resultRow, n)
		for i := range f.Rows {
			d.row(&f.Rows[i])
		}
	}
	f.SkippedMerges, f.Details = d.strs(), d.strs()
	s := &f.Stats
	for _, p := range []*int{&s.OldCommits, &s.NewCommits, &s.UpstreamCommits, &s.UpstreamCandidates, &s.UpstreamDiffed, &s.PatchIDsComputed, &s.PatchIDsCached} {
		*p = int(d.int())
	}
	if n := d.count(minNote); n > 0 {
		f.Notes = make(map[string]string, n)
		for i := 0; i < n; i++ {
			k := d.str()
			f.Notes[k] = d.str()
		}
	}
	if d.bad || len(d.b) != 0 {
		return resultFile{}, false
	}
	return f, true
}
