package repos

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SyncCase is one kind of rebase git import-srpm sync must follow.
type SyncCase string

// The rebases SyncV2.Rebase makes of the imported queue p0..p5 (p0..p2 the
// upstream vendor's layer, p3..p5 ours when the spec is layered).
const (
	SyncInsert        SyncCase = "insert"         // a new commit after p3 (ours, mid-queue)
	SyncInsertVendor  SyncCase = "insert-vendor"  // a new commit after p0 (the vendor's layer)
	SyncSplit         SyncCase = "split"          // p4 split in two
	SyncSquash        SyncCase = "squash"         // p1 and p2 squashed into one (p2 dropped, with a note)
	SyncDroppedNote   SyncCase = "dropped-note"   // p3 dropped, with a git note
	SyncDroppedNoNote SyncCase = "dropped-nonote" // p3 dropped, without a note
	SyncUpstreamed    SyncCase = "upstreamed"     // p2 is upstream in the new base
	SyncContext       SyncCase = "context"        // upstream changed a line next to p3: only its context moves
)

// SyncCases are all the cases, in a fixed order.
var SyncCases = []SyncCase{SyncInsert, SyncInsertVendor, SyncSplit, SyncSquash, SyncDroppedNote, SyncDroppedNoNote, SyncUpstreamed, SyncContext}

// SyncV2 is a package "demo" version 1.0: a code repository (tags v1.0
// and, after Rebase, v1.1) and an SRPM repository whose spec applies six
// format-patch mails 0001-...0006-... by distinct authors and dates.
type SyncV2 struct {
	Env     *Env
	Code    string // the code repository, <dir>/demo
	SRPM    string // the SRPM repository, <dir>/demo-srpm, branch main
	Spec    string // SPECS/demo.spec in SRPM
	Layered bool   // the spec has a "# XCP-ng patches" marker before p3
}

// syncAuthors sign p0..p5 and the commits the rebases add.
var syncAuthors = []string{"Alice Vendor", "Bob Vendor", "Carol Vendor", "Dan Ours", "Erin Ours", "Fay Ours", "Gus New", "Hal New"}

// syncLines are the (file, line) p0..p5 change.
var syncLines = [][2]int{{0, 5}, {1, 5}, {2, 5}, {0, 20}, {1, 20}, {3, 5}}

type syncBuilder struct {
	*Builder
	// state of each file of the work tree being committed
	files map[int]map[int]string
}

func newSyncBuilder(env *Env) *syncBuilder {
	return &syncBuilder{Builder: &Builder{Env: env}, files: map[int]map[int]string{}}
}

// as runs git as author k (syncAuthors) at day k+1 of 2019.
func (b *syncBuilder) as(k int, dir string, args ...string) {
	name := syncAuthors[k]
	date := fmt.Sprintf("@%d +0100", 1546300800+int64(k+1)*86400+int64(k)*3607)
	b.GitAs(dir, name, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.com", date, args...)
}

// write writes file n (f<n>.c) of dir with edit on top of the edits
// written before.
func (b *syncBuilder) write(dir string, n int, edit map[int]string) {
	if b.files[n] == nil {
		b.files[n] = map[int]string{}
	}
	for k, v := range edit {
		b.files[n][k] = v
	}
	b.Write(dir, fmt.Sprintf("f%d.c", n), CFile(fmt.Sprintf("f%d", n), 40, b.files[n]), 0o644)
}

func syncChange(k, line int) string {
	return fmt.Sprintf("int changed_%d_%d(void) { return %d; }", k, line, 1000*k+line)
}

// syncSpec is the spec applying files in order; when layered, the marker
// comes before the fourth, numbered 10.
func syncSpec(release string, files []string, layered bool) string {
	var b strings.Builder
	b.WriteString("%global package_srccommit v1.0\nName: demo\nVersion: 1.0\nRelease: " + release + "%{?dist}\nSummary: demo\nLicense: MIT\n")
	b.WriteString("Source0: demo-1.0.tar.gz\n\n")
	for i, f := range files {
		num := i
		if layered && i >= 3 {
			num = i + 7 // ours from Patch10, leaving room
		}
		if layered && i == 3 {
			b.WriteString("\n# XCP-ng patches\n")
		}
		fmt.Fprintf(&b, "Patch%d: %s\n", num, f)
	}
	b.WriteString("\n%description\nA demo.\n\n%prep\n%autosetup -p1\n\n%changelog\n* Tue Jan 01 2019 Patch Queue Bot <bot@pq.example> - 1.0-" + release + "\n- First.\n")
	return b.String()
}

// BuildSyncV2 writes the fixture in dir.
func BuildSyncV2(env *Env, dir string, layered bool) (*SyncV2, error) {
	f := &SyncV2{Env: env, Code: filepath.Join(dir, "demo"), SRPM: filepath.Join(dir, "demo-srpm"), Layered: layered}
	f.Spec = filepath.Join(f.SRPM, "SPECS", "demo.spec")
	b := newSyncBuilder(env)
	b.Git(dir, "init", "-q", f.Code)
	for n := 0; n < 4; n++ {
		b.write(f.Code, n, nil)
	}
	b.Git(f.Code, "add", "-A")
	b.Git(f.Code, "commit", "-q", "-m", "demo 1.0")
	b.Git(f.Code, "tag", "-a", "-m", "demo 1.0", "v1.0")
	// The queue, in a scratch branch, formatted as mails.
	b.Git(f.Code, "checkout", "-q", "-b", "queue")
	for k, fl := range syncLines {
		edit := map[int]string{fl[1]: syncChange(k, fl[1])}
		if k == 4 {
			edit[25] = syncChange(k, 25) // so that it can be split
		}
		b.write(f.Code, fl[0], edit)
		b.as(k, f.Code, "commit", "-q", "-am", fmt.Sprintf("f%d: change %d\n\nWhy p%d.", fl[0], fl[1], k))
	}
	out := filepath.Join(dir, "mails")
	b.Git(f.Code, "format-patch", "-q", "--zero-commit", "-o", out, "v1.0..queue")
	b.Git(f.Code, "checkout", "-q", "--detach", "v1.0")
	b.Git(f.Code, "branch", "-q", "-D", "queue")
	b.Git(dir, "init", "-q", f.SRPM)
	names := b.CopyMails(f.SRPM, out)
	b.Write(f.SRPM, filepath.Join("SPECS", "demo.spec"), syncSpec("1", names, layered), 0o644)
	b.Git(f.SRPM, "add", "-A")
	b.Git(f.SRPM, "commit", "-q", "-m", "demo 1.0-1")
	return f, b.Err
}

// Rebase makes upstream v1.1 (an unrelated change, plus what the case
// needs) and the branch "rebased": the imported queue base..tip (p0..p5)
// replayed onto v1.1 by cherry-pick, changed as the case says. Notes the
// case needs are added on the old commits.
func (f *SyncV2) Rebase(c SyncCase, base, tip string) error {
	b := newSyncBuilder(f.Env)
	code := f.Code
	old := strings.Fields(b.Git(code, "rev-list", "--reverse", base+".."+tip))
	if b.Err == nil && len(old) != len(syncLines) {
		return fmt.Errorf("imported queue has %d commits, want %d", len(old), len(syncLines))
	}
	b.Git(code, "checkout", "-q", "-b", "upstream", "v1.0")
	if b.Err != nil {
		return b.Err
	}
	if err := os.WriteFile(filepath.Join(code, "NEWS"), []byte("demo 1.1\n"), 0o644); err != nil {
		return err
	}
	b.Git(code, "add", "NEWS")
	b.Git(code, "commit", "-q", "-m", "NEWS for 1.1")
	switch c {
	case SyncUpstreamed:
		b.Git(code, "cherry-pick", old[2])
	case SyncContext:
		b.write(code, 0, map[int]string{22: "int f0_22(void) { return 2222; } /* upstream */"})
		b.Git(code, "commit", "-q", "-am", "f0: upstream change next to 20")
	}
	b.Git(code, "tag", "-a", "-m", "demo 1.1", "v1.1")
	b.Git(code, "checkout", "-q", "-b", "rebased", "v1.1")
	pick := func(k int) { b.Git(code, "cherry-pick", "--allow-empty", old[k]) }
	for k := range old {
		switch {
		case c == SyncUpstreamed && k == 2:
			continue
		case (c == SyncDroppedNote || c == SyncDroppedNoNote) && k == 3:
			continue
		case c == SyncSquash && k == 2:
			continue
		case c == SyncSquash && k == 1:
			b.Git(code, "cherry-pick", "-n", old[1])
			b.Git(code, "cherry-pick", "-n", old[2])
			b.Git(code, "commit", "-q", "-C", old[1])
			continue
		case c == SyncSplit && k == 4:
			// The first half keeps the title, the second is new.
			b.Git(code, "cherry-pick", "-n", old[4])
			if b.Err == nil {
				data, err := os.ReadFile(filepath.Join(code, "f1.c"))
				if err != nil {
					return err
				}
				half := strings.Replace(string(data), syncChange(4, 25), "int f1_25(void) { return 25; }", 1)
				if err := os.WriteFile(filepath.Join(code, "f1.c"), []byte(half), 0o644); err != nil {
					return err
				}
			}
			b.Git(code, "commit", "-q", "-a", "-C", old[4])
			b.Git(code, "checkout", "-q", old[4], "--", "f1.c")
			b.as(6, code, "commit", "-q", "-am", "f1: change 25, split out\n\nThe second half of p4.")
			continue
		}
		pick(k)
		switch {
		case c == SyncInsert && k == 3:
			b.write(code, 3, map[int]string{30: syncChange(6, 30)})
			b.as(6, code, "commit", "-q", "-am", "f3: new change 30")
		case c == SyncInsertVendor && k == 0:
			b.write(code, 2, map[int]string{30: syncChange(7, 30)})
			b.as(7, code, "commit", "-q", "-am", "f2: new vendor change 30")
		}
	}
	switch c {
	case SyncDroppedNote:
		b.Git(code, "notes", "add", "-m", "f0: obsolete, 1.1 does it differently\n\nDetails.", old[3])
	case SyncSquash:
		b.Git(code, "notes", "add", "-m", "squashed into f1: change 5", old[2])
	}
	b.Git(code, "checkout", "-q", "--detach", "v1.1")
	return b.Err
}
