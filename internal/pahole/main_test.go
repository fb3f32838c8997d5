package pahole

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

// TestMain isolates the tests from the environment they start in: they
// run gcc and pahole through internal/proc, as the git-running packages
// run git.
func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	m.Run()
}
