package facts

import (
	"context"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// Options configure Gather. The zero value audits "/" and the engine the
// EngineAPI talks to.
type Options struct {
	// HostRoot is where the host's filesystem is mounted ("/" by default).
	HostRoot string
	// DockerHost is the address the EngineAPI talks to; it picks the dockerd
	// process when several run.
	DockerHost string
	// AuditRules are rules files to read instead of asking auditctl.
	AuditRules []string
	// IgnoreLabel: containers carrying this label (the audit's own container)
	// are left out.
	IgnoreLabel string
	// Workers bounds concurrent Engine API requests (default 16).
	Workers int
	// NoProcesses skips process lists (one request per running container).
	NoProcesses bool
}

// DefaultIgnoreLabel marks containers the audit leaves out.
const DefaultIgnoreLabel = "io.bulwark.bench.ignore"

// Gather reads the host under opt.HostRoot and, when api is non-nil, the
// engine. It fails only when the host root cannot be opened; every other
// unreadable input is recorded in the snapshot.
func Gather(ctx context.Context, api EngineAPI, opt Options) (*Snapshot, error) {
	if opt.HostRoot == "" {
		opt.HostRoot = "/"
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	root, err := os.OpenRoot(opt.HostRoot)
	if err != nil {
		return nil, fmt.Errorf("facts: opening host root: %w", err)
	}
	defer root.Close()
	h := &host{root: root}

	s := &Snapshot{
		SchemaVersion: SchemaVersion,
		GatheredAt:    time.Now().UTC(),
		HostRoot:      opt.HostRoot,
		Host:          Host{Targets: map[string]string{}, Files: map[string]File{}, Mounts: []Mount{}, Groups: []Group{}, Listeners: []Listener{}},
	}
	s.Env.ContentTrust, s.Env.ContentTrustSet = os.LookupEnv("DOCKER_CONTENT_TRUST")

	// The engine and the host are independent: read them at once.
	done := make(chan struct{})
	if api != nil {
		go func() {
			defer close(done)
			s.Engine = engine(ctx, api, opt)
		}()
	} else {
		close(done)
		s.Engine = Engine{Host: opt.DockerHost, Err: "no Engine API client", Containers: []Container{}, Images: []Image{}}
	}

	s.Daemon = h.daemon(ctx, opt.DockerHost)
	s.Host.Audit = h.audit(ctx, opt.AuditRules)
	if data, err := h.read("/proc/1/mountinfo"); err != nil {
		s.Host.MountsErr = fmt.Sprintf("reading /proc/1/mountinfo: %v", err)
	} else {
		s.Host.Mounts = ParseMountinfo(string(data))
	}
	if data, err := h.read("/etc/group"); err != nil {
		s.Host.GroupsErr = fmt.Sprintf("reading /etc/group: %v", err)
	} else {
		s.Host.Groups = ParseGroup(string(data))
	}
	var lerrs []string
	for _, p := range []string{"/proc/1/net/tcp", "/proc/1/net/tcp6"} {
		data, err := h.read(p)
		if err != nil {
			lerrs = append(lerrs, fmt.Sprintf("reading %s: %v", p, err))
			continue
		}
		ls, err := ParseProcNetTCP(string(data))
		if err != nil {
			lerrs = append(lerrs, err.Error())
		}
		s.Host.Listeners = append(s.Host.Listeners, ls...)
	}
	if len(lerrs) == 2 {
		s.Host.ListenersErr = strings.Join(lerrs, "; ")
	}

	<-done
	if api != nil && !opt.NoProcesses {
		processes(ctx, h, api, opt, &s.Engine)
	}
	targets(h, s)
	return s, nil
}

// targets resolves the path of every role checks ask about, then stats them.
func targets(h *host, s *Snapshot) {
	t := s.Host.Targets
	d := &s.Daemon
	t[TargetDockerService] = h.unitFile("docker.service")
	t[TargetDockerSocketUnit] = h.unitFile("docker.socket")
	t[TargetDockerSock] = "/run/docker.sock"
	if !strings.HasPrefix(NormalizeHost(s.Engine.Host), "unix://") && s.Engine.Host != "" {
		// Audited over TCP: the socket is the daemon's own, if any.
		t[TargetDockerSock] = ""
	}
	for _, hst := range d.Hosts() {
		if strings.HasPrefix(hst, "unix://") {
			t[TargetDockerSock] = strings.TrimPrefix(hst, "unix://")
			if hst == NormalizeHost(s.Engine.Host) {
				break
			}
		}
	}
	t[TargetContainerdSock] = "/run/containerd/containerd.sock"
	if c := d.Setting("containerd"); c.Set && c.Last() != "" {
		t[TargetContainerdSock] = CanonicalPath(strings.TrimPrefix(c.Last(), "unix://"))
	}
	t[TargetDaemonJSON] = d.ConfigFile
	t[TargetEtcDocker] = "/etc/docker"
	t[TargetCertsD] = "/etc/docker/certs.d"
	t[TargetDefaultDocker] = "/etc/default/docker"
	t[TargetSysconfigDocker] = "/etc/sysconfig/docker"
	t[TargetRunContainerd] = "/run/containerd"
	t[TargetContainerdConfig] = "/etc/containerd/config.toml"
	dataRoot := s.Engine.Info.DockerRootDir
	if dataRoot == "" {
		if dr := d.Setting("data-root"); dr.Set {
			dataRoot = dr.Last()
		} else {
			dataRoot = "/var/lib/docker"
		}
	}
	dataRoot = CanonicalPath(dataRoot)
	if slices.Contains(s.Engine.Info.SecurityOptions, "name=userns") {
		// With userns-remap the engine reports data-root/UID.GID.
		dataRoot = path.Dir(dataRoot)
	}
	t[TargetDataRoot] = dataRoot
	t[TargetSwarmRootCA] = dataRoot + "/swarm/certificates/swarm-root-ca.crt"
	t[TargetDockerd] = h.binary("dockerd", d.Exe)
	for _, b := range []string{TargetContainerd, TargetShim, TargetShimRuncV1, TargetShimRuncV2, TargetRunc} {
		t[b] = h.binary(b, "")
	}
	// TLS files: dockerd defaults to ~/.docker/{ca,cert,key}.pem of the
	// daemon's user when --tlsverify is given without them.
	tlsOn := d.Setting("tlsverify").Bool(false) || d.Setting("tls").Bool(false)
	for role, def := range map[string]string{TargetTLSCACert: "ca.pem", TargetTLSCert: "cert.pem", TargetTLSKey: "key.pem"} {
		if v := d.Setting(role); v.Set && v.Last() != "" {
			t[role] = CanonicalPath(v.Last())
		} else if tlsOn {
			t[role] = "/root/.docker/" + def
		} else {
			t[role] = ""
		}
	}
	for _, p := range t {
		if p != "" {
			s.Host.Files[p] = h.stat(p)
		}
	}
	if f := s.Host.Files[t[TargetCertsD]]; f.Exists && f.Type == "dir" {
		certs := map[string]File{}
		h.walk(t[TargetCertsD], certs, MaxCertsEntries)
		for p, f := range certs {
			s.Host.Files[p] = f
		}
	}
}
