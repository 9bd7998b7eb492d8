package layercache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestPutGet(t *testing.T) {
	c, err := Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	k := Key("sha256:abc", "fp1")
	if _, ok := c.Get(k); ok {
		t.Fatal("hit on empty cache")
	}
	if err := c.Put(k, []byte("result")); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(k)
	if !ok || string(got) != "result" {
		t.Fatalf("Get = %q, %v", got, ok)
	}
	if Key("sha256:abc", "fp2") == k || Key("sha256:ab", "cfp1") == k {
		t.Error("keys collide across parts")
	}
}

func TestDamagedEntryIsAMiss(t *testing.T) {
	dir := t.TempDir()
	c, _ := Open(dir, 0)
	k := Key("d")
	c.Put(k, bytes.Repeat([]byte("x"), 1000))
	p := c.path(k)
	for name, mutate := range map[string]func([]byte) []byte{
		"truncated": func(b []byte) []byte { return b[:len(b)-10] },
		"flipped":   func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"garbage":   func([]byte) []byte { return []byte("garbage") },
	} {
		t.Run(name, func(t *testing.T) {
			c.Put(k, bytes.Repeat([]byte("x"), 1000))
			b, _ := os.ReadFile(p)
			os.WriteFile(p, mutate(b), 0o600)
			if _, ok := c.Get(k); ok {
				t.Fatal("damaged entry returned")
			}
			if _, err := os.Stat(p); err == nil {
				t.Fatal("damaged entry not removed")
			}
		})
	}
}

func TestEvictionKeepsRecent(t *testing.T) {
	c, _ := Open(t.TempDir(), 10_000)
	old := time.Now().Add(-time.Hour)
	for i := range 8 {
		k := Key(fmt.Sprint(i))
		if err := c.Put(k, bytes.Repeat([]byte{byte(i)}, 2000)); err != nil {
			t.Fatal(err)
		}
		// Entries 0..3 are old unless read again.
		if i < 4 {
			os.Chtimes(c.path(k), old.Add(time.Duration(i)*time.Minute), old.Add(time.Duration(i)*time.Minute))
		}
	}
	n, size := c.Stats()
	if size > 10_000 {
		t.Fatalf("cache holds %d bytes in %d entries, bound 10000", size, n)
	}
	if _, ok := c.Get(Key("7")); !ok {
		t.Error("newest entry evicted")
	}
	if _, ok := c.Get(Key("0")); ok {
		t.Error("oldest entry kept")
	}
}

func TestConcurrentWritersAndReaders(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Open(dir, 50_000) // separate handles, as separate processes would have
			if err != nil {
				errs <- err
				return
			}
			for i := range 50 {
				k := Key(fmt.Sprint(i % 10))
				want := bytes.Repeat([]byte{byte(i % 10)}, 3000)
				if err := c.Put(k, want); err != nil {
					errs <- err
					return
				}
				if got, ok := c.Get(k); ok && !bytes.Equal(got, want) {
					errs <- fmt.Errorf("writer %d read a torn entry", w)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "v1", "*", ".tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
