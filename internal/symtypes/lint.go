package symtypes

import "sort"

// Dangling lists the type references that no definition in the set
// answers, sorted ("s#foo"): a file cut short or filtered wrongly. The CRC
// of an export reaching one cannot be computed.
func (s *Set) Dangling() []string {
	missing := map[string]bool{}
	for _, d := range s.defs {
		for _, t := range d.Tokens {
			if !isRef(t) || missing[t] {
				continue
			}
			if _, ok := s.defs[t]; ok {
				continue
			}
			if _, ok := s.dupes[t]; ok {
				continue
			}
			missing[t] = true
		}
	}
	return sortedKeys(missing)
}

// DuplicateExports lists the exports declared differently in different
// object files, sorted: genksyms gives each file its own CRC, so which one
// modpost recorded depends on the build.
func (s *Set) DuplicateExports() []string {
	dup := map[string]bool{}
	for base := range s.dupes {
		if !isRef(base) {
			dup[base] = true
		}
	}
	return sortedKeys(dup)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
