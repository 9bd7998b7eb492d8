package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// Report submissions are written in groups. Each scan touches two shared
// rows besides its own (its image's "latest" row and its host's row), and
// a row lock is held until commit, which waits for the WAL to reach disk.
// Written one per transaction, submissions from one busy host queue behind
// each other's fsyncs; written together, a group pays one commit and
// updates each shared row once. Groups form on their own: while one is
// being committed the next one gathers, so an idle server writes each scan
// at once.

const (
	flushers = 2   // concurrent groups
	maxGroup = 128 // scans per transaction
)

var errClosed = errors.New("store closed")

type putReq struct {
	sc       store.Scan
	findings string
	packed   []byte
	done     chan putRes
}

type putRes struct {
	sc      store.Scan
	created bool
	err     error
}

func newPutReq(sc store.Scan, report []byte) (*putReq, error) {
	if sc.CreatedAt.IsZero() {
		sc.CreatedAt = time.Now().UTC()
	}
	sc.CreatedAt = sc.CreatedAt.UTC().Truncate(time.Microsecond)
	sc.DBBuiltAt = sc.DBBuiltAt.UTC().Truncate(time.Microsecond)
	findings := sc.Findings
	if findings == nil {
		findings = []store.Finding{}
	}
	fj, err := json.Marshal(findings)
	if err != nil {
		return nil, err
	}
	return &putReq{sc: sc, findings: string(fj), packed: store.Pack(report), done: make(chan putRes, 1)}, nil
}

func (s *Store) flusher() {
	for {
		var first *putReq
		select {
		case first = <-s.puts:
		case <-s.quit:
			return
		}
		group := []*putReq{first}
	gather:
		for len(group) < maxGroup {
			select {
			case r := <-s.puts:
				group = append(group, r)
			default:
				break gather
			}
		}
		s.flush(group)
	}
}

const insertScanSQL = `INSERT INTO scans (key, image, image_id, host, source, created_at, os, matched, db_built_at, packages,
	critical, high, medium, low, unknown, findings, report, assessed, not_checked, coverage)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT (key) DO NOTHING RETURNING id`

// flush writes a group in one transaction, then answers each caller. A
// failed group is retried one scan at a time.
func (s *Store) flush(group []*putReq) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids, err := s.writeGroup(ctx, group)
	for i, r := range group {
		if err != nil {
			sc, created, err := s.putOne(ctx, r)
			r.done <- putRes{sc, created, err}
			continue
		}
		if ids[i] != 0 {
			sc := r.sc
			sc.ID = ids[i]
			r.done <- putRes{sc: sc, created: true}
			continue
		}
		// The key was taken, by an earlier scan or one earlier in this group.
		prev, err := s.scanByKey(ctx, r.sc.Key)
		r.done <- putRes{sc: prev, err: wrap("storing scan", err)}
	}
}

func (s *Store) writeGroup(ctx context.Context, group []*putReq) ([]int64, error) {
	ids := make([]int64, len(group))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, r := range group {
			sc, c := r.sc, r.sc.Counts
			b.Queue(insertScanSQL, nullText(sc.Key), sc.Image, sc.ImageID, sc.Host, sc.Source, sc.CreatedAt, sc.OS,
				sc.Matched, nullTime(sc.DBBuiltAt), sc.Packages, c.Critical, c.High, c.Medium, c.Low, c.Unknown, r.findings, r.packed,
				sc.Coverage.Assessed, sc.Coverage.NotChecked, sc.Coverage.Summary)
		}
		br := tx.SendBatch(ctx, b)
		for i, r := range group {
			err := br.QueryRow().Scan(&ids[i])
			if errors.Is(err, pgx.ErrNoRows) && r.sc.Key != "" {
				continue
			}
			if err != nil {
				br.Close()
				return err
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
		// The newest new scan per image and host; rows in name order so two
		// groups lock shared rows in the same order and cannot deadlock.
		latest := map[string]int{}
		hosts := map[string]time.Time{}
		for i, r := range group {
			if ids[i] == 0 {
				continue
			}
			if j, ok := latest[r.sc.Image]; !ok || !r.sc.CreatedAt.Before(group[j].sc.CreatedAt) {
				latest[r.sc.Image] = i
			}
			if r.sc.Host != "" && r.sc.CreatedAt.After(hosts[r.sc.Host]) {
				hosts[r.sc.Host] = r.sc.CreatedAt
			}
		}
		b = &pgx.Batch{}
		for _, image := range sortedKeys(latest) {
			i := latest[image]
			b.Queue(`INSERT INTO latest (image, scan_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (image) DO UPDATE SET scan_id = excluded.scan_id, created_at = excluded.created_at
				WHERE latest.created_at <= excluded.created_at`, image, ids[i], group[i].sc.CreatedAt)
		}
		for _, h := range sortedKeys(hosts) {
			b.Queue(`INSERT INTO hosts (name, last_seen) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET last_seen = greatest(hosts.last_seen, excluded.last_seen)`, h, hosts[h])
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return ids, err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	return keys
}
