package sealed

import "testing"

func TestSealOpen(t *testing.T) {
	data := Seal("m v1\n", []byte("body"))
	if body, ok := Open("m v1\n", data); !ok || string(body) != "body" {
		t.Fatalf("%q %v", body, ok)
	}
	for name, bad := range map[string][]byte{
		"other magic": Seal("m v2\n", []byte("body")),
		"truncated":   data[:len(data)-1],
		"flipped":     append(append([]byte{}, data[:6]...), append([]byte{data[6] ^ 1}, data[7:]...)...),
		"empty":       nil,
	} {
		if _, ok := Open("m v1\n", bad); ok {
			t.Errorf("%s: opened", name)
		}
	}
	if body, ok := Open("m\n", Seal("m\n", nil)); !ok || len(body) != 0 {
		t.Errorf("empty body: %q %v", body, ok)
	}
}
