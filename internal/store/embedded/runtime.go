package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// Runtime alerts are JSON under their id in "runtime_alerts" (ids follow
// the order of receipt, so pruning reads from the start and listing from
// the end), with "runtime_alert_keys" mapping host NUL key to the id for
// idempotent submission. Models are JSON under host NUL image.
var (
	bRuntimeAlerts = []byte("runtime_alerts")
	bRuntimeKeys   = []byte("runtime_alert_keys")
	bRuntimeModels = []byte("runtime_models")
)

func init() { allBuckets = append(allBuckets, bRuntimeAlerts, bRuntimeKeys, bRuntimeModels) }

func hostKey(host, rest string) []byte {
	k := make([]byte, 0, len(host)+1+len(rest))
	k = append(k, host...)
	k = append(k, 0)
	return append(k, rest...)
}

// PutRuntimeAlerts stores alerts not stored already (by host and key).
func (s *Store) PutRuntimeAlerts(ctx context.Context, as []store.RuntimeAlert) ([]store.RuntimeAlert, error) {
	var out []store.RuntimeAlert
	now := s.now()
	err := s.db.Batch(func(tx *bolt.Tx) error {
		out = out[:0] // Batch may run the function again
		b, keys := tx.Bucket(bRuntimeAlerts), tx.Bucket(bRuntimeKeys)
		for _, a := range as {
			k := hostKey(a.Host, a.Key)
			if a.Key != "" && keys.Get(k) != nil {
				continue
			}
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			a.ID = int64(seq)
			a.Received = now
			if a.At.IsZero() {
				a.At = now
			}
			if a.Key != "" {
				if err := keys.Put(k, itob(a.ID)); err != nil {
					return err
				}
			}
			if err := put(b, itob(a.ID), alertRecord{RuntimeAlert: a, Key: a.Key}); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, wrap("storing runtime alerts", err)
}

// alertRecord keeps the key, which store.RuntimeAlert leaves out of JSON.
type alertRecord struct {
	store.RuntimeAlert
	Key string `json:"key,omitempty"`
}

// RuntimeAlerts lists alerts matching f, newest received first.
func (s *Store) RuntimeAlerts(ctx context.Context, f store.RuntimeFilter) ([]store.RuntimeAlert, error) {
	out := []store.RuntimeAlert{}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bRuntimeAlerts).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var r alertRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if !f.Match(r.RuntimeAlert) {
				continue
			}
			out = append(out, r.RuntimeAlert)
			if f.Limit > 0 && len(out) == f.Limit {
				return nil
			}
		}
		return nil
	})
	return out, wrap("listing runtime alerts", err)
}

// PutRuntimeModels stores models, one per host and image.
func (s *Store) PutRuntimeModels(ctx context.Context, ms []store.RuntimeModel) error {
	now := s.now()
	err := s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRuntimeModels)
		for _, m := range ms {
			if m.Updated.IsZero() {
				m.Updated = now
			}
			if err := put(b, hostKey(m.Host, m.Image), m); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("storing runtime models", err)
}

// RuntimeModels lists models by host, then image.
func (s *Store) RuntimeModels(ctx context.Context, host string) ([]store.RuntimeModel, error) {
	out := []store.RuntimeModel{}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bRuntimeModels).Cursor()
		var pfx []byte
		if host != "" {
			pfx = hostKey(host, "")
		}
		for k, v := c.Seek(pfx); k != nil && bytes.HasPrefix(k, pfx); k, v = c.Next() {
			var m store.RuntimeModel
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, wrap("listing runtime models", err)
}

// PruneRuntimeAlerts deletes alerts received before t.
func (s *Store) PruneRuntimeAlerts(ctx context.Context, t time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, keys := tx.Bucket(bRuntimeAlerts), tx.Bucket(bRuntimeKeys)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.First() {
			var r alertRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if !r.Received.Before(t) {
				return nil
			}
			if r.Key != "" {
				if err := keys.Delete(hostKey(r.Host, r.Key)); err != nil {
					return err
				}
			}
			if err := b.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, wrap("pruning runtime alerts", err)
}
