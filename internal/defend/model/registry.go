package model

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"golang.org/x/sys/unix"
)

// Window is how long a new model learns: until Duration has passed since it
// was created, or until Starts containers of the image have started (the
// next one is judged), whichever comes first. Zero fields are no limit; a
// window with neither learns for DefaultWindow.
type Window struct {
	Duration time.Duration
	Starts   int
}

// DefaultWindow is the learning window when none is configured.
const DefaultWindow = 24 * time.Hour

// DefaultArchiveAfter is how long a model waits for a container of its
// image before it is archived.
const DefaultArchiveAfter = 30 * 24 * time.Hour

// Seeder tells a model what its image holds.
type Seeder interface {
	Seed(ctx context.Context, image string) (*Seed, error)
}

// Publisher receives models that changed (for `bulwark serve`). The seed's
// executables are left out.
type Publisher interface {
	PublishModels(ctx context.Context, ms []Model) error
}

// Config configures a registry.
type Config struct {
	Window       Window
	ArchiveAfter time.Duration // default DefaultArchiveAfter
	Store        *Store        // nil: models live in memory only
	Seeder       Seeder        // nil: no seeding
	Publisher    Publisher     // nil: nothing is sent
	// FlushEvery is Run's interval between flushes (default 10 s).
	FlushEvery time.Duration
	Now        func() time.Time
}

// Registry holds the models of the images this host runs and judges events
// against them. It is safe for concurrent use.
type Registry struct {
	cfg Config

	mu         sync.Mutex
	models     map[string]*Model
	dirty      map[string]bool
	containers map[string]time.Time // container id → last event, for counting starts
	aliases    map[string]string    // image name → the image id it was last seen with
	gone       map[string]bool      // models merged into another, to delete from the store
	seeding    map[string]bool
	seedQ      chan string
	stats      Stats
}

// Stats are the registry's counters.
type Stats struct {
	Learned, Deviations, Seeded, SeedFailed, Flushes, FlushFailed, Published, PublishFailed uint64
	// Seeding is the number of images being read or waiting to be;
	// Models the models held in memory, Unseeded those of them still
	// without a seed (and no seeding error).
	Seeding, Models, Unseeded int
}

// NewRegistry returns an empty registry; models are loaded from the store
// as their images are seen.
func NewRegistry(cfg Config) *Registry {
	if cfg.Window.Duration == 0 && cfg.Window.Starts == 0 {
		cfg.Window.Duration = DefaultWindow
	}
	if cfg.ArchiveAfter == 0 {
		cfg.ArchiveAfter = DefaultArchiveAfter
	}
	if cfg.FlushEvery == 0 {
		cfg.FlushEvery = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Registry{cfg: cfg, models: map[string]*Model{}, dirty: map[string]bool{},
		containers: map[string]time.Time{}, aliases: map[string]string{}, gone: map[string]bool{},
		seeding: map[string]bool{}, seedQ: make(chan string, 256)}
}

// ImageKey is the model key of a container: its image id, else its image
// name ("" for a host process).
func ImageKey(c *event.Container) string {
	if c == nil {
		return ""
	}
	if c.ImageID != "" {
		return c.ImageID
	}
	return c.Image
}

// Judge learns from e while its image's model learns, and judges e once the
// model is active: the result is nil, or the act's deviation from the
// model. Host processes are no model's business.
func (r *Registry) Judge(ctx context.Context, e *event.Event) *Deviation {
	if ImageKey(e.Container) == "" {
		return nil
	}
	now := r.cfg.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	key := r.key(ctx, e.Container, now)
	m := r.model(ctx, key, now)
	if n := e.Container.Image; n != "" && !slices.Contains(m.Names, n) && len(m.Names) < maxNames {
		m.Names = append(m.Names, n)
		r.dirty[key] = true
	}
	if now.Sub(m.LastSeen) > time.Minute {
		m.LastSeen = now
		r.dirty[key] = true
	}
	if id := e.Container.ID; id != "" {
		if _, seen := r.containers[id]; !seen {
			m.Starts++
			r.dirty[key] = true
		}
		r.containers[id] = now
	}
	r.advance(m, now)
	switch m.State {
	case Learning:
		if m.learn(e) {
			m.Learned++
			r.stats.Learned++
			r.dirty[key] = true
		}
	case Active:
		if d := m.check(e); d != nil {
			m.Deviations++
			r.stats.Deviations++
			r.dirty[key] = true
			return d
		}
	}
	return nil
}

// key is the model key of c: its image id, or for a container described
// only by its image name (one gone before the engine could be asked about
// it) the id that name was last seen with. A model begun under the name
// joins the id's model when the pair is first seen. Called with mu.
func (r *Registry) key(ctx context.Context, c *event.Container, now time.Time) string {
	if c.ImageID == "" {
		if id, ok := r.aliases[c.Image]; ok {
			return id
		}
		return c.Image
	}
	if c.Image != "" && r.aliases[c.Image] != c.ImageID {
		if len(r.aliases) >= maxAliases {
			clear(r.aliases)
		}
		r.aliases[c.Image] = c.ImageID
		if byName, ok := r.models[c.Image]; ok {
			m := r.model(ctx, c.ImageID, now)
			m.merge(byName)
			delete(r.models, c.Image)
			delete(r.dirty, c.Image)
			r.gone[c.Image] = true
			r.dirty[c.ImageID] = true
		}
	}
	return c.ImageID
}

// maxAliases bounds the image name → id map.
const maxAliases = 4096

// model returns the model of key, loading or creating it. Called with mu.
func (r *Registry) model(ctx context.Context, key string, now time.Time) *Model {
	if m, ok := r.models[key]; ok {
		r.wantSeed(m)
		return m
	}
	var m *Model
	if r.cfg.Store != nil {
		stored, err := r.cfg.Store.Get(ctx, key)
		switch {
		case err == nil:
			m = stored
		case !errors.Is(err, ErrNotFound):
			slog.WarnContext(ctx, "defend: reading a stored model; learning afresh", "image", key, "err", err)
		}
	}
	if m == nil {
		m = newModel(key, now)
		r.dirty[key] = true
	}
	r.applyWindow(m, now)
	r.models[key] = m
	r.wantSeed(m)
	return m
}

// applyWindow gives a learning model without a window this registry's.
func (r *Registry) applyWindow(m *Model, now time.Time) {
	if m.State != Learning || !m.LearnUntil.IsZero() || m.LearnStarts != 0 {
		return
	}
	if r.cfg.Window.Duration > 0 {
		m.LearnUntil = now.Add(r.cfg.Window.Duration)
	}
	if r.cfg.Window.Starts > 0 {
		m.LearnStarts = m.Starts + r.cfg.Window.Starts
	}
	r.dirty[m.Image] = true
}

// advance moves a model along its life at now. Called with mu.
func (r *Registry) advance(m *Model, now time.Time) {
	switch m.State {
	case Archived:
		m.State = Learning
		if !m.Activated.IsZero() {
			m.State = Active
		}
		r.dirty[m.Image] = true
	case Learning:
		if (!m.LearnUntil.IsZero() && !now.Before(m.LearnUntil)) || (m.LearnStarts > 0 && m.Starts > m.LearnStarts) {
			m.State, m.Activated = Active, now
			m.sync()
			r.dirty[m.Image] = true
		}
	}
}

func (r *Registry) wantSeed(m *Model) {
	if r.cfg.Seeder == nil || m.Seed != nil || m.SeedError != "" || r.seeding[m.Image] {
		return
	}
	select {
	case r.seedQ <- m.Image:
		r.seeding[m.Image] = true
	default: // the queue is full: asked again at the image's next event
	}
}

// Model returns a copy of the model of an image key held in memory.
func (r *Registry) Model(key string) (*Model, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.models[key]
	if !ok {
		return nil, false
	}
	if m.stale {
		m.sync()
	}
	return m.clone(), true
}

// Stats returns the counters.
func (r *Registry) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.stats
	st.Seeding = len(r.seeding)
	st.Models = len(r.models)
	for _, m := range r.models {
		if m.Seed == nil && m.SeedError == "" {
			st.Unseeded++
		}
	}
	return st
}

// Sweep activates models whose time window ended, archives those no
// container used for ArchiveAfter, and forgets containers not heard from
// for an hour.
func (r *Registry) Sweep(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for key, m := range r.models {
		if m.State == Learning {
			r.advance(m, now)
		}
		if m.State != Archived && now.Sub(m.LastSeen) > r.cfg.ArchiveAfter {
			m.State = Archived
			r.dirty[key] = true
		}
	}
	for id, t := range r.containers {
		if now.Sub(t) > time.Hour {
			delete(r.containers, id)
		}
	}
}

// Flush writes changed models to the store and hands them to the
// publisher. A model reset in the store meanwhile (a newer generation)
// replaces the one in memory instead of being overwritten.
func (r *Registry) Flush(ctx context.Context) error {
	r.mu.Lock()
	var write []*Model
	gens := map[string]int{}
	for key, m := range r.models {
		gens[key] = m.Generation
		if r.dirty[key] {
			if m.stale {
				m.sync()
			}
			write = append(write, m.clone())
		}
	}
	r.dirty = map[string]bool{}
	var gone []string
	for k := range r.gone {
		gone = append(gone, k)
	}
	clear(r.gone)
	r.stats.Flushes++
	r.mu.Unlock()

	var err error
	if r.cfg.Store != nil {
		var adopt []*Model
		adopt, err = r.cfg.Store.syncModels(ctx, write, gens, gone)
		if err != nil {
			r.mu.Lock()
			r.stats.FlushFailed++
			for _, m := range write {
				r.dirty[m.Image] = true // try again next time
			}
			for _, k := range gone {
				r.gone[k] = true
			}
			r.mu.Unlock()
			return err
		}
		r.mu.Lock()
		now := r.cfg.Now()
		for _, a := range adopt {
			if cur, ok := r.models[a.Image]; ok && cur.Generation < a.Generation {
				r.applyWindow(a, now)
				r.models[a.Image] = a
				write = append(write, a.clone())
			}
		}
		r.mu.Unlock()
	}
	if r.cfg.Publisher != nil && len(write) > 0 {
		out := make([]Model, len(write))
		for i, m := range write {
			out[i] = *m
			if m.Seed != nil {
				s := *m.Seed
				s.Executables = nil
				out[i].Seed = &s
			}
		}
		perr := r.cfg.Publisher.PublishModels(ctx, out)
		r.mu.Lock()
		if perr != nil {
			r.stats.PublishFailed++
		} else {
			r.stats.Published += uint64(len(out))
		}
		r.mu.Unlock()
		if perr != nil && err == nil {
			err = fmt.Errorf("model: publishing: %w", perr)
		}
	}
	return err
}

// Run seeds models from their images, flushes every FlushEvery and sweeps,
// until ctx ends; then it flushes once more.
func (r *Registry) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	if r.cfg.Seeder != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.seedLoop(ctx)
		}()
	}
	t := time.NewTicker(r.cfg.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			err := r.Flush(fctx)
			cancel()
			return err
		case <-t.C:
			r.Sweep(r.cfg.Now())
			if err := r.Flush(ctx); err != nil && ctx.Err() == nil {
				slog.WarnContext(ctx, "defend: saving models", "err", err)
			}
		}
	}
}

// seedNice is the seeding thread's nice value.
const seedNice = 19

func (r *Registry) seedLoop(ctx context.Context) {
	// Seeding reads a whole image (about a second of CPU for a Debian
	// base): on a thread of its own at the lowest priority, so neither the
	// containers nor the agent's event path wait for it. (Nice values are
	// per thread on Linux; the image's reading runs on this goroutine.)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := unix.Gettid()
	if old, err := unix.Getpriority(unix.PRIO_PROCESS, tid); err == nil && unix.Setpriority(unix.PRIO_PROCESS, tid, seedNice) == nil {
		// The thread goes back to the pool at its old value (getpriority
		// answers 20 - nice).
		defer unix.Setpriority(unix.PRIO_PROCESS, tid, 20-old)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case key := <-r.seedQ:
			sctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
			s, err := r.cfg.Seeder.Seed(sctx, key)
			cancel()
			if ctx.Err() != nil {
				return
			}
			r.mu.Lock()
			delete(r.seeding, key)
			if m, ok := r.models[key]; ok {
				if err != nil {
					m.SeedError = err.Error()
					r.stats.SeedFailed++
				} else {
					m.applySeed(s)
					r.stats.Seeded++
				}
				r.dirty[key] = true
			}
			r.mu.Unlock()
			if err != nil {
				slog.WarnContext(ctx, "defend: seeding a model from its image", "image", key, "err", err)
			}
		}
	}
}
