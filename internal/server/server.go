// Package server is `bulwark serve`: the fleet HTTP API, its middleware,
// the background workers and the embedded web dashboard.
//
// # Data flow
//
// A request passes the middleware chain (request id, panic guard, access
// log and metrics), then its route's guard: the bearer token is hashed and
// looked up ([store.Tokens], cached briefly), its role checked against the
// route, its token bucket charged, and the body capped. Submitted scan
// reports are decoded once into the indexed fields ([ParseScan]) and stored
// with their bytes as received; bench reports likewise ([ParseBench]).
//
// Work that outlives a request goes through the store's queue and is run by
// [Server.Run]'s workers, in any replica: "scan" pulls and scans a registry
// image (scan.Run, matching with the current database), "rematch" matches an image's
// stored inventory against the current advisory database and, when
// findings changed, queues one "deliver" job per webhook, and "deliver"
// posts the signed event (package notify), retrying with backoff and
// logging every attempt. The advisory database file is polled; when its
// build time moves forward every image gets a rematch job, keyed by image
// and build time so replicas that notice together queue it once.
package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/egress"
	"github.com/bulwark-sec/bulwark/internal/notify"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// Config configures a Server. Zero values take the defaults shown.
type Config struct {
	Store store.Store
	// AdvisoryDB is the vulnerability database file (as `bulwark db`
	// writes it). Empty: stored inventories are not matched.
	AdvisoryDB string
	// DBPoll is how often the database file is checked for a new build (30s).
	DBPoll time.Duration
	// Workers run queued jobs (2); 0 workers with NoWorkers set runs none.
	Workers   int
	NoWorkers bool
	// Lease is how long a claimed job is held without renewal (2m); a
	// replica that dies holds its jobs this long.
	Lease time.Duration
	// Poll is how often idle workers look for jobs (1s).
	Poll time.Duration
	// Retention is how long finished jobs and delivery log entries are
	// kept (30 days); pruning runs hourly.
	Retention time.Duration
	// RuntimeRetention is how long `bulwark defend` alerts are kept (30
	// days); pruned with the jobs.
	RuntimeRetention time.Duration
	// ReplicaID names this process in job claims (hostname-pid-random).
	ReplicaID string
	// MaxBody caps request bodies (64 MiB).
	MaxBody int64
	// BodyBudget bounds the request bodies held in memory at once (192
	// MiB), TokenBodyBudget those of one token (128 MiB); both are raised
	// to MaxBody when below it. A request waits up to 30 s for room, then
	// gets 503.
	BodyBudget, TokenBodyBudget int64
	// Rate and Burst are each token's request budget: Rate requests per
	// second, up to Burst at once (100/s, 200).
	Rate  float64
	Burst int
	// Scan configures registry scans run by workers.
	Scan scan.Options
	// ScanRegistries lists the registries server-side scans may reach in
	// loopback, private, link-local or reserved address ranges (host,
	// host:port or a CIDR network); public registries need no entry.
	// Enforced when each connection is made (package egress), for the
	// registry, its auth realm and redirects, unless Scan.Source.Transport
	// is set.
	ScanRegistries []string
	// Webhook delivery: backoff base (5s) and cap (10m), HTTP client.
	RetryBase, RetryMax time.Duration
	WebhookClient       *http.Client
	Logger              *slog.Logger
	// QuietRequests logs requests at debug level instead of info.
	QuietRequests bool
	Version       string
}

// Server is the API and its workers.
type Server struct {
	cfg     Config
	st      store.Store
	log     *slog.Logger
	db      *dbHolder
	tokens  *tokenCache
	limits  *limiter
	bodies  *bodyBudget
	metrics *metrics
	sender  *notify.Sender
	wake    chan struct{}
	egress  *egress.Policy
	mux     *http.ServeMux
	started time.Time
}

// New builds a server over cfg.Store. It opens the advisory database when
// one is configured and present.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	cfg.DBPoll = cmp.Or(cfg.DBPoll, 30*time.Second)
	if cfg.Workers == 0 && !cfg.NoWorkers {
		cfg.Workers = 2
	}
	cfg.Lease = cmp.Or(cfg.Lease, 2*time.Minute)
	cfg.Poll = cmp.Or(cfg.Poll, time.Second)
	cfg.Retention = cmp.Or(cfg.Retention, 30*24*time.Hour)
	cfg.RuntimeRetention = cmp.Or(cfg.RuntimeRetention, 30*24*time.Hour)
	cfg.MaxBody = cmp.Or(cfg.MaxBody, 64<<20)
	cfg.BodyBudget = max(cmp.Or(cfg.BodyBudget, 192<<20), cfg.MaxBody)
	cfg.TokenBodyBudget = max(cmp.Or(cfg.TokenBodyBudget, 128<<20), cfg.MaxBody)
	cfg.Rate = cmp.Or(cfg.Rate, 100)
	cfg.Burst = cmp.Or(cfg.Burst, 200)
	cfg.RetryBase = cmp.Or(cfg.RetryBase, 5*time.Second)
	cfg.RetryMax = cmp.Or(cfg.RetryMax, 10*time.Minute)
	cfg.Version = cmp.Or(cfg.Version, "(devel)")
	if cfg.ReplicaID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		cfg.ReplicaID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	eg, err := egress.New(cfg.ScanRegistries)
	if err != nil {
		return nil, fmt.Errorf("server: scan registries: %w", err)
	}
	if cfg.Scan.Source.Transport == nil {
		cfg.Scan.Source.Transport = eg.Transport()
	}
	s := &Server{
		cfg:     cfg,
		st:      cfg.Store,
		log:     cfg.Logger,
		db:      &dbHolder{path: cfg.AdvisoryDB},
		tokens:  newTokenCache(cfg.Store, 10*time.Second),
		limits:  newLimiter(cfg.Rate, cfg.Burst),
		bodies:  newBodyBudget(cfg.BodyBudget, cfg.TokenBodyBudget),
		metrics: newMetrics(cfg.Store),
		sender:  &notify.Sender{Client: cfg.WebhookClient, UserAgent: "bulwark/" + cfg.Version},
		wake:    make(chan struct{}, 1),
		egress:  eg,
		started: time.Now(),
	}
	if _, err := s.db.refresh(ctx); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Handler is the HTTP handler: API, dashboard, /healthz and /metrics.
func (s *Server) Handler() http.Handler { return s.middleware(s.mux) }

// ReplicaID names this server in job claims.
func (s *Server) ReplicaID() string { return s.cfg.ReplicaID }

// Run runs the workers and the advisory database poller until ctx ends.
func (s *Server) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range s.cfg.Workers {
		name := fmt.Sprintf("%s/%d", s.cfg.ReplicaID, i)
		wg.Go(func() { s.work(ctx, name) })
	}
	if s.cfg.AdvisoryDB != "" {
		wg.Go(func() { s.pollDB(ctx) })
	}
	wg.Go(func() { s.prune(ctx, time.Hour) })
	wg.Wait()
	s.db.close()
	return nil
}

// Bootstrap makes sure an admin token exists. With secret set (from the
// environment) that token is created when missing; otherwise, when the
// store has no token at all, a new admin token is created and its secret
// returned so it can be shown once.
func Bootstrap(ctx context.Context, st store.Store, secret string) (string, error) {
	if secret != "" {
		h := store.HashSecret(secret)
		if _, err := st.TokenByHash(ctx, h); err == nil {
			return "", nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		_, err := st.CreateToken(ctx, store.Token{Name: "bootstrap", Role: store.Admin, Hash: h})
		if errors.Is(err, store.ErrExists) { // another replica won the race
			err = nil
		}
		return "", err
	}
	toks, err := st.ListTokens(ctx)
	if err != nil || len(toks) > 0 {
		return "", err
	}
	sec, h := store.NewSecret()
	if _, err := st.CreateToken(ctx, store.Token{Name: "bootstrap", Role: store.Admin, Hash: h}); err != nil {
		return "", err
	}
	return sec, nil
}

// TLSConfig loads a server certificate and, with clientCA set, requires
// client certificates signed by it (mutual TLS).
func TLSConfig(certFile, keyFile, clientCA string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("server: loading certificate: %w", err)
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	if clientCA != "" {
		pem, err := os.ReadFile(clientCA)
		if err != nil {
			return nil, fmt.Errorf("server: reading client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("server: client CA %s holds no PEM certificate", clientCA)
		}
		c.ClientCAs, c.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return c, nil
}

// prune deletes finished jobs and old delivery log entries every interval.
// Every replica does it; deleting what another already deleted is a no-op.
func (s *Server) prune(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.st.PruneJobs(ctx, time.Now().Add(-s.cfg.Retention))
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "server: pruning finished jobs", "err", err)
		} else if n > 0 {
			s.log.InfoContext(ctx, "pruned finished jobs", "jobs", n, "retention", s.cfg.Retention.String())
		}
		n, err = s.st.PruneRuntimeAlerts(ctx, time.Now().Add(-s.cfg.RuntimeRetention))
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "server: pruning runtime alerts", "err", err)
		} else if n > 0 {
			s.log.InfoContext(ctx, "pruned runtime alerts", "alerts", n, "retention", s.cfg.RuntimeRetention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
