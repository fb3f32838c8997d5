package patchid

import (
	"bytes"
	"encoding/hex"
	"errors"
	"sort"

	"github.com/patchqueue/pqtools/internal/sealed"
)

// The cache file stores computed ids keyed by commit id. Its header names
// the format and the diff options ids were computed with, so any change to
// either invalidates old files; a trailing SHA-256 of everything before it
// detects truncation and corruption (a cache is rebuilt, never trusted).
const cacheMagic = "pqtools patch-id cache v2 myers-u3-noindent-norenames-fullindex git-2.39-binary-oids\n"

const cacheRecord = 20 + 20 + 1

const (
	flagHasID  = 1
	flagBinary = 2
)

// ErrCorruptCache is returned when a cache file fails validation.
var ErrCorruptCache = errors.New("corrupt patch-id cache")

// EncodeCache serialises results (keyed by full commit id) deterministically.
func EncodeCache(entries map[string]Result) []byte {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		if len(k) == 40 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.Grow(len(keys) * cacheRecord)
	var rec [cacheRecord]byte
	for _, k := range keys {
		r := entries[k]
		if _, err := hex.Decode(rec[:20], []byte(k)); err != nil {
			continue
		}
		copy(rec[20:40], r.ID[:])
		rec[40] = 0
		if !r.ID.IsZero() {
			rec[40] |= flagHasID
		}
		if r.Binary {
			rec[40] |= flagBinary
		}
		b.Write(rec[:])
	}
	return sealed.Seal(cacheMagic, b.Bytes())
}

// DecodeCache parses a cache file; any damage is ErrCorruptCache.
func DecodeCache(data []byte) (map[string]Result, error) {
	recs, ok := sealed.Open(cacheMagic, data)
	if !ok || len(recs)%cacheRecord != 0 {
		return nil, ErrCorruptCache
	}
	out := make(map[string]Result, len(recs)/cacheRecord)
	for i := 0; i < len(recs); i += cacheRecord {
		rec := recs[i : i+cacheRecord]
		var r Result
		r.Commit = hex.EncodeToString(rec[:20])
		if rec[40]&flagHasID != 0 {
			copy(r.ID[:], rec[20:40])
		}
		r.Binary = rec[40]&flagBinary != 0
		out[r.Commit] = r
	}
	return out, nil
}
