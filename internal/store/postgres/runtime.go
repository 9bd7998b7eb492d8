package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bulwark-sec/bulwark/internal/store"
)

const runtimeCols = `id, host, at, received, rule, priority, response, container_id, container_name, image, image_id, process, output, alert`

// PutRuntimeAlerts stores alerts not stored already (by host and key), in
// one transaction.
func (s *Store) PutRuntimeAlerts(ctx context.Context, as []store.RuntimeAlert) ([]store.RuntimeAlert, error) {
	var out []store.RuntimeAlert
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for i := range as {
			a := &as[i]
			a.Received = now
			if a.At.IsZero() {
				a.At = now
			}
			a.At = a.At.UTC().Truncate(time.Microsecond)
			alert := a.Alert
			if len(alert) == 0 {
				alert = json.RawMessage("{}")
			}
			b.Queue(`INSERT INTO runtime_alerts (host, key, at, received, rule, priority, response, container_id, container_name,
				image, image_id, process, output, alert) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
				ON CONFLICT (host, key) WHERE key <> '' DO NOTHING RETURNING id`,
				a.Host, a.Key, a.At, a.Received, a.Rule, a.Priority, a.Response, a.ContainerID, a.ContainerName,
				a.Image, a.ImageID, a.Process, a.Output, alert)
		}
		res := tx.SendBatch(ctx, b)
		for i := range as {
			var id int64
			err := res.QueryRow().Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				continue // stored already
			}
			if err != nil {
				res.Close()
				return err
			}
			a := as[i]
			a.ID = id
			out = append(out, a)
		}
		return res.Close()
	})
	if err != nil {
		return nil, wrap("storing runtime alerts", err)
	}
	return out, nil
}

// RuntimeAlerts lists alerts matching f, newest received first.
func (s *Store) RuntimeAlerts(ctx context.Context, f store.RuntimeFilter) ([]store.RuntimeAlert, error) {
	q := `SELECT ` + runtimeCols + ` FROM runtime_alerts WHERE true`
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Host != "" {
		q += ` AND host = ` + arg(f.Host)
	}
	if f.Image != "" {
		p := arg(f.Image)
		q += ` AND (image = ` + p + ` OR image_id = ` + p + `)`
	}
	if f.Container != "" {
		p := arg(f.Container)
		q += ` AND (container_id = ` + p + ` OR container_name = ` + p + `)`
	}
	if f.Rule != "" {
		q += ` AND rule = ` + arg(f.Rule)
	}
	if !f.Since.IsZero() {
		q += ` AND at >= ` + arg(f.Since)
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, wrap("listing runtime alerts", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.RuntimeAlert, error) {
		var a store.RuntimeAlert
		err := r.Scan(&a.ID, &a.Host, &a.At, &a.Received, &a.Rule, &a.Priority, &a.Response, &a.ContainerID, &a.ContainerName,
			&a.Image, &a.ImageID, &a.Process, &a.Output, &a.Alert)
		a.At, a.Received = a.At.UTC(), a.Received.UTC()
		return a, err
	})
	if out == nil {
		out = []store.RuntimeAlert{}
	}
	return out, wrap("listing runtime alerts", err)
}

// PutRuntimeModels stores models, one per host and image.
func (s *Store) PutRuntimeModels(ctx context.Context, ms []store.RuntimeModel) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, m := range ms {
			if m.Updated.IsZero() {
				m.Updated = now
			}
			names, err := json.Marshal(nonNilNames(m.Names))
			if err != nil {
				return err
			}
			model := m.Model
			if len(model) == 0 {
				model = json.RawMessage("{}")
			}
			b.Queue(`INSERT INTO runtime_models (host, image, names, state, deviations, updated, model) VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (host, image) DO UPDATE SET names = excluded.names, state = excluded.state,
				deviations = excluded.deviations, updated = excluded.updated, model = excluded.model`,
				m.Host, m.Image, names, m.State, m.Deviations, m.Updated.UTC().Truncate(time.Microsecond), model)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return wrap("storing runtime models", err)
}

func nonNilNames(ns []string) []string {
	if ns == nil {
		return []string{}
	}
	return ns
}

// RuntimeModels lists models by host, then image.
func (s *Store) RuntimeModels(ctx context.Context, host string) ([]store.RuntimeModel, error) {
	q := `SELECT host, image, names, state, deviations, updated, model FROM runtime_models`
	var args []any
	if host != "" {
		q += ` WHERE host = $1`
		args = append(args, host)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY host, image`, args...)
	if err != nil {
		return nil, wrap("listing runtime models", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.RuntimeModel, error) {
		var m store.RuntimeModel
		err := r.Scan(&m.Host, &m.Image, &m.Names, &m.State, &m.Deviations, &m.Updated, &m.Model)
		m.Updated = m.Updated.UTC()
		return m, err
	})
	if out == nil {
		out = []store.RuntimeModel{}
	}
	return out, wrap("listing runtime models", err)
}

// PruneRuntimeAlerts deletes alerts received before t.
func (s *Store) PruneRuntimeAlerts(ctx context.Context, t time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM runtime_alerts WHERE received < $1`, t)
	return int(tag.RowsAffected()), wrap("pruning runtime alerts", err)
}
