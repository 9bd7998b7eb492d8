package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// dbHolder keeps the open advisory database and swaps it when the file is
// rebuilt. Readers hold the read lock while they match, so a swap never
// closes a database in use.
type dbHolder struct {
	path string
	mu   sync.RWMutex
	db   *vulndb.DB
	// stamp is the file's size and modification time when opened, checked
	// before reopening so an unchanged file costs one stat per poll.
	stamp string
}

// use runs fn with the current database (nil when there is none).
func (h *dbHolder) use(fn func(db *vulndb.DB) error) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return fn(h.db)
}

// builtAt is the current database's build time (zero without one).
func (h *dbHolder) builtAt() time.Time {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.db == nil {
		return time.Time{}
	}
	return h.db.Meta().BuiltAt
}

// refresh opens the file when it changed since the last look and its build
// is newer than the open one. It reports whether the database moved on.
func (h *dbHolder) refresh(ctx context.Context) (bool, error) {
	if h.path == "" {
		return false, nil
	}
	fi, err := os.Stat(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("server: advisory database: %w", err)
	}
	stamp := fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
	h.mu.RLock()
	same := stamp == h.stamp
	h.mu.RUnlock()
	if same {
		return false, nil
	}
	db, err := vulndb.Open(ctx, h.path)
	if err != nil {
		return false, fmt.Errorf("server: advisory database: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stamp = stamp
	if h.db != nil && !db.Meta().BuiltAt.After(h.db.Meta().BuiltAt) {
		db.Close()
		return false, nil
	}
	old := h.db
	h.db = db
	if old != nil {
		old.Close()
	}
	return true, nil
}

func (h *dbHolder) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.db != nil {
		h.db.Close()
		h.db = nil
	}
}

// pollDB watches the database file and queues re-matching when it moves on.
func (s *Server) pollDB(ctx context.Context) {
	t := time.NewTicker(s.cfg.DBPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changed, err := s.db.refresh(ctx)
		if err != nil {
			s.log.WarnContext(ctx, "server: advisory database not reloaded", "err", err)
			continue
		}
		if changed {
			n, err := s.RematchAll(ctx)
			if err != nil {
				s.log.ErrorContext(ctx, "server: queueing re-match", "err", err)
				continue
			}
			s.log.InfoContext(ctx, "advisory database updated; re-matching stored inventories", "built_at", s.db.builtAt(), "images", n)
		}
	}
}

// RematchAll queues a re-match of every image against the current
// database. Keys name the image and the build, so replicas noticing the
// same update queue each image once.
func (s *Server) RematchAll(ctx context.Context) (int, error) {
	built := s.db.builtAt()
	if built.IsZero() {
		return 0, errors.New("server: no advisory database")
	}
	latest, err := s.st.LatestScans(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sc := range latest {
		if sc.Matched && !sc.DBBuiltAt.Before(built) {
			continue
		}
		_, created, err := s.enqueue(ctx, store.Job{Kind: kindRematch, Key: fmt.Sprintf("rematch:%s:%d", sc.Image, built.UnixNano()),
			Payload: mustJSON(rematchPayload{Image: sc.Image})})
		if err != nil {
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}
