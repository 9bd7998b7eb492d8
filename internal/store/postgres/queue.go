package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bulwark-sec/bulwark/internal/store"
)

const jobCols = `id, kind, coalesce(key, ''), payload, state, attempts, max_attempts, run_after, claimed_by, lease_until, created_at, finished_at, error, result`

func scanJob(row pgx.Row) (store.Job, error) {
	var (
		j               store.Job
		lease, finished *time.Time
	)
	err := row.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &j.State, &j.Attempts, &j.MaxAttempts, &j.RunAfter, &j.ClaimedBy, &lease,
		&j.CreatedAt, &finished, &j.Error, &j.Result)
	j.RunAfter, j.CreatedAt, j.LeaseUntil, j.FinishedAt = j.RunAfter.UTC(), j.CreatedAt.UTC(), utc(lease), utc(finished)
	return j, err
}

// Enqueue adds a job, or returns the job already holding its key.
func (s *Store) Enqueue(ctx context.Context, j store.Job) (store.Job, bool, error) {
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = store.DefaultMaxAttempts
	}
	out, err := scanJob(s.pool.QueryRow(ctx, `INSERT INTO jobs (kind, key, payload, state, max_attempts, run_after, created_at)
		VALUES ($1, $2, $3, 'queued', $4, coalesce($5, now()), now())
		ON CONFLICT (key) DO NOTHING RETURNING `+jobCols,
		j.Kind, nullText(j.Key), j.Payload, j.MaxAttempts, nullTime(j.RunAfter)))
	if err == nil {
		return out, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) || j.Key == "" {
		return store.Job{}, false, wrap("enqueueing job", err)
	}
	out, err = scanJob(s.pool.QueryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE key = $1`, j.Key))
	return out, false, wrap("enqueueing job", err)
}

// claimSQL takes the first ready job. SKIP LOCKED lets concurrent claims
// pass over rows another replica is claiming at that instant instead of
// waiting for it and then finding the row taken.
const claimSQL = `
UPDATE jobs SET state = 'running', claimed_by = $1, lease_until = now() + $2 * interval '1 microsecond', attempts = attempts + 1
WHERE id = (
	SELECT id FROM jobs
	WHERE state IN ('queued', 'running')
	  AND ((state = 'queued' AND run_after <= now()) OR (state = 'running' AND lease_until < now()))
	ORDER BY run_after, id
	LIMIT 1
	FOR UPDATE SKIP LOCKED
)
RETURNING ` + jobCols

// Claim takes the next ready job.
func (s *Store) Claim(ctx context.Context, worker string, lease time.Duration) (store.Job, error) {
	j, err := scanJob(s.pool.QueryRow(ctx, claimSQL, worker, lease.Microseconds()))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Job{}, store.ErrNoJob
	}
	return j, wrap("claiming job", err)
}

// Extend renews a lease.
func (s *Store) Extend(ctx context.Context, id int64, worker string, lease time.Duration) error {
	tag, err := s.pool.Exec(ctx, `UPDATE jobs SET lease_until = now() + $3 * interval '1 microsecond'
		WHERE id = $1 AND claimed_by = $2 AND state = 'running'`, id, worker, lease.Microseconds())
	if err == nil && tag.RowsAffected() == 0 {
		err = store.ErrLeaseLost
	}
	return wrap("extending lease", err)
}

// Finish records a job's outcome while worker holds it.
func (s *Store) Finish(ctx context.Context, id int64, worker string, o store.Outcome) error {
	tag, err := s.pool.Exec(ctx, `
UPDATE jobs SET
	state = CASE WHEN $3 = '' THEN 'done' WHEN $4::timestamptz IS NOT NULL AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
	finished_at = CASE WHEN $3 <> '' AND $4::timestamptz IS NOT NULL AND attempts < max_attempts THEN NULL ELSE now() END,
	run_after = CASE WHEN $3 <> '' AND $4::timestamptz IS NOT NULL AND attempts < max_attempts THEN $4 ELSE run_after END,
	error = $3, result = $5, claimed_by = '', lease_until = NULL
WHERE id = $1 AND claimed_by = $2 AND state = 'running'`, id, worker, o.Err, nullTime(o.RetryAt), o.Result)
	if err == nil && tag.RowsAffected() == 0 {
		err = store.ErrLeaseLost
	}
	return wrap("finishing job", err)
}

// Job returns one job.
func (s *Store) Job(ctx context.Context, id int64) (store.Job, error) {
	j, err := scanJob(s.pool.QueryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = $1`, id))
	return j, wrap("reading job", err)
}

// Jobs lists jobs matching f, newest first.
func (s *Store) Jobs(ctx context.Context, f store.JobFilter) ([]store.Job, error) {
	q := `SELECT ` + jobCols + ` FROM jobs WHERE true`
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.State != "" {
		q += ` AND state = ` + arg(f.State)
	}
	if f.Kind != "" {
		q += ` AND kind = ` + arg(f.Kind)
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, wrap("listing jobs", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Job, error) { return scanJob(r) })
	return out, wrap("listing jobs", err)
}

// JobCounts counts jobs by state.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT state, count(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, wrap("counting jobs", err)
	}
	out := map[string]int{}
	var (
		state string
		n     int
	)
	_, err = pgx.ForEachRow(rows, []any{&state, &n}, func() error { out[state] = n; return nil })
	return out, wrap("counting jobs", err)
}

// PruneJobs deletes finished jobs and delivery log entries older than t.
func (s *Store) PruneJobs(ctx context.Context, t time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < $1`, t)
	if err != nil {
		return 0, wrap("pruning jobs", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM deliveries WHERE at < $1`, t); err != nil {
		return 0, wrap("pruning deliveries", err)
	}
	return int(tag.RowsAffected()), nil
}

// CreateWebhook stores a webhook.
func (s *Store) CreateWebhook(ctx context.Context, w store.Webhook) (store.Webhook, error) {
	if w.CreatedAt.IsZero() {
		w.CreatedAt = time.Now().UTC()
	}
	w.CreatedAt = w.CreatedAt.Truncate(time.Microsecond)
	err := s.pool.QueryRow(ctx, `INSERT INTO webhooks (url, secret, created_at, runtime_priority) VALUES ($1, $2, $3, $4) RETURNING id`,
		w.URL, w.Secret, w.CreatedAt, w.RuntimePriority).Scan(&w.ID)
	return w, wrap("creating webhook", err)
}

func scanHook(row pgx.Row) (store.Webhook, error) {
	var w store.Webhook
	err := row.Scan(&w.ID, &w.URL, &w.Secret, &w.CreatedAt, &w.RuntimePriority)
	w.CreatedAt = w.CreatedAt.UTC()
	return w, err
}

// Webhook returns one webhook with its secret.
func (s *Store) Webhook(ctx context.Context, id int64) (store.Webhook, error) {
	w, err := scanHook(s.pool.QueryRow(ctx, `SELECT id, url, secret, created_at, runtime_priority FROM webhooks WHERE id = $1`, id))
	return w, wrap("reading webhook", err)
}

// ListWebhooks lists webhooks by id, with their secrets.
func (s *Store) ListWebhooks(ctx context.Context) ([]store.Webhook, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, url, secret, created_at, runtime_priority FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, wrap("listing webhooks", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Webhook, error) { return scanHook(r) })
	return out, wrap("listing webhooks", err)
}

// DeleteWebhook removes a webhook; its delivery log stays.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	return s.deleteRow(ctx, "deleting webhook", `DELETE FROM webhooks WHERE id = $1`, id)
}

// LogDelivery appends to the delivery log.
func (s *Store) LogDelivery(ctx context.Context, d store.Delivery) (store.Delivery, error) {
	if d.At.IsZero() {
		d.At = time.Now().UTC()
	}
	d.At = d.At.Truncate(time.Microsecond)
	err := s.pool.QueryRow(ctx, `INSERT INTO deliveries (webhook_id, job_id, event, attempt, status_code, error, duration_ms, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		d.WebhookID, d.JobID, d.Event, d.Attempt, d.StatusCode, d.Error, d.DurationMS, d.At).Scan(&d.ID)
	return d, wrap("logging delivery", err)
}

// Deliveries lists a webhook's delivery attempts, newest first.
func (s *Store) Deliveries(ctx context.Context, webhookID int64, limit int) ([]store.Delivery, error) {
	q := `SELECT id, webhook_id, job_id, event, attempt, status_code, error, duration_ms, at FROM deliveries WHERE webhook_id = $1 ORDER BY id DESC`
	args := []any{webhookID}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, wrap("listing deliveries", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Delivery, error) {
		var d store.Delivery
		err := r.Scan(&d.ID, &d.WebhookID, &d.JobID, &d.Event, &d.Attempt, &d.StatusCode, &d.Error, &d.DurationMS, &d.At)
		d.At = d.At.UTC()
		return d, err
	})
	return out, wrap("listing deliveries", err)
}
