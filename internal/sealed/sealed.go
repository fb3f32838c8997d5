// Package sealed frames cache files: a magic string naming the format and
// its version, the body, and a SHA-256 of both. A file whose magic or
// checksum does not match opens as nothing, so a stale, truncated or
// damaged cache is a miss and never a wrong answer. Pure: bytes in, bytes
// out.
package sealed

import (
	"bytes"
	"crypto/sha256"
)

// Seal returns magic, body and their checksum.
func Seal(magic string, body []byte) []byte {
	out := make([]byte, 0, len(magic)+len(body)+sha256.Size)
	out = append(append(out, magic...), body...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...)
}

// Open returns the body of data sealed with magic, or false.
func Open(magic string, data []byte) ([]byte, bool) {
	if len(data) < len(magic)+sha256.Size || !bytes.HasPrefix(data, []byte(magic)) {
		return nil, false
	}
	framed, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(framed); !bytes.Equal(got[:], sum) {
		return nil, false
	}
	return framed[len(magic):], true
}
