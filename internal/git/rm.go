package git

import "context"

// RemoveFiles removes paths (relative to the work tree, or absolute) from
// the index and the work tree, as git rm does; paths git does not track
// are left alone (--ignore-unmatch) for the caller to remove.
func (r *Repo) RemoveFiles(ctx context.Context, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	_, err := r.run(ctx, nil, append([]string{"rm", "-q", "--ignore-unmatch", "--"}, paths...)...)
	return err
}
