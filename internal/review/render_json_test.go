package review

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// wholeJSON is the document as one json.Encoder call over jsonResult
// writes it: the reference the streamed writer must equal byte for byte.
func wholeJSON(t *testing.T, res *Result, check *jsonCheck) string {
	t.Helper()
	out := jsonResult{Check: check, Old: jsonRange(res.Old), New: jsonRange(res.New), Rows: []jsonRow{}}
	for i := range res.Rows {
		out.Rows = append(out.Rows, jsonRowOf(&res.Rows[i]))
	}
	out.Summary = jsonSummaryOf(res)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The JSON document is written a row at a time; it must be the document
// encoding/json writes for the whole result, whatever the rows hold.
func TestJSONStreamedEqualsWhole(t *testing.T) {
	a := &Commit{SHA: strings.Repeat("a", 40), Title: "net: <b>&amp; \"quoted\" \u2028 naïve \x1b[31m"}
	b := &Commit{SHA: strings.Repeat("b", 40), Title: "tab\there", Message: "uses foo_old"}
	up := &Commit{SHA: strings.Repeat("c", 40), Title: "upstream"}
	full := &Result{
		Old: Range{Base: strings.Repeat("1", 40), Tip: strings.Repeat("2", 40)},
		New: Range{Base: strings.Repeat("3", 40), Tip: strings.Repeat("4", 40)},
		Rows: []Row{
			{Status: StatusSame, Old: a, New: a},
			{Status: StatusDropped, Old: a, Note: "Dropped: upstream.\nline two </script>"},
			{Status: StatusTitle, Old: a, New: b, AlsoUpstream: up, Evidence: "title", Replay: "clean"},
			{Status: StatusSplit, Old: a, New: b, Group: 2},
			{Status: StatusAdded, New: b, Drift: []Drift{{Ident: "foo_old", Upstream: up.SHA, NewName: "foo_new"}, {Ident: "dev->x"}}},
			{Status: StatusPatchID, Old: a, New: up, Upstream: true},
		},
	}
	check := &jsonCheck{OK: false, Problems: []jsonProblem{{Old: toJSONCommit(a), Kind: ProblemDroppedWithoutNote, Reason: "dropped <without> a note"}}}
	for _, tc := range []struct {
		name  string
		res   *Result
		check *jsonCheck
	}{
		{"rows", full, nil},
		{"rows and check", full, check},
		{"no rows", &Result{Old: full.Old, New: full.New}, nil},
		{"no rows, check ok", &Result{}, &jsonCheck{OK: true, Problems: []jsonProblem{}}},
		{"one row", &Result{Rows: full.Rows[4:5]}, nil},
	} {
		var got bytes.Buffer
		if err := writeJSON(&got, tc.res, tc.check); err != nil {
			t.Fatal(err)
		}
		if want := wholeJSON(t, tc.res, tc.check); got.String() != want {
			t.Errorf("%s: streamed JSON differs from the whole document\n got: %s\nwant: %s", tc.name, got.String(), want)
		}
	}
}
