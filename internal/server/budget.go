package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// bodyBudget bounds the request bodies held in memory at once: in all
// (Config.BodyBudget) and per token (Config.TokenBodyBudget). A request
// reserves its declared Content-Length (MaxBody when it declares none)
// before its body is read, waiting up to bodyWait for room; the
// reservation is released when the handler returns. A body is read into
// a buffer of exactly its declared size, never grown by doubling. So the
// server holds at most BodyBudget bytes of bodies, whatever the number of
// clients, and one token cannot take more than its share.
type bodyBudget struct {
	max, perToken int64
	all           *semaphore.Weighted
	mu            sync.Mutex
	tokens        map[int64]*tokenBudget
}

type tokenBudget struct {
	sem   *semaphore.Weighted
	users int
}

// bodyWait is how long a request waits for room before a 503.
const bodyWait = 30 * time.Second

var errBusy = errors.New("request bodies in flight are over the server's budget")

func newBodyBudget(max, perToken int64) *bodyBudget {
	return &bodyBudget{max: max, perToken: perToken, all: semaphore.NewWeighted(max), tokens: map[int64]*tokenBudget{}}
}

// acquire reserves n bytes for token id (0: no token) and returns the
// release function.
func (b *bodyBudget) acquire(ctx context.Context, id, n int64) (func(), error) {
	ctx, cancel := context.WithTimeout(ctx, bodyWait)
	defer cancel()
	b.mu.Lock()
	tb := b.tokens[id]
	if tb == nil {
		tb = &tokenBudget{sem: semaphore.NewWeighted(b.perToken)}
		b.tokens[id] = tb
	}
	tb.users++
	b.mu.Unlock()
	done := func() {
		b.mu.Lock()
		if tb.users--; tb.users == 0 {
			delete(b.tokens, id)
		}
		b.mu.Unlock()
	}
	// The token's share first, so a token over it waits without holding
	// any of the global budget.
	if err := tb.sem.Acquire(ctx, min(n, b.perToken)); err != nil {
		done()
		return nil, errBusy
	}
	if err := b.all.Acquire(ctx, min(n, b.max)); err != nil {
		tb.sem.Release(min(n, b.perToken))
		done()
		return nil, errBusy
	}
	return func() {
		b.all.Release(min(n, b.max))
		tb.sem.Release(min(n, b.perToken))
		done()
	}, nil
}

// reserveBody reserves room for r's body (nothing for a request without
// one) and returns the release function, or answers 503 itself.
func (s *Server) reserveBody(w http.ResponseWriter, r *http.Request, tokenID int64) (func(), bool) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return func() {}, true
	}
	n := r.ContentLength
	if n < 0 || n > s.cfg.MaxBody {
		n = s.cfg.MaxBody // unknown length; a larger one fails with 413 when read
	}
	release, err := s.bodies.acquire(r.Context(), tokenID, n)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		writeError(w, r, http.StatusServiceUnavailable, fmt.Sprintf("%v; retry later", err))
		return nil, false
	}
	return release, true
}

// readBody reads a request body into a buffer of its declared size.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength <= 0 {
		return io.ReadAll(r.Body)
	}
	b := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, b); err != nil {
		return nil, err
	}
	var one [1]byte
	if n, _ := r.Body.Read(one[:]); n > 0 {
		return nil, errors.New("request body longer than its Content-Length")
	}
	return b, nil
}
