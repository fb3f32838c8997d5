package spec

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
)

// genSpec writes a random but valid spec exercising the syntax this
// package claims to read. The generator knows which conditions it made
// true, and returns the patches it declared active (number and file) in
// declaration order and the files %prep applies, as its own expectation;
// the tests also compare with rpmspec, the real oracle.
type genResult struct {
	src      string
	files    []string // every patch file, active or not
	declared []numFile
	applied  []string
	vendor   []int // numbers of the vendor block's patches
}

func genSpec(seed int64, arch string) genResult {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	var g genResult
	pick := func(xs ...string) string { return xs[r.Intn(len(xs))] }
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	ver := fmt.Sprintf("%d.%d.%d", 1+r.Intn(6), r.Intn(20), r.Intn(300))
	w("%%global usver %s\n", ver)
	w("%%define base_rel %d\n", 1+r.Intn(9))
	w("%%global with_extra %d\n", r.Intn(2))
	w("%%define later %%{base_rel}\n")
	w("%%global relsuffix %%{?nope}%%{!?nope:.s}%%{?usver:.v}\n")
	w("%%undefine nothing_here\n")
	w("# A comment with %%%%{macro} escaped\n")
	w("%s %s\n", pick("Name:", "name:", "NAME:\t", "Name :"), pick("pkg", "kernel", "x-tool"))
	w("%s %s\n", pick("Version:", "version:", "VERSION:\t\t"), pick("%{usver}", "%usver", ver))
	w("%s %s\n", pick("Release:", "release:"), pick("%{later}%{?relsuffix}%{?dist}", "%{base_rel}.%{!?missing:1}%{?missing:2}"))
	w("Summary: generated\nLicense: GPLv2\n")
	w("Source0: %%{name}-%%{version}.tar.gz\nSource: extra.tar\n")

	used := map[int]bool{}
	next := 0
	fileN := 0
	newFile := func() string {
		fileN++
		f := fmt.Sprintf("%04d-change-%d.patch", fileN, seed%1000)
		if r.Intn(4) == 0 {
			// The name uses a macro; the file still has the plain name.
			f = fmt.Sprintf("%04d-change-%d.patch", fileN, seed%1000)
			g.files = append(g.files, f)
			return strings.Replace(f, "change", "%{?nope}change%{!?nope}", 1)
		}
		g.files = append(g.files, f)
		return f
	}
	plain := func(f string) string {
		return strings.NewReplacer("%{?nope}", "", "%{!?nope}", "").Replace(f)
	}
	pad := func(n int) string {
		if r.Intn(5) == 0 {
			return fmt.Sprintf("%04d", n)
		}
		return fmt.Sprint(n)
	}
	declLine := func(num string, f string) string {
		sp := pick(" ", "\t", "  ", " \t")
		return pick("Patch", "patch", "PATCH") + num + pick(":", " :", "\t:") + sp + f + pick("", "", " ", "\t")
	}
	// declare writes one declaration; active says whether rpm sees it.
	declare := func(active bool, explicit int) {
		f := newFile()
		if explicit < 0 && active {
			b.WriteString(declLine("", f) + "\n")
			g.declared = append(g.declared, numFile{next, plain(f)})
			used[next] = true
			next++
			return
		}
		n := explicit
		if n < 0 {
			n = 500 + r.Intn(50)
		}
		b.WriteString(declLine(pad(n), f) + "\n")
		if active {
			g.declared = append(g.declared, numFile{n, plain(f)})
			used[n] = true
			if n >= next {
				next = n + 1
			}
		}
	}
	free := func() int {
		for {
			n := r.Intn(120)
			if !used[n] {
				return n
			}
		}
	}
	trueConds := []string{"%if 0%{?with_extra} || 1", "%if \"%{usver}\" == \"" + ver + "\"", "%ifarch " + arch + " ppc64le",
		"%ifnarch s390x", "%if !0%{?nope}", "%if 2 > 1 && 0%{!?nope:1}", "%if %{defined usver}"}
	falseConds := []string{"%if 0%{?nope}", "%if \"%{name}\" != \"%{name}\"", "%ifarch s390x", "%ifnarch " + arch,
		"%if 0 && 1", "%if (1 + 1) * 2 == 5"}

	for i, n := 0, 4+r.Intn(25); i < n; i++ {
		switch r.Intn(9) {
		case 0:
			w("%s\n", pick(trueConds...))
			declare(true, free())
			w("%%else\n")
			declare(false, -1)
			w("%%endif\n")
		case 1:
			w("%s\n", pick(falseConds...))
			declare(false, -1)
			w("%s\n", pick("%else", "%elif 1", "%elif 0%{!?nope:1}"))
			declare(true, free())
			w("%%endif\n")
		case 2:
			w("%%if 0%%{?with_extra} == 9\n")
			declare(false, -1)
			w("%%endif\n")
		case 3:
			declare(true, -1)
		case 4:
			w("# Patch%d: old-%d.patch: %012x Upstream fix %d\n", 900+i, i, r.Int63()&0xffffffffffff, i)
		default:
			declare(true, free())
		}
	}
	usePatchlist := r.Intn(3) == 0
	if r.Intn(2) == 0 {
		w("\n# XCP-ng patches\n")
		for i := 0; i < 1+r.Intn(3); i++ {
			n := 1000 + i
			declare(true, n)
			g.vendor = append(g.vendor, n)
		}
	}
	w("\n%%description\nGenerated.\n\n")
	if usePatchlist {
		w("%%patchlist\n")
		for i := 0; i < 1+r.Intn(3); i++ {
			f := newFile()
			w("%s\n", f)
			g.declared = append(g.declared, numFile{next, plain(f)})
			used[next] = true
			next++
		}
		w("\n")
	}
	w("%%prep\n")
	byNum := map[int]string{}
	var nums []int
	for _, d := range g.declared {
		byNum[d.Num] = d.File
		nums = append(nums, d.Num)
	}
	all := func() []string {
		var fs []string
		for _, d := range g.declared {
			fs = append(fs, d.File)
		}
		return fs
	}
	switch r.Intn(5) {
	case 0:
		w("%%autosetup -p1\n")
		g.applied = all()
	case 1:
		w("%%setup -q\n%%autopatch -p1\n")
		g.applied = all()
	case 2:
		sorted := append([]int(nil), nums...)
		sort.Ints(sorted)
		cut := sorted[len(sorted)/2]
		w("%%setup -q\n%%autopatch -p1 -M %d\n", cut)
		w("echo between\n")
		w("%%autopatch -p1 -m %d\n", cut+1)
		for _, lo := range []bool{true, false} {
			for _, d := range g.declared {
				if (d.Num <= cut) == lo {
					g.applied = append(g.applied, d.File)
				}
			}
		}
	case 3:
		w("%%autosetup -N\n%%autopatch")
		r.Shuffle(len(nums), func(i, j int) { nums[i], nums[j] = nums[j], nums[i] })
		for _, n := range nums {
			w(" %d", n)
			g.applied = append(g.applied, byNum[n])
		}
		w("\n")
	default:
		w("%%setup -q\n")
		r.Shuffle(len(nums), func(i, j int) { nums[i], nums[j] = nums[j], nums[i] })
		for _, n := range nums {
			switch r.Intn(4) {
			case 0:
				w("%%patch%d -p1\n", n)
			case 1:
				w("%%patch -P %d -p1\n", n)
			case 2:
				w("%%patch -P%d -p1 -b .orig\n", n)
			default:
				w("%%patch %d -p1\n", n)
			}
			g.applied = append(g.applied, byNum[n])
		}
	}
	w("\n%%build\nmake\n\n%%changelog\n* Mon Jan 01 2024 A <a@b> - 1\n- Patch3: mentioned, not declared\n")
	g.src = b.String()
	return g
}
