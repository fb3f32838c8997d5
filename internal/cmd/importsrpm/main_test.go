package importsrpm

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
	"github.com/patchqueue/pqtools/internal/testenv"
)

// TestMain builds the generated SRPM and code repositories once (each test
// works on its own copy) and removes them, and the binary the end-to-end
// tests build, at the end.
func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	// A failed build is reported by every test that asks for a copy.
	_ = srpmtest.Prepare()
	defer srpmtest.Cleanup()
	defer removeBinary()
	m.Run()
}
