package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/docker/docker/client"
	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/plugin"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

func init() { subcommands = append(subcommands, command{"guard", newGuardCmd}) }

func newGuardCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "guard",
		Short: "Docker authorization plugin that refuses insecure containers",
		Long: `guard enforces a policy on the Docker Engine API: as an authorization plugin
(serve) it refuses privileged containers, host namespaces, sensitive host
mounts, extra capabilities, unscanned or vulnerable images and more; test
judges saved requests offline; watch reports running containers that break
the policy. See docs/GUARD.md.`,
	}
	cmd.AddCommand(newGuardServeCmd(s), newGuardTestCmd(s), newGuardWatchCmd(s), newGuardPolicyCmd(s))
	return cmd
}

// loadPolicy reads FILE, or the built-in default when file is "".
func loadPolicy(file string) (*policy.Policy, error) {
	if file == "" {
		return policy.Default(), nil
	}
	p, err := policy.Load(file)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return p, nil
}

// openGuard loads the policy and builds the guard; with engine it also
// connects to the Docker engine (for image and container facts), which the
// caller closes.
func openGuard(policyFile, dockerHost string, engine bool) (*guard.Guard, *client.Client, error) {
	p, err := loadPolicy(policyFile)
	if err != nil {
		return nil, nil, err
	}
	opts := guard.Options{Offline: !engine}
	var eng *client.Client
	if engine {
		if eng, err = dockerhost.Client(dockerhost.Options{Host: dockerHost}); err != nil {
			return nil, nil, usageErrorf("%v", err)
		}
		opts.Engine = eng
	}
	g, err := guard.New(p, opts)
	if err != nil {
		if eng != nil {
			eng.Close()
		}
		return nil, nil, usageErrorf("%v", err)
	}
	return g, eng, nil
}

func newGuardServeCmd(s *streams) *cobra.Command {
	var policyFile, socket, auditLog, dockerHost string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the authorization plugin on a unix socket",
		Long: `serve answers dockerd's authorization requests on --socket
(default /run/docker/plugins/bulwark.sock: start dockerd with
--authorization-plugin=bulwark). Every decision is appended to the audit log
as one JSON line. SIGHUP reloads the policy file; requests in flight finish
under the old policy, and a policy that fails to load leaves the old one in
force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			g, eng, err := openGuard(policyFile, dockerHost, true)
			if err != nil {
				return err
			}
			defer eng.Close()
			var audit *plugin.AuditLog
			switch auditLog {
			case "-":
				audit = plugin.NewAuditLog(s.out)
			case "":
			default:
				if audit, err = plugin.OpenAuditLog(auditLog); err != nil {
					return usageErrorf("%v", err)
				}
				defer audit.Close()
			}
			srv := plugin.NewServer(g, audit)
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			l, err := plugin.Listen(ctx, socket)
			if err != nil {
				return usageErrorf("%v", err)
			}
			defer os.Remove(socket)
			from := "the built-in policy"
			if policyFile != "" {
				from = policyFile
			}
			fmt.Fprintf(s.err, "bulwark guard: listening on %s (%s, mode %s); start dockerd with --authorization-plugin=%s\n",
				socket, from, g.Policy().Mode, strings.TrimSuffix(filepath.Base(socket), ".sock"))
			go func() {
				for {
					select {
					case <-ctx.Done():
						return
					case <-hup:
						reload(ctx, srv, policyFile)
					}
				}
			}()
			return srv.Serve(ctx, l)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&policyFile, "policy", "", "policy `FILE` (default: the built-in policy, as printed by \"bulwark guard policy default\")")
	fl.StringVar(&socket, "socket", plugin.DefaultSocket, "unix socket to listen on; dockerd finds /run/docker/plugins/NAME.sock as plugin NAME")
	fl.StringVar(&auditLog, "audit-log", "-", `append decisions (JSON lines) to FILE; "-" for stdout, "" for none`)
	fl.StringVar(&dockerHost, "docker-host", "", "Docker engine the plugin asks about images and containers (default: $DOCKER_HOST or the local socket)")
	return cmd
}

func reload(ctx context.Context, srv *plugin.Server, file string) {
	if file == "" {
		slog.WarnContext(ctx, "guard: SIGHUP: no --policy file to reload; the built-in policy stays")
		return
	}
	p, err := policy.Load(file)
	if err == nil {
		err = srv.Reload(p)
	}
	if err != nil {
		slog.ErrorContext(ctx, "guard: reload failed; the previous policy stays in force", "err", err)
		return
	}
	slog.WarnContext(ctx, "guard: policy reloaded", "file", file, "mode", p.Mode)
}

// testRequest is an AuthZ request file: the daemon's JSON, where
// RequestBody may be base64 (as on the wire) or, for hand-written tests, a
// JSON object.
type testRequest struct {
	plugin.Request
	RequestBody json.RawMessage `json:"RequestBody"`
}

func readTestRequest(path string, stdin io.Reader) (plugin.Request, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return plugin.Request{}, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 8<<20))
	if err != nil {
		return plugin.Request{}, err
	}
	var tr testRequest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&tr); err != nil {
		return plugin.Request{}, fmt.Errorf("%s: %v", path, err)
	}
	req := tr.Request
	body := strings.TrimSpace(string(tr.RequestBody))
	switch {
	case body == "" || body == "null":
		req.RequestBody = nil
	case body[0] == '"':
		var s string
		if err := json.Unmarshal(tr.RequestBody, &s); err != nil {
			return plugin.Request{}, fmt.Errorf("%s: RequestBody: %v", path, err)
		}
		if req.RequestBody, err = base64.StdEncoding.DecodeString(s); err != nil {
			return plugin.Request{}, fmt.Errorf("%s: RequestBody is not base64: %v", path, err)
		}
	default:
		req.RequestBody = []byte(body)
	}
	return req, nil
}

func newGuardTestCmd(s *streams) *cobra.Command {
	var (
		policyFile, format, dockerHost string
		engine                         bool
	)
	cmd := &cobra.Command{
		Use:   "test REQUEST.json...",
		Short: "Judge saved AuthZ requests against a policy",
		Long: `test judges AuthZ requests (the JSON dockerd sends to a plugin: User,
RequestMethod, RequestUri, RequestBody, RequestHeaders) without a daemon.
RequestBody is base64 as on the wire, or a JSON object. "-" reads stdin.

Rules that need the engine (the image's USER, registry, scan gate) are
skipped and listed unless --engine asks the Docker engine.

Exit codes: 0 every request allowed, 1 a request denied, 2 usage or input error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("%s needs REQUEST.json (see %s --help)", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("unknown --format %q (want text or json)", format)
			}
			g, eng, err := openGuard(policyFile, dockerHost, engine)
			if err != nil {
				return err
			}
			if eng != nil {
				defer eng.Close()
			}
			denied := 0
			for _, a := range args {
				req, err := readTestRequest(a, s.in)
				if err != nil {
					return usageErrorf("%v", err)
				}
				d, _ := g.Decide(cmd.Context(), req.Input())
				if !d.Allow {
					denied++
				}
				if err := printDecision(s.out, format, a, d); err != nil {
					return err
				}
			}
			if denied > 0 {
				return findingsError(fmt.Sprintf("%d of %d request%s denied", denied, len(args), plural(len(args), "", "s")))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&policyFile, "policy", "", "policy file (default: the built-in policy)")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	cmd.Flags().BoolVar(&engine, "engine", false, "ask the Docker engine for image facts and the scan gate")
	cmd.Flags().StringVar(&dockerHost, "docker-host", "", "Docker engine for --engine (default: $DOCKER_HOST or the local socket)")
	return cmd
}

func printDecision(w io.Writer, format, name string, d guard.Decision) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Request string `json:"request"`
			guard.Decision
		}{name, d})
	}
	verdict := "allow"
	switch {
	case !d.Allow:
		verdict = "deny"
	case len(d.Violations) > 0:
		verdict = "allow (audit mode)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s\n", name, verdict, d.Path)
	for _, v := range d.Violations {
		fmt.Fprintf(&b, "  rule %s: %s\n", v.Rule, v.Detail)
	}
	for _, v := range d.Exempted {
		fmt.Fprintf(&b, "  exempted %s: %s\n", v.Rule, v.Detail)
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func newGuardWatchCmd(s *streams) *cobra.Command {
	var (
		policyFile, dockerHost, format string
		follow, stop                   bool
	)
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Report running containers that break the policy",
		Long: `watch judges every running container (including those started before the
plugin) by the policy's container and image rules, from the engine's view of
each container. --follow keeps judging containers as they start; --stop
stops the violating ones.

Exit codes: 0 no violation, 1 violations found, 2 usage or input error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("unknown --format %q (want text or json)", format)
			}
			g, eng, err := openGuard(policyFile, dockerHost, true)
			if err != nil {
				return err
			}
			defer eng.Close()
			enc := json.NewEncoder(s.out)
			w := &plugin.Watcher{Guard: g, Engine: eng, Stop: stop, Report: func(f plugin.Finding) {
				if format == "json" {
					enc.Encode(f)
					return
				}
				state := ""
				if f.Stopped {
					state = " (stopped)"
				}
				fmt.Fprintf(s.out, "%s %s (%s)%s\n", f.Name, shortContainer(f.Container), f.Image, state)
				for _, v := range f.Violations {
					fmt.Fprintf(s.out, "  rule %s: %s\n", v.Rule, v.Detail)
				}
			}}
			found, err := w.Scan(cmd.Context())
			if err != nil {
				return &exitError{code: ExitInput, err: err}
			}
			n := len(found)
			if follow {
				m, err := w.Follow(cmd.Context())
				n += m
				if err != nil {
					return &exitError{code: ExitInput, err: err}
				}
			}
			if n > 0 {
				return findingsError(fmt.Sprintf("%d of %d container%s checked break%s the policy", n, w.Checked, plural(w.Checked, "", "s"), plural(n, "s", "")))
			}
			if format == "text" {
				fmt.Fprintf(s.out, "%d container%s checked, none break the policy\n", w.Checked, plural(w.Checked, "", "s"))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&policyFile, "policy", "", "policy file (default: the built-in policy)")
	fl.StringVar(&dockerHost, "docker-host", "", "Docker engine (default: $DOCKER_HOST or the local socket)")
	fl.StringVarP(&format, "format", "f", "text", "output format: text or json (one finding per line)")
	fl.BoolVar(&follow, "follow", false, "keep judging containers as they start, until interrupted")
	fl.BoolVar(&stop, "stop", false, "stop containers that break the policy")
	return cmd
}

func shortContainer(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func newGuardPolicyCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Short: "Print or check guard policies"}
	cmd.AddCommand(&cobra.Command{
		Use:   "default",
		Short: "Print the built-in secure policy (a documented starting point)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := s.out.Write(policy.DefaultYAML())
			return err
		},
	}, &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a policy file",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := loadPolicy(args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.out, "%s: valid (mode %s)\n", args[0], p.Mode)
			return err
		},
	})
	return cmd
}
