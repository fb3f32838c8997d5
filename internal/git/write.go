package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Object types, as git names them (Object.Type, WriteObjects).
const (
	TypeBlob   = "blob"
	TypeTree   = "tree"
	TypeCommit = "commit"
	TypeTag    = "tag"
)

// Errors of UpdateRefs, recognised from git's answer.
var (
	// ErrRefExists: a ref to be created exists already.
	ErrRefExists = errors.New("reference already exists")
	// ErrRefStale: a ref is not at the value the update expected.
	ErrRefStale = errors.New("reference is not at the expected value")
)

// refErrors are what refs.c says when a transaction cannot lock a ref.
var refErrors = []stderrMatch{
	{"reference already exists", ErrRefExists},
	{"but expected", ErrRefStale},
	{"unable to resolve reference", ErrRefStale},
}

// RefUpdate is one change of an UpdateRefs transaction.
type RefUpdate struct {
	Ref string // full ref name
	// New is the object the ref points at afterwards; empty deletes it.
	New string
	// Old, when set, is the value the ref must have before (verify).
	Old string
	// Create fails the transaction (ErrRefExists) when the ref exists.
	Create bool
}

// UpdateRefs applies updates in one `git update-ref --stdin` transaction:
// all of them happen, or none. reason goes to the reflogs.
func (r *Repo) UpdateRefs(ctx context.Context, updates []RefUpdate, reason string) error {
	in, err := refTransaction(updates)
	if err != nil {
		return err
	}
	args := []string{"update-ref"}
	if reason != "" {
		args = append(args, "-m", reason)
	}
	_, err = r.run(ctx, strings.NewReader(in), append(args, "--stdin")...)
	return classify(err, refErrors)
}

// refTransaction writes the stdin of update-ref --stdin (its "start",
// "create", "update", "delete", "prepare" and "commit" commands).
func refTransaction(updates []RefUpdate) (string, error) {
	var b strings.Builder
	b.WriteString("start\n")
	for _, u := range updates {
		for _, f := range []string{u.Ref, u.New, u.Old} {
			if strings.ContainsAny(f, " \t\n\x00") {
				return "", fmt.Errorf("update-ref: unusable name %q", f)
			}
		}
		if u.Ref == "" || strings.HasPrefix(u.Ref, "-") {
			return "", fmt.Errorf("update-ref: bad ref name %q", u.Ref)
		}
		switch {
		case u.Create:
			if u.New == "" {
				return "", fmt.Errorf("update-ref: create %s without a value", u.Ref)
			}
			fmt.Fprintf(&b, "create %s %s\n", u.Ref, u.New)
		case u.New == "":
			// An empty old value would mean "must not exist".
			fmt.Fprintf(&b, "delete %s%s\n", u.Ref, optional(u.Old))
		default:
			fmt.Fprintf(&b, "update %s %s%s\n", u.Ref, u.New, optional(u.Old))
		}
	}
	b.WriteString("prepare\ncommit\n")
	return b.String(), nil
}

// optional is " value", or nothing for no value.
func optional(v string) string {
	if v == "" {
		return ""
	}
	return " " + v
}

// TreeEntry is one entry of a tree object.
type TreeEntry struct {
	Mode string // "100644", "100755", "120000", "040000", "160000"
	Type string // blob, tree, commit
	OID  string
	Path string // a name inside the tree, no slash
}

// MkTree writes a tree of entries (none: the empty tree) and returns its id.
func (r *Repo) MkTree(ctx context.Context, entries []TreeEntry) (string, error) {
	var in bytes.Buffer
	for _, e := range entries {
		if strings.ContainsAny(e.Path, "/\x00") || e.Path == "" {
			return "", fmt.Errorf("mktree: bad entry name %q", e.Path)
		}
		fmt.Fprintf(&in, "%s %s %s\t%s\x00", e.Mode, e.Type, e.OID, e.Path)
	}
	out, err := r.run(ctx, &in, "mktree", "-z")
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(out))
	if !IsHex(id) {
		return "", fmt.Errorf("git mktree: unexpected output %q", out)
	}
	return id, nil
}

// CommitObject is a commit as git stores it (commit.c,
// commit_tree_extended): the tree, the parents, the author and committer
// lines ("Name <email> <unix time> <+hhmm>"), a blank line, the message.
type CommitObject struct {
	Tree      string
	Parents   []string
	Author    string
	Committer string
	Message   string // as stored: normally ends with a newline
}

// Bytes is the raw object.
func (c CommitObject) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString("tree " + c.Tree + "\n")
	for _, p := range c.Parents {
		b.WriteString("parent " + p + "\n")
	}
	b.WriteString("author " + c.Author + "\ncommitter " + c.Committer + "\n\n" + c.Message)
	return b.Bytes()
}

// WriteCommits writes commit objects with one git process and returns their
// ids in order. No ref changes: they are reachable from nothing.
func (r *Repo) WriteCommits(ctx context.Context, commits []CommitObject) ([]string, error) {
	bodies := make([][]byte, len(commits))
	for i, c := range commits {
		bodies[i] = c.Bytes()
	}
	return r.WriteObjects(ctx, TypeCommit, bodies)
}

// WriteObjects writes objects of one type (blob, tree, commit, tag; git
// checks their format) with one `git hash-object --stdin-paths` and returns
// their ids in order.
func (r *Repo) WriteObjects(ctx context.Context, typ string, bodies [][]byte) ([]string, error) {
	if len(bodies) == 0 {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "pq-objects-")
	if err != nil {
		return nil, fmt.Errorf("write objects: %w", err)
	}
	defer os.RemoveAll(dir)
	var paths bytes.Buffer
	for i, b := range bodies {
		p := filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return nil, fmt.Errorf("write objects: %w", err)
		}
		paths.WriteString(p + "\n")
	}
	out, err := r.run(ctx, &paths, "hash-object", "-t", typ, "-w", "--no-filters", "--stdin-paths")
	if err != nil {
		return nil, err
	}
	ids := strings.Fields(string(out))
	if len(ids) != len(bodies) {
		return nil, fmt.Errorf("git hash-object: %d ids for %d objects", len(ids), len(bodies))
	}
	return ids, nil
}

// DiffTrees returns the patch from tree (or commit) a to b, as git
// diff-tree -p prints it without colour, external diff or textconv.
func (r *Repo) DiffTrees(ctx context.Context, a, b string) ([]byte, error) {
	for _, t := range []string{a, b} {
		if err := CheckRev(t); err != nil {
			return nil, err
		}
	}
	return r.output(ctx, "diff-tree", "-p", "--no-color", "--no-ext-diff", "--no-textconv", "--end-of-options", a, b)
}

// MergePair is one merge of MergeTreeBatch: two commits whose merge base
// git finds itself.
type MergePair struct{ Ours, Theirs string }

// MergeTreeOptions tune MergeTreeBatch.
type MergeTreeOptions struct {
	// ConflictStyle is merge.conflictStyle for the markers ("merge",
	// "diff3", "zdiff3"); empty leaves it to the configuration.
	ConflictStyle string
	// AllowUnrelatedHistories merges commits without a common ancestor
	// against the empty tree.
	AllowUnrelatedHistories bool
}

// MergeTreeBatch merges every pair with one `git merge-tree --write-tree
// --stdin` (git >= 2.38): the trees of the results, with conflict markers
// where they conflict, are written to the object store; no ref, index or
// work tree changes.
func (r *Repo) MergeTreeBatch(ctx context.Context, pairs []MergePair, o MergeTreeOptions) ([]MergeTreeResult, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	var in bytes.Buffer
	for _, p := range pairs {
		for _, c := range []string{p.Ours, p.Theirs} {
			if err := CheckRev(c); err != nil {
				return nil, err
			}
			if strings.ContainsAny(c, " \t\n\x00") {
				return nil, fmt.Errorf("%q: %w", c, ErrUnknownRevision)
			}
		}
		fmt.Fprintf(&in, "%s %s\n", p.Ours, p.Theirs)
	}
	var args []string
	if o.ConflictStyle != "" {
		args = append(args, "-c", "merge.conflictStyle="+o.ConflictStyle)
	}
	args = append(args, "merge-tree", "--write-tree", "--stdin", "-z", "--messages")
	if o.AllowUnrelatedHistories {
		args = append(args, "--allow-unrelated-histories")
	}
	out, err := r.run(ctx, &in, args...)
	if err != nil {
		return nil, err
	}
	merges, err := ParseMergeTree(out)
	if err != nil {
		return nil, err
	}
	if len(merges) != len(pairs) {
		return nil, fmt.Errorf("git merge-tree: %d results for %d merges", len(merges), len(pairs))
	}
	return merges, nil
}

// MergeTreeResult is one result of git merge-tree --write-tree --stdin -z
// --messages.
type MergeTreeResult struct {
	Clean bool
	Tree  string
	// Entries are the conflicted index entries (stages 1, 2, 3), in git's
	// order (by path, then stage).
	Entries []ConflictEntry
	// Messages are the informational messages, with the paths they concern.
	Messages []MergeMessage
}

// ConflictEntry is one conflicted index entry.
type ConflictEntry struct {
	Mode, OID string
	Stage     int
	Path      string
}

// MergeMessage is one informational message. Type is git's stable short
// description ("Auto-merging", "CONFLICT (contents)", ...); Text is for
// people and translated in other locales: never parse it.
type MergeMessage struct {
	Paths []string
	Type  string
	Text  string
}

// ParseMergeTree parses the output of git merge-tree --write-tree --stdin
// -z --messages. Each merge is (git's Documentation/git-merge-tree.txt):
//
//	<status> NUL <tree> NUL
//	(<mode> SP <oid> SP <stage> TAB <path> NUL)*   conflicted entries
//	NUL
//	(<n> NUL <path> NUL ... (n times) <type> NUL <text> NUL)*   messages
//	NUL
//
// where status is 1 for a clean merge and 0 for a conflicted one.
// --messages must be given: without it git decides from the first merge
// whether every later merge prints messages, and the stream becomes
// ambiguous.
func ParseMergeTree(out []byte) ([]MergeTreeResult, error) {
	p := &nulReader{b: out}
	var merges []MergeTreeResult
	for !p.eof() {
		var m MergeTreeResult
		status, err := p.field()
		if err != nil {
			return nil, err
		}
		switch status {
		case "1":
			m.Clean = true
		case "0":
		default:
			return nil, fmt.Errorf("git merge-tree: merge %d: bad status %q", len(merges)+1, status)
		}
		if m.Tree, err = p.field(); err != nil {
			return nil, err
		}
		if !IsHex(m.Tree) {
			return nil, fmt.Errorf("git merge-tree: merge %d: bad tree %q", len(merges)+1, m.Tree)
		}
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			if f == "" {
				break
			}
			e, err := parseConflictEntry(f)
			if err != nil {
				return nil, err
			}
			m.Entries = append(m.Entries, e)
		}
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			if f == "" {
				break
			}
			n, err := strconv.Atoi(f)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("git merge-tree: bad message path count %q", f)
			}
			var msg MergeMessage
			for i := 0; i < n; i++ {
				path, err := p.field()
				if err != nil {
					return nil, err
				}
				msg.Paths = append(msg.Paths, path)
			}
			if msg.Type, err = p.field(); err != nil {
				return nil, err
			}
			if msg.Text, err = p.field(); err != nil {
				return nil, err
			}
			m.Messages = append(m.Messages, msg)
		}
		if m.Clean && len(m.Entries) > 0 {
			return nil, fmt.Errorf("git merge-tree: merge %d is clean but lists conflicts", len(merges)+1)
		}
		merges = append(merges, m)
	}
	return merges, nil
}

// parseConflictEntry parses "<mode> <oid> <stage>\t<path>".
func parseConflictEntry(f string) (ConflictEntry, error) {
	head, path, ok := strings.Cut(f, "\t")
	parts := strings.Split(head, " ")
	if !ok || len(parts) != 3 || !IsHex(parts[1]) {
		return ConflictEntry{}, fmt.Errorf("git merge-tree: bad conflict entry %q", f)
	}
	stage, err := strconv.Atoi(parts[2])
	if err != nil || stage < 1 || stage > 3 {
		return ConflictEntry{}, fmt.Errorf("git merge-tree: bad stage in %q", f)
	}
	return ConflictEntry{Mode: parts[0], OID: parts[1], Stage: stage, Path: path}, nil
}

// nulReader hands out NUL-terminated fields.
type nulReader struct{ b []byte }

func (p *nulReader) eof() bool { return len(p.b) == 0 }

func (p *nulReader) field() (string, error) {
	i := bytes.IndexByte(p.b, 0)
	if i < 0 {
		return "", fmt.Errorf("git merge-tree: truncated output")
	}
	f := string(p.b[:i])
	p.b = p.b[i+1:]
	return f, nil
}
