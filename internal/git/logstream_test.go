package git

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/patchqueue/pqtools/testdata/repos"
)

var (
	idA = strings.Repeat("a", 40)
	idB = strings.Repeat("b", 40)
	idC = strings.Repeat("c", 40)
	id0 = strings.Repeat("0", 40)
	id1 = strings.Repeat("1", 40)
	id2 = strings.Repeat("2", 40)
)

func readAll(in string, withMessage bool) ([]LogRecord, error) {
	var got []LogRecord
	err := ReadLogFields(strings.NewReader(in), false, withMessage, func(r *LogRecord) error {
		c := *r
		c.Parents = append([]string(nil), r.Parents...)
		c.Changes = append([]RawChange(nil), r.Changes...)
		got = append(got, c)
		return nil
	})
	return got, err
}

func TestReadLog(t *testing.T) {
	mod := ":100644 100755 " + id1 + " " + id2 + " M\x00"
	add := ":000000 100644 " + id0 + " " + id2 + " A\x00"
	tests := []struct {
		name    string
		in      string
		msg     bool
		want    []LogRecord
		wantErr bool
	}{
		{name: "empty", in: "", msg: true},
		{name: "one commit, two files", msg: true,
			in: idA + "\x00" + idB + "\x00title\n\nbody\n\x00\x00\n" + mod + "f.c\x00" + add + "g.c\x00",
			want: []LogRecord{{Commit: idA, Parents: []string{idB}, Message: "title\n\nbody\n", Changes: []RawChange{
				{OldMode: 0o100644, NewMode: 0o100755, OldOID: id1, NewOID: id2, Status: 'M', Path: "f.c"},
				{OldMode: 0, NewMode: 0o100644, OldOID: id0, NewOID: id2, Status: 'A', Path: "g.c"},
			}}}},
		{name: "empty commit then root", msg: true,
			in:   idA + "\x00" + idB + "\x00empty\n\x00\x00" + idB + "\x00\x00root\n\x00\x00",
			want: []LogRecord{{Commit: idA, Parents: []string{idB}, Message: "empty\n"}, {Commit: idB, Message: "root\n"}}},
		{name: "merge parents", msg: false,
			in:   idA + "\x00" + idB + " " + idC + "\x00\x00",
			want: []LogRecord{{Commit: idA, Parents: []string{idB, idC}}}},
		{name: "message bytes cannot frame", msg: true,
			in: idA + "\x00\x00t\n\x01" + idB + "\n:100644 100644 x M\n\x01\x00\x00\n" + add + "p\x00",
			want: []LogRecord{{Commit: idA, Message: "t\n\x01" + idB + "\n:100644 100644 x M\n\x01", Changes: []RawChange{
				{NewMode: 0o100644, OldOID: id0, NewOID: id2, Status: 'A', Path: "p"}}}}},
		{name: "paths read by position", msg: false,
			in: idA + "\x00\x00\x00\n" + add + idC + "\x00" + add + ":odd\x00",
			want: []LogRecord{{Commit: idA, Changes: []RawChange{
				{NewMode: 0o100644, OldOID: id0, NewOID: id2, Status: 'A', Path: idC},
				{NewMode: 0o100644, OldOID: id0, NewOID: id2, Status: 'A', Path: ":odd"}}}}},
		{name: "rename has two paths", msg: false,
			in: idA + "\x00\x00\x00\n:100644 100644 " + id1 + " " + id1 + " R100\x00old\x00new\x00",
			want: []LogRecord{{Commit: idA, Changes: []RawChange{
				{OldMode: 0o100644, NewMode: 0o100644, OldOID: id1, NewOID: id1, Status: 'R', Path: "new", OldPath: "old"}}}}},
		{name: "sha256 ids", msg: false,
			in:   strings.Repeat("d", 64) + "\x00\x00\x00",
			want: []LogRecord{{Commit: strings.Repeat("d", 64)}}},
		{name: "unterminated last path", msg: false,
			in:   idA + "\x00\x00\x00\n" + add + "p",
			want: []LogRecord{{Commit: idA, Changes: []RawChange{{NewMode: 0o100644, OldOID: id0, NewOID: id2, Status: 'A', Path: "p"}}}}},
		{name: "not a commit id", in: "HEAD\x00\x00", wantErr: true},
		{name: "upper-case id", in: strings.ToUpper(idA) + "\x00\x00", wantErr: true},
		{name: "bad parent", in: idA + "\x00main\x00", wantErr: true},
		{name: "truncated after id", in: idA, wantErr: true},
		{name: "truncated before message", in: idA + "\x00\x00", msg: true, wantErr: true},
		{name: "missing path", in: idA + "\x00\x00\x00\n" + add, wantErr: true},
		{name: "abbreviated oid", in: idA + "\x00\x00\x00\n:100644 100644 1234567 89abcde M\x00f\x00", wantErr: true},
		{name: "bad mode", in: idA + "\x00\x00\x00\n:100648 100644 " + id1 + " " + id2 + " M\x00f\x00", wantErr: true},
		{name: "bad status", in: idA + "\x00\x00\x00\n:100644 100644 " + id1 + " " + id2 + " Q\x00f\x00", wantErr: true},
		{name: "combined diff", in: idA + "\x00\x00\x00\n::100644 100644 100644 " + id1 + " " + id1 + " " + id2 + " MM\x00f\x00", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(tt.in, tt.msg)
			if tt.wantErr {
				if !errors.Is(err, ErrLogFormat) {
					t.Fatalf("error %v, want ErrLogFormat (records %+v)", err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d records %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				norm(&got[i])
				norm(&tt.want[i])
				if !reflect.DeepEqual(got[i], tt.want[i]) {
					t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func norm(r *LogRecord) {
	if len(r.Parents) == 0 {
		r.Parents = nil
	}
	if len(r.Changes) == 0 {
		r.Changes = nil
	}
}

// A token longer than the read buffer is read whole.
func TestReadLogLongMessage(t *testing.T) {
	msg := strings.Repeat("x", 600<<10)
	got, err := readAll(idA+"\x00\x00"+msg+"\x00\x00"+idB+"\x00\x00short\x00\x00", true)
	if err != nil || len(got) != 2 || got[0].Message != msg || got[1].Message != "short" {
		t.Fatalf("%d records, %v", len(got), err)
	}
}

// An error from the callback stops the reader and is returned as is.
func TestReadLogCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := ReadLogFields(strings.NewReader(idA+"\x00\x00\x00"+idB+"\x00\x00\x00"), false, false, func(*LogRecord) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("%v after %d records", err, n)
	}
}

// encodeLog writes records the way WalkLog's git log does.
func encodeLog(recs []LogRecord, withMessage bool) string {
	return encodeLogFields(recs, false, withMessage)
}

func encodeLogFields(recs []LogRecord, withAuthor, withMessage bool) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "%s\x00%s\x00", r.Commit, strings.Join(r.Parents, " "))
		if withAuthor {
			fmt.Fprintf(&b, "%s\x00%s\x00%d\x00", r.AuthorName, r.AuthorEmail, r.AuthorTime)
		}
		if withMessage {
			b.WriteString(r.Message + "\x00")
		}
		b.WriteString("\x00")
		if len(r.Changes) > 0 {
			b.WriteString("\n")
		}
		for _, c := range r.Changes {
			fmt.Fprintf(&b, ":%06o %06o %s %s %c\x00", c.OldMode, c.NewMode, c.OldOID, c.NewOID, c.Status)
			if c.OldPath != "" || c.Status == 'R' || c.Status == 'C' {
				b.WriteString(c.OldPath + "\x00")
			}
			b.WriteString(c.Path + "\x00")
		}
	}
	return b.String()
}

// What ReadLogFields accepts with the author fields, written back the way
// git writes it, reads the same.
func FuzzReadLogFields(f *testing.F) {
	f.Add([]byte(idA+"\x00"+idB+"\x00A U Thor\x00a@x\x001546300800\x00title\n\x00\x00\n:100644 100644 "+id1+" "+id2+" M\x00f.c\x00"), true)
	f.Add([]byte(idA+"\x00\x00\x00\x00-1\x00\x00"+idB+"\x00"+idA+"\x00n\x00e\x00+7\x00\x00"), false)
	f.Fuzz(func(t *testing.T, in []byte, withMessage bool) {
		read := func(s string) ([]LogRecord, error) {
			var got []LogRecord
			err := ReadLogFields(strings.NewReader(s), true, withMessage, func(r *LogRecord) error {
				c := *r
				c.Parents = append([]string(nil), r.Parents...)
				c.Changes = append([]RawChange(nil), r.Changes...)
				norm(&c)
				got = append(got, c)
				return nil
			})
			return got, err
		}
		got, err := read(string(in))
		if err != nil {
			return
		}
		for _, r := range got {
			if strings.Contains(r.Message+r.AuthorName+r.AuthorEmail, "\x00") {
				t.Fatalf("field with NUL %+v", r)
			}
		}
		again, err := read(encodeLogFields(got, true, withMessage))
		if err != nil {
			t.Fatalf("re-reading: %v", err)
		}
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip:\n%+v\n%+v", got, again)
		}
	})
}

func TestReadLogAuthor(t *testing.T) {
	in := idA + "\x00" + idB + "\x00A U Thor\x00a@example.com\x001546300800\x00title\n\x00\x00"
	var got []LogRecord
	err := ReadLogFields(strings.NewReader(in), true, true, func(r *LogRecord) error { got = append(got, *r); return nil })
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
	if g := got[0]; g.AuthorName != "A U Thor" || g.AuthorEmail != "a@example.com" || g.AuthorTime != 1546300800 || g.Message != "title\n" {
		t.Errorf("%+v", g)
	}
	for _, bad := range []string{
		idA + "\x00\x00A\x00a@x\x00soon\x00t\x00\x00", // time not a number
		idA + "\x00\x00A\x00a@x",                      // truncated
	} {
		if err := ReadLogFields(strings.NewReader(bad), true, true, func(*LogRecord) error { return nil }); !errors.Is(err, ErrLogFormat) {
			t.Errorf("%q: %v, want ErrLogFormat", bad, err)
		}
	}
}

// What ReadLog accepts, written back the way git writes it, reads the same.
func FuzzReadLog(f *testing.F) {
	f.Add([]byte(idA+"\x00"+idB+"\x00title\n\nbody\x01"+idC+"\n\x00\x00\n:100644 100644 "+id1+" "+id2+" M\x00f.c\x00"), true)
	f.Add([]byte(idA+"\x00\x00\x00\n:000000 100644 "+id0+" "+id2+" A\x00"+idB+"\x00"+idB+"\x00"+idA+"\x00\x00"), false)
	f.Add([]byte(idA+"\x00\x00\x00\n:100644 100644 "+id1+" "+id1+" R090\x00a\x00b\x00"), false)
	f.Fuzz(func(t *testing.T, in []byte, withMessage bool) {
		got, err := readAll(string(in), withMessage)
		if err != nil {
			return
		}
		for _, r := range got {
			if !isObjectID([]byte(r.Commit)) {
				t.Fatalf("commit %q", r.Commit)
			}
			for _, c := range r.Changes {
				if !strings.ContainsRune("ACDMRTUX", rune(c.Status)) || !IsHex(c.OldOID) || !IsHex(c.NewOID) {
					t.Fatalf("change %+v", c)
				}
			}
		}
		// Messages with NUL cannot be written back; git has none.
		for _, r := range got {
			if strings.Contains(r.Message, "\x00") {
				t.Fatalf("message with NUL %q", r.Message)
			}
		}
		again, err := readAll(encodeLog(got, withMessage), withMessage)
		if err != nil {
			t.Fatalf("re-reading %q: %v", encodeLog(got, withMessage), err)
		}
		for i := range got {
			norm(&got[i])
		}
		for i := range again {
			norm(&again[i])
		}
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip:\n%+v\n%+v", got, again)
		}
	})
}

// WalkLog against a real repository: modes, object ids, status letters,
// messages with bytes other framings split on, and paths git would quote.
func TestWalkLog(t *testing.T) {
	sc := repos.NewScratch(t)
	work, g, write := sc.Dir, sc.Git, sc.Write
	write("a.c", "int a;\n")
	write("tab\there.c", "int t;\n")
	g("add", ".")
	g("commit", "-q", "-m", "root")
	root := g("rev-parse", "HEAD")
	oldA := g("rev-parse", "HEAD:a.c")
	write("a.c", "int a = 1;\n")
	os.Chmod(filepath.Join(work, "tab\there.c"), 0o755)
	g("rm", "-q", "--cached", "tab\there.c")
	g("add", ".")
	msgFile := filepath.Join(t.TempDir(), "msg")
	msg := "odd: bytes\n\n\x01" + root + "\n:100644 100644 " + oldA + " " + oldA + " M\n\x01" + root
	os.WriteFile(msgFile, []byte(msg), 0o644)
	g("commit", "-q", "--cleanup=verbatim", "-F", msgFile)
	second := g("rev-parse", "HEAD")
	newA := g("rev-parse", "HEAD:a.c")
	g("rm", "-q", "a.c")
	g("commit", "-q", "-m", "delete")
	g("commit", "-q", "--allow-empty", "-m", "empty")
	top := g("rev-parse", "HEAD")

	r := &Repo{Dir: work, Env: sc.Env.Vars}
	var got []LogRecord
	err := r.WalkLog(t.Context(), WalkOptions{LogOptions: LogOptions{Include: []string{top}, Exclude: []string{root}, Reverse: true},
		Message: true, Changes: true}, func(rec *LogRecord) error {
		c := *rec
		c.Parents = append([]string(nil), rec.Parents...)
		c.Changes = append([]RawChange(nil), rec.Changes...)
		got = append(got, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d records: %+v", len(got), got)
	}
	s := got[0]
	if s.Commit != second || !reflect.DeepEqual(s.Parents, []string{root}) || s.Message != msg {
		t.Errorf("second commit %q %v %q", s.Commit, s.Parents, s.Message)
	}
	blobT := g("rev-parse", "HEAD:tab\there.c")
	want := []RawChange{
		{OldMode: 0o100644, NewMode: 0o100644, OldOID: oldA, NewOID: newA, Status: 'M', Path: "a.c"},
		{OldMode: 0o100644, NewMode: 0o100755, OldOID: blobT, NewOID: blobT, Status: 'M', Path: "tab\there.c"},
	}
	if !reflect.DeepEqual(s.Changes, want) {
		t.Errorf("changes\n got %+v\nwant %+v", s.Changes, want)
	}
	if d := got[1].Changes; len(d) != 1 || d[0].Status != 'D' || d[0].NewMode != 0 || d[0].NewOID != strings.Repeat("0", 40) || d[0].OldOID != newA {
		t.Errorf("delete %+v", d)
	}
	if got[2].Commit != top || len(got[2].Changes) != 0 || got[2].Message != "empty\n" {
		t.Errorf("empty commit %+v", got[2])
	}
	// The author fields, in topological order, agree with git's own.
	var authored []LogRecord
	err = r.WalkLog(t.Context(), WalkOptions{LogOptions: LogOptions{Include: []string{top}, Exclude: []string{root}, Reverse: true},
		Author: true, Message: true, Changes: true, TopoOrder: true}, func(rec *LogRecord) error {
		authored = append(authored, LogRecord{Commit: rec.Commit, AuthorName: rec.AuthorName, AuthorEmail: rec.AuthorEmail,
			AuthorTime: rec.AuthorTime, Message: rec.Message, Changes: append([]RawChange(nil), rec.Changes...)})
		return nil
	})
	if err != nil || len(authored) != 3 {
		t.Fatalf("%d records with authors: %v", len(authored), err)
	}
	for i, a := range authored {
		want := g("log", "-1", "--format=%an|%ae|%at", a.Commit)
		if got := fmt.Sprintf("%s|%s|%d", a.AuthorName, a.AuthorEmail, a.AuthorTime); got != want {
			t.Errorf("author of %d: %q, want %q", i, got, want)
		}
		if a.Commit != got[i].Commit || a.Message != got[i].Message || !reflect.DeepEqual(a.Changes, got[i].Changes) {
			t.Errorf("record %d with authors differs: %+v", i, a)
		}
	}
	// With paths, a commit touching them lists all its files.
	files, err := r.ChangedFiles(t.Context(), LogOptions{Include: []string{top}, Exclude: []string{root}, Paths: []string{"tab\there.c"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || strings.Join(files[second], "|") != "a.c|tab\there.c" {
		t.Errorf("changed files with a path: %q", files)
	}
	// A pathspec is a file name, not a pattern.
	files, err = r.ChangedFiles(t.Context(), LogOptions{Include: []string{top}, Exclude: []string{root}, Paths: []string{"*.c"}})
	if err != nil || len(files) != 0 {
		t.Errorf("pattern matched: %q %v", files, err)
	}
	// log.follow in the user's configuration does not follow a single
	// path back across a rename.
	g("mv", "tab\there.c", "moved.c")
	g("commit", "-q", "-m", "move")
	moved := g("rev-parse", "HEAD")
	follow := &Repo{Dir: work, Env: append(sc.Env.Vars, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=log.follow", "GIT_CONFIG_VALUE_0=true")}
	files, err = follow.ChangedFiles(t.Context(), LogOptions{Include: []string{moved}, Exclude: []string{root}, Paths: []string{"moved.c"}})
	if err != nil || len(files) != 1 || strings.Join(files[moved], "|") != "moved.c|tab\there.c" {
		t.Errorf("with log.follow: %q %v", files, err)
	}
	log, err := follow.Log(t.Context(), LogOptions{Include: []string{moved}, Exclude: []string{root}, Paths: []string{"moved.c"}})
	if err != nil || len(log) != 1 || log[0].SHA != moved {
		t.Errorf("Log with log.follow: %+v %v", log, err)
	}
	has, err := r.HasCommits(t.Context(), LogOptions{Include: []string{top}, Exclude: []string{second}, Paths: []string{"a.c"}})
	if err != nil || !has {
		t.Errorf("HasCommits a.c: %v %v", has, err)
	}
	has, err = r.HasCommits(t.Context(), LogOptions{Include: []string{top}, Exclude: []string{second}, Paths: []string{"tab\there.c"}})
	if err != nil || has {
		t.Errorf("HasCommits tab: %v %v", has, err)
	}
}

// BenchmarkReadLog reads a synthetic walk of 10000 commits of three files
// each and reports the allocations per commit (kept for the records' own
// strings only: ids, message, paths).
func BenchmarkReadLog(b *testing.B) {
	var recs []LogRecord
	for i := 0; i < 10000; i++ {
		id := fmt.Sprintf("%040x", i+1)
		r := LogRecord{Commit: id, Parents: []string{idA}, Message: "subsys: change " + id + "\n\nSome body text.\n\nSigned-off-by: A <a@b>\n"}
		for j := 0; j < 3; j++ {
			r.Changes = append(r.Changes, RawChange{OldMode: 0o100644, NewMode: 0o100644, OldOID: id1, NewOID: id2, Status: 'M',
				Path: fmt.Sprintf("drivers/net/file%d.c", j)})
		}
		recs = append(recs, r)
	}
	in := encodeLog(recs, true)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		err := ReadLogFields(strings.NewReader(in), false, true, func(r *LogRecord) error { n += len(r.Changes); return nil })
		if err != nil || n != 30000 {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() {
		_ = ReadLogFields(strings.NewReader(in), false, true, func(*LogRecord) error { return nil })
	}))/float64(len(recs)), "allocs/commit")
}
