package spec

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

// TestMain isolates git: the three-way merge is checked against
// git merge-file.
func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	m.Run()
}
