package guard

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/docker/docker/api/types/image"
	"golang.org/x/sync/singleflight"

	"github.com/bulwark-sec/bulwark/internal/history"
)

// Default lifetimes of cached image answers. An image ID names one
// immutable configuration, so its answer can live long; a name can be
// re-pointed at any time, but the create-time lookup is a race with the
// daemon's own resolution anyway, and start re-judges the container by
// the image ID it actually got.
const (
	DefaultNameTTL = 2 * time.Second
	DefaultIDTTL   = 5 * time.Minute
	maxCached      = 4096
)

// imageCache remembers image inspect answers briefly and collapses
// concurrent lookups of the same reference into one engine call, so a
// burst of creates costs the daemon one inspect.
type imageCache struct {
	nameTTL, idTTL time.Duration
	mu             sync.Mutex
	m              map[string]cachedImage
	sf             singleflight.Group
}

type cachedImage struct {
	at  time.Time
	ins image.InspectResponse
}

func newImageCache(nameTTL, idTTL time.Duration) *imageCache {
	if nameTTL == 0 {
		nameTTL = DefaultNameTTL
	}
	if idTTL == 0 {
		idTTL = DefaultIDTTL
	}
	return &imageCache{nameTTL: nameTTL, idTTL: idTTL, m: map[string]cachedImage{}}
}

func (c *imageCache) inspect(ctx context.Context, eng Engine, ref string, now time.Time) (image.InspectResponse, error) {
	ttl := c.nameTTL
	if fullID().MatchString(ref) {
		ttl = c.idTTL
	}
	if ttl < 0 {
		return eng.ImageInspect(ctx, ref)
	}
	c.mu.Lock()
	if e, ok := c.m[ref]; ok && now.Sub(e.at) < ttl {
		c.mu.Unlock()
		return e.ins, nil
	}
	c.mu.Unlock()
	v, err, _ := c.sf.Do(ref, func() (any, error) {
		ins, err := eng.ImageInspect(ctx, ref)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.m) >= maxCached {
			clear(c.m)
		}
		c.m[ref] = cachedImage{at: now, ins: ins}
		c.mu.Unlock()
		return ins, nil
	})
	if err != nil {
		return image.InspectResponse{}, err
	}
	return v.(image.InspectResponse), nil
}

// scanTTL bounds how long a scan lookup is reused: a new scan is seen
// within a second, and a burst of creates reads the history once.
const scanTTL = time.Second

// cachedScans remembers Latest answers (found or not) for scanTTL.
type cachedScans struct {
	src Scans
	now func() time.Time
	mu  sync.Mutex
	m   map[string]cachedScan
}

type cachedScan struct {
	at    time.Time
	entry *history.Entry
	err   error
}

func (c *cachedScans) Latest(ctx context.Context, key string) (*history.Entry, error) {
	now := c.now()
	c.mu.Lock()
	if e, ok := c.m[key]; ok && now.Sub(e.at) < scanTTL {
		c.mu.Unlock()
		return e.entry, e.err
	}
	c.mu.Unlock()
	en, err := c.src.Latest(ctx, key)
	if err != nil && !errors.Is(err, history.ErrNotFound) {
		return nil, err // failures are not remembered
	}
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[key] = cachedScan{at: now, entry: en, err: err}
	c.mu.Unlock()
	return en, err
}
