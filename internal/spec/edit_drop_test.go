package spec

import (
	"errors"
	"strings"
	"testing"
)

func TestEditDropped(t *testing.T) {
	prep := "\n%description\nd\n\n%prep\n%setup -q\n%patch0 -p1\n%patch -P 1 -p1\n%patch2 -p1\n"
	src := insHead + "Patch0: a.patch\nPatch1: b.patch\nPatch2: c.patch\n" + prep
	res, err := Edit([]byte(src), Edits{
		Dropped:  []DroppedEdit{{Num: 1, Reason: "obsolete:\n 100% fixed by\tc"}},
		Upstream: []UpstreamEdit{{Num: 0, Commit: "0123456789ab", Title: "a"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := insHead + "# Patch0: a.patch: 0123456789ab a\n# Patch1: b.patch: dropped: obsolete: 100%% fixed by c\nPatch2: c.patch\n" +
		"\n%description\nd\n\n%prep\n%setup -q\n#%%patch0 -p1\n#%%patch -P 1 -p1\n%patch2 -p1\n"
	if string(res.Out) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", res.Out, want)
	}
	s, err := Parse(res.Out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := s.Applied(); err != nil || len(a) != 1 || a[0].Num != 2 {
		t.Errorf("applied %+v %v", a, err)
	}
	bad := strings.Replace(src, "%patch -P 1 -p1\n%patch2 -p1\n", "%patch -P 1 -P 2 -p1\n", 1)
	if _, err := Edit([]byte(bad), Edits{Dropped: []DroppedEdit{{Num: 1, Reason: "x"}}}, nil); !errors.Is(err, ErrPrepLayout) {
		t.Errorf("a %%patch line applying two patches: %v", err)
	}
}
