package keymap

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

// TestMain keeps git away from the repository and configuration of
// whoever runs the tests (a git hook sets GIT_DIR).
func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	m.Run()
}
