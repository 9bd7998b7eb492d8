package embedded_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "bulwark-server.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A second process (or a second Open) must not share the file: the queue
// assumes one writer.
func TestSecondOpenFails(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.db")
	s, err := embedded.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := embedded.Open(context.Background(), p); !errors.Is(err, embedded.ErrLocked) || !strings.Contains(err.Error(), p) {
		t.Fatalf("second open: %v", err)
	}
}
