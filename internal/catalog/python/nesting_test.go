package python

import (
	"bytes"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
)

// A hostile poetry.lock of nested brackets is refused, not parsed into a
// stack overflow that would kill the scan.
func TestPoetryLockNesting(t *testing.T) {
	data := append([]byte("[[package]]\nname = \"x\"\nversion = \"1\"\nextras = "), bytes.Repeat([]byte("["), 1<<20)...)
	if _, err := catalogtest.ParseBytes(t, New(), "srv/app/poetry.lock", data, 0o644); err == nil {
		t.Fatal("no error for 1 MiB of nested brackets")
	}
}
