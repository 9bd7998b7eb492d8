package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/bulwark-sec/bulwark/internal/harden/daemonjson"
	"github.com/bulwark-sec/bulwark/internal/harden/pki"
	"github.com/bulwark-sec/bulwark/internal/harden/runprofile"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/source"
)

func init() { subcommands = append(subcommands, command{"harden", newHardenCmd}) }

func newHardenCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "harden",
		Short: "Turn findings into files: a hardened daemon.json, daemon TLS certificates, least-privilege run profiles",
		Long: `harden writes the fixes bench and scan point at, as files to review and apply:

  daemon   a daemon.json for the live daemon, as a diff, with what each key
           changes and may break, and the keys left out and why
  tls      a CA, server and client certificates for dockerd --tlsverify
           (tls rotate re-issues the leaves), with the dockerd and client settings
  run      docker run flags and a compose service for an image or container

Each output lists the bench checks it moves (warn -> pass), found by running
the same checks on the gathered facts with the change applied. See
docs/HARDEN.md.`,
	}
	cmd.AddCommand(newHardenDaemonCmd(s), newHardenTLSCmd(s), newHardenRunCmd(s))
	return cmd
}

// hardenCommon are the flags every harden command takes.
type hardenCommon struct {
	format string
	output string
	force  bool
}

func (h *hardenCommon) register(cmd *cobra.Command, outputHelp string) {
	fl := cmd.Flags()
	fl.StringVarP(&h.format, "format", "f", "text", "text or json")
	fl.StringVarP(&h.output, "output", "o", "", outputHelp)
	fl.BoolVar(&h.force, "force", false, "replace files that already exist")
}

func (h *hardenCommon) check() error {
	if h.format != "text" && h.format != "json" {
		return usageErrorf("--format %q: want text or json", h.format)
	}
	return nil
}

// render writes a text or json report to stdout.
func (h *hardenCommon) render(s *streams, v any, text func(io.Writer) error) error {
	var err error
	if h.format == "json" {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		err = enc.Encode(v)
	} else {
		err = text(s.out)
	}
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	return nil
}

// writeFiles writes generated files into dir, refusing to replace
// existing ones without --force.
func (h *hardenCommon) writeFiles(dir string, files map[string][]byte) ([]harden.Written, error) {
	if err := harden.MkdirAll(dir, 0o755); err != nil {
		return nil, &exitError{code: ExitInput, err: err}
	}
	var out []harden.Written
	for _, name := range sortedKeys(files) {
		w, err := harden.WriteFile(dir, name, files[name], 0o644, harden.WriteOptions{Force: h.force})
		if err != nil {
			return out, &exitError{code: ExitInput, err: err}
		}
		out = append(out, w)
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// engineFlags reach the live daemon the way bench does.
type engineFlags struct {
	hostRoot, dockerHost, tlsCACert, tlsCert, tlsKey, factsIn string
	timeout                                                   time.Duration
}

func (e *engineFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&e.hostRoot, "host-root", "/", "where the host's root filesystem is mounted")
	fl.StringVar(&e.dockerHost, "docker-host", "", "Engine API address (default $DOCKER_HOST, else unix:///var/run/docker.sock)")
	fl.StringVar(&e.tlsCACert, "tlscacert", "", "CA certificate to verify the engine with")
	fl.StringVar(&e.tlsCert, "tlscert", "", "client certificate for the engine")
	fl.StringVar(&e.tlsKey, "tlskey", "", "client key for the engine")
	fl.StringVar(&e.factsIn, "facts", "", "use the facts snapshot `FILE` recorded by \"bulwark bench --facts-out\" instead of this host")
	fl.DurationVar(&e.timeout, "timeout", 2*time.Minute, "give up gathering after this long")
}

// gather collects bench facts exactly as `bulwark bench` does.
func (e *engineFlags) gather(ctx context.Context) (*facts.Snapshot, error) {
	snap, _, err := benchFacts(ctx, &benchFlags{hostRoot: e.hostRoot, dockerHost: e.dockerHost, tlsCACert: e.tlsCACert,
		tlsCert: e.tlsCert, tlsKey: e.tlsKey, factsIn: e.factsIn, timeout: e.timeout, ignoreLabel: facts.DefaultIgnoreLabel, workers: 16}, nil)
	if err != nil {
		return nil, &exitError{code: ExitInput, err: err}
	}
	return snap, nil
}

func newHardenDaemonCmd(s *streams) *cobra.Command {
	var (
		common    hardenCommon
		eng       engineFlags
		logDriver string
		logOpts   []string
		exclude   []string
	)
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Propose a hardened daemon.json for the live daemon, as a diff",
		Long: `daemon gathers the facts bench reads (the dockerd command line, daemon.json,
engine state) and proposes a daemon.json: user-namespace remapping, icc off,
live-restore, no-new-privileges, log level, log driver and rotation, userland
proxy off, default ulimits, and the removal of insecure settings. Keys the
daemon's environment rules out are left out with the reason: a key already on
the command line (dockerd refuses an option set in both places), icc and the
userland proxy without iptables, live-restore in swarm mode, userns-remap on a
rootless daemon. Nothing on the host is changed: --output DIR writes the
proposed daemon.json and the diff for review.`,
		Example: `  bulwark harden daemon
  bulwark harden daemon --log-driver syslog --log-opt syslog-address=udp://10.0.0.9:514 --output ./proposal
  bulwark harden daemon --facts host.json --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := common.check(); err != nil {
				return err
			}
			opts := daemonjson.Options{LogDriver: logDriver, Exclude: exclude}
			for _, kv := range logOpts {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usageErrorf("--log-opt %q: want KEY=VALUE", kv)
				}
				if opts.LogOpts == nil {
					opts.LogOpts = map[string]string{}
				}
				opts.LogOpts[k] = v
			}
			if len(opts.LogOpts) > 0 && logDriver == "" {
				return usageErrorf("--log-opt needs --log-driver")
			}
			snap, err := eng.gather(cmd.Context())
			if err != nil {
				return err
			}
			if eng.factsIn == "" {
				opts.HostHas = hostHas(eng.hostRoot)
				if n, err := daemonjson.DaemonNofile(eng.hostRoot, snap.Daemon.PID); err == nil {
					opts.DaemonNofile = n
				}
			}
			p, err := daemonjson.Propose(snap, opts)
			if err != nil {
				return &exitError{code: ExitInput, err: err}
			}
			if common.output != "" {
				file, err := p.File()
				if err != nil {
					return &exitError{code: ExitInput, err: err}
				}
				files := map[string][]byte{"daemon.json": file}
				if p.Diff != "" {
					files["daemon.json.diff"] = []byte(p.Diff)
				}
				if _, err := common.writeFiles(common.output, files); err != nil {
					return err
				}
			}
			return common.render(s, p, func(w io.Writer) error { return daemonjson.WriteText(w, p) })
		},
	}
	common.register(cmd, "write daemon.json and daemon.json.diff into DIR")
	eng.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&logDriver, "log-driver", "", "propose this default log driver (syslog, fluentd, gelf, journald…)")
	fl.StringArrayVar(&logOpts, "log-opt", nil, "an option of --log-driver, KEY=VALUE (repeatable)")
	fl.StringSliceVar(&exclude, "exclude", nil, "daemon.json keys not to propose (userns-remap,icc,…)")
	return cmd
}

// hostHas reports whether a path exists under the host root.
func hostHas(hostRoot string) func(string) bool {
	return func(p string) bool {
		r, err := os.OpenRoot(hostRoot)
		if err != nil {
			return false
		}
		defer r.Close()
		_, err = r.Stat(strings.TrimLeft(p, "/"))
		return err == nil
	}
}

type tlsFlags struct {
	common    hardenCommon
	eng       engineFlags
	hostnames []string
	ips       []string
	keyType   string
	listen    string
	caDays    int
	leafDays  int
}

func (f *tlsFlags) register(cmd *cobra.Command, rotate bool) {
	f.common.register(cmd, "directory of the certificates (default /etc/docker/tls)")
	f.eng.register(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&f.hostnames, "hostname", nil, "DNS name clients use to reach the daemon (repeatable; default localhost, or the current ones on rotate)")
	fl.StringSliceVar(&f.ips, "ip", nil, "IP address clients use to reach the daemon (repeatable; default 127.0.0.1, or the current ones on rotate)")
	fl.StringVar(&f.keyType, "key-type", "", "ecdsa-p256 (default), ecdsa-p384 or ed25519")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:2376", "TCP address dockerd serves with TLS")
	fl.IntVar(&f.leafDays, "days", 365, "lifetime of the server and client certificates")
	if !rotate {
		fl.IntVar(&f.caDays, "ca-days", 5*365, "lifetime of the CA")
	}
}

func (f *tlsFlags) options(rotate bool) (pki.Options, error) {
	o := pki.Options{Hostnames: f.hostnames, KeyType: pki.KeyType(f.keyType), LeafLifetime: time.Duration(f.leafDays) * 24 * time.Hour}
	if !rotate {
		// On rotate the loaded CA's own expiry bounds the leaves.
		o.CALifetime = time.Duration(f.caDays) * 24 * time.Hour
		if f.caDays <= 0 {
			return o, usageErrorf("--ca-days must be positive")
		}
	}
	for _, s := range f.ips {
		ip := net.ParseIP(s)
		if ip == nil {
			return o, usageErrorf("--ip %q: not an IP address", s)
		}
		o.IPs = append(o.IPs, ip)
	}
	if f.leafDays <= 0 {
		return o, usageErrorf("--days must be positive")
	}
	if err := o.Validate(); err != nil {
		return o, usageErrorf("%v", err)
	}
	return o, nil
}

func newHardenTLSCmd(s *streams) *cobra.Command {
	var f tlsFlags
	cmd := &cobra.Command{
		Use:   "tls",
		Short: "Create a CA, server and client certificates for dockerd --tlsverify",
		Long: `tls creates, under --output DIR (default /etc/docker/tls): ca.pem and ca-key.pem
(a CA valid --ca-days), server-cert.pem and server-key.pem (serverAuth, SANs
from --hostname and --ip), and client/{ca,cert,key}.pem (clientAuth), the
directory a client names in DOCKER_CERT_PATH. Keys are ECDSA P-256 unless
--key-type says otherwise. Certificates are written 0444, keys 0400, owned by
root (CIS 3.9-3.14), atomically, and never over existing files without
--force. It prints the dockerd flags (or daemon.json keys) and the client
environment, and the bench checks they move. ` + "`tls rotate`" + ` re-issues the leaves.`,
		Example: `  bulwark harden tls --hostname docker1.example.com --ip 10.0.0.5 --listen 10.0.0.5:2376
  bulwark harden tls --output ./tls --listen 127.0.0.1:2376`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runHardenTLS(cmd.Context(), s, &f, false) },
	}
	f.register(cmd, false)
	var rf tlsFlags
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Re-issue the server and client certificates from the existing CA",
		Long: `rotate loads ca.pem and ca-key.pem from --output DIR and replaces the server and
client certificates and keys with new ones signed by the same CA (keeping the
server certificate's SANs unless --hostname or --ip are given). Restart
dockerd to serve the new certificate, and hand the new client directory to
clients; the CA and its key are left as they are.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runHardenTLS(cmd.Context(), s, &rf, true) },
	}
	rf.register(rotate, true)
	cmd.AddCommand(rotate)
	return cmd
}

func runHardenTLS(ctx context.Context, s *streams, f *tlsFlags, rotate bool) error {
	if err := f.common.check(); err != nil {
		return err
	}
	dir := f.common.output
	if dir == "" {
		dir = "/etc/docker/tls"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return usageErrorf("--output: %v", err)
	}
	o, err := f.options(rotate)
	if err != nil {
		return err
	}
	st, err := pki.SettingsFor(dir, f.listen)
	if err != nil {
		return usageErrorf("--listen: %v", err)
	}
	rep := &pki.Report{SchemaVersion: harden.SchemaVersion, Action: "create", Dir: dir, Settings: st, Fixes: []string{}}
	var b *pki.Bundle
	if rotate {
		rep.Action = "rotate"
		ca, old, err := pki.LoadCA(dir)
		if err != nil {
			return &exitError{code: ExitInput, err: err}
		}
		if b, err = pki.Rotate(ca, old, o); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
		if rep.Files, err = pki.WriteLeaves(dir, b); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
		if left := time.Until(ca.Cert.NotAfter); left < 90*24*time.Hour {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the CA expires on %s: create a new one (harden tls --force) before then", ca.Cert.NotAfter.Format(time.DateOnly)))
		}
	} else {
		if b, err = pki.Issue(o); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
		if rep.Files, err = pki.Write(dir, b, f.common.force); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
	}
	rep.Certificates = []pki.CertInfo{pki.Info("ca", b.CA.Cert), pki.Info("server", b.Server.Cert), pki.Info("client", b.Client.Cert)}
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(st.Listen, "tcp://"))
	if err := b.Server.Cert.VerifyHostname(host); err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the server certificate does not name %s, where dockerd listens: clients connecting there fail verification (add --hostname or --ip)", host))
	}
	// The bench view needs the daemon's facts; without them the files are
	// still written and the checks are judged on the settings alone.
	snap, err := f.eng.gather(ctx)
	if err != nil {
		rep.Warnings = append(rep.Warnings, "bench checks not simulated: "+err.Error())
	} else if after, err := pki.Simulate(snap, st, f.eng.hostRoot); err == nil {
		rep.Checks = harden.Transitions(snap, after, pki.Checked...)
		rep.Fixes = harden.Fixes(rep.Checks)
	}
	if rep.Checks == nil {
		rep.Checks = []harden.Transition{}
	}
	return f.common.render(s, rep, func(w io.Writer) error { return pki.WriteText(w, rep) })
}

func newHardenRunCmd(s *streams) *cobra.Command {
	var (
		common     hardenCommon
		opt        runprofile.Options
		memory     string
		healthCmd  string
		dockerHost string
	)
	cmd := &cobra.Command{
		Use:   "run IMAGE|CONTAINER",
		Short: "A least-privilege docker run / compose profile for an image or a container",
		Long: `run reads an image (any scan target: docker:NAME, docker-archive:PATH, …, or a
bare name) or, when the argument names a container, that container's image
and settings, and proposes how to run it with least privilege: a non-root
user (the image's, one from its /etc/passwd, or uid 65532), --cap-drop ALL
(NET_BIND_SERVICE only when root is kept; for a non-root process a port below
1024 is opened with the namespaced net.ipv4.ip_unprivileged_port_start
sysctl, since Docker gives non-root processes no ambient capabilities), a
read-only root with tmpfs for the image's world-writable directories and
named volumes for its VOLUMEs, no-new-privileges, memory, pids and CPU
limits, a bounded restart policy, ports published on one address, and a
health check (the image's, --health-cmd, or a wget/curl probe when the image
has one). --output DIR writes compose.yaml.`,
		Example: `  bulwark harden run nginx:1.27
  bulwark harden run web-1 --network none --format json
  bulwark harden run docker-archive:app.tar --health-cmd '/app -probe http://127.0.0.1:8080/healthz' --output ./profile`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := common.check(); err != nil {
				return err
			}
			if memory != "" {
				n, err := units.RAMInBytes(memory)
				if err != nil || n <= 0 {
					return usageErrorf("--memory %q: want a size such as 256m", memory)
				}
				opt.Memory = n
			}
			if healthCmd != "" {
				words, err := runprofile.SplitCommand(healthCmd)
				if err != nil || len(words) == 0 {
					return usageErrorf("--health-cmd %q: %v", healthCmd, err)
				}
				opt.HealthCmd = words
			}
			if opt.Network == "host" {
				return usageErrorf("%v", runprofile.ErrHostNetwork)
			}
			return runHardenRun(cmd.Context(), s, args[0], dockerHost, opt, &common)
		},
	}
	common.register(cmd, "write compose.yaml into DIR")
	fl := cmd.Flags()
	fl.StringVar(&opt.Name, "name", "", "container and compose service name (default: from the image or container)")
	fl.StringVar(&opt.User, "user", "", `user to run as, "uid:gid" (default: chosen from the image; "root" keeps root)`)
	fl.StringVar(&memory, "memory", "256m", "memory limit")
	fl.Int64Var(&opt.PidsLimit, "pids-limit", runprofile.DefaultPidsLimit, "process limit")
	fl.Int64Var(&opt.CPUShares, "cpu-shares", runprofile.DefaultCPUShares, "CPU weight (1024 is the default weight)")
	fl.StringVar(&opt.Network, "network", "", `network: none, a user-defined network, or "" for the engine's default`)
	fl.StringVar(&opt.PublishIP, "publish-ip", "127.0.0.1", "host address exposed ports are published on")
	fl.StringVar(&healthCmd, "health-cmd", "", "health probe command (exec form, split like a shell would)")
	fl.StringVar(&opt.TmpfsSize, "tmpfs-size", "64m", "size of each tmpfs")
	fl.StringVar(&dockerHost, "docker-host", "", "Engine API address (default $DOCKER_HOST, else the local socket)")
	return cmd
}

// runOutput is the json form of `harden run`.
type runOutput struct {
	*runprofile.Profile
	Command string `json:"command"`
	Compose string `json:"compose"`
}

func runHardenRun(ctx context.Context, s *streams, target, dockerHost string, opt runprofile.Options, common *hardenCommon) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	var (
		base    *facts.Snapshot
		current *facts.Container
	)
	imageRef := target
	api, err := dockerhost.Client(dockerhost.Options{Host: dockerHost})
	if err == nil {
		defer api.Close()
		// The engine's security options and networks decide some checks
		// (AppArmor, the default bridge); a container target is judged
		// against its own settings.
		if info, err := api.Info(ctx); err == nil {
			base = &facts.Snapshot{SchemaVersion: facts.SchemaVersion}
			base.Engine.Info = info
			if nets, err := api.NetworkList(ctx, network.ListOptions{}); err == nil {
				base.Engine.Networks = nets
			}
			if ins, err := api.ContainerInspect(ctx, target); err == nil && ins.ContainerJSONBase != nil {
				current = &facts.Container{Inspect: ins}
				imageRef = "docker:" + ins.Image
				if opt.Name == "" {
					opt.Name = strings.TrimPrefix(ins.Name, "/")
				}
			}
		}
	}
	img, err := source.Open(ctx, imageRef, source.Options{DockerHost: dockerHost})
	if err != nil {
		code := ExitInput
		return &exitError{code: code, err: fmt.Errorf("harden run: %w", err)}
	}
	defer img.Close()
	ii, err := runprofile.Inspect(ctx, img, layerfs.Options{})
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	if current != nil && current.Inspect.Config != nil && current.Inspect.Config.Image != "" {
		// Run the image by the name the container was created with.
		ii.Name = current.Inspect.Config.Image
	} else if ii.Name == "" {
		ii.Name = target
	}
	p, err := runprofile.Build(ii, opt)
	if err != nil {
		if errors.Is(err, runprofile.ErrHostNetwork) {
			return usageErrorf("%v", err)
		}
		return &exitError{code: ExitInput, err: err}
	}
	if current != nil {
		p.Warnings = append(p.Warnings, "the profile replaces container "+strings.TrimPrefix(current.Inspect.Name, "/")+": carry its environment, command and mounts over to the new one")
	}
	if _, _, err := p.Simulate(base, ii, current); err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	compose, err := p.Compose()
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	if common.output != "" {
		if _, err := common.writeFiles(common.output, map[string][]byte{"compose.yaml": compose}); err != nil {
			return err
		}
	}
	out := runOutput{Profile: p, Command: p.Command(ii.Shell), Compose: string(compose)}
	return common.render(s, out, func(w io.Writer) error { return runprofile.WriteText(w, p, ii.Shell) })
}
