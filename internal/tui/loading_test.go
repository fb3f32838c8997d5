package tui

import (
	"context"
	"errors"
	"testing"

	"github.com/patchqueue/pqtools/internal/review"
	"github.com/patchqueue/pqtools/internal/tui/tuitest"
)

// A loader's error ends the UI and is Run's error.
func TestLoadError(t *testing.T) {
	boom := errors.New("cannot read the queue")
	ui := New(context.Background(), nil)
	sim := tuitest.NewSim(t)
	ui.App().SetScreen(sim)
	err := ui.Run(func(context.Context, func(string, int, int)) (*review.Result, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("Run returned %v", err)
	}
}

// The loading page says how far the review is.
func TestProgressText(t *testing.T) {
	for _, c := range []struct {
		stage       string
		done, total int
		want        string
	}{
		{"patch-ids", 3, 10, "patch-ids: 3/10"},
		{"reading notes", 7, 0, "reading notes: 7"},
		{"reading notes", 1, 1, "reading notes: 1"},
		{"matching", 0, 0, "matching..."},
		{"matching", 0, 1, "matching..."},
	} {
		if got := progressText(c.stage, c.done, c.total); got != c.want {
			t.Errorf("progressText(%q, %d, %d) = %q, want %q", c.stage, c.done, c.total, got, c.want)
		}
	}
}
