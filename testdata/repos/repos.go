// Package repos builds real git repositories for tests and benchmarks: the
// generated repository of internal/demo (the one `git review-rebase --demo`
// reviews) at any scale, and Edge, commits that stress diff parsing. It is
// test-only; the binaries must not link it (internal/testenv checks).
package repos

import "github.com/patchqueue/pqtools/internal/demo"

// The generator's types, under the names the tests use.
type (
	// Env is an isolated git environment: its own HOME and global config,
	// no system config, pinned identities and dates.
	Env = demo.Env
	// Params scale a generated repository.
	Params = demo.Params
	// Fixture is a generated repository and what was put in it.
	Fixture = demo.Fixture
	// Expected is the ground truth for one old queue commit.
	Expected = demo.Expected
)

// Fixed identities and the epoch of generated histories (2019-01-01).
const (
	CommitterName  = demo.CommitterName
	CommitterEmail = demo.CommitterEmail
	Epoch          = demo.Epoch
)

// NewEnv prepares an environment rooted in dir (normally a t.TempDir()).
func NewEnv(dir string) (*Env, error) { return demo.NewEnv(dir) }

// Build generates a repository in dir (created if needed).
func Build(dir string, p Params) (*Fixture, error) { return demo.Build(dir, p) }

// BuildWithEnv generates the repository using an existing environment.
func BuildWithEnv(env *Env, dir string, p Params) (*Fixture, error) {
	return demo.BuildWithEnv(env, dir, p)
}

// Small is the default for tests and the demo: every case, a few seconds.
func Small() Params { return demo.Small() }

// Kernel is the scale of a vendor kernel rebase (v4.19.19 to v4.19.325).
func Kernel() Params {
	return Params{Upstream: 25000, Queue: 580, Files: 4000, Releases: 306, Seed: 1, Functions: 48}
}
