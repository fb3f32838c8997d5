package git

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// TagDate is the date of a tag: the tagger's for an annotated tag, the
// committer's of the commit a lightweight tag names.
func (r *Repo) TagDate(ctx context.Context, tag string) (time.Time, error) {
	if err := CheckRev(tag); err != nil {
		return time.Time{}, err
	}
	out, err := r.invoke(ctx, true, nil, []string{"for-each-ref", "--format=%(creatordate:unix)", "--", "refs/tags/" + strings.TrimPrefix(tag, "refs/tags/")})
	if err != nil {
		return time.Time{}, err
	}
	s := strings.TrimSpace(string(out))
	if s == "" {
		return time.Time{}, fmt.Errorf("no tag %s", tag)
	}
	sec, err := strconv.ParseInt(strings.Fields(s)[0], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("tag %s: date %q: %w", tag, s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// WriteTarball writes treeish as a gzip-compressed tar to w, reproducibly:
// every path under prefix (normally "name-version/"), every entry dated
// mtime, and a gzip header without name or time, as gzip -n writes it.
// The same tree, prefix and mtime always give the same bytes.
func (r *Repo) WriteTarball(ctx context.Context, treeish, prefix string, mtime time.Time, w io.Writer) error {
	if err := CheckRev(treeish); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	args := []string{"archive", "--format=tar"}
	if prefix != "" {
		args = append(args, "--prefix="+prefix)
	}
	args = append(args, "--end-of-options", treeish)
	err = r.stream(ctx, nil, func(rd io.Reader) error {
		tr := tar.NewReader(rd)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read git archive: %w", err)
			}
			if h.Typeflag == tar.TypeXGlobalHeader {
				continue // the commit id git writes: not part of the tree
			}
			h.ModTime, h.AccessTime, h.ChangeTime = mtime, time.Time{}, time.Time{}
			h.Format = tar.FormatPAX
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if _, err := io.Copy(tw, tr); err != nil {
				return err
			}
		}
	}, args...)
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}
