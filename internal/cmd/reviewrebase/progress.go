package reviewrebase

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress shows slow stages on a terminal's stderr, at most ten times a
// second, and erases itself when done.
type progress struct {
	w       io.Writer
	enabled bool
	mu      sync.Mutex
	last    time.Time
	shown   bool
}

func newProgress(w io.Writer, enabled bool) *progress { return &progress{w: w, enabled: enabled} }

func (p *progress) update(stage string, done, total int) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.last = time.Now()
	if total > 1 {
		fmt.Fprintf(p.w, "\r\x1b[K%s: %d/%d", stage, done, total)
	} else {
		fmt.Fprintf(p.w, "\r\x1b[K%s...", stage)
	}
	p.shown = true
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
