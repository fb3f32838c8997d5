package srpm

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/srpm/srpmtest"
)

// twoLayers commits the good patches as a two-layer spec whose marker
// comes before patch `at`, and returns the SRPM commit.
func twoLayers(t *testing.T, f *srpmtest.Fixture, release string, at int) string {
	t.Helper()
	spec := srpmtest.Spec(release, srpmtest.GoodPatches, false)
	if at >= 0 {
		line := "Patch" + strconv.Itoa(at) + ": "
		spec = strings.Replace(spec, line, "\n# XCP-ng patches\n"+line, 1)
	}
	if err := os.WriteFile(filepath.Join(f.SRPM, "SPECS", "kernel.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	gitOut(t, f, f.SRPM, "commit", "-q", "-am", "two layers "+release)
	return gitOut(t, f, f.SRPM, "rev-parse", "HEAD")
}

func TestImportVendorBase(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	f := fixture(t)
	ctx := context.Background()
	srpm, code := repo(t, f, f.SRPM), repo(t, f, f.Code)
	for _, c := range []struct {
		at    int // the marker comes before this patch; -1: no marker
		start int
	}{{4, 4}, {6, 6}, {0, 0}, {-1, -1}} {
		rev, err := Read(ctx, srpm, twoLayers(t, f, "1.4", c.at), ReadOptions{Vendor: "xcpng"})
		if err != nil {
			t.Fatal(err)
		}
		if rev.VendorStart != c.start {
			t.Fatalf("marker before %d: VendorStart %d, want %d", c.at, rev.VendorStart, c.start)
		}
		res, err := Import(ctx, code, rev, ImportOptions{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		prefix := "refs/heads/kernel/xcpng-4.19.19-1.4"
		refs := prefix + "/base\n" + prefix + "/pre-base"
		if c.at >= 0 {
			refs = prefix + "/base\n" + prefix + "/pre-base\n" + prefix + "/vendor-base"
			// Their layer ends after the commit of patch at-1: the
			// commits after vendor-base are ours.
			ours := gitOut(t, f, f.Code, "rev-list", "--count", prefix+"/vendor-base.."+prefix+"/base")
			want := len(srpmtest.GoodPatches) - c.at
			if ours != strconv.Itoa(want) || res.VendorBase != gitOut(t, f, f.Code, "rev-parse", prefix+"/vendor-base") {
				t.Errorf("marker before %d: %s commits after vendor-base, want %d", c.at, ours, want)
			}
		}
		// A re-import of a spec without the marker removes the
		// vendor-base of the earlier one.
		noLeftovers(t, f, f.Code, refs)
	}
}
