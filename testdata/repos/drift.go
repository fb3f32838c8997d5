package repos

import "testing"

// DriftRepo is a rebase whose patches apply cleanly and still drifted in
// meaning: upstream (v1..v2) renamed a C function (foo_init to foo_setup),
// moved a Python exception (SR.SROSError to xs_errors.SROSError), removed
// a struct member (priv_flags), and stopped using a helper in one file
// while another file still defines it (helper_count: no drift). The old
// queue (v1..queue-old) and the new one (v2..queue-new) carry the same
// patches, each adding a file that uses one of those names, plus one that
// uses none.
type DriftRepo struct {
	*Scratch
	// Commits by name: "up:rename", "up:move", "up:member", "up:helper",
	// and "old:"/"new:" + "c-rename", "py-rename", "member", "guard",
	// "clean" for the queue patches.
	Commits map[string]string
}

// DriftCases are the queue patches of a DriftRepo: name, file, content,
// and the identifier its message names when asked to mention it.
var DriftCases = []struct{ Name, Title, File, Body, Ident string }{
	{"c-rename", "quirk: reset the controller at probe", "drivers/quirk.c",
		"#include \"foo.h\"\n\nint quirk_probe(struct foo *f)\n{\n\tif (foo_init(f))\n\t\treturn -1;\n\treturn 0;\n}\n", "foo_init"},
	{"py-rename", "NFSSR: refuse an empty export", "sm/NFSSR.py",
		"import SR\n\n\ndef check(export):\n    if not export:\n        raise SR.SROSError(2)\n    return export\n", "SR.SROSError"},
	{"member", "baz: clear the promiscuous flag", "drivers/baz.c",
		"#include \"foo.h\"\n\nvoid baz_down(struct foo *dev)\n{\n\tdev->priv_flags &= ~2;\n}\n", "priv_flags"},
	{"guard", "qux: count helpers", "drivers/qux.c",
		"int helper_count(void);\n\nint qux_count(void)\n{\n\treturn helper_count();\n}\n", "helper_count"},
	{"clean", "docs: say what quirks are for", "Documentation/quirks.txt",
		"Quirks work around broken hardware.\n", ""},
}

// NewDrift builds a DriftRepo. With mention, each new-queue commit's
// message names the identifier its patch uses (what --check accepts as an
// explanation).
func NewDrift(t testing.TB, mention bool) *DriftRepo {
	t.Helper()
	s := NewScratch(t)
	d := &DriftRepo{Scratch: s, Commits: map[string]string{}}
	commit := func(name, msg string) {
		s.Git("add", "-A")
		s.Git("commit", "-qm", msg)
		d.Commits[name] = s.Git("rev-parse", "HEAD")
	}
	s.Write("drivers/foo.h", "struct foo {\n\tint ready;\n\tunsigned long priv_flags;\n};\n\nint foo_init(struct foo *f);\n")
	s.Write("drivers/foo.c", "#include \"foo.h\"\n\n/* Bring the device up. */\nint foo_init(struct foo *f)\n{\n\tf->ready = 1;\n\treturn 0;\n}\n")
	s.Write("drivers/main.c", "#include \"foo.h\"\n\nint main_probe(struct foo *f)\n{\n\treturn foo_init(f);\n}\n")
	s.Write("drivers/net.c", "#include \"foo.h\"\n\nvoid net_up(struct foo *dev)\n{\n\tdev->ready = 1;\n\tdev->priv_flags |= 1;\n}\n")
	s.Write("sm/SR.py", "class SR(object):\n    pass\n\n\nclass SROSError(Exception):\n    pass\n")
	s.Write("sm/LVMSR.py", "import SR\n\n\ndef attach(path):\n    if not path:\n        raise SR.SROSError(1)\n    return path\n")
	s.Write("lib/util.c", "int helper_count(void)\n{\n\treturn 3;\n}\n")
	s.Write("lib/old.c", "int helper_count(void);\n\nint old_total(void)\n{\n\treturn helper_count() + 1;\n}\n")
	commit("base", "base")
	s.Git("tag", "v1")

	s.Git("checkout", "-qb", "queue-old")
	for _, c := range DriftCases {
		s.Write(c.File, c.Body)
		commit("old:"+c.Name, c.Title)
	}

	s.Git("checkout", "-q", "main")
	s.Write("drivers/foo.h", "struct foo {\n\tint ready;\n\tunsigned long priv_flags;\n};\n\nint foo_setup(struct foo *f);\n")
	s.Write("drivers/foo.c", "#include \"foo.h\"\n\n/* Bring the device up. */\nint foo_setup(struct foo *f)\n{\n\tf->ready = 1;\n\treturn 0;\n}\n")
	s.Write("drivers/main.c", "#include \"foo.h\"\n\nint main_probe(struct foo *f)\n{\n\treturn foo_setup(f);\n}\n")
	commit("up:rename", "foo: rename foo_init to foo_setup")
	s.Write("sm/SR.py", "class SR(object):\n    pass\n")
	s.Write("sm/xs_errors.py", "class SROSError(Exception):\n    pass\n")
	s.Write("sm/LVMSR.py", "import xs_errors\n\n\ndef attach(path):\n    if not path:\n        raise xs_errors.SROSError(1)\n    return path\n")
	commit("up:move", "sm: move SROSError to xs_errors")
	s.Write("drivers/foo.h", "struct foo {\n\tint ready;\n};\n\nint foo_setup(struct foo *f);\n")
	s.Write("drivers/net.c", "#include \"foo.h\"\n\nvoid net_up(struct foo *dev)\n{\n\tdev->ready = 1;\n}\n")
	commit("up:member", "foo: drop the unused priv_flags")
	s.Write("lib/old.c", "int old_total(void)\n{\n\treturn 4;\n}\n")
	commit("up:helper", "lib: old_total needs no helper")
	s.Git("tag", "v2")

	s.Git("checkout", "-qb", "queue-new")
	for _, c := range DriftCases {
		s.Write(c.File, c.Body)
		msg := c.Title
		if mention && c.Ident != "" {
			msg += "\n\nStill uses " + c.Ident + " on purpose: the vendor kernel keeps it.\n"
		}
		commit("new:"+c.Name, msg)
	}
	s.Git("checkout", "-q", "main")
	return d
}
