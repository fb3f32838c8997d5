package demo

import (
	"fmt"
	"strings"
)

func allChanges(t tree) []change { return diffTrees(tree{}, t) }

// run ends the current fast-import (commit ids of what was written become
// known) and starts the next one.
func (g *gen) run() error {
	marks, err := g.st.end()
	if err != nil {
		return err
	}
	g.marks = marks
	return g.st.begin(g.env, g.dir, true)
}

func tagName(n int) string { return fmt.Sprintf("v4.19.%d", n) }

// writeUpstream writes the upstream history in two fast-import runs: the
// commit ids of the first (the mainline original of the backport case) are
// quoted in messages of the second.
func (g *gen) writeUpstream() error {
	st := g.st
	t := rootTree(g.p.Files, g.fns)
	clock := Epoch
	tick := func() int64 { clock += 600; return clock }
	au := func(i int) ident { return upstreamAuthors[i%len(upstreamAuthors)] }

	prev := st.commit(commitSpec{ref: "refs/heads/upstream", author: au(0), committer: au(0), authorT: clock, commitT: clock,
		msg: "Linux 4.19 (initial import)\n", changes: allChanges(t)})
	for i := 0; i < 10; i++ {
		prev = g.churnCommit(t, prev, i, tick())
		switch i {
		case 4:
			st.tag(tagName(17), prev, stableCommitter, clock, "Linux "+strings.TrimPrefix(tagName(17), "v")+"\n")
		case 7:
			st.tag(tagName(18), prev, stableCommitter, clock, "Linux "+strings.TrimPrefix(tagName(18), "v")+"\n")
		}
	}
	g.oldTag = tagName(19)
	st.tag(g.oldTag, prev, stableCommitter, clock, "Linux 4.19.19\n")
	g.oldTagMark = prev
	g.base0 = t.clone()

	bq := g.byName["backport"]
	mt := t.clone()
	bq.upApply(mt)
	g.mainline = st.commit(commitSpec{ref: "refs/heads/mainline", from: prev, author: au(3), committer: au(0),
		authorT: tick(), commitT: clock, changes: diffTrees(t, mt),
		msg: bq.upTitle + "\n\nThe timeout was computed in jiffies but compared in\nmilliseconds. Convert before comparing.\n\n" + signoff(au(3)) + "\n"})
	if err := g.run(); err != nil {
		return err
	}

	// The specials: upstream commits the queue cases depend on.
	type special struct {
		name string
		do   func(prev string, when int64) string
	}
	var specials []special
	g.upMarks = map[string]string{}
	g.ctxMarks = map[string]string{}
	g.ctxTitles = map[string]string{}
	for _, q := range g.patches {
		q := q
		switch {
		case q.fate == "context":
			specials = append(specials, special{q.name, func(prev string, when int64) string {
				nt := t.clone()
				moveContext(nt, q.slot)
				title := fmt.Sprintf("%s: only fail on negative return in %s()", subsystem(q.slot.file), fnName(q.slot))
				a := au(len(q.name))
				m := st.commit(commitSpec{ref: "refs/heads/upstream", from: prev, author: a, committer: stableCommitter,
					authorT: when, commitT: when, changes: diffTrees(t, nt),
					msg: title + "\n\nPositive values are counts, not errors.\n\n" + signoff(a) + "\n"})
				copyInto(t, nt)
				g.ctxMarks[q.name], g.ctxTitles[q.name] = m, title
				return m
			}})
		case q.upTitle != "":
			specials = append(specials, special{q.name, func(prev string, when int64) string {
				nt := t.clone()
				apply := q.upApply
				if apply == nil {
					apply = q.apply
				}
				apply(nt)
				a := au(len(q.name) + 1)
				body := "Upstream fix.\n\n" + signoff(a) + "\n"
				if q.fate == "trailer" {
					body = "commit " + g.marks[g.mainline] + " upstream.\n\nThe timeout was computed in jiffies but compared in\nmilliseconds. Convert before comparing.\n\n" +
						signoff(a) + "\n" + signoff(stableCommitter) + "\n"
				}
				m := st.commit(commitSpec{ref: "refs/heads/upstream", from: prev, author: a, committer: stableCommitter,
					authorT: when, commitT: when, changes: diffTrees(t, nt), msg: q.upTitle + "\n\n" + body})
				copyInto(t, nt)
				g.upMarks[q.name] = m
				return m
			}})
		}
	}
	n := g.p.Upstream
	churns := n - len(specials)
	if churns < 0 {
		churns = 0
	}
	step := float64(churns+len(specials)) / float64(g.p.Releases)
	nextSpecial := 0
	tagN := 0
	total := churns + len(specials)
	for i := 0; i < total; i++ {
		// Specials spread evenly through the range.
		if nextSpecial < len(specials) && i >= (nextSpecial+1)*total/(len(specials)+1) {
			prev = specials[nextSpecial].do(prev, tick())
			nextSpecial++
		} else {
			prev = g.churnCommit(t, prev, 10+i, tick())
		}
		if tagN < g.p.Releases-1 && float64(i+1) >= step*float64(tagN+1) {
			tagN++
			st.tag(tagName(19+tagN), prev, stableCommitter, clock, "Linux 4.19."+fmt.Sprint(19+tagN)+"\n")
		}
	}
	for ; nextSpecial < len(specials); nextSpecial++ {
		prev = specials[nextSpecial].do(prev, tick())
	}
	g.newTag = tagName(19 + g.p.Releases)
	st.tag(g.newTag, prev, stableCommitter, clock, "Linux 4.19."+fmt.Sprint(19+g.p.Releases)+"\n")
	g.newTagMark = prev
	g.base1 = t.clone()
	return g.run()
}

func copyInto(dst, src tree) {
	for k := range dst {
		if _, ok := src[k]; !ok {
			delete(dst, k)
		}
	}
	for k, v := range src {
		dst[k] = v
	}
}

func (g *gen) churnCommit(t tree, prev string, i int, when int64) string {
	s := slot{file: g.rnd.Intn(g.p.Files), fn: g.rnd.Intn(g.fns)}
	old := t[filePath(s.file)]
	churn(t, s, 200+i)
	a := upstreamAuthors[i%len(upstreamAuthors)]
	msg := fmt.Sprintf("%s: tune helper threshold for %s()\n\nThe old threshold was too strict on newer hardware.\n\n%s\n",
		subsystem(s.file), fnName(s), signoff(a))
	ch := []change{{path: filePath(s.file), mode: old.mode, data: t[filePath(s.file)].data}}
	return g.st.commit(commitSpec{ref: "refs/heads/upstream", from: prev, author: a, committer: stableCommitter,
		authorT: when, commitT: when, msg: msg, changes: ch})
}

func (g *gen) message(q *qpatch, title string, rebased bool) string {
	var b strings.Builder
	b.WriteString(title + "\n\n" + q.body + "\n")
	if q.fate == "trailer" {
		b.WriteString("\n(cherry picked from commit " + g.marks[g.mainline] + ")\n")
	}
	b.WriteString("\n" + signoff(q.author) + "\n")
	if rebased && q.explain {
		from, to := strings.TrimPrefix(g.oldTag, "v"), strings.TrimPrefix(g.newTag, "v")
		ctx, ctxTitle, what := g.ctxMarks[q.name], g.ctxTitles[q.name], "changed the context"
		if q.fate == "alsoup" {
			ctx, ctxTitle, what = g.upMarks[q.name], q.upTitle, "applied the same change; kept for the vendor hotfix stream"
		}
		fmt.Fprintf(&b, "[%s: rebase from v%s to v%s conflicts:\n - %s: %s (\"%s\") %s]\n",
			vendorDev.name, from, to, filePath(q.slot.file), g.sha12(ctx), ctxTitle, what)
	}
	return b.String()
}

// writeQueues writes the old queue on the old tag and its rebase on the new
// tag, the notes, and the branches.
func (g *gen) writeQueues() error {
	st := g.st
	oldBase, newBase := g.marks[g.oldTagMark], g.marks[g.newTagMark]
	qclock := Epoch + 400*86400
	t := g.base0.clone()
	prev := oldBase
	for j, q := range g.patches {
		nt := t.clone()
		q.apply(nt)
		when := qclock + int64(j)*3600
		q.oldMark = st.commit(commitSpec{ref: "refs/heads/queue-old", from: prev, author: q.author, committer: botCommitter,
			authorT: when, commitT: when, msg: g.message(q, q.title, false), changes: diffTrees(t, nt)})
		prev, t = q.oldMark, nt
	}
	oldTip := prev

	rclock := Epoch + 800*86400
	t = g.base1.clone()
	prev = newBase
	j := 0
	commitNew := func(title, msg string, author ident, authorT int64, nt tree) string {
		j++
		m := st.commit(commitSpec{ref: "refs/heads/queue-new", from: prev, author: author, committer: botCommitter,
			authorT: authorT, commitT: rclock + int64(j)*60, msg: msg, changes: diffTrees(t, nt)})
		prev, t = m, nt
		return m
	}
	var pendingMerge *struct {
		mark  string
		apply func(tree)
		title string
	}
	addAfter := func(name string) {
		for _, a := range g.adds {
			if a.after != name {
				continue
			}
			msg := a.title + "\n\nNew downstream change.\n\n" + signoff(vendorDev) + "\n"
			if a.side {
				st2 := t.clone()
				a.apply(st2)
				j++
				m := st.commit(commitSpec{ref: "refs/heads/side-fix", from: prev, author: vendorDev, committer: botCommitter,
					authorT: rclock + int64(j)*60, commitT: rclock + int64(j)*60, msg: msg, changes: diffTrees(t, st2)})
				g.addedMarks = append(g.addedMarks, m)
				pendingMerge = &struct {
					mark  string
					apply func(tree)
					title string
				}{m, a.apply, a.title}
				continue
			}
			nt := t.clone()
			a.apply(nt)
			g.addedMarks = append(g.addedMarks, commitNew(a.title, msg, vendorDev, rclock+int64(j)*60, nt))
		}
	}
	addAfter("")
	for i, q := range g.patches {
		switch q.fate {
		case "keep", "context", "alsoup", "reword":
			nt := t.clone()
			title, apply := q.title, q.apply
			if q.fate == "reword" {
				title, apply = q.newTitle, q.newApply
			}
			apply(nt)
			q.newMark = commitNew(title, g.message(q, title, true), q.author, qclock+int64(i)*3600, nt)
		}
		if pendingMerge != nil && q.fate == "keep" {
			nt := t.clone()
			pendingMerge.apply(nt)
			j++
			m := st.commit(commitSpec{ref: "refs/heads/queue-new", from: prev, merges: []string{pendingMerge.mark},
				author: vendorDev, committer: botCommitter, authorT: rclock + int64(j)*60, commitT: rclock + int64(j)*60,
				msg: "Merge branch 'side-fix' into queue-new\n", changes: diffTrees(t, nt)})
			prev, t = m, nt
			g.mergeMarks = append(g.mergeMarks, m)
			pendingMerge = nil
		}
		addAfter(q.name)
	}
	newTip := prev

	notes := ""
	for i, q := range g.patches {
		if q.note != "" {
			notes = st.note(notes, q.oldMark, q.note+"\n", vendorDev, rclock+int64(i))
		}
	}
	for _, r := range []struct{ ref, from string }{
		{"refs/heads/kernel-4.19.19/pre-base", oldBase},
		{"refs/heads/kernel-4.19.19/base", oldTip},
		{"refs/heads/kernel-" + strings.TrimPrefix(g.newTag, "v") + "/pre-base", newBase},
		{"refs/heads/kernel-" + strings.TrimPrefix(g.newTag, "v") + "/base", newTip},
	} {
		st.reset(r.ref, r.from)
	}
	if err := g.run(); err != nil {
		return err
	}
	g.fx.OldBase, g.fx.OldTip = oldBase, g.marks[oldTip]
	g.fx.NewBase, g.fx.NewTip = newBase, g.marks[newTip]
	return nil
}

func (g *gen) fixture() *Fixture {
	fx := g.fx
	fx.Dir, fx.Env, fx.OldTag, fx.NewTag = g.dir, g.env, g.oldTag, g.newTag
	fx.Commits = map[string]string{"mainline": g.marks[g.mainline]}
	for _, q := range g.patches {
		e := Expected{Case: q.name, Title: q.title, Old: g.marks[q.oldMark], Note: q.note}
		fx.Commits["old:"+q.name] = e.Old
		if q.newMark != "" {
			fx.Commits["new:"+q.name] = g.marks[q.newMark]
		}
		if m, ok := g.upMarks[q.name]; ok {
			fx.Commits["up:"+q.name] = g.marks[m]
		}
		switch q.fate {
		case "keep":
			e.Status, e.New = "patch-id", g.marks[q.newMark]
			if q.name == "empty" {
				e.Status = "title"
			}
		case "context":
			e.Status, e.New, e.Explained = "title", g.marks[q.newMark], q.explain
		case "reword":
			e.Status, e.New = "similar", g.marks[q.newMark]
		case "alsoup":
			e.Status, e.New, e.Explained, e.AlsoUpstream = "title", g.marks[q.newMark], true, g.marks[g.upMarks[q.name]]
		case "upstream":
			e.Status, e.Upstream, e.New = "patch-id", true, g.marks[g.upMarks[q.name]]
		case "trailer", "titleup":
			e.Status, e.Upstream, e.New = "title", true, g.marks[g.upMarks[q.name]]
		case "dropped":
			e.Status = "dropped"
		}
		fx.Expected = append(fx.Expected, e)
	}
	for _, m := range g.addedMarks {
		fx.Added = append(fx.Added, g.marks[m])
	}
	for _, m := range g.mergeMarks {
		fx.Merges = append(fx.Merges, g.marks[m])
	}
	return &fx
}
