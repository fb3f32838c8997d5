package review

import (
	"fmt"
	"reflect"
	"testing"
)

// fill sets every field of v (a pointer) to a value of its own, distinct
// from zero and from the other fields, through structs, slices and maps;
// pointers stay nil (a resultRow's commits are its Ref fields).
func fill(t testing.TB, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d\x00\u00e9\n", *n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * -1000003)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Uint8:
		v.SetUint(uint64(*n))
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			fill(t, v.Index(i), n)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(t, s.Index(i), n)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 3; i++ {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(t, k, n)
			fill(t, e, n)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	case reflect.Pointer:
	default:
		t.Fatalf("fill: a field of kind %s: encode it in resultcodec.go and fill it here", v.Kind())
	}
}

// Every field of a result file comes back from its encoding: a field
// added to Commit, Row, Drift or Stats and not written by resultcodec.go
// fails here. Empty lists and maps come back nil, as from gob.
func TestResultCodecRoundTrip(t *testing.T) {
	var f resultFile
	n := 0
	fill(t, reflect.ValueOf(&f).Elem(), &n)
	got, ok := decodeResult(encodeResult(&f))
	if !ok || !reflect.DeepEqual(got, f) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, f)
	}
	if got, ok := decodeResult(encodeResult(&resultFile{})); !ok || !reflect.DeepEqual(got, resultFile{}) {
		t.Errorf("empty file: %+v %v", got, ok)
	}
	// count's bounds are the smallest encodings: valid bodies always pass.
	var e resultEncoder
	e.commit(&Commit{})
	if len(e.b) != minCommit {
		t.Errorf("an empty commit takes %d bytes, minCommit is %d", len(e.b), minCommit)
	}
	e = resultEncoder{}
	e.row(&resultRow{})
	if len(e.b) != minRow {
		t.Errorf("an empty row takes %d bytes, minRow is %d", len(e.b), minRow)
	}
	e = resultEncoder{}
	e.row(&resultRow{Row: Row{Drift: []Drift{{}}}})
	if len(e.b) != minRow+minDrift {
		t.Errorf("a drift takes %d bytes, minDrift is %d", len(e.b)-minRow, minDrift)
	}
	// Damaged bodies are refused, not read as something else.
	body := encodeResult(&f)
	for _, bad := range [][]byte{body[:len(body)-1], append(append([]byte{}, body...), 0), body[:7], {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if _, ok := decodeResult(bad); ok {
			t.Errorf("a damaged body of %d bytes decoded", len(bad))
		}
	}
}

func FuzzDecodeResult(f *testing.F) {
	var full resultFile
	n := 0
	fill(f, reflect.ValueOf(&full).Elem(), &n)
	f.Add(encodeResult(&full))
	f.Add(encodeResult(&resultFile{}))
	f.Fuzz(func(t *testing.T, body []byte) {
		if r, ok := decodeResult(body); ok {
			// What decodes, encoded again, decodes the same.
			enc := encodeResult(&r)
			again, ok := decodeResult(enc)
			if !ok || string(encodeResult(&again)) != string(enc) {
				t.Fatalf("%q decoded to %+v, then to %+v", body, r, again)
			}
		}
	})
}
