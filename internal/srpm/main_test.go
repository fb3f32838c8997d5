package srpm

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/internal/testenv"
)

// TestMain builds the generated SRPM and code repositories once; each test
// works on its own copy.
func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	// A failed build is reported by every test that asks for a copy.
	_ = srpmtest.Prepare()
	defer srpmtest.Cleanup()
	m.Run()
}
