// Package postgres is the result store for several `bulwark serve` replicas
// sharing one PostgreSQL database.
//
// # Data flow
//
// [Open] connects a pool and applies the embedded migrations
// (migrations/NNNN_name.sql, in order, each in its own transaction) while
// holding a session advisory lock, so replicas starting together migrate
// once. Every write is one statement (PutScan inserts the scan and moves
// the image's "latest" row and the host's last-seen time in one CTE), and
// statements are prepared once per connection by pgx's statement cache.
//
// Replicas share the queue through row locks: [Store.Claim] updates the
// first ready job chosen with FOR UPDATE SKIP LOCKED, so concurrent claims
// never block on or return the same row. A claim holds a lease (lease_until,
// on the database's clock); a job whose holder dies is claimable again once
// the lease has passed, and the dead holder can no longer finish it.
package postgres

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bulwark-sec/bulwark/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	pool    *pgxpool.Pool
	puts    chan *putReq
	quit    chan struct{}
	flushed sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// Open connects to url (a postgres:// URL; extra query parameters such as
// search_path become session settings) and migrates the schema.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parsing url: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	s := &Store{pool: pool, puts: make(chan *putReq), quit: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	for range flushers {
		s.flushed.Go(s.flusher)
	}
	return s, nil
}

// Close stops the scan writers and closes the pool.
func (s *Store) Close() error {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.flushed.Wait()
	s.pool.Close()
	return nil
}

// Migrations lists the embedded migration versions, oldest first. Two
// files with one version are an error: the second would never be applied.
func Migrations() ([]int, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []int
	for _, f := range files {
		n, err := migrationVersion(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	slices.Sort(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			return nil, fmt.Errorf("postgres: two migration files numbered %04d", out[i])
		}
	}
	return out, nil
}

func migrationVersion(file string) (int, error) {
	base := strings.TrimPrefix(file, "migrations/")
	num, _, ok := strings.Cut(base, "_")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 {
		return 0, fmt.Errorf("postgres: migration file %q is not NNNN_name.sql", base)
	}
	return n, nil
}

// migrate applies missing migrations under an advisory lock scoped to the
// current schema, so replicas (and tests using separate schemas) never
// apply one twice or wait on each other needlessly.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrating: %w", err)
	}
	defer conn.Release()
	const lockKey = `hashtext('bulwark:migrate:' || current_schema())`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`); err != nil {
		return fmt.Errorf("postgres: migrating: taking lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lockKey+`)`)

	if _, err := Migrations(); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrating: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("postgres: migrating: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return fmt.Errorf("postgres: migrating: %w", err)
	}
	for _, v := range versions {
		applied[int(v)] = true
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: migrating: %w", err)
	}
	slices.Sort(files)
	for _, f := range files {
		n, err := migrationVersion(f)
		if err != nil {
			return err
		}
		if applied[n] {
			continue
		}
		sql, err := migrations.ReadFile(f)
		if err != nil {
			return fmt.Errorf("postgres: migrating: %w", err)
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, n)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: applying migration %s: %w", f, err)
		}
	}
	return nil
}

func wrap(doing string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	return fmt.Errorf("postgres: %s: %w", doing, err)
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// CreateToken stores t with a new id.
func (s *Store) CreateToken(ctx context.Context, t store.Token) (store.Token, error) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	t.CreatedAt = t.CreatedAt.Truncate(time.Microsecond)
	err := s.pool.QueryRow(ctx, `INSERT INTO tokens (name, role, host, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		t.Name, string(t.Role), t.Host, t.Hash, t.CreatedAt).Scan(&t.ID)
	if isUnique(err) {
		err = store.ErrExists
	}
	return t, wrap("creating token", err)
}

const tokenCols = `id, name, role, host, hash, created_at`

func scanToken(row pgx.Row) (store.Token, error) {
	var (
		t    store.Token
		role string
	)
	err := row.Scan(&t.ID, &t.Name, &role, &t.Host, &t.Hash, &t.CreatedAt)
	t.Role, t.CreatedAt = store.Role(role), t.CreatedAt.UTC()
	return t, err
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash))
	return t, wrap("finding token", err)
}

// ListTokens lists tokens by id.
func (s *Store) ListTokens(ctx context.Context) ([]store.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tokenCols+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, wrap("listing tokens", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Token, error) { return scanToken(r) })
	return out, wrap("listing tokens", err)
}

// DeleteToken removes a token.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	return s.deleteRow(ctx, "deleting token", `DELETE FROM tokens WHERE id = $1`, id)
}

func (s *Store) deleteRow(ctx context.Context, doing, sql string, id int64) error {
	tag, err := s.pool.Exec(ctx, sql, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = store.ErrNotFound
	}
	return wrap(doing, err)
}

// putScanSQL inserts a scan, moves the image's latest pointer when the scan
// is newer and records the host, in one statement. With a key already
// stored it inserts nothing and returns no row.
const putScanSQL = `
WITH ins AS (
	INSERT INTO scans (key, image, image_id, host, source, created_at, os, matched, db_built_at, packages,
		critical, high, medium, low, unknown, findings, report, assessed, not_checked, coverage)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
	ON CONFLICT (key) DO NOTHING
	RETURNING id, created_at
), lat AS (
	INSERT INTO latest (image, scan_id, created_at) SELECT $2, id, created_at FROM ins
	ON CONFLICT (image) DO UPDATE SET scan_id = excluded.scan_id, created_at = excluded.created_at
	WHERE latest.created_at <= excluded.created_at
), h AS (
	INSERT INTO hosts (name, last_seen) SELECT $4, created_at FROM ins WHERE $4 <> ''
	ON CONFLICT (name) DO UPDATE SET last_seen = greatest(hosts.last_seen, excluded.last_seen)
)
SELECT id FROM ins`

// PutScan stores a scan and its report, once per key. Concurrent calls are
// written together (see batch.go).
func (s *Store) PutScan(ctx context.Context, sc store.Scan, report []byte) (store.Scan, bool, error) {
	r, err := newPutReq(sc, report)
	if err != nil {
		return store.Scan{}, false, wrap("storing scan", err)
	}
	select {
	case s.puts <- r:
	case <-s.quit:
		return store.Scan{}, false, wrap("storing scan", errClosed)
	case <-ctx.Done():
		return store.Scan{}, false, wrap("storing scan", ctx.Err())
	}
	res := <-r.done
	return res.sc, res.created, res.err
}

// putOne stores one scan in one statement: the path for a scan whose batch
// failed, so one bad scan cannot fail others.
func (s *Store) putOne(ctx context.Context, r *putReq) (store.Scan, bool, error) {
	sc, c := r.sc, r.sc.Counts
	err := s.pool.QueryRow(ctx, putScanSQL, nullText(sc.Key), sc.Image, sc.ImageID, sc.Host, sc.Source, sc.CreatedAt, sc.OS,
		sc.Matched, nullTime(sc.DBBuiltAt), sc.Packages, c.Critical, c.High, c.Medium, c.Low, c.Unknown, r.findings, r.packed,
		sc.Coverage.Assessed, sc.Coverage.NotChecked, sc.Coverage.Summary).Scan(&sc.ID)
	if err == nil {
		return sc, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) || sc.Key == "" {
		return store.Scan{}, false, wrap("storing scan", err)
	}
	prev, err := s.scanByKey(ctx, sc.Key)
	return prev, false, wrap("storing scan", err)
}

func (s *Store) scanByKey(ctx context.Context, key string) (store.Scan, error) {
	return scanScan(s.pool.QueryRow(ctx, `SELECT `+scanCols+` FROM scans WHERE key = $1`, key))
}

const scanCols = `id, coalesce(key, ''), image, image_id, host, source, created_at, os, matched, db_built_at, packages, critical, high, medium, low, unknown, assessed, not_checked, coverage`

func scanScan(row pgx.Row, extra ...any) (store.Scan, error) {
	var (
		sc    store.Scan
		built *time.Time
	)
	dest := []any{&sc.ID, &sc.Key, &sc.Image, &sc.ImageID, &sc.Host, &sc.Source, &sc.CreatedAt, &sc.OS, &sc.Matched, &built, &sc.Packages,
		&sc.Counts.Critical, &sc.Counts.High, &sc.Counts.Medium, &sc.Counts.Low, &sc.Counts.Unknown,
		&sc.Coverage.Assessed, &sc.Coverage.NotChecked, &sc.Coverage.Summary}
	err := row.Scan(append(dest, extra...)...)
	sc.CreatedAt, sc.DBBuiltAt = sc.CreatedAt.UTC(), utc(built)
	return sc, err
}

// Scan returns one scan with its findings.
func (s *Store) Scan(ctx context.Context, id int64) (store.Scan, error) {
	var fj []byte
	sc, err := scanScan(s.pool.QueryRow(ctx, `SELECT `+scanCols+`, findings FROM scans WHERE id = $1`, id), &fj)
	if err == nil {
		err = json.Unmarshal(fj, &sc.Findings)
	}
	if len(sc.Findings) == 0 {
		sc.Findings = nil
	}
	return sc, wrap("reading scan", err)
}

// ScanReport returns a scan's report as submitted.
func (s *Store) ScanReport(ctx context.Context, id int64) ([]byte, error) {
	var packed []byte
	if err := s.pool.QueryRow(ctx, `SELECT report FROM scans WHERE id = $1`, id).Scan(&packed); err != nil {
		return nil, wrap("reading report", err)
	}
	return store.Unpack(packed)
}

func collectScans(rows pgx.Rows, err error) ([]store.Scan, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Scan, error) { return scanScan(r) })
}

// Scans lists scans matching f, newest first.
func (s *Store) Scans(ctx context.Context, f store.ScanFilter) ([]store.Scan, error) {
	q := `SELECT ` + scanCols + ` FROM scans WHERE true`
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Image != "" {
		q += ` AND image = ` + arg(f.Image)
	}
	if f.Host != "" {
		q += ` AND host = ` + arg(f.Host)
	}
	if !f.Since.IsZero() {
		q += ` AND created_at >= ` + arg(f.Since)
	}
	q += ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	out, err := collectScans(s.pool.Query(ctx, q, args...))
	return out, wrap("listing scans", err)
}

// LatestScans returns each image's newest scan, by image name.
func (s *Store) LatestScans(ctx context.Context) ([]store.Scan, error) {
	out, err := collectScans(s.pool.Query(ctx, `SELECT `+scanCols+` FROM scans WHERE id IN (SELECT scan_id FROM latest) ORDER BY image`))
	return out, wrap("listing images", err)
}

const putBenchSQL = `
WITH ins AS (
	INSERT INTO bench_runs (key, host, created_at, score, pass, warn, total, report)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (key) DO NOTHING
	RETURNING id, created_at
), h AS (
	INSERT INTO hosts (name, last_seen, bench_id, bench_at) SELECT $2, created_at, id, created_at FROM ins
	ON CONFLICT (name) DO UPDATE SET last_seen = greatest(hosts.last_seen, excluded.last_seen),
		bench_id = CASE WHEN hosts.bench_at IS NULL OR hosts.bench_at <= excluded.bench_at THEN excluded.bench_id ELSE hosts.bench_id END,
		bench_at = greatest(hosts.bench_at, excluded.bench_at)
)
SELECT id FROM ins`

// PutBench stores an audit, once per key.
func (s *Store) PutBench(ctx context.Context, br store.BenchRun, report []byte) (store.BenchRun, bool, error) {
	if br.CreatedAt.IsZero() {
		br.CreatedAt = time.Now().UTC()
	}
	br.CreatedAt = br.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.pool.QueryRow(ctx, putBenchSQL, nullText(br.Key), br.Host, br.CreatedAt, br.Score, br.Pass, br.Warn, br.Total, store.Pack(report)).Scan(&br.ID)
	if err == nil {
		return br, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) || br.Key == "" {
		return store.BenchRun{}, false, wrap("storing bench run", err)
	}
	prev, err := scanBench(s.pool.QueryRow(ctx, `SELECT `+benchCols+` FROM bench_runs WHERE key = $1`, br.Key))
	return prev, false, wrap("storing bench run", err)
}

const benchCols = `id, coalesce(key, ''), host, created_at, score, pass, warn, total`

func scanBench(row pgx.Row, extra ...any) (store.BenchRun, error) {
	var b store.BenchRun
	err := row.Scan(append([]any{&b.ID, &b.Key, &b.Host, &b.CreatedAt, &b.Score, &b.Pass, &b.Warn, &b.Total}, extra...)...)
	b.CreatedAt = b.CreatedAt.UTC()
	return b, err
}

// BenchRun returns one audit and its report.
func (s *Store) BenchRun(ctx context.Context, id int64) (store.BenchRun, []byte, error) {
	var packed []byte
	b, err := scanBench(s.pool.QueryRow(ctx, `SELECT `+benchCols+`, report FROM bench_runs WHERE id = $1`, id), &packed)
	if err != nil {
		return b, nil, wrap("reading bench run", err)
	}
	rep, err := store.Unpack(packed)
	return b, rep, err
}

// BenchRuns lists a host's audits, newest first.
func (s *Store) BenchRuns(ctx context.Context, host string, limit int) ([]store.BenchRun, error) {
	q := `SELECT ` + benchCols + ` FROM bench_runs WHERE host = $1 ORDER BY created_at DESC, id DESC`
	args := []any{host}
	if limit > 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, wrap("listing bench runs", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.BenchRun, error) { return scanBench(r) })
	return out, wrap("listing bench runs", err)
}

const hostSQL = `SELECT h.name, h.last_seen, b.id, coalesce(b.key, ''), b.host, b.created_at, b.score, b.pass, b.warn, b.total
FROM hosts h LEFT JOIN bench_runs b ON b.id = h.bench_id`

func scanHost(row pgx.Row) (store.Host, error) {
	var (
		h                        store.Host
		id                       *int64
		key, bhost               *string
		at                       *time.Time
		score, pass, warn, total *int
	)
	if err := row.Scan(&h.Name, &h.LastSeen, &id, &key, &bhost, &at, &score, &pass, &warn, &total); err != nil {
		return h, err
	}
	h.LastSeen = h.LastSeen.UTC()
	if id != nil {
		h.Bench = &store.BenchRun{ID: *id, Key: *key, Host: *bhost, CreatedAt: utc(at), Score: *score, Pass: *pass, Warn: *warn, Total: *total}
	}
	return h, nil
}

// Hosts lists every host by name.
func (s *Store) Hosts(ctx context.Context) ([]store.Host, error) {
	rows, err := s.pool.Query(ctx, hostSQL+` ORDER BY h.name`)
	if err != nil {
		return nil, wrap("listing hosts", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Host, error) { return scanHost(r) })
	return out, wrap("listing hosts", err)
}

// Host returns one host.
func (s *Store) Host(ctx context.Context, name string) (store.Host, error) {
	h, err := scanHost(s.pool.QueryRow(ctx, hostSQL+` WHERE h.name = $1`, name))
	return h, wrap("reading host", err)
}
