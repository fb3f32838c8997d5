package spec

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// patchLineCases are %patch lines as parsePatchLine reads them (want:
// each ref as num@start:end, "!" when it fails) and as rpm 4.18 applies
// them (rpm: the patch numbers, "error", or "none" when rpm does not read
// the line as %patch). When the two differ on purpose, why says so.
var patchLineCases = []struct {
	text, want, rpm, why string
}{
	// The forms callers handle.
	{text: "%patch3 -p1", want: "3@6:7", rpm: "3"},
	{text: "%patch012", want: "12@6:9", rpm: "12"},
	{text: "%patch 3 -p1", want: "3@7:8", rpm: "3"},
	{text: "%patch -P 3 -p1", want: "3@10:11", rpm: "3"},
	{text: "%patch -P3", want: "3@9:10", rpm: "3"},
	{text: "%patch -p1 -P 3 -P 4", want: "3@14:15 4@19:20", rpm: "3 4"},
	{text: "%patch 3 4", want: "3@7:8 4@9:10", rpm: "3 4"},
	{text: "%patch 4 -P 3", want: "3@12:13 4@7:8", rpm: "3 4"},
	{text: "%patch3 -P 4", want: "3@6:7 4@11:12", rpm: "3 4"},
	{text: "%patch -P 3 -P 3", want: "3@10:11 3@15:16", rpm: "3 3"},
	{text: "%patch -p 1 5", want: "5@12:13", rpm: "5"},
	{text: "%patch3 -b .orig -p1", want: "3@6:7", rpm: "3"},
	{text: "%patch -b.x -P3", want: "3@14:15", rpm: "3"},
	{text: "%patch3 -F 3", want: "3@6:7", rpm: "3"},
	{text: "%patch -F3 4", want: "4@11:12", rpm: "4"},
	{text: "%patch -E -Z 3", want: "3@13:14", rpm: "3"},
	{text: "%patch\t3\t-p1", want: "3@7:8", rpm: "3"},
	{text: "%patch -P 3 -- 4", want: "3@10:11 4@15:16", rpm: "3 4"},
	{text: "%patch -p1", want: "", rpm: "0"},
	{text: "%patch", want: "", rpm: "0"},
	{text: "%patch10 -p1 -b .x", want: "10@6:8", rpm: "10"},
	// Bundled options (popt): prepNumber took the value of -p in "-Rp 1"
	// for a patch number, renumberPrep missed the number of "-RP3".
	{text: "%patch -Rp 1", want: "", rpm: "0"},
	{text: "%patch -Rp 1 3", want: "3@13:14", rpm: "3"},
	{text: "%patch -RP3", want: "3@10:11", rpm: "3"},
	{text: "%patch -RP 3 -p1", want: "3@11:12", rpm: "3"},
	// "--" ends the options: prepNumber read "-P" after it as an option.
	{text: "%patch -- -P", want: "-1@10:12", rpm: "error"},
	// Words that are not numbers: singlePatch took parseNum's value of any
	// word, prepNumber skipped them; rpm refuses the line.
	{text: "%patch3-p1", want: "-1@6:10", rpm: "error"},
	{text: "%patch3 foo", want: "3@6:7 -1@8:11", rpm: "error"},
	{text: "%patch3 # comment", want: "3@6:7 -1@8:9 -1@10:17", rpm: "error"},
	{text: "%patch A", want: "-1@7:8", rpm: "error"},
	{text: "%patch -P -p1", want: "-1@10:13", rpm: "error"},
	{text: "%patch - 3", want: "-1@7:8 3@9:10", rpm: "error"},
	{text: "%patch -P+3", want: "-1@9:11", rpm: "error"},
	{text: "%patch -P 4294967296", want: "-1@10:20", rpm: "error"},
	{text: "%patch 3\xc2\xa04", want: "-1@7:11", rpm: "error"},
	// After %patch, anything but a space, tab or newline starts a -P value.
	{text: "%patch-P3", want: "-1@6:9", rpm: "error"},
	{text: "%patch-p1 -P3", want: "-1@6:9 3@12:13", rpm: "error"},
	{text: "%patch\v3", want: "3@7:8", rpm: "3"},
	{text: "%patch\v", want: "!", rpm: "error"},
	{text: "%patch0\r0", want: "0@6:7 0@8:9", rpm: "0 0"}, // prepNumber split at spaces and tabs only
	{text: "%patch\f3 -p1", want: "3@7:8", rpm: "3"},
	{text: "%patch\v -p1", want: "-1@8:11", rpm: "error"},
	// An option without its value.
	{text: "%patch 3 -P", want: "!", rpm: "error"},
	{text: "%patch -P", want: "!", rpm: "error"},
	// Continued over two lines: rpm does not join a %patch line.
	{text: "%patch3 \\\n-p1", want: "3@6:7 -1@8:9", rpm: "error"},
	// Differences on purpose.
	{text: "%patch3 -p1 %{nil}", want: "3@6:7 -1@12:18", rpm: "3",
		why: "macros are not expanded: a macro argument may name any patch"},
	{text: "%patch -P%{x} 3", want: "-1@9:13 3@14:15", rpm: "error"},
	{text: `%patch "3"`, want: "-1@7:10", rpm: "3",
		why: "quotes are not removed: callers could not rewrite the number in place"},
	{text: "%patch -x 3", want: "3@10:11", rpm: "error",
		why: "unknown options are flags, as in Parse (and so in every old parser)"},
	{text: " %patch 3", want: "3@8:9", rpm: "none",
		why: "leading space is allowed, as in Parse (and every old parser); rpm >= 4.20 allows it too"},
	{text: "%patch -P 1000000000", want: "-1@10:20", rpm: "error"},
	// Not %patch lines.
	{text: "%patchlist", want: "!", rpm: "none"},
}

func TestParsePatchLine(t *testing.T) {
	for _, c := range patchLineCases {
		refs, err := parsePatchLine(c.text)
		if got := showRefs(refs, err); got != c.want {
			t.Errorf("%q: %s, want %s", c.text, got, c.want)
		}
		for _, r := range refs {
			if n, _ := parseNum(c.text[r.start:r.end]); r.num >= 0 && (n != r.num || !isNumber(c.text[r.start:r.end])) {
				t.Errorf("%q: span %d:%d is not the digits of %d", c.text, r.start, r.end, r.num)
			}
		}
		if got := rpmVerdict(c.text, refs, err); (got == c.rpm) != (c.why == "") {
			t.Errorf("%q: we apply %s, rpm %s (why: %q)", c.text, got, c.rpm, c.why)
		}
	}
}

// TestParsePatchLineRPM checks the rpm column of the cases with rpm 4.18.
func TestParsePatchLineRPM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs rpmspec")
	}
	if _, err := exec.LookPath("rpmspec"); err != nil {
		t.Fatalf("rpmspec is needed as the oracle (Debian package rpm; make deps installs it): %v", err)
	}
	dir := t.TempDir()
	var head strings.Builder
	head.WriteString("Name: t\nVersion: 1\nRelease: 1\nSummary: t\nLicense: MIT\n")
	for n := 0; n <= 12; n++ {
		fmt.Fprintf(&head, "Patch%d: p%d.patch\n", n, n)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.patch", n)), []byte("--- a/x\n+++ b/x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	head.WriteString("%description\nt\n%prep\n")
	applied := regexp.MustCompile(`(?m)^echo "Patch #(\d+) `)
	for _, c := range patchLineCases {
		spec := filepath.Join(dir, "t.spec")
		if err := os.WriteFile(spec, []byte(head.String()+c.text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("rpmspec", "-P", "--define", "_topdir "+dir, "--define", "_sourcedir "+dir, spec)
		cmd.Env = []string{"HOME=" + dir, "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		got := "error"
		if err == nil && !strings.Contains(stderr.String(), "error:") {
			var nums []string
			for _, m := range applied.FindAllStringSubmatch(string(out), -1) {
				nums = append(nums, m[1])
			}
			got = strings.Join(nums, " ")
			if got == "" {
				got = "none"
			}
		}
		if got != c.rpm {
			t.Errorf("%q: rpm %s, the case says %s", c.text, got, c.rpm)
		}
	}
}

func showRefs(refs []patchRef, err error) string {
	if err != nil {
		return "!"
	}
	var s []string
	for _, r := range refs {
		s = append(s, fmt.Sprintf("%d@%d:%d", r.num, r.start, r.end))
	}
	return strings.Join(s, " ")
}

// rpmVerdict is what rpm would apply if it read the line as we do.
func rpmVerdict(text string, refs []patchRef, err error) string {
	if name, _ := directive(trimLeftSpace(text)); !isPatchDirective(name) {
		return "none"
	}
	if err != nil {
		return "error"
	}
	if len(refs) == 0 {
		return "0"
	}
	var s []string
	for _, r := range refs {
		if r.num < 0 {
			return "error"
		}
		s = append(s, fmt.Sprint(r.num))
	}
	return strings.Join(s, " ")
}

func FuzzParsePatchLine(f *testing.F) {
	for _, c := range patchLineCases {
		f.Add(c.text, 7)
	}
	f.Fuzz(func(t *testing.T, text string, to int) {
		refs, err := parsePatchLine(text)
		if err != nil {
			if refs != nil {
				t.Fatalf("%q: refs with an error", text)
			}
			return
		}
		for _, r := range refs {
			if r.start < 0 || r.start >= r.end || r.end > len(text) {
				t.Fatalf("%q: span %d:%d", text, r.start, r.end)
			}
			w := text[r.start:r.end]
			if n, ok := parseNum(w); r.num >= 0 && (!ok || !isNumber(w) || n != r.num) || r.num < 0 && ok && isNumber(w) {
				t.Fatalf("%q: %q read as %d", text, w, r.num)
			}
		}
		r, one := onePatch(refs, err)
		if !one || strings.Contains(text, "\n") || to < 0 || to > 999999999 {
			return
		}
		if back := setPatchNum(text, r.num); back != text {
			t.Fatalf("%q: setting its own number gave %q", text, back)
		}
		out := setPatchNum(text, to)
		if r2, one := onePatch(parsePatchLine(out)); !one || r2.num != to || r2.start != r.start || out[:r.start] != text[:r.start] || out[r2.end:] != text[r.end:] {
			t.Fatalf("%q set to %d: %q", text, to, out)
		}
	})
}
