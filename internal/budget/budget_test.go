package budget

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestCharge(t *testing.T) {
	b := New(Limits{PathBytes: 100})
	if err := b.Charge(PathBytes, 60); err != nil {
		t.Fatal(err)
	}
	err := b.Charge(PathBytes, 41)
	be, ok := errors.AsType[*ExceededError](err)
	if !ok || be.Kind != PathBytes || be.Limit != 100 || !errors.Is(err, ErrExceeded) {
		t.Fatalf("over the limit: %v", err)
	}
	if !strings.Contains(err.Error(), "path data held in memory") || !strings.Contains(be.Hint(), "--max-path-bytes") {
		t.Errorf("message %q, hint %q", err, be.Hint())
	}
	// Spill bytes come back when a file is removed.
	if err := b.Charge(SpillBytes, DefaultSpillBytes); err != nil {
		t.Fatal(err)
	}
	b.Release(SpillBytes, DefaultSpillBytes)
	if err := b.Charge(SpillBytes, DefaultSpillBytes); err != nil {
		t.Errorf("after release: %v", err)
	}
	if err := b.Check(Layers, DefaultLayers+1); err == nil {
		t.Error("Check: one layer too many passed")
	}
}

// TestConcurrent: charges from many goroutines add up exactly.
func TestConcurrent(t *testing.T) {
	b := New(Limits{ImageEntries: 1000})
	var wg sync.WaitGroup
	var mu sync.Mutex
	over := 0
	for range 20 {
		wg.Go(func() {
			for range 100 {
				if b.Charge(ImageEntries, 1) != nil {
					mu.Lock()
					over++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if over != 1000 || b.Used(ImageEntries) != 2000 {
		t.Errorf("%d charges refused, %d used; want 1000 and 2000", over, b.Used(ImageEntries))
	}
}

func TestScope(t *testing.T) {
	b := New(Limits{})
	b.Scope(1 << 20) // a 1 MiB image keeps the floor
	if got := b.Limits().ImageBytes; got != DefaultImageBytes {
		t.Errorf("small image: %d", got)
	}
	b.Scope(1 << 30) // a 1 GiB compressed image may expand 100×
	if got := b.Limits().ImageBytes; got != 100<<30 {
		t.Errorf("large image: %d", got)
	}
	b.Scope(1 << 62) // overflow keeps the limit
	if got := b.Limits().ImageBytes; got != 100<<30 {
		t.Errorf("overflow: %d", got)
	}
}

// TestNil: no budget charges nothing and refuses nothing beyond the
// defaults.
func TestNil(t *testing.T) {
	var b *Budget
	if b.Charge(ImageBytes, 1<<62) != nil || b.Used(ImageBytes) != 0 {
		t.Error("a nil budget refused or counted")
	}
	if b.Check(Records, DefaultRecords+1) == nil {
		t.Error("a nil budget has no default limits")
	}
	if From(context.Background()) != nil {
		t.Error("a context without a budget carries one")
	}
	nb := New(Limits{})
	if From(With(context.Background(), nb)) != nb {
		t.Error("With/From lost the budget")
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[*ExceededError]string{
		{Kind: ImageBytes, Limit: 4 << 30}:     "over the budget of decompressed bytes per image (4 GiB)",
		{Kind: SpillBytes, Limit: 512 << 20}:   "over the budget of temporary disk (512 MiB)",
		{Kind: PathBytes, Limit: 1000}:         "over the budget of path data held in memory (1,000 bytes)",
		{Kind: LayerEntries, Limit: 1_000_000}: "over the budget of entries per layer (1,000,000)",
	} {
		if got := in.Error(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
