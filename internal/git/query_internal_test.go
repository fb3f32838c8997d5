package git

import "testing"

func TestParsePaths(t *testing.T) {
	tests := []struct {
		out  string
		want Paths
		err  bool
	}{
		{"/r/.git\n/r/.git\n/r/.git/objects\n", Paths{"/r/.git", "/r/.git", "/r/.git/objects"}, false},
		{"/r/.git/worktrees/w\n/r/.git\n/o\n", Paths{"/r/.git/worktrees/w", "/r/.git", "/o"}, false},
		{"/r/.git\n/r/.git\n", Paths{}, true},
		{"", Paths{}, true},
	}
	for _, tc := range tests {
		got, err := parsePaths([]byte(tc.out))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q: %+v %v", tc.out, got, err)
		}
	}
}

func FuzzParsePaths(f *testing.F) {
	f.Add([]byte("/r/.git\n/r/.git\n/r/.git/objects\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		p, err := parsePaths(out)
		if err == nil && (len(p.GitDir)+len(p.CommonDir)+len(p.Objects)+2 > len(out)) {
			t.Errorf("paths longer than the output: %+v", p)
		}
	})
}
