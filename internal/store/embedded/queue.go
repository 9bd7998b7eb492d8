package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// header is what a claim needs to know of an active job, stored in
// "active" so claims never decode job records.
type header struct {
	running    bool
	runAfter   int64 // unix nanoseconds
	leaseUntil int64
}

func (h header) bytes() []byte {
	b := make([]byte, 17)
	if h.running {
		b[0] = 1
	}
	binary.BigEndian.PutUint64(b[1:], uint64(h.runAfter))
	binary.BigEndian.PutUint64(b[9:], uint64(h.leaseUntil))
	return b
}

func parseHeader(b []byte) (header, bool) {
	if len(b) != 17 {
		return header{}, false
	}
	return header{running: b[0] == 1, runAfter: int64(binary.BigEndian.Uint64(b[1:])), leaseUntil: int64(binary.BigEndian.Uint64(b[9:]))}, true
}

func headerOf(j store.Job) header {
	return header{running: j.State == store.JobRunning, runAfter: j.RunAfter.UnixNano(), leaseUntil: j.LeaseUntil.UnixNano()}
}

// saveJob writes a job and keeps "active" in step with its state.
func saveJob(tx *bolt.Tx, j store.Job) error {
	id := itob(j.ID)
	if err := put(tx.Bucket(bJobs), id, j); err != nil {
		return err
	}
	act := tx.Bucket(bActive)
	if j.State == store.JobQueued || j.State == store.JobRunning {
		return act.Put(id, headerOf(j).bytes())
	}
	return act.Delete(id)
}

// Enqueue adds a job, or returns the job already holding its key.
func (s *Store) Enqueue(ctx context.Context, j store.Job) (store.Job, bool, error) {
	now := s.now()
	j.State, j.Attempts, j.ClaimedBy, j.LeaseUntil, j.FinishedAt, j.Error, j.Result = store.JobQueued, 0, "", time.Time{}, time.Time{}, "", ""
	j.CreatedAt = now
	if j.RunAfter.IsZero() {
		j.RunAfter = now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = store.DefaultMaxAttempts
	}
	var (
		out     store.Job
		created bool
	)
	err := s.db.Batch(func(tx *bolt.Tx) error {
		out, created = store.Job{}, false
		keys := tx.Bucket(bJobKeys)
		if j.Key != "" {
			if id := keys.Get([]byte(j.Key)); id != nil {
				return get(tx.Bucket(bJobs), id, &out)
			}
		}
		seq, err := tx.Bucket(bJobs).NextSequence()
		if err != nil {
			return err
		}
		rec := j
		rec.ID = int64(seq)
		if j.Key != "" {
			if err := keys.Put([]byte(j.Key), itob(rec.ID)); err != nil {
				return err
			}
		}
		if err := saveJob(tx, rec); err != nil {
			return err
		}
		out, created = rec, true
		return nil
	})
	return out, created, wrap("enqueueing job", err)
}

// ready picks the claimable job with the earliest run-after (then id).
func ready(tx *bolt.Tx, now int64) int64 {
	var (
		best   int64
		bestAt int64
	)
	c := tx.Bucket(bActive).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		h, ok := parseHeader(v)
		if !ok {
			continue
		}
		if h.running && h.leaseUntil > now || !h.running && h.runAfter > now {
			continue
		}
		if best == 0 || h.runAfter < bestAt {
			best, bestAt = btoi(k), h.runAfter
		}
	}
	return best
}

// Claim takes the next ready job. A read-only look comes first so idle
// workers polling an empty queue never write to the file.
func (s *Store) Claim(ctx context.Context, worker string, lease time.Duration) (store.Job, error) {
	now := s.now()
	var found int64
	if err := s.db.View(func(tx *bolt.Tx) error { found = ready(tx, now.UnixNano()); return nil }); err != nil {
		return store.Job{}, wrap("claiming job", err)
	}
	if found == 0 {
		return store.Job{}, store.ErrNoJob
	}
	var j store.Job
	// Batch folds concurrent workers' claims into one commit. A function
	// that fails makes Batch re-run it alone, so "nothing ready" is a
	// result here, not an error.
	err := s.db.Batch(func(tx *bolt.Tx) error {
		j = store.Job{}
		id := ready(tx, now.UnixNano())
		if id == 0 {
			return nil
		}
		if err := get(tx.Bucket(bJobs), itob(id), &j); err != nil {
			return err
		}
		j.State, j.ClaimedBy, j.LeaseUntil = store.JobRunning, worker, now.Add(lease)
		j.Attempts++
		return saveJob(tx, j)
	})
	if err == nil && j.ID == 0 {
		return store.Job{}, store.ErrNoJob
	}
	return j, wrap("claiming job", err)
}

// held loads job id for an update by worker, failing with ErrLeaseLost
// when worker no longer holds it.
func held(tx *bolt.Tx, id int64, worker string) (store.Job, error) {
	var j store.Job
	if err := get(tx.Bucket(bJobs), itob(id), &j); err != nil {
		return j, err
	}
	if j.State != store.JobRunning || j.ClaimedBy != worker {
		return j, store.ErrLeaseLost
	}
	return j, nil
}

// Extend renews a lease.
func (s *Store) Extend(ctx context.Context, id int64, worker string, lease time.Duration) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		j, err := held(tx, id, worker)
		if err != nil {
			return err
		}
		j.LeaseUntil = s.now().Add(lease)
		return saveJob(tx, j)
	})
	return wrap("extending lease", err)
}

// Finish records a job's outcome.
func (s *Store) Finish(ctx context.Context, id int64, worker string, o store.Outcome) error {
	lost := false
	err := s.db.Batch(func(tx *bolt.Tx) error {
		j, err := held(tx, id, worker)
		if lost = errors.Is(err, store.ErrLeaseLost); lost {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		j.Error, j.Result, j.ClaimedBy, j.LeaseUntil = o.Err, o.Result, "", time.Time{}
		switch {
		case o.Err == "":
			j.State, j.FinishedAt = store.JobDone, now
		case !o.RetryAt.IsZero() && j.Attempts < j.MaxAttempts:
			j.State, j.RunAfter = store.JobQueued, o.RetryAt.UTC()
		default:
			j.State, j.FinishedAt = store.JobFailed, now
		}
		return saveJob(tx, j)
	})
	if err == nil && lost {
		err = store.ErrLeaseLost
	}
	return wrap("finishing job", err)
}

// Job returns one job.
func (s *Store) Job(ctx context.Context, id int64) (store.Job, error) {
	var j store.Job
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bJobs), itob(id), &j) })
	return j, wrap("reading job", err)
}

// Jobs lists jobs matching f, newest first.
func (s *Store) Jobs(ctx context.Context, f store.JobFilter) ([]store.Job, error) {
	var out []store.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bJobs).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var j store.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			if (f.State == "" || j.State == f.State) && (f.Kind == "" || j.Kind == f.Kind) {
				out = append(out, j)
				if f.Limit > 0 && len(out) == f.Limit {
					return nil
				}
			}
		}
		return nil
	})
	return out, wrap("listing jobs", err)
}

// JobCounts counts jobs by state.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bJobs).ForEach(func(_, v []byte) error {
			var j struct {
				State string `json:"state"`
			}
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			out[j.State]++
			return nil
		})
	})
	return out, wrap("counting jobs", err)
}

// PruneJobs deletes finished jobs and delivery log entries older than t.
func (s *Store) PruneJobs(ctx context.Context, t time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		jobs, keys := tx.Bucket(bJobs), tx.Bucket(bJobKeys)
		var drop []store.Job
		err := jobs.ForEach(func(_, v []byte) error {
			var j store.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			if (j.State == store.JobDone || j.State == store.JobFailed) && j.FinishedAt.Before(t) {
				drop = append(drop, j)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, j := range drop {
			if err := jobs.Delete(itob(j.ID)); err != nil {
				return err
			}
			if j.Key != "" {
				if err := keys.Delete([]byte(j.Key)); err != nil {
					return err
				}
			}
		}
		n = len(drop)
		ds, idx := tx.Bucket(bDeliveries), tx.Bucket(bHookDeliv)
		var old []store.Delivery
		err = ds.ForEach(func(_, v []byte) error {
			var d store.Delivery
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			if d.At.Before(t) {
				old = append(old, d)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, d := range old {
			if err := ds.Delete(itob(d.ID)); err != nil {
				return err
			}
			if err := idx.Delete(append(itob(d.WebhookID), itob(d.ID)...)); err != nil {
				return err
			}
		}
		return nil
	})
	return n, wrap("pruning jobs", err)
}

// hookRecord keeps the secret, which store.Webhook leaves out of JSON.
type hookRecord struct {
	store.Webhook
	Secret string `json:"secret"`
}

// CreateWebhook stores a webhook.
func (s *Store) CreateWebhook(ctx context.Context, w store.Webhook) (store.Webhook, error) {
	if w.CreatedAt.IsZero() {
		w.CreatedAt = s.now()
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bHooks)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		w.ID = int64(seq)
		return put(b, itob(w.ID), hookRecord{Webhook: w, Secret: w.Secret})
	})
	return w, wrap("creating webhook", err)
}

// Webhook returns one webhook with its secret.
func (s *Store) Webhook(ctx context.Context, id int64) (store.Webhook, error) {
	var r hookRecord
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bHooks), itob(id), &r) })
	r.Webhook.Secret = r.Secret
	return r.Webhook, wrap("reading webhook", err)
}

// ListWebhooks lists webhooks by id, with their secrets.
func (s *Store) ListWebhooks(ctx context.Context) ([]store.Webhook, error) {
	var out []store.Webhook
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bHooks).ForEach(func(_, v []byte) error {
			var r hookRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			r.Webhook.Secret = r.Secret
			out = append(out, r.Webhook)
			return nil
		})
	})
	return out, wrap("listing webhooks", err)
}

// DeleteWebhook removes a webhook; its delivery log stays.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bHooks)
		if b.Get(itob(id)) == nil {
			return store.ErrNotFound
		}
		return b.Delete(itob(id))
	})
	return wrap("deleting webhook", err)
}

// LogDelivery appends to the delivery log.
func (s *Store) LogDelivery(ctx context.Context, d store.Delivery) (store.Delivery, error) {
	if d.At.IsZero() {
		d.At = s.now()
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bDeliveries)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		d.ID = int64(seq)
		if err := tx.Bucket(bHookDeliv).Put(append(itob(d.WebhookID), itob(d.ID)...), nil); err != nil {
			return err
		}
		return put(b, itob(d.ID), d)
	})
	return d, wrap("logging delivery", err)
}

// Deliveries lists a webhook's delivery attempts, newest first.
func (s *Store) Deliveries(ctx context.Context, webhookID int64, limit int) ([]store.Delivery, error) {
	var out []store.Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bDeliveries)
		c := tx.Bucket(bHookDeliv).Cursor()
		pfx := itob(webhookID)
		for k, _ := c.Seek(pfx); len(k) == 16 && string(k[:8]) == string(pfx); k, _ = c.Next() {
			var d store.Delivery
			if err := get(b, k[8:], &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	slices.Reverse(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, wrap("listing deliveries", err)
}
