package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/egress"
	"github.com/bulwark-sec/bulwark/internal/notify"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Job kinds.
const (
	kindScan    = "scan"
	kindRematch = "rematch"
	kindDeliver = "deliver"
)

type scanPayload struct {
	Ref  string `json:"ref"`
	Host string `json:"host,omitempty"` // the agent that asked, if any
}

type rematchPayload struct {
	Image string `json:"image"`
}

type deliverPayload struct {
	WebhookID int64           `json:"webhook_id"`
	Event     string          `json:"event"`
	Body      json.RawMessage `json:"body"`
}

func mustJSON(v any) []byte {
	// Only the payload structs above are encoded; they always marshal.
	b, _ := json.Marshal(v)
	return b
}

// enqueue adds a job and wakes a local worker.
func (s *Server) enqueue(ctx context.Context, j store.Job) (store.Job, bool, error) {
	out, created, err := s.st.Enqueue(ctx, j)
	if err == nil && created {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return out, created, err
}

// work claims and runs jobs until ctx ends.
func (s *Server) work(ctx context.Context, name string) {
	for ctx.Err() == nil {
		j, err := s.st.Claim(ctx, name, s.cfg.Lease)
		if err != nil {
			if !errors.Is(err, store.ErrNoJob) && ctx.Err() == nil {
				s.log.WarnContext(ctx, "server: claiming job", "worker", name, "err", err)
			}
			// Jitter keeps replicas from polling in lockstep.
			wait := s.cfg.Poll/2 + time.Duration(rand.Int64N(int64(s.cfg.Poll)))
			select {
			case <-ctx.Done():
			case <-s.wake:
			case <-time.After(wait):
			}
			continue
		}
		s.runJob(ctx, name, j)
	}
}

// runJob runs one claimed job, renewing its lease meanwhile, and records
// the outcome.
func (s *Server) runJob(ctx context.Context, worker string, j store.Job) {
	log := s.log.With("job", j.ID, "kind", j.Kind, "worker", worker, "attempt", j.Attempts)
	if j.Attempts > j.MaxAttempts {
		// Every earlier holder lost the lease (crashed or hung).
		s.finish(ctx, log, worker, j, store.Outcome{Err: fmt.Sprintf("given up after %d attempts", j.MaxAttempts)})
		return
	}
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		t := time.NewTicker(s.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-jctx.Done():
				return
			case <-t.C:
				if err := s.st.Extend(jctx, j.ID, worker, s.cfg.Lease); err != nil && jctx.Err() == nil {
					log.WarnContext(jctx, "server: lease lost; abandoning job", "err", err)
					cancel(err)
					return
				}
			}
		}
	}()
	start := time.Now()
	var o store.Outcome
	switch j.Kind {
	case kindScan:
		o = s.runScan(jctx, j)
	case kindRematch:
		o = s.runRematch(jctx, j)
	case kindDeliver:
		o = s.runDeliver(jctx, j)
	default:
		o = store.Outcome{Err: "unknown job kind " + strconv.Quote(j.Kind)}
	}
	if jctx.Err() != nil && ctx.Err() == nil {
		// Lease lost: another worker owns the job now.
		s.metrics.jobs.WithLabelValues(j.Kind, "lease_lost").Inc()
		return
	}
	if ctx.Err() != nil {
		// Shutting down: leave the job to be claimed again after its lease.
		return
	}
	log.InfoContext(ctx, "job finished", "duration_ms", time.Since(start).Milliseconds(), "error", o.Err, "result", o.Result)
	s.finish(ctx, log, worker, j, o)
}

func (s *Server) finish(ctx context.Context, log interface {
	WarnContext(context.Context, string, ...any)
}, worker string, j store.Job, o store.Outcome) {
	outcome := "done"
	switch {
	case o.Err != "" && !o.RetryAt.IsZero() && j.Attempts < j.MaxAttempts:
		outcome = "retry"
	case o.Err != "":
		outcome = "failed"
	}
	if err := s.st.Finish(ctx, j.ID, worker, o); err != nil {
		log.WarnContext(ctx, "server: recording job outcome", "err", err)
		outcome = "lease_lost"
	}
	s.metrics.jobs.WithLabelValues(j.Kind, outcome).Inc()
}

// retry is a failed outcome tried again later.
func (s *Server) retry(j store.Job, err error) store.Outcome {
	return store.Outcome{Err: err.Error(), RetryAt: time.Now().Add(notifyBackoff(j.Attempts, s.cfg.RetryBase, s.cfg.RetryMax))}
}

var notifyBackoff = notify.Backoff

// runScan scans a registry image and stores the report under the job's
// key, so a second run of the same job stores nothing new.
func (s *Server) runScan(ctx context.Context, j store.Job) store.Outcome {
	var p scanPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Ref == "" {
		return store.Outcome{Err: "bad scan payload"}
	}
	key := fmt.Sprintf("job:%d", j.ID)
	opts := s.cfg.Scan
	opts.Progress = nil
	opts.Matching, opts.LendDB = scan.MatchDB, s.db.use
	rep, err := scan.Run(ctx, "registry:"+p.Ref, opts)
	if be, ok := errors.AsType[*budget.ExceededError](err); ok {
		// The image is what it is: another attempt costs the same.
		return store.Outcome{Err: fmt.Sprintf("scanning %s: %v (the server's %s)", p.Ref, be, be.Kind.Flag())}
	}
	if err != nil {
		s.log.WarnContext(ctx, "server: registry scan failed", "job", j.ID, "ref", p.Ref, "err", err)
		if errors.Is(err, egress.ErrDenied) {
			return store.Outcome{Err: deniedMsg}
		}
		return s.retry(j, errors.New(publicError(err)))
	}
	sc, err := s.storeReport(ctx, rep, key, p.Host, store.SourceServer)
	if err != nil {
		return s.retry(j, err)
	}
	return store.Outcome{Result: fmt.Sprintf("scan %d", sc.ID)}
}

// storeReport encodes rep and stores it with key.
func (s *Server) storeReport(ctx context.Context, rep *report.Report, key, host, source string) (store.Scan, error) {
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		return store.Scan{}, err
	}
	sc, err := ParseScan(buf.Bytes())
	if err != nil {
		return store.Scan{}, err
	}
	sc.Key, sc.Host, sc.Source = key, host, source
	if sc.CreatedAt.IsZero() {
		sc.CreatedAt = time.Now().UTC()
	}
	stored, created, err := s.st.PutScan(ctx, sc, buf.Bytes())
	if err == nil && created {
		s.metrics.ingested.WithLabelValues("scan").Inc()
	}
	return stored, err
}

// runRematch matches an image's newest stored inventory against the
// current database, stores the result as a new scan and, when findings
// changed since a previous matched scan, queues one delivery per webhook.
// Every effect is keyed, so a job run twice (its first holder died) has
// the effects of one run.
func (s *Server) runRematch(ctx context.Context, j store.Job) store.Outcome {
	var p rematchPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Image == "" {
		return store.Outcome{Err: "bad rematch payload"}
	}
	var o store.Outcome
	err := s.db.use(func(db *vulndb.DB) error {
		if db == nil {
			o = s.retry(j, errors.New("no advisory database yet"))
			return nil
		}
		built := db.Meta().BuiltAt
		scans, err := s.st.Scans(ctx, store.ScanFilter{Image: p.Image, Limit: 1})
		if err != nil {
			return err
		}
		if len(scans) == 0 {
			o.Result = "no stored scan"
			return nil
		}
		base := scans[0]
		// A rematch scan made from this build by an earlier run of a job
		// like this one: start again from the scan it was made from.
		if parent, ok := rematchParent(base.Key, built); ok {
			if base, err = s.st.Scan(ctx, parent); err != nil {
				return err
			}
		} else if base.Matched && !base.DBBuiltAt.Before(built) {
			o.Result = fmt.Sprintf("scan %d is current", base.ID)
			return nil
		}
		if base, err = s.st.Scan(ctx, base.ID); err != nil {
			return err
		}
		raw, err := s.st.ScanReport(ctx, base.ID)
		if err != nil {
			return err
		}
		rep, err := report.ReadJSON(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		if err := scan.Match(ctx, rep, db, false); err != nil {
			return err
		}
		rep.CreatedAt = time.Now().UTC()
		key := fmt.Sprintf("rematch:%d:%d", base.ID, built.UnixNano())
		cur, err := s.storeReport(ctx, rep, key, base.Host, store.SourceRematch)
		if err != nil {
			return err
		}
		if cur, err = s.st.Scan(ctx, cur.ID); err != nil {
			return err
		}
		o.Result = fmt.Sprintf("scan %d", cur.ID)
		if !base.Matched {
			return nil // first match of an inventory: nothing to compare with
		}
		added, fixed := notify.Diff(base.Findings, cur.Findings)
		// A finding is fixed only where the new match checked its package.
		fixed, unchecked := splitByCoverage(fixed, &rep.Coverage)
		if len(added) == 0 && len(fixed) == 0 && len(unchecked) == 0 {
			return nil
		}
		ev := notify.Event{Event: notify.EventFindingsChanged, Image: cur.Image, ImageID: cur.ImageID, Host: cur.Host,
			ScanID: cur.ID, PreviousScanID: base.ID, DBBuiltAt: built, New: nonNil(added), Fixed: nonNil(fixed),
			NoLongerChecked: unchecked, Coverage: cur.Coverage, Counts: cur.Counts}
		body, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		hooks, err := s.st.ListWebhooks(ctx)
		if err != nil {
			return err
		}
		for _, h := range hooks {
			_, _, err := s.enqueue(ctx, store.Job{Kind: kindDeliver, Key: fmt.Sprintf("deliver:%d:%d", h.ID, cur.ID), MaxAttempts: 8,
				Payload: mustJSON(deliverPayload{WebhookID: h.ID, Event: ev.Event, Body: body})})
			if err != nil {
				return err
			}
		}
		o.Result += fmt.Sprintf("; %d new, %d fixed, %d no longer checked; %d webhooks", len(added), len(fixed), len(unchecked), len(hooks))
		return nil
	})
	if err != nil {
		return s.retry(j, err)
	}
	return o
}

func nonNil(fs []store.Finding) []store.Finding {
	if fs == nil {
		return []store.Finding{}
	}
	return fs
}

// rematchParent reads the parent scan id out of a rematch key made from
// the build built.
func rematchParent(key string, built time.Time) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "rematch:")
	if !ok {
		return 0, false
	}
	id, nanos, ok := strings.Cut(rest, ":")
	if !ok || nanos != strconv.FormatInt(built.UnixNano(), 10) {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil
}

// runDeliver posts one event to one webhook and logs the attempt.
func (s *Server) runDeliver(ctx context.Context, j store.Job) store.Outcome {
	var p deliverPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.WebhookID == 0 {
		return store.Outcome{Err: "bad deliver payload"}
	}
	h, err := s.st.Webhook(ctx, p.WebhookID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Outcome{Result: "webhook deleted; not delivered"}
	}
	if err != nil {
		return s.retry(j, err)
	}
	start := time.Now()
	code, sendErr := s.sender.Send(ctx, h.URL, h.Secret, p.Event, strconv.FormatInt(j.ID, 10), p.Body)
	d := store.Delivery{WebhookID: h.ID, JobID: j.ID, Event: p.Event, Attempt: j.Attempts, StatusCode: code, DurationMS: time.Since(start).Milliseconds()}
	if sendErr != nil {
		d.Error = sendErr.Error()
	}
	if _, err := s.st.LogDelivery(ctx, d); err != nil {
		s.log.WarnContext(ctx, "server: logging delivery", "err", err)
	}
	switch {
	case sendErr == nil:
		s.metrics.deliveries.WithLabelValues("delivered").Inc()
		return store.Outcome{Result: fmt.Sprintf("delivered (%d)", code)}
	case notify.Retryable(sendErr):
		s.metrics.deliveries.WithLabelValues("retry").Inc()
		return s.retry(j, sendErr)
	default:
		s.metrics.deliveries.WithLabelValues("refused").Inc()
		return store.Outcome{Err: sendErr.Error()}
	}
}

const deniedMsg = "registry scan refused: the registry, its auth realm or a redirect resolves to a loopback, private, link-local or reserved address; an admin can allow it with serve --scan-registry"

// publicError is what a job's viewers read of a failed scan: a registry's
// answer is reduced to its status and error codes, never its body, which
// an upstream (or anything a request aims the server at) controls.
func publicError(err error) string {
	var te *transport.Error
	if errors.As(err, &te) {
		var codes []string
		for _, d := range te.Errors {
			codes = append(codes, string(d.Code))
		}
		msg := fmt.Sprintf("registry scan failed: the registry answered HTTP %d", te.StatusCode)
		if len(codes) > 0 {
			msg += " (" + strings.Join(codes, ", ") + ")"
		}
		return msg
	}
	msg := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, err.Error())
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}
