package kabi

// Commit is one commit of the range `git kabi list` looks at.
type Commit struct {
	SHA, Subject, Message string
}

// Status is where the commit a trailer names stands with respect to the
// range.
type Status int

const (
	// InRange: the named commit is in the range.
	InRange Status = iota
	// SameTitle: it is not, but a commit of the range has its title (the
	// guilty commit was rebased or cherry-picked); SameAs names it.
	SameTitle
	// UnknownCommit: it names no commit of the repository.
	UnknownCommit
	// NotInRange: it names a commit outside the range.
	NotInRange
)

// Checked is a trailer and its status.
type Checked struct {
	Target
	Status Status
	SameAs string // the commit of the range with the same title (SameTitle)
}

// Entry is a !kabi commit of the range and its checked trailers; one
// without a trailer is flagged.
type Entry struct {
	Commit  Commit
	Targets []Checked
}

// Flagged reports whether the entry needs the user's attention: no
// trailer, or a trailer naming a commit outside the range.
func (e *Entry) Flagged() bool {
	if len(e.Targets) == 0 {
		return true
	}
	for _, t := range e.Targets {
		if t.Status != InRange {
			return true
		}
	}
	return false
}

// Classify checks the !kabi commits of a range (commits, oldest first)
// against it, reading each one's trailers once. resolve gives the full id
// of the commit a trailer names (Target.SHA, as written), false when it
// names no commit; it is asked in the order of the commits and their
// trailers, once for each trailer.
func Classify(commits []Commit, resolve func(sha string) (string, bool)) []Entry {
	inRange := map[string]bool{}
	bySubject := map[string]string{}
	for _, c := range commits {
		inRange[c.SHA] = true
		if _, ok := bySubject[c.Subject]; !ok {
			bySubject[c.Subject] = c.SHA
		}
	}
	var entries []Entry
	for _, c := range commits {
		if !IsKabi(c.Subject) {
			continue
		}
		e := Entry{Commit: c}
		for _, t := range Targets(c.Message) {
			ct := Checked{Target: t}
			full, known := resolve(t.SHA)
			switch {
			case known && inRange[full]:
				ct.Status = InRange
			case bySubject[t.Title] != "" && t.Title != "":
				ct.Status, ct.SameAs = SameTitle, bySubject[t.Title]
			case !known:
				ct.Status = UnknownCommit
			default:
				ct.Status = NotInRange
			}
			e.Targets = append(e.Targets, ct)
		}
		entries = append(entries, e)
	}
	return entries
}
