package kabitui

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

// TestMain isolates the tests from the user's git configuration, as in
// every package of this module whose tests might reach git.
func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	m.Run()
}
