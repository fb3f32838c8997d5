package sbs

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const textOld = `commit 82e1b1b0c98f5580b3340c387a5b137f99627a72

    block: foo1: fix refcount leak on error path

    Downstream change carried by the vendor kernel.

diff --git a/drivers/block/foo1.c b/drivers/block/foo1.c
index 1d68c61..66bcf1a 100644
--- a/drivers/block/foo1.c
+++ b/drivers/block/foo1.c
@@ -22,6 +22,9 @@ int foo1_fn0(struct device *dev, unsigned long arg)
 	if (ret)
 		return ret;
 	/* foo1: queue slot 0 */
+	if (arg & BIT(2)) {
+		ret = foo1_quirk_2(dev, arg);	/* a comment long enough to be cut at eighty columns */
+	}
 	return ret;
 }
`

const textNew = `commit 5eada02dd81a689a509f90d2d22f30474b60c7c3

    block: foo1: fix refcount leak on error path

    Downstream change carried by the vendor kernel.

    [Vendor Dev: rebase from v4.19.19 to v4.19.25 conflicts:
     - drivers/block/foo1.c: e7cc2f5f0f52 ("block: foo1: only fail on negative return")]

diff --git a/drivers/block/foo1.c b/drivers/block/foo1.c
index 11d70d0..a5ccb0a 100644
--- a/drivers/block/foo1.c
+++ b/drivers/block/foo1.c
@@ -22,6 +22,9 @@ int foo1_fn0(struct device *dev, unsigned long arg)
 	if (ret < 0)
 		return ret;
 	/* foo1: queue slot 0 */
+	if (arg & BIT(3)) {
+		ret = foo1_quirk_3(dev, arg);	/* a comment long enough to be cut at eighty columns */
+	}
 	return ret;
 }
`

func golden(t *testing.T, name, got string) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", t.Name(), name), []byte(got), *update)
}

// The side-by-side as text, at 80 and 160 columns, plain and coloured.
func TestText(t *testing.T) {
	lay := New(textOld, textNew)
	for _, c := range []struct {
		name string
		o    TextOptions
	}{
		{"80.txt", TextOptions{Width: 80}},
		{"160.txt", TextOptions{Width: 160}},
		{"160-color.txt", TextOptions{Width: 160, Color: true}},
	} {
		got := Text(lay, c.o)
		golden(t, c.name, got)
		for i, l := range strings.Split(strings.TrimRight(got, "\n"), "\n") {
			if !c.o.Color && len([]rune(l)) > c.o.Width {
				t.Errorf("%s line %d is %d columns wide", c.name, i+1, len([]rune(l)))
			}
		}
	}
	plain := Text(lay, TextOptions{Width: 160})
	// The changed tokens are marked without colour, on both sides.
	for _, want := range []string{"if (ret{+ < 0+})", "BIT([-2-])", "BIT({+3+})", "ret = [-foo1_quirk_2-](dev"} {
		if !strings.Contains(plain, want) {
			t.Errorf("no %q in:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "\x1b") || strings.Contains(plain, "\t") {
		t.Error("plain text holds escapes or tabs")
	}
}

// Control characters from a commit message are shown, not sent.
func TestTextEscapes(t *testing.T) {
	lay := New("commit 1\n\n    evil \x1b[2J title\r\n", "commit 2\n\n    evil title\n")
	got := Text(lay, TextOptions{Width: 80})
	if strings.Contains(got, "\x1b") || strings.Contains(got, "\r") || !strings.Contains(got, `\e[2J`) {
		t.Errorf("escapes reached the text: %q", got)
	}
}
