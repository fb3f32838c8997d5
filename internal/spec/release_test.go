package spec

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSetRelease(t *testing.T) {
	for _, c := range []struct {
		name, src, release, want string
		old, new, macro          string
		wantErr                  error
	}{
		{name: "dotted", src: "Release: 1.1\n", want: "Release: 1.2\n", old: "1.1", new: "1.2"},
		{name: "dist", src: "Release:  1%{?dist}\n", want: "Release:  2%{?dist}\n", old: "1", new: "2"},
		{name: "padded", src: "Release: 2.xcpng8.09%{dist}\n", want: "Release: 2.xcpng8.10%{dist}\n", old: "2.xcpng8.09", new: "2.xcpng8.10"},
		{name: "given", src: "Release: 1.1%{?dist}\n", release: "3", want: "Release: 3%{?dist}\n", old: "1.1", new: "3"},
		{name: "macro", src: "%global xsrel 1.2\nRelease: %{?xsrel}%{?dist}\n", want: "%global xsrel 1.3\nRelease: %{?xsrel}%{?dist}\n", old: "1.2", new: "1.3", macro: "xsrel"},
		{name: "computed", src: "%global a 1\nRelease: %{a}.%{a}\n", wantErr: ErrUnsupported},
		{name: "macro defined twice", src: "%global xsrel 1\n%global xsrel 2\nRelease: %{xsrel}\n", wantErr: ErrUnsupported},
		{name: "no number", src: "Release: rc\n", wantErr: ErrUnsupported},
		{name: "none", src: "Name: x\n", wantErr: ErrNoTag},
		{name: "bad release", src: "Release: 1\n", release: "1 2", wantErr: ErrSyntax},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, ch, err := SetRelease([]byte(c.src), c.release, nil)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("err %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want || ch.Old != c.old || ch.New != c.new || ch.Macro != c.macro {
				t.Errorf("got %q %+v", out, ch)
			}
		})
	}
}

func TestGlobals(t *testing.T) {
	src := "%global package_srccommit v3.2.3\n%define x %{y}\n%global two a b\n%global n 1\n"
	g := Globals([]byte(src))
	if len(g) != 2 || g[0] != (Global{1, "package_srccommit", "v3.2.3"}) || g[1] != (Global{4, "n", "1"}) {
		t.Fatalf("globals %+v", g)
	}
	out, ln, err := SetGlobal([]byte(src), "package_srccommit", "v3.2.12")
	if err != nil || ln != 1 || !strings.HasPrefix(string(out), "%global package_srccommit v3.2.12\n%define x") {
		t.Fatalf("%q %d %v", out, ln, err)
	}
	if _, _, err := SetGlobal([]byte(src), "x", "1"); err == nil {
		t.Error("a computed macro was set")
	}
}

func TestChangelog(t *testing.T) {
	e := ChangelogEntry{Date: time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), Name: "Ann Maint", Email: "ann@example.com", EVR: "4.19.20-1.3",
		Lines: []string{"Rebase on v4.19.20", "Patch0 a.patch: upstream as 0123456789ab 100% done"}}
	want := "* Sun Nov 29 2026 Ann Maint <ann@example.com> - 4.19.20-1.3\n- Rebase on v4.19.20\n- Patch0 a.patch: upstream as 0123456789ab 100%% done\n\n"
	if e.Text() != want {
		t.Fatalf("text %q", e.Text())
	}
	for _, c := range []struct{ src, want string }{
		{"Name: x\n%changelog\n* Mon Jan 01 2024 B <b@x> - 1-1\n- old\n", "Name: x\n%changelog\n" + want + "* Mon Jan 01 2024 B <b@x> - 1-1\n- old\n"},
		{"Name: x\n%changelog\n", "Name: x\n%changelog\n" + strings.TrimSuffix(want, "\n")},
		{"Name: x", "Name: x\n\n%changelog\n" + strings.TrimSuffix(want, "\n")},
	} {
		out, err := AddChangelog([]byte(c.src), e)
		if err != nil || string(out) != c.want {
			t.Errorf("%q: got %q, %v", c.src, out, err)
		}
	}
}

// TestChangelogRpmspec: rpmspec, the oracle, reads the entry.
func TestChangelogRpmspec(t *testing.T) {
	if _, err := exec.LookPath("rpmspec"); err != nil {
		t.Fatalf("rpmspec is needed as the oracle (Debian package rpm): %v", err)
	}
	src := "Name: k\nVersion: 1\nRelease: 1\nSummary: s\nLicense: l\n\n%description\nd\n\n%changelog\n* Mon Jan 01 2024 B <b@example.com> - 1-0\n- old\n"
	e := ChangelogEntry{Date: time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC), Name: "Ann Maint", Email: "ann@example.com", EVR: "1-1",
		Lines: []string{"Rebase on v2", "Patch3 x.patch: dropped: 50% obsolete"}}
	out, err := AddChangelog([]byte(src), e)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "k.spec")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	// rpm -q --changelog's own format; rpmspec 4.18 has no --changelog.
	cmd := exec.Command("rpmspec", "-q", "--srpm", "--qf", "[* %{CHANGELOGTIME:day} %{CHANGELOGNAME}\n%{CHANGELOGTEXT}\n\n]", p)
	cmd.Env = []string{"HOME=" + dir, "LC_ALL=C", "PATH=" + os.Getenv("PATH")}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("rpmspec: %v\n%s", err, stderr.String())
	}
	want := "* Sun Nov 29 2026 Ann Maint <ann@example.com> - 1-1\n- Rebase on v2\n- Patch3 x.patch: dropped: 50% obsolete\n\n* Mon Jan 01 2024 B <b@example.com> - 1-0\n- old\n\n"
	if string(got) != want {
		t.Errorf("rpmspec --changelog:\n%s\nwant:\n%s\n%s", got, want, stderr.String())
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("rpmspec warns: %s", stderr.String())
	}
}

func TestBumpLast(t *testing.T) {
	for in, want := range map[string]string{"1": "2", "1.9": "1.10", "09": "10", "1.1.el8": "1.2.el8", "x": ""} {
		if got, _ := bumpLast(in); got != want {
			t.Errorf("bumpLast(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSetRelease(f *testing.F) {
	f.Add([]byte("%global xsrel 1.2\nRelease: %{?xsrel}%{?dist}\n%changelog\n"), "")
	f.Add([]byte("Release: 1.1\n"), "7")
	f.Fuzz(func(t *testing.T, data []byte, release string) {
		out, ch, err := SetRelease(data, release, nil)
		if err != nil {
			return
		}
		if release != "" && ch.New != release {
			t.Fatalf("release %q, asked %q", ch.New, release)
		}
		if bytes.Count(out, []byte("\n")) != bytes.Count(data, []byte("\n")) {
			t.Fatal("line structure changed")
		}
		if _, err := Parse(out, nil); err != nil {
			t.Fatalf("result does not parse: %v", err)
		}
		if _, err := AddChangelog(out, ChangelogEntry{Name: "n", Email: "e", Lines: []string{release}}); err != nil {
			t.Fatal(err)
		}
	})
}
