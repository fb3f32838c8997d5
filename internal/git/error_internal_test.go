package git

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Failures carry args, status and stderr, and read as one line.
func TestErrorCarriesWhatFailed(t *testing.T) {
	r := &Repo{Dir: t.TempDir()}
	if _, err := r.run(context.Background(), nil, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	_, err := r.output(context.Background(), "cat-file", "-t", "0000000000000000000000000000000000000001")
	var ge *Error
	if !errors.As(err, &ge) || ge.ExitCode != 128 || ge.Args[0] != "cat-file" || !strings.Contains(ge.Stderr, "fatal:") {
		t.Fatalf("error %#v", err)
	}
	if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "git cat-file -t ") {
		t.Errorf("error message %q", err)
	}
}
