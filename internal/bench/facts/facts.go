// Package facts gathers, once, everything the CIS Docker Benchmark audit
// reads, into a JSON-serialisable [Snapshot].
//
// # Data flow
//
// [Gather] opens the host root with os.Root (so no symlink leads out of it)
// and reads: the dockerd process serving the audited socket from /proc (its
// argv, executable and uid), falling back to the docker.service ExecStart;
// daemon.json; systemd unit locations; owner, group and mode of every file a
// check names ([Snapshot.Host.Files], keyed by host path, with
// [Host.Targets] saying which path plays which role); the mount table, the
// group database, TCP listeners and audit rules. It then asks the Engine API
// (through the narrow [EngineAPI]) for info, version, containers (inspected
// concurrently, with process lists of running ones), images with history,
// networks and swarm state.
//
// With a trust policy, [GatherTrust] then verifies each image's signatures
// and attestations in its registry through an [ImageJudge] (the guard's
// trust rules) and records the outcome per image as [Snapshot.Trust].
//
// Nothing in a snapshot is a verdict: checks (package checks) judge it. An
// input that cannot be read is recorded as an error string beside the data it
// would have filled, so a check can say why it skipped instead of passing.
// [Save] and [Load] record and replay snapshots.
package facts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/docker/api/types/system"
)

// SchemaVersion versions the snapshot format. Load accepts any 1.x.
// 1.1 added trust (the images judged against a trust policy).
const SchemaVersion = "1.1"

// MaxSnapshotSize bounds what Load reads.
const MaxSnapshotSize = 256 << 20

// Snapshot is everything one audit reads.
type Snapshot struct {
	SchemaVersion string    `json:"schema_version"`
	GatheredAt    time.Time `json:"gathered_at"`
	// HostRoot is where the host filesystem was read from ("/" on the host).
	HostRoot string `json:"host_root"`
	Env      Env    `json:"env"`
	Host     Host   `json:"host"`
	Daemon   Daemon `json:"daemon"`
	Engine   Engine `json:"engine"`
	// Trust is the images judged against a trust policy, when one was
	// given (bench --trust-policy).
	Trust *Trust `json:"trust,omitempty"`
}

// Env is the part of the audit process's environment checks read.
type Env struct {
	// ContentTrust is DOCKER_CONTENT_TRUST as seen by the audit, which is
	// what CIS 4.5 asks about (the variable lives in users' shells).
	ContentTrust    string `json:"docker_content_trust"`
	ContentTrustSet bool   `json:"docker_content_trust_set"`
}

// File is what stat(2) said about one host path.
type File struct {
	Exists bool   `json:"exists"`
	Err    string `json:"error,omitempty"`
	// Type is file, dir, socket, symlink or other.
	Type string `json:"type,omitempty"`
	// Mode holds the permission bits and the setuid, setgid and sticky bits,
	// as in chmod(1) (0o4755).
	Mode    uint32    `json:"mode"`
	UID     int       `json:"uid"`
	GID     int       `json:"gid"`
	ModTime time.Time `json:"mod_time,omitzero"`
}

// Target roles: the host paths checks ask about, resolved at gather time.
const (
	TargetDockerService    = "docker.service"     // systemd unit file, "" when none
	TargetDockerSocketUnit = "docker.socket"      // systemd unit file, "" when none
	TargetDockerSock       = "docker.sock"        // the engine's unix socket
	TargetContainerdSock   = "containerd.sock"    // containerd's socket
	TargetDaemonJSON       = "daemon.json"        // the daemon configuration file
	TargetEtcDocker        = "etc-docker"         // /etc/docker
	TargetCertsD           = "certs.d"            // /etc/docker/certs.d
	TargetDefaultDocker    = "etc-default-docker" // /etc/default/docker
	TargetSysconfigDocker  = "sysconfig-docker"   // /etc/sysconfig/docker
	TargetDataRoot         = "data-root"          // DockerRootDir (parent when remapped)
	TargetRunContainerd    = "run-containerd"     // /run/containerd
	TargetContainerdConfig = "containerd-config"  // /etc/containerd/config.toml
	TargetDockerd          = "dockerd"            // binaries, found on the host
	TargetContainerd       = "containerd"
	TargetShim             = "containerd-shim"
	TargetShimRuncV1       = "containerd-shim-runc-v1"
	TargetShimRuncV2       = "containerd-shim-runc-v2"
	TargetRunc             = "runc"
	TargetTLSCACert        = "tlscacert" // TLS files named by the daemon config
	TargetTLSCert          = "tlscert"
	TargetTLSKey           = "tlskey"
	TargetSwarmRootCA      = "swarm-root-ca"
)

// Host holds what was read from the host filesystem.
type Host struct {
	// Targets maps a Target* role to a host path; the path's stat is in Files.
	Targets map[string]string `json:"targets"`
	// Files maps absolute host paths to their stat. Entries under the
	// certs.d target are included (up to MaxCertsEntries).
	Files     map[string]File `json:"files"`
	Mounts    []Mount         `json:"mounts"`
	MountsErr string          `json:"mounts_error,omitempty"`
	Groups    []Group         `json:"groups"`
	GroupsErr string          `json:"groups_error,omitempty"`
	Audit     Audit           `json:"audit"`
	// Listeners are the TCP sockets in LISTEN state in the host network
	// namespace.
	Listeners    []Listener `json:"listeners"`
	ListenersErr string     `json:"listeners_error,omitempty"`
}

// MaxCertsEntries caps how many entries under certs.d are recorded.
const MaxCertsEntries = 4096

// Mount is one line of mountinfo.
type Mount struct {
	Point  string `json:"point"`
	FSType string `json:"fstype"`
	Source string `json:"source"`
}

// Group is one line of /etc/group.
type Group struct {
	Name    string   `json:"name"`
	GID     int      `json:"gid"`
	Members []string `json:"members"`
}

// Audit holds audit rules as text lines, one rule each.
type Audit struct {
	Source string   `json:"source"` // "auditctl -l" or the files read
	Rules  []string `json:"rules"`
	Err    string   `json:"error,omitempty"`
}

// Listener is a listening TCP socket.
type Listener struct {
	Addr string `json:"addr"` // "0.0.0.0", "::", "127.0.0.1"…
	Port int    `json:"port"`
}

// Daemon describes the dockerd serving the audited engine.
type Daemon struct {
	PID int    `json:"pid,omitempty"`
	Exe string `json:"exe,omitempty"`
	UID int    `json:"uid"`
	// Args is argv without the program name.
	Args []string `json:"args"`
	// ArgsSource says where Args came from: "/proc/PID/cmdline", or a unit
	// file's ExecStart. Empty means the command line is unknown.
	ArgsSource string `json:"args_source,omitempty"`
	ArgsErr    string `json:"args_error,omitempty"`
	// ConfigFile is the daemon.json path (--config-file or the default).
	ConfigFile   string                     `json:"config_file"`
	ConfigExists bool                       `json:"config_exists"`
	Config       map[string]json.RawMessage `json:"config,omitempty"`
	ConfigErr    string                     `json:"config_error,omitempty"`
}

// Engine holds Engine API answers, in the API's own shapes.
type Engine struct {
	Host    string        `json:"host"`
	Err     string        `json:"error,omitempty"`
	Info    system.Info   `json:"info"`
	Version types.Version `json:"version"`

	Containers    []Container `json:"containers"`
	ContainersErr string      `json:"containers_error,omitempty"`
	// Ignored counts containers left out because they carry IgnoreLabel.
	Ignored int `json:"ignored_containers,omitempty"`

	Images    []Image `json:"images"`
	ImagesErr string  `json:"images_error,omitempty"`

	Networks    []network.Summary `json:"networks"`
	NetworksErr string            `json:"networks_error,omitempty"`

	// Swarm data is read only when the node is in an active swarm; the
	// cluster-wide parts only on managers.
	Swarm      *swarm.Swarm `json:"swarm,omitempty"`
	SwarmErr   string       `json:"swarm_error,omitempty"`
	Nodes      []swarm.Node `json:"nodes,omitempty"`
	NodesErr   string       `json:"nodes_error,omitempty"`
	Secrets    int          `json:"secrets"`
	SecretsErr string       `json:"secrets_error,omitempty"`
}

// Container is one inspected container.
type Container struct {
	Inspect container.InspectResponse `json:"inspect"`
	// Processes are the command lines of a running container's processes.
	Processes    []string `json:"processes,omitempty"`
	ProcessesErr string   `json:"processes_error,omitempty"`
}

// Image is one inspected image with its history.
type Image struct {
	Inspect    image.InspectResponse       `json:"inspect"`
	History    []image.HistoryResponseItem `json:"history"`
	HistoryErr string                      `json:"history_error,omitempty"`
}

// Running reports whether the container was running when inspected.
func (c Container) Running() bool {
	return c.Inspect.ContainerJSONBase != nil && c.Inspect.State != nil && c.Inspect.State.Running
}

// Name is the container's name without the leading slash, or its short id.
func (c Container) Name() string {
	if c.Inspect.ContainerJSONBase == nil {
		return ""
	}
	if n := strings.TrimPrefix(c.Inspect.Name, "/"); n != "" {
		return n
	}
	return shortID(c.Inspect.ID)
}

// Name is the image's first tag, or its short id.
func (i Image) Name() string {
	if len(i.Inspect.RepoTags) > 0 {
		return i.Inspect.RepoTags[0]
	}
	return shortID(i.Inspect.ID)
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Target returns the path playing role and its stat; ok is false when the
// role was not resolved (for example no unit file exists).
func (s *Snapshot) Target(role string) (path string, f File, ok bool) {
	path = s.Host.Targets[role]
	if path == "" {
		return "", File{}, false
	}
	f, ok = s.Host.Files[path]
	return path, f, ok
}

// Save writes s as indented JSON.
func Save(w io.Writer, s *Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("facts: writing snapshot: %w", err)
	}
	return nil
}

// ErrSchema reports a snapshot of an unsupported format version.
var ErrSchema = errors.New("unsupported snapshot schema version")

// Load reads a snapshot written by Save.
func Load(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSnapshotSize+1))
	if err != nil {
		return nil, fmt.Errorf("facts: reading snapshot: %w", err)
	}
	if len(data) > MaxSnapshotSize {
		return nil, fmt.Errorf("facts: reading snapshot: larger than %d bytes", MaxSnapshotSize)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("facts: decoding snapshot: %w", err)
	}
	major, _, _ := strings.Cut(s.SchemaVersion, ".")
	if want, _, _ := strings.Cut(SchemaVersion, "."); major != want {
		return nil, fmt.Errorf("facts: decoding snapshot: %w %q (want %s.x)", ErrSchema, s.SchemaVersion, want)
	}
	for i := range s.Engine.Containers {
		if s.Engine.Containers[i].Inspect.ContainerJSONBase == nil {
			return nil, fmt.Errorf("facts: decoding snapshot: container %d has no inspect data", i)
		}
	}
	return &s, nil
}
