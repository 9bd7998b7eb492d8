package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/columns"
	"github.com/bulwark-sec/bulwark/internal/layercache"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/store/postgres"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func init() { subcommands = append(subcommands, command{"serve", newServeCmd}) }

// openStore opens PostgreSQL for a postgres:// URL, else the embedded file.
func openStore(ctx context.Context, db string) (store.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return postgres.Open(ctx, db)
	}
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return embedded.Open(ctx, db)
}

// defaultServerDB is the embedded store's file unless --db says otherwise:
// $BULWARK_SERVER_DB, else server.db under the user's data directory (not
// the working directory, so a server started from elsewhere finds its store).
func defaultServerDB() string {
	if v := os.Getenv("BULWARK_SERVER_DB"); v != "" {
		return v
	}
	if d, err := userDataDir(); err == nil {
		return filepath.Join(d, "bulwark", "server.db")
	}
	return "bulwark-server.db"
}

// userDataDir is $XDG_DATA_HOME, else ~/.local/share (~/Library/Application
// Support on macOS): the standard library has UserCacheDir and
// UserConfigDir but no data directory.
func userDataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Application Support"), nil
	}
	return filepath.Join(home, ".local", "share"), nil
}

// localSocket is the unix socket beside an embedded store file through
// which `serve token` commands reach the server that holds the file.
func localSocket(db string) string { return db + ".sock" }

type serveFlags struct {
	addr, db, advisoryDB           string
	dbPoll, lease, poll, retryBase time.Duration
	retention                      time.Duration
	workers                        int
	maxBody                        int64
	bodyBudget, tokenBodyBudget    int64
	rate                           float64
	burst                          int
	tlsCert, tlsKey, clientCA      string
	cacheDir, replicaID            string
	noCache, insecure, logRequests bool
	scanRegistries                 []string
	budget                         budgetFlags
}

func newServeCmd(s *streams) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the fleet server: HTTP API, dashboard, work queue and webhooks",
		Long: `serve stores scan and bench reports from agents and CI, scans registry images
on request, re-matches stored inventories when the advisory database is
rebuilt and notifies webhooks of new and fixed findings. The dashboard is at /,
the API under /api/v1 (docs/openapi.yaml), Prometheus metrics at /metrics and
a health check at /healthz.

Storage is an embedded file by default (--db FILE, one process); with
--db postgres://... several replicas share one PostgreSQL database and its
work queue.

Every API call needs a token (Authorization: Bearer bwt_...). On first start
with an empty store an admin token is created and printed once; or set
BULWARK_ADMIN_TOKEN to a bwt_ secret of your choosing. Mint more with
"bulwark serve token create" or POST /api/v1/tokens.`,
		Example: `  bulwark serve --addr :8080 --db /var/lib/bulwark/server.db
  bulwark serve --db postgres://bulwark:secret@db:5432/bulwark --advisory-db /data/bulwark.db
  bulwark serve --tls-cert server.pem --tls-key server-key.pem --client-ca clients.pem
  bulwark serve token create --role agent --host web-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), s, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", ":8080", "listen address")
	fl.StringVar(&f.db, "db", defaultServerDB(), "result store: a file (embedded) or a postgres:// URL ($BULWARK_SERVER_DB)")
	fl.StringVar(&f.advisoryDB, "advisory-db", "", "vulnerability database `FILE` to match with (default: $BULWARK_DB, else the path \"bulwark db\" uses)")
	fl.DurationVar(&f.dbPoll, "advisory-poll", 30*time.Second, "how often to look for a rebuilt advisory database")
	fl.IntVar(&f.workers, "workers", 2, "job workers in this process (0: API only)")
	fl.DurationVar(&f.lease, "job-lease", 2*time.Minute, "how long a claimed job stays with a replica that stops renewing it")
	fl.DurationVar(&f.poll, "job-poll", time.Second, "how often idle workers look for jobs")
	fl.DurationVar(&f.retention, "job-retention", 30*24*time.Hour, "keep finished jobs and the webhook delivery log this long (an Idempotency-Key of a scan request is remembered as long)")
	fl.DurationVar(&f.retryBase, "retry-base", 5*time.Second, "first webhook retry delay (doubles per attempt, up to 10m)")
	fl.Int64Var(&f.maxBody, "max-body", 64<<20, "largest accepted request body in bytes")
	fl.Int64Var(&f.bodyBudget, "body-budget", 192<<20, "request body bytes held in memory at once, all requests together (requests wait up to 30s for room, then 503)")
	fl.Int64Var(&f.tokenBodyBudget, "token-body-budget", 128<<20, "request body bytes in memory at once for one token")
	fl.Float64Var(&f.rate, "rate", 100, "requests per second allowed per token")
	fl.IntVar(&f.burst, "burst", 200, "requests a token may send at once above --rate")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "private key of --tls-cert")
	fl.StringVar(&f.clientCA, "client-ca", "", "require client certificates signed by this CA (mutual TLS)")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "layer cache for registry scans (default: $BULWARK_CACHE_DIR or the user cache dir)")
	fl.BoolVar(&f.noCache, "no-cache", false, "do not cache layer results of registry scans")
	fl.BoolVar(&f.insecure, "insecure-registry", false, "allow plain HTTP to registries")
	fl.StringSliceVar(&f.scanRegistries, "scan-registry", nil, "allow server-side scans to reach `REGISTRY` (host[:port], or a CIDR network) in a loopback, private or link-local range; repeatable")
	fl.StringVar(&f.replicaID, "replica-id", "", "name of this replica in job claims (default: hostname-pid-random)")
	fl.BoolVar(&f.logRequests, "log-requests", true, "log every request (JSON, to stderr)")
	f.budget.register(fl)
	cmd.AddCommand(newTokenCmd(s))
	return cmd
}

func runServe(ctx context.Context, s *streams, f *serveFlags) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageErrorf("--tls-cert and --tls-key go together")
	}
	if f.clientCA != "" && f.tlsCert == "" {
		return usageErrorf("--client-ca needs --tls-cert and --tls-key")
	}
	log := slog.New(slog.NewJSONHandler(s.err, nil))
	// The port first: a busy port must fail before the one-time admin
	// token is minted and shown, or that token would be spent for nothing.
	ln, err := net.Listen("tcp", f.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return &exitError{code: ExitInput, err: fmt.Errorf("serve: %s is in use by another process; choose another --addr", f.addr)}
	}
	if err != nil {
		return &exitError{code: ExitInput, err: fmt.Errorf("serve: %w", err)}
	}
	defer ln.Close()
	st, err := openStore(ctx, f.db)
	if errors.Is(err, embedded.ErrLocked) {
		return &exitError{code: ExitInput, err: fmt.Errorf("serve: store %s is in use by another bulwark serve; give this one its own --db, or share PostgreSQL between replicas", f.db)}
	}
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	defer st.Close()
	advisory := f.advisoryDB
	if advisory == "" {
		if p, err := vulndb.DefaultPath(); err == nil {
			advisory = p
		}
	}
	if _, err := os.Stat(advisory); err != nil {
		fmt.Fprintf(s.err, "bulwark: warning: no advisory database at %s: reports are stored but not matched until one is there (bulwark db update, or --advisory-db FILE)\n", advisory)
	}
	sopts := scan.Options{
		Source: source.Options{Insecure: f.insecure},
		Tool:   report.Tool{Name: "bulwark", Version: Version()},
		Limits: f.budget.l,
	}
	if !f.noCache {
		root, err := cacheRoot(f.cacheDir)
		if err != nil {
			return usageErrorf("cache: %v", err)
		}
		c, err := layercache.Open(filepath.Join(root, "layers"), layercache.DefaultMaxBytes)
		if err != nil {
			return &exitError{code: ExitInput, err: err}
		}
		sopts.Cache = c
		sopts.Walk.TempDir = filepath.Join(root, "tmp")
		if err := os.MkdirAll(sopts.Walk.TempDir, 0o700); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
	}
	srv, err := server.New(ctx, server.Config{
		Store: st, AdvisoryDB: advisory, DBPoll: f.dbPoll, Workers: f.workers, NoWorkers: f.workers == 0,
		Lease: f.lease, Poll: f.poll, Retention: f.retention, ReplicaID: f.replicaID, MaxBody: f.maxBody, BodyBudget: f.bodyBudget, TokenBodyBudget: f.tokenBodyBudget, Rate: f.rate, Burst: f.burst,
		Scan: sopts, ScanRegistries: f.scanRegistries, RetryBase: f.retryBase, Logger: log, QuietRequests: !f.logRequests, Version: Version(),
	})
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if f.tlsCert != "" {
		if hs.TLSConfig, err = server.TLSConfig(f.tlsCert, f.tlsKey, f.clientCA); err != nil {
			return usageErrorf("%v", err)
		}
	}
	if storeKind(f.db) == "embedded" {
		local, err := listenLocal(localSocket(f.db))
		if err != nil {
			log.Warn("no local socket for `bulwark serve token` while serving", "err", err)
		} else {
			ls := &http.Server{Handler: srv.LocalHandler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: hs.ErrorLog}
			go ls.Serve(local)
			defer func() { ls.Close(); os.Remove(localSocket(f.db)) }()
		}
	}
	secret, err := server.Bootstrap(ctx, st, os.Getenv("BULWARK_ADMIN_TOKEN"))
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	if secret != "" {
		fmt.Fprintf(s.err, "bulwark: created the first admin token (shown once, keep it safe):\n%s\n", secret)
	}
	log.Info("listening", "addr", ln.Addr().String(), "tls", f.tlsCert != "", "mtls", f.clientCA != "",
		"replica", srv.ReplicaID(), "store", storeKind(f.db), "advisory_db", advisory)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workersDone := make(chan struct{})
	go func() { srv.Run(ctx); close(workersDone) }()
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err = hs.Shutdown(sctx)
		scancel()
	}
	cancel()
	<-workersDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &exitError{code: ExitInput, err: fmt.Errorf("serve: %w", err)}
	}
	return nil
}

func storeKind(db string) string {
	if strings.HasPrefix(db, "postgres") {
		return "postgres"
	}
	return "embedded"
}

func newTokenCmd(s *streams) *cobra.Command {
	var db string
	tok := &cobra.Command{
		Use:   "token",
		Short: "Create and list API tokens in the store (through the running server when it holds the file)",
	}
	tok.PersistentFlags().StringVar(&db, "db", defaultServerDB(), "result store: a file or a postgres:// URL")
	var name, role, host string
	create := &cobra.Command{
		Use:   "create",
		Short: "Mint a token and print its secret (shown once)",
		Example: `  bulwark serve token create --role agent --host web-01
  bulwark serve token create --role viewer --name dashboard`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := store.Role(role)
			if !store.ValidRole(r) {
				return usageErrorf("--role %q: want viewer, agent or admin", role)
			}
			if (r == store.Agent) != (host != "") {
				return usageErrorf("agent tokens need --host, and only agent tokens take one")
			}
			var (
				t      store.Token
				secret string
			)
			st, err := openStore(cmd.Context(), db)
			switch {
			case errors.Is(err, embedded.ErrLocked):
				// A running server holds the file: ask it.
				t, secret, err = newLocalClient(db).createToken(cmd.Context(), firstNonEmpty(name, host, role), r, host)
			case err == nil:
				defer st.Close()
				var hash string
				secret, hash = store.NewSecret()
				t, err = st.CreateToken(cmd.Context(), store.Token{Name: firstNonEmpty(name, host, role), Role: r, Host: host, Hash: hash})
			}
			if err != nil {
				return &exitError{code: ExitInput, err: fmt.Errorf("token create: %w", err)}
			}
			fmt.Fprintf(s.err, "token %d (%s, role %s) created; its secret is shown once:\n", t.ID, t.Name, t.Role)
			_, err = fmt.Fprintln(s.out, secret)
			return err
		},
	}
	create.Flags().StringVar(&name, "name", "", "label for the token (default: the host or role)")
	create.Flags().StringVar(&role, "role", "viewer", "viewer (read), agent (submit for one host) or admin")
	create.Flags().StringVar(&host, "host", "", "the host an agent token speaks for; '*' makes a fleet token that submits for any host the agent names and reads nothing")
	list := &cobra.Command{
		Use:   "list",
		Short: "List tokens (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var toks []store.Token
			st, err := openStore(cmd.Context(), db)
			switch {
			case errors.Is(err, embedded.ErrLocked):
				toks, err = newLocalClient(db).listTokens(cmd.Context())
			case err == nil:
				defer st.Close()
				toks, err = st.ListTokens(cmd.Context())
			}
			if err != nil {
				return &exitError{code: ExitInput, err: fmt.Errorf("token list: %w", err)}
			}
			tw := columns.NewWriter(s.out, 2)
			fmt.Fprintln(tw, "ID\tNAME\tROLE\tHOST\tCREATED")
			for _, t := range toks {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Host, t.CreatedAt.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	tok.AddCommand(create, list)
	return tok
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
