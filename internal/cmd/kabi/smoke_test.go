package kabi

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// writeKabi writes a Module.kabi with the given CRC of each symbol, in
// modpost's tab-separated layout.
func writeKabi(t *testing.T, path string, crcs map[string]string) {
	t.Helper()
	syms := make([]string, 0, len(crcs))
	for s := range crcs {
		syms = append(syms, s)
	}
	sort.Strings(syms)
	var b strings.Builder
	for _, s := range syms {
		fmt.Fprintf(&b, "%s\t%s\tvmlinux\tEXPORT_SYMBOL\n", crcs[s], s)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// smokeCounts reads the "(N)" of each ERROR block title.
func smokeCounts(out string) map[string]int {
	m := map[string]int{}
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "ERROR: ") {
			continue
		}
		i := strings.LastIndex(l, " (")
		var n int
		fmt.Sscanf(l[i+2:], "%d", &n)
		m[l[len("ERROR: "):i]] = n
	}
	return m
}

// On the shared real files, with a Module.kabi written from report: the
// CRCs all agree, written with or without leading zeros, and the only
// problem is the 69 locked symbols (backports) the Symtypes does not
// export; every CRC changed in Module.kabi is flagged, and only those.
func TestSmokeReal(t *testing.T) {
	realOld, _, list := realFiles(t)
	crcs := reportCRCs(t, realOld)
	if len(crcs) != 1526 {
		t.Fatalf("%d exports, want 1526", len(crcs))
	}
	dir := t.TempDir()
	mk := filepath.Join(dir, "Module.kabi")

	short := map[string]string{}
	for s, c := range crcs {
		short[s] = "0x" + strings.TrimLeft(strings.TrimPrefix(c, "0x"), "0")
		if short[s] == "0x" {
			short[s] = "0x0"
		}
	}
	writeKabi(t, mk, short)
	r := kabi(t, nil, "smoke", "-t", realOld, "-v", mk, "-l", list)
	got := smokeCounts(r.stdout)
	if r.code != 1 || len(got) != 1 || got["locked symbols missing from "+mk] != 69 {
		t.Fatalf("exit %d, blocks %v, stderr %q", r.code, got, r.stderr)
	}
	if !strings.Contains(r.stdout, "\tbackport___xa_alloc\n") {
		t.Errorf("backport___xa_alloc not listed:\n%.500s", r.stdout)
	}

	// Change the CRC of every third symbol.
	wrong := map[string]string{}
	var changed []string
	i := 0
	for _, s := range sortedSyms(crcs) {
		wrong[s] = crcs[s]
		if i%3 == 0 {
			wrong[s] = fmt.Sprintf("0x%08x", i)
			changed = append(changed, s)
		}
		i++
	}
	writeKabi(t, mk, wrong)
	r = kabi(t, nil, "smoke", "--symtypes", realOld, "--symvers", mk, "--lockedlist", list)
	title := "CRCs of " + mk + " that " + realOld + " does not give"
	if got := smokeCounts(r.stdout); r.code != 1 || got[title] != len(changed) {
		t.Fatalf("exit %d, blocks %v, want %d CRCs", r.code, got, len(changed))
	}
	for _, s := range changed {
		if !strings.Contains(r.stdout, "\t"+wrong[s]+"\t"+s+"\n") {
			t.Fatalf("%s not flagged", s)
		}
	}
	if strings.Count(r.stdout, "\n0x") != len(changed) {
		t.Errorf("%d CRC lines, want %d", strings.Count(r.stdout, "\n0x"), len(changed))
	}
}

func sortedSyms(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestSmokeHandMade pins every kind of problem, and the all-good line.
func TestSmokeHandMade(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	st := write("Symtypes", "s#a struct a { int x ; }\nf int f ( s#a * )\ng int g ( s#gone * )\nh int h ( void )\nonly int only\n")
	good := write("good.symtypes", "s#a struct a { int x ; }\nf int f ( s#a * )\nh int h ( void )\n")
	crc := func(path, sym string) string { return reportCRCs(t, path)[sym] }
	fc, hc := crc(good, "f"), crc(good, "h")
	locked := write("locked", "[mod]\n\tf\n\tg\n\th\n\tlost\n")
	mk := write("Module.kabi", "0x1\tf\tvmlinux\tEXPORT_SYMBOL\n0x2\tg\tvmlinux\tEXPORT_SYMBOL\n"+
		hc+"\th\tvmlinux\tEXPORT_SYMBOL\n0x4\tx\tvmlinux\tEXPORT_SYMBOL\n0x5\tx\tvmlinux\tEXPORT_SYMBOL\n")
	r := kabi(t, nil, "smoke", "-t", st, "-v", mk, "-l", locked)
	if r.code != 1 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if want := "warning: " + mk + " lists 1 symbol more than once: x\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	golden(t, "stdout", []byte(strings.ReplaceAll(r.stdout, dir, "$DIR")))

	// Leading zeros do not matter: CRCs are numbers.
	mk2 := write("Module.kabi.good", strings.Replace(fc, "0x0", "0x", 1)+"\tf\tvmlinux\tEXPORT_SYMBOL\n"+hc+"\th\tvmlinux\tEXPORT_SYMBOL\n")
	locked2 := write("locked.good", "[mod]\n\tf\n\th\n")
	r = kabi(t, nil, "smoke", "-t", good, "-v", mk2, "-l", locked2)
	if want := locked2 + ", " + mk2 + " and " + good + " agree on 2 locked symbols.\n"; r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
}

func TestSmokeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"smoke", "-t", "a", "-v", "b"},
		{"smoke", "-t", "a", "-v", "b", "-l", "c", "extra"},
	} {
		if r := kabi(t, nil, args...); r.code != 2 || !strings.HasPrefix(r.stderr, "git kabi: smoke: ") {
			t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
