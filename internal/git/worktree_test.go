package git

import (
	"reflect"
	"testing"
)

func TestParseWorktrees(t *testing.T) {
	out := "worktree /r\x00HEAD abc\x00branch refs/heads/main\x00\x00" +
		"worktree /r/.git/wt/x\x00HEAD def\x00detached\x00locked\x00\x00" +
		"worktree /gone\x00HEAD 123\x00detached\x00prunable gitdir file points to non-existent location\x00\x00"
	want := []Worktree{
		{Path: "/r", Head: "abc", Branch: "refs/heads/main"},
		{Path: "/r/.git/wt/x", Head: "def", Detached: true, Locked: true},
		{Path: "/gone", Head: "123", Detached: true, Prunable: true},
	}
	if got := ParseWorktrees([]byte(out)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := ParseWorktrees(nil); got != nil {
		t.Errorf("empty: got %+v", got)
	}
}

func FuzzParseWorktrees(f *testing.F) {
	f.Add([]byte("worktree /r\x00HEAD abc\x00branch refs/heads/main\x00\x00"))
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, w := range ParseWorktrees(out) {
			_ = w.Path
		}
	})
}

func TestShort(t *testing.T) {
	if got := Short("0123456789abcdef"); got != "0123456789ab" {
		t.Errorf("Short = %q", got)
	}
	if got := Short("abc"); got != "abc" {
		t.Errorf("Short(abc) = %q", got)
	}
}
