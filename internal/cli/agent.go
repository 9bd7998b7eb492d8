package cli

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/layercache"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

func init() { subcommands = append(subcommands, command{"agent", newAgentCmd}) }

type agentFlags struct {
	server, token, hostRoot, dockerHost string
	host                                string
	caCert, cert, key, db               string
	images                              []string
	interval                            time.Duration
	once, noBench, noScan               bool
	defend                              agentDefendFlags
	budget                              budgetFlags
}

func newAgentCmd(s *streams) *cobra.Command {
	var f agentFlags
	cmd := &cobra.Command{
		Use:   "agent",
		Short: "Audit this Docker host and scan its images on a schedule, reporting to bulwark serve",
		Long: `agent runs on each Docker host: every --interval it audits the host against the
CIS Docker Benchmark (as "bulwark bench" does) and scans every local image,
then pushes the reports to the server at --server with an agent token (one
per host: "bulwark serve token create --role agent --host NAME").

Without --db the agent sends inventories and the server matches them against
its advisory database. --once runs a single round and exits (exit 2 when the
server could not be reached or refused the token).`,
		Example: `  BULWARK_TOKEN=bwt_... bulwark agent --server https://bulwark.example:8443
  bulwark agent --server http://127.0.0.1:8080 --token bwt_... --once --no-bench`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.server == "" {
				return usageErrorf("--server is required")
			}
			if f.token == "" {
				f.token = os.Getenv("BULWARK_TOKEN")
			}
			if f.noBench && f.noScan && !f.defend.on {
				return usageErrorf("--no-bench and --no-scan leave nothing to do")
			}
			if f.defend.on && f.once {
				return usageErrorf("--defend runs until the agent is stopped; it does not go with --once")
			}
			httpc, err := agentHTTP(&f)
			if err != nil {
				return usageErrorf("%v", err)
			}
			c, err := agent.NewClient(f.server, f.token, httpc)
			if err != nil {
				return usageErrorf("%v", err)
			}
			c.Host = f.host
			o := agent.Options{
				Client: c, Bench: !f.noBench, Scan: !f.noScan, HostRoot: f.hostRoot,
				Docker: dockerhost.Options{Host: f.dockerHost}, Images: f.images, Interval: f.interval,
				Logger: slog.New(slog.NewJSONHandler(s.err, nil)), Version: Version(),
			}
			if f.db != "" {
				db, err := vulndb.Open(cmd.Context(), f.db)
				if err != nil {
					return &exitError{code: ExitInput, err: err}
				}
				defer db.Close()
				o.DB = db
			}
			sopts, done, err := (&targetFlags{cacheMaxSize: layercache.DefaultMaxBytes}).scanOptions(&streams{out: s.out, err: nopWriter{}})
			if err != nil {
				return err
			}
			defer done()
			sopts.Progress = nil
			o.ScanOptions = scan.Options{Cache: sopts.Cache, Walk: sopts.Walk, Limits: f.budget.l}
			if !f.once {
				if f.defend.on {
					return runAgentWithDefend(cmd.Context(), s, o, c, &f)
				}
				return agent.Run(cmd.Context(), o)
			}
			sum, err := agent.RunOnce(cmd.Context(), o)
			if err != nil {
				return &exitError{code: ExitInput, err: err}
			}
			fmt.Fprintf(s.out, "bench run %d; %d scans submitted; %d images failed\n", sum.BenchRun, len(sum.Scans), len(sum.Failed))
			for _, m := range sum.Failed {
				fmt.Fprintln(s.err, "  "+m)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "", "server URL (http(s)://host:port)")
	fl.StringVar(&f.token, "token", "", "agent token (default $BULWARK_TOKEN)")
	fl.StringVar(&f.host, "host", "", "this host's name, for a fleet agent token (one minted with --host '*'); a per-host token names its host itself")
	fl.BoolVar(&f.once, "once", false, "run one round and exit")
	fl.DurationVar(&f.interval, "interval", 6*time.Hour, "time between rounds")
	fl.BoolVar(&f.noBench, "no-bench", false, "do not audit the host")
	fl.BoolVar(&f.noScan, "no-scan", false, "do not scan local images")
	fl.StringSliceVar(&f.images, "images", nil, "scan only images whose tags contain one of these strings")
	fl.StringVar(&f.hostRoot, "host-root", "/", "where the host's root filesystem is mounted")
	f.budget.register(fl)
	fl.StringVar(&f.dockerHost, "docker-host", "", "Engine API address (default $DOCKER_HOST, else the local socket)")
	fl.StringVar(&f.db, "db", "", "match on the host with this advisory database instead of on the server")
	fl.StringVar(&f.caCert, "ca-cert", "", "CA certificate that signed the server's certificate")
	fl.StringVar(&f.cert, "cert", "", "client certificate for mutual TLS")
	fl.StringVar(&f.key, "key", "", "private key of --cert")
	f.defend.bind(fl)
	return cmd
}

type nopWriter struct{}

func (nopWriter) Write(b []byte) (int, error) { return len(b), nil }

// agentHTTP builds the client for --ca-cert, --cert and --key.
func agentHTTP(f *agentFlags) (*http.Client, error) {
	if f.caCert == "" && f.cert == "" && f.key == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.caCert != "" {
		pem, err := os.ReadFile(f.caCert)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert %s: no PEM certificate", f.caCert)
		}
		tc.RootCAs = pool
	}
	if (f.cert == "") != (f.key == "") {
		return nil, fmt.Errorf("--cert and --key go together")
	}
	if f.cert != "" {
		c, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, fmt.Errorf("--cert: %w", err)
		}
		tc.Certificates = []tls.Certificate{c}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tc
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}, nil
}
