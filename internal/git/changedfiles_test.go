package git

import "context"

// ChangedFiles is test-only: it lists what WalkLog gives with Changes,
// so the tests of the log walk (paths, quoting, log.follow) read simply.
// It maps each non-merge commit of Include ^Exclude (limited to
// Paths when given, but listing every file the commit touches) to the files
// it changes, without rename detection. Listing names costs a tree diff, far
// less than a patch.
func (r *Repo) ChangedFiles(ctx context.Context, o LogOptions) (map[string][]string, error) {
	o.NoMerges = true
	files := map[string][]string{}
	err := r.WalkLog(ctx, WalkOptions{LogOptions: o, Changes: true}, func(rec *LogRecord) error {
		var fs []string
		if len(rec.Changes) > 0 {
			fs = make([]string, len(rec.Changes))
			for i, c := range rec.Changes {
				fs[i] = c.Path
			}
		}
		files[rec.Commit] = fs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}
