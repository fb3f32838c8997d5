package git_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/patchqueue/pqtools/internal/git"
	"github.com/patchqueue/pqtools/testdata/repos"
)

func TestWriteTarball(t *testing.T) {
	s := repos.NewScratch(t)
	s.Write("a.txt", "a\n")
	s.Write("d/b.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(s.Dir, "d", "b.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.Git("add", "-A")
	s.Git("commit", "-q", "-m", "one")
	s.Git("tag", "-a", "-m", "v1", "v1.0")
	ctx := context.Background()
	r := &git.Repo{Dir: s.Dir, Env: s.Env.Vars}
	date, err := r.TagDate(ctx, "v1.0")
	if err != nil {
		t.Fatal(err)
	}
	if want := s.Git("for-each-ref", "--format=%(taggerdate:unix)", "refs/tags/v1.0"); strconv.FormatInt(date.Unix(), 10) != want {
		t.Fatalf("tag date %v (git: %s)", date, want)
	}
	var one, two bytes.Buffer
	if err := r.WriteTarball(ctx, "v1.0", "pkg-1.0/", date, &one); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteTarball(ctx, "v1.0", "pkg-1.0/", date, &two); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Error("two tarballs of one tag differ")
	}
	zr, err := gzip.NewReader(bytes.NewReader(one.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header name %q time %v, want none (gzip -n)", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(date) {
			t.Errorf("%s dated %v, want %v", h.Name, h.ModTime, date)
		}
		if h.Name == "pkg-1.0/d/b.sh" && h.Mode&0o111 == 0 {
			t.Error("b.sh lost its mode")
		}
	}
	if want := []string{"pkg-1.0/", "pkg-1.0/a.txt", "pkg-1.0/d/", "pkg-1.0/d/b.sh"}; len(names) != len(want) {
		t.Errorf("entries %q, want %q", names, want)
	}
	if _, err := r.TagDate(ctx, "nosuch"); err == nil {
		t.Error("a missing tag has a date")
	}
}
