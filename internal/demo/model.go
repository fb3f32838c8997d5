package demo

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// entry is one file of a tree: mode and content.
type entry struct {
	mode string
	data []byte
}

// tree is the full content of a commit. Values are never mutated in place,
// so copying the map snapshots a commit.
type tree map[string]entry

func (t tree) clone() tree {
	c := make(tree, len(t))
	for k, v := range t {
		c[k] = v
	}
	return c
}

// change is one file of a fast-import commit.
type change struct {
	path   string
	mode   string
	data   []byte
	delete bool
}

// diffTrees lists the changes from a to b, sorted by path.
func diffTrees(a, b tree) []change {
	var out []change
	for p, eb := range b {
		if ea, ok := a[p]; !ok || ea.mode != eb.mode || !bytes.Equal(ea.data, eb.data) {
			out = append(out, change{path: p, mode: eb.mode, data: eb.data})
		}
	}
	for p := range a {
		if _, ok := b[p]; !ok {
			out = append(out, change{path: p, delete: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// slot is a place in the generated sources where a patch can insert lines
// without touching what upstream churn edits: the line after the
// "queue slot" marker of function fn in file file.
type slot struct{ file, fn int }

var dirs = []string{
	"drivers/net/ethernet/acme", "drivers/block", "drivers/xen", "mm", "fs/ext4", "kernel/sched",
	"net/core", "net/ipv4", "arch/x86/kernel", "drivers/gpu/drm/acme", "drivers/usb/core", "block",
	"security/selinux", "lib", "sound/core", "drivers/scsi",
}

var words = []string{
	"foo", "bar", "baz", "qux", "quux", "corge", "grault", "garply", "waldo", "fred",
	"plugh", "xyzzy", "thud", "alpha", "bravo", "charlie", "delta", "echo", "golf", "hotel",
	"india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "romeo", "sierra",
}

func fileDir(i int) string  { return dirs[i%len(dirs)] }
func fileBase(i int) string { return fmt.Sprintf("%s%d", words[(i/len(dirs))%len(words)], i) }
func filePath(i int) string { return fileDir(i) + "/" + fileBase(i) + ".c" }

// subsystem is the "dir: name:" prefix of titles touching file i.
func subsystem(i int) string {
	d := fileDir(i)
	return d[strings.LastIndexByte(d, '/')+1:] + ": " + fileBase(i)
}

func marker(s slot) string {
	return fmt.Sprintf("\t/* %s: queue slot %d */", fileBase(s.file), s.fn)
}

func fnName(s slot) string { return fmt.Sprintf("%s_fn%d", fileBase(s.file), s.fn) }

// sourceFile renders generated file i with helper values vals.
func sourceFile(i, fns int) []byte {
	var b strings.Builder
	name := fileBase(i)
	fmt.Fprintf(&b, "// SPDX-License-Identifier: GPL-2.0\n/*\n * %s.c - %s support\n */\n", name, name)
	b.WriteString("#include <linux/kernel.h>\n#include <linux/device.h>\n#include <linux/errno.h>\n\n")
	fmt.Fprintf(&b, "static int %s_helper(struct device *dev, unsigned long arg, int v)\n{\n\treturn arg > v ? -EINVAL : 0;\n}\n\n", name)
	for k := 0; k < fns; k++ {
		s := slot{i, k}
		fmt.Fprintf(&b, "/*\n * %s() - handle request %d\n */\n", fnName(s), k)
		fmt.Fprintf(&b, "int %s(struct device *dev, unsigned long arg)\n{\n\tint ret = 0;\n\n", fnName(s))
		fmt.Fprintf(&b, "\tret = %s_helper(dev, arg, %d);\n", name, 100+k)
		b.WriteString("\tif (ret)\n\t\treturn ret;\n")
		b.WriteString(marker(s) + "\n")
		b.WriteString("\treturn ret;\n}\n\n")
	}
	return []byte(b.String())
}

func lines(data []byte) []string {
	s := strings.Split(string(data), "\n")
	return s[:len(s)-1] // files end with a newline
}

func join(ls []string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

func findLine(ls []string, want string) int {
	for i, l := range ls {
		if l == want {
			return i
		}
	}
	return -1
}

// insertAt returns t with ins inserted after the marker of s.
func insertAt(t tree, s slot, ins []string) {
	p := filePath(s.file)
	ls := lines(t[p].data)
	m := findLine(ls, marker(s))
	if m < 0 {
		panic("demo: marker not found: " + marker(s))
	}
	out := append(append(append([]string{}, ls[:m+1]...), ins...), ls[m+1:]...)
	t[p] = entry{mode: t[p].mode, data: join(out)}
}

// removeAfter removes the len(ins) lines after the marker of s, which must be ins.
func removeAfter(t tree, s slot, ins []string) {
	p := filePath(s.file)
	ls := lines(t[p].data)
	m := findLine(ls, marker(s))
	for j, l := range ins {
		if m < 0 || m+1+j >= len(ls) || ls[m+1+j] != l {
			panic("demo: revert does not match in " + p)
		}
	}
	out := append(append([]string{}, ls[:m+1]...), ls[m+1+len(ins):]...)
	t[p] = entry{mode: t[p].mode, data: join(out)}
}

// churn edits the helper argument of slot s: never within three lines of
// the slot marker, so it moves no patch's context.
func churn(t tree, s slot, v int) {
	p := filePath(s.file)
	ls := lines(t[p].data)
	m := findLine(ls, marker(s))
	ls[m-3] = fmt.Sprintf("\tret = %s_helper(dev, arg, %d);", fileBase(s.file), v)
	t[p] = entry{mode: t[p].mode, data: join(ls)}
}

// moveContext edits the line two above the marker of s: a patch inserting
// at s gets a different context, so its patch-id changes.
func moveContext(t tree, s slot) {
	p := filePath(s.file)
	ls := lines(t[p].data)
	m := findLine(ls, marker(s))
	ls[m-2] = "\tif (ret < 0)"
	t[p] = entry{mode: t[p].mode, data: join(ls)}
}

// patchLines is the body a generated patch inserts; n makes it unique.
func patchLines(s slot, n int) []string {
	return []string{
		fmt.Sprintf("\tif (arg & BIT(%d)) {", n%32),
		fmt.Sprintf("\t\tdev_warn(dev, \"%s: quirk %d applied\\n\");", fnName(s), n),
		fmt.Sprintf("\t\tret = %s_quirk_%d(dev, arg);", fileBase(s.file), n),
		"\t}",
	}
}

// BinaryBlob is 96 bytes of deterministic content git treats as binary,
// different for each seed: the demo's firmware file, and test fixtures'.
func BinaryBlob(seed int) []byte {
	b := make([]byte, 96)
	x := uint32(seed*2654435761 + 12345)
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	b[3] = 0 // a NUL byte makes git treat the file as binary
	return b
}
