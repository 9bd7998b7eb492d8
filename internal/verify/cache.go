package verify

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/provenance"
	"golang.org/x/sync/singleflight"
)

// Cache keeps verification results per image reference (repository and
// digest) for a while, least recently used first out, so the guard asks
// the registry once per image and not once per `docker run`. Concurrent
// misses for one reference share one verification. Failures to reach the
// registry are not kept: the next request tries again.
type Cache struct {
	v   *Verifier
	max int
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	lru   *list.List // of *cacheEntry, most recent first
	items map[string]*list.Element
	sf    singleflight.Group
}

type cacheEntry struct {
	ref string
	p   *provenance.Provenance
	at  time.Time
}

// Default cache bounds.
const (
	DefaultCacheSize = 1024
	DefaultCacheTTL  = 10 * time.Minute
)

// NewCache wraps v with a cache of at most max results (0:
// DefaultCacheSize), each kept for ttl (0: DefaultCacheTTL).
func NewCache(v *Verifier, max int, ttl time.Duration) *Cache {
	if max <= 0 {
		max = DefaultCacheSize
	}
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &Cache{v: v, max: max, ttl: ttl, now: v.now, lru: list.New(), items: map[string]*list.Element{}}
}

// Verifier returns the wrapped verifier.
func (c *Cache) Verifier() *Verifier { return c.v }

// Verify returns the cached result for ref (a digest reference), or
// verifies it. The result is shared: callers must not modify it.
func (c *Cache) Verify(ctx context.Context, ref string) (*provenance.Provenance, error) {
	if p := c.get(ref); p != nil {
		return p, nil
	}
	r, err, _ := c.sf.Do(ref, func() (any, error) {
		if p := c.get(ref); p != nil {
			return p, nil
		}
		// One caller's cancellation must not fail the others sharing
		// this verification; the registry calls carry their own bounds.
		p, err := c.v.Verify(context.WithoutCancel(ctx), ref)
		if err != nil {
			return nil, err
		}
		c.put(ref, p)
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	return r.(*provenance.Provenance), nil
}

func (c *Cache) get(ref string) *provenance.Provenance {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[ref]
	if !ok {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if c.now().Sub(e.at) > c.ttl {
		c.lru.Remove(el)
		delete(c.items, ref)
		return nil
	}
	c.lru.MoveToFront(el)
	return e.p
}

func (c *Cache) put(ref string, p *provenance.Provenance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[ref]; ok {
		el.Value = &cacheEntry{ref: ref, p: p, at: c.now()}
		c.lru.MoveToFront(el)
		return
	}
	c.items[ref] = c.lru.PushFront(&cacheEntry{ref: ref, p: p, at: c.now()})
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		c.lru.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).ref)
	}
}

// Len is the number of results held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
