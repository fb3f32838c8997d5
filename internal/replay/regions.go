package replay

import (
	"strings"
)

// Conflict markers as git writes them with the default conflict-marker-size
// of 7 and merge.conflictStyle=diff3 (git's xdiff/xmerge.c, fill_conflict_hunk).
const markerSize = 7

func isMarker(line string, c byte) bool {
	if len(line) < markerSize || strings.Count(line[:markerSize], string(c)) != markerSize {
		return false
	}
	return len(line) == markerSize || line[markerSize] == ' '
}

// segment is a run of merged lines: clean lines, or one conflict region.
type segment struct {
	clean  []string
	region *Region
}

// parseMarkers splits a merged file into clean runs and conflict regions.
// A marker sequence that does not close is treated as clean text.
func parseMarkers(lines []string) []segment {
	var segs []segment
	var clean []string
	flush := func() {
		if len(clean) > 0 {
			segs = append(segs, segment{clean: clean})
			clean = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		if !isMarker(lines[i], '<') {
			clean = append(clean, lines[i])
			continue
		}
		r, next, ok := parseRegion(lines, i)
		if !ok {
			clean = append(clean, lines[i])
			continue
		}
		flush()
		segs = append(segs, segment{region: r})
		i = next - 1
	}
	flush()
	return segs
}

// parseRegion reads the region whose start marker is lines[start] and
// returns it with the index of the line after its end marker.
func parseRegion(lines []string, start int) (*Region, int, bool) {
	r := &Region{Line: start + 1}
	part := &r.Upstream
	sawSep := false
	for i := start + 1; i < len(lines); i++ {
		l := lines[i]
		switch {
		case isMarker(l, '|') && !sawSep && part == &r.Upstream:
			part = &r.Base
		case isMarker(l, '=') && !sawSep:
			sawSep = true
			part = &r.Patch
		case isMarker(l, '>') && sawSep:
			return r, i + 1, true
		case isMarker(l, '<'):
			return nil, 0, false // nested start: not a region we understand
		default:
			*part = append(*part, l)
		}
	}
	return nil, 0, false
}

// anchor is how many unchanged lines on each side locate a region in the
// author's file.
const anchor = 3

// Regions finds the conflict regions of a merged file (with diff3 markers)
// and, when haveResolved, the author's resolution of each in resolved: the
// text between the unchanged lines that precede and follow the region in
// the merged file, searched in order through the author's file. A region
// whose surrounding lines the author also changed is left unresolved.
func Regions(merged, resolved []byte, haveResolved bool) []Region {
	segs := parseMarkers(splitLines(merged))
	res := splitLines(resolved)
	var out []Region
	cursor := 0 // resolved lines before cursor belong to earlier regions
	for i, s := range segs {
		if s.region == nil {
			continue
		}
		r := *s.region
		if haveResolved {
			var before, after []string
			first, last := i == 0, i == len(segs)-1
			if !first && segs[i-1].region == nil {
				before = tail(segs[i-1].clean, anchor)
			}
			if !last && segs[i+1].region == nil {
				after = head(segs[i+1].clean, anchor)
			}
			start, end := -1, -1
			switch {
			case first:
				start = 0
			case len(before) > 0:
				if at := find(res, before, cursor); at >= 0 {
					start = at + len(before)
				}
			}
			if start >= 0 {
				switch {
				case last:
					end = len(res)
				case len(after) > 0:
					end = find(res, after, start)
				}
			}
			if start >= 0 && end >= start {
				r.Resolution = append([]string{}, res[start:end]...)
				r.Resolved = true
				cursor = end
			}
		}
		out = append(out, r)
	}
	return out
}

// find returns the first index at or after from where needle occurs in
// hay, or -1.
func find(hay, needle []string, from int) int {
	for i := from; i+len(needle) <= len(hay); i++ {
		match := true
		for j := range needle {
			if hay[i+j] != needle[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

func tail(l []string, n int) []string {
	if len(l) > n {
		return l[len(l)-n:]
	}
	return l
}

func head(l []string, n int) []string {
	if len(l) > n {
		return l[:n]
	}
	return l
}

// splitLines splits text into lines without their newlines.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
