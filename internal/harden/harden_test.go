package harden

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/google/go-cmp/cmp"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	w, err := WriteFile(dir, "a.pem", []byte("one"), 0o400, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(w.Path)
	if err != nil || st.Mode().Perm() != 0o400 {
		t.Fatalf("mode %v, %v", st.Mode(), err)
	}
	if _, err := WriteFile(dir, "a.pem", []byte("two"), 0o400, WriteOptions{}); !errors.Is(err, ErrExists) {
		t.Fatalf("overwrite without force: %v", err)
	}
	if b, _ := os.ReadFile(w.Path); string(b) != "one" {
		t.Fatalf("content %q", b)
	}
	if _, err := WriteFile(dir, "a.pem", []byte("two"), 0o444, WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(w.Path); string(b) != "two" {
		t.Fatalf("content after force %q", b)
	}
	// Concurrent writers without force: exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan int, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := WriteFile(dir, "race", []byte{byte(i)}, 0o644, WriteOptions{}); err == nil {
				wins <- i
			}
		}()
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Errorf("%d writers won", n)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestTransitions(t *testing.T) {
	before := &facts.Snapshot{SchemaVersion: facts.SchemaVersion, Daemon: facts.Daemon{Args: []string{}, ArgsSource: "test"}}
	after, err := Clone(before)
	if err != nil {
		t.Fatal(err)
	}
	after.Daemon.Args = []string{"--no-new-privileges", "--log-level=debug"}
	got := Transitions(before, after, "2.3", "2.14")
	want := []Transition{
		{ID: "2.3", Title: "Daemon logging level is info", Before: bench.Pass, After: bench.Warn, Details: `log level is "debug" (--log-level)`},
		{ID: "2.14", Title: "Containers cannot gain new privileges by default", Before: bench.Warn, After: bench.Pass, Details: "no-new-privileges is on for every container (--no-new-privileges true)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2.14"}, Fixes(got)); diff != "" {
		t.Errorf("fixes: %s", diff)
	}
	if len(before.Daemon.Args) != 0 {
		t.Error("Clone shares the argument slice")
	}
}
