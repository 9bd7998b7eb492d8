package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bModels = []byte("models")

// ErrNotFound: no model for the image.
var ErrNotFound = errors.New("model: no model for this image")

// Store keeps models in a bbolt file. The file is opened for each
// operation and closed after it, so `bulwark defend model` commands can read
// and reset models while an agent runs (bbolt allows one process at a time);
// the agent's writes are batched by [Registry.Flush].
type Store struct {
	path    string
	timeout time.Duration
}

// NewStore is the store at path; nothing is opened or created until a
// model is written (readers of a missing file see no models).
func NewStore(path string) *Store { return &Store{path: path, timeout: 5 * time.Second} }

// OpenStore checks that the file at path can be opened (creating it and its
// directory if needed) and returns the store.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("model: creating the store's directory: %w", err)
	}
	s := &Store{path: path, timeout: 5 * time.Second}
	err := s.update(ctx, func(b *bolt.Bucket) error { return nil })
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

func (s *Store) open(ctx context.Context, readOnly bool) (*bolt.DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.timeout, ReadOnly: readOnly})
	if err != nil {
		return nil, fmt.Errorf("model: opening %s: %w", s.path, err)
	}
	return db, nil
}

func (s *Store) update(ctx context.Context, fn func(*bolt.Bucket) error) error {
	db, err := s.open(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bModels)
		if err != nil {
			return fmt.Errorf("model: %w", err)
		}
		return fn(b)
	})
}

func (s *Store) view(ctx context.Context, fn func(*bolt.Bucket) error) error {
	if _, err := os.Stat(s.path); errors.Is(err, fs.ErrNotExist) {
		return fn(nil) // no file yet: no models
	}
	db, err := s.open(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		return fn(tx.Bucket(bModels))
	})
}

func decode(image string, v []byte) (*Model, error) {
	m := &Model{}
	if err := json.Unmarshal(v, m); err != nil {
		return nil, fmt.Errorf("model: stored model of %s is corrupt: %w", image, err)
	}
	m.index()
	m.sync()
	return m, nil
}

func put(b *bolt.Bucket, m *Model) error {
	if m.stale {
		m.sync()
	}
	v, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("model: encoding %s: %w", m.Image, err)
	}
	return b.Put([]byte(m.Image), v)
}

// List returns every stored model, by image.
func (s *Store) List(ctx context.Context) ([]*Model, error) {
	var out []*Model
	err := s.view(ctx, func(b *bolt.Bucket) error {
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			m, err := decode(string(k), v)
			if err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	})
	return out, err
}

// Get returns the model of one image id.
func (s *Store) Get(ctx context.Context, image string) (*Model, error) {
	var m *Model
	err := s.view(ctx, func(b *bolt.Bucket) error {
		if b == nil {
			return ErrNotFound
		}
		v := b.Get([]byte(image))
		if v == nil {
			return ErrNotFound
		}
		var err error
		m, err = decode(image, v)
		return err
	})
	return m, err
}

// Find resolves what a user typed: an image id, a unique prefix of one (with
// or without "sha256:"), or an image name a model was seen with.
func (s *Store) Find(ctx context.Context, ref string) (*Model, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var hits []*Model
	for _, m := range all {
		switch {
		case m.Image == ref:
			return m, nil
		case len(ref) >= 4 && (strings.HasPrefix(m.Image, ref) || strings.HasPrefix(strings.TrimPrefix(m.Image, "sha256:"), ref)),
			slices.Contains(m.Names, ref):
			hits = append(hits, m)
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("%w %q", ErrNotFound, ref)
	case 1:
		return hits[0], nil
	}
	ids := make([]string, len(hits))
	for i, m := range hits {
		ids[i] = m.Image
	}
	return nil, fmt.Errorf("model: %q names %d models (%s); give the image id", ref, len(hits), strings.Join(ids, ", "))
}

// Reset forgets what the model of image learned: it learns again, with the
// window of the agent that next sees the image. The seed stays (the image
// has not changed).
func (s *Store) Reset(ctx context.Context, image string, now time.Time) (*Model, error) {
	var out *Model
	err := s.update(ctx, func(b *bolt.Bucket) error {
		v := b.Get([]byte(image))
		if v == nil {
			return ErrNotFound
		}
		old, err := decode(image, v)
		if err != nil {
			return err
		}
		m := newModel(image, now)
		m.Names, m.Generation = old.Names, old.Generation+1
		if old.Seed != nil {
			m.applySeed(old.Seed)
		}
		m.sync()
		out = m
		return put(b, m)
	})
	return out, err
}

// syncModels reconciles the registry's models with the file in one
// transaction: each of write is stored unless the file holds a newer
// generation of it (a reset). Every model the file holds in a newer
// generation than gens says is returned for the registry to adopt. The
// models of del (merged into others) are deleted.
func (s *Store) syncModels(ctx context.Context, write []*Model, gens map[string]int, del []string) (adopt []*Model, err error) {
	err = s.update(ctx, func(b *bolt.Bucket) error {
		for _, k := range del {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		newer := map[string]bool{}
		for image, g := range gens {
			v := b.Get([]byte(image))
			if v == nil {
				continue
			}
			var gen struct {
				Generation int `json:"generation"`
			}
			if json.Unmarshal(v, &gen) == nil && gen.Generation > g {
				stored, err := decode(image, v)
				if err != nil {
					return err
				}
				adopt = append(adopt, stored)
				newer[image] = true
			}
		}
		for _, m := range write {
			if newer[m.Image] {
				continue
			}
			if err := put(b, m); err != nil {
				return err
			}
		}
		return nil
	})
	return adopt, err
}
