package proc

import (
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

func TestMain(m *testing.M) {
	defer testenv.Isolate()()
	m.Run()
}
