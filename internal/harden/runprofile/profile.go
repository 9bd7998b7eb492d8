// Package runprofile computes a least-privilege run profile for an image
// or a container: `docker run` flags, a compose service, and the Engine API
// configuration both stand for.
//
// # Data flow
//
//	source.Image ─▶ Inspect: one walk of the layers (world-writable
//	   │            directories, /etc/passwd, executables on PATH,
//	   │            misconfig file findings) + misconfig config findings
//	   ▼
//	Image ─▶ Build(Options, current container?) ─▶ Profile
//	   Profile ─▶ Args (docker run), Compose (services.NAME), Config/HostConfig
//	   Profile ─▶ Simulate: a container with the profile's settings beside
//	              the one `docker run IMAGE` (or the current container) gives,
//	              judged by bench 4.1 and 5.x ─▶ Checks, Fixes
//
// Each flag carries a note tying it to the evidence in the image (a root
// USER, EXPOSE 80, a world-writable /tmp) and what it may break.
package runprofile

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/go-connections/nat"

	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/bulwark-sec/bulwark/internal/misconfig"
)

// Options tune a profile. The zero value is usable.
type Options struct {
	// Name of the container and compose service; derived from the image
	// when empty.
	Name string
	// User overrides the choice of user ("uid:gid", a name, or "root" to
	// keep root deliberately).
	User string
	// Memory in bytes (default 256 MiB), PidsLimit (default 128),
	// CPUShares (default 512, half the default weight).
	Memory    int64
	PidsLimit int64
	CPUShares int64
	// Network: "" for the engine's default, "none", or a network name.
	// "host" is refused (CIS 5.10).
	Network string
	// PublishIP is the host address exposed ports are published on
	// (default 127.0.0.1).
	PublishIP string
	// HealthCmd is a health probe in exec form; nil lets Build suggest one.
	HealthCmd []string
	// TmpfsSize bounds each tmpfs (default "64m").
	TmpfsSize string
}

// Defaults.
const (
	DefaultMemory    = 256 << 20
	DefaultPidsLimit = 128
	DefaultCPUShares = 512
	// NonRootUser is the uid:gid chosen when the image has no unprivileged
	// user: it needs no /etc/passwd entry (the convention of distroless
	// images), so a static binary runs as it unchanged.
	NonRootUser = "65532:65532"
)

// Port is one published port.
type Port struct {
	HostIP        string `json:"host_ip"`
	HostPort      int    `json:"host_port"`
	ContainerPort int    `json:"container_port"`
	Proto         string `json:"proto"`
}

func (p Port) String() string {
	return fmt.Sprintf("%s:%d:%d/%s", p.HostIP, p.HostPort, p.ContainerPort, p.Proto)
}

// Mount is a tmpfs or a named volume.
type Mount struct {
	Type    string `json:"type"` // tmpfs or volume
	Source  string `json:"source,omitempty"`
	Target  string `json:"target"`
	Options string `json:"options,omitempty"` // tmpfs mount options
}

// Health is a health check in exec form.
type Health struct {
	Test        []string      `json:"test"`
	Interval    time.Duration `json:"interval"`
	Timeout     time.Duration `json:"timeout"`
	StartPeriod time.Duration `json:"start_period"`
	Retries     int           `json:"retries"`
	// FromImage is true when the image's own HEALTHCHECK is kept.
	FromImage bool `json:"from_image"`
}

// Note ties one setting to its evidence and its risk.
type Note struct {
	Setting string `json:"setting"`
	Why     string `json:"why"`
	Risk    string `json:"risk,omitempty"`
}

// Profile is a least-privilege way to run one image.
type Profile struct {
	SchemaVersion string            `json:"schema_version"`
	Image         string            `json:"image"`
	Name          string            `json:"name"`
	User          string            `json:"user"`
	CapDrop       []string          `json:"cap_drop"`
	CapAdd        []string          `json:"cap_add"`
	ReadOnly      bool              `json:"read_only"`
	Mounts        []Mount           `json:"mounts"`
	SecurityOpt   []string          `json:"security_opt"`
	Sysctls       map[string]string `json:"sysctls,omitempty"`
	Memory        int64             `json:"memory"`
	PidsLimit     int64             `json:"pids_limit"`
	CPUShares     int64             `json:"cpu_shares"`
	Restart       string            `json:"restart"`
	Network       string            `json:"network,omitempty"`
	Publish       []Port            `json:"publish"`
	Health        *Health           `json:"health,omitempty"`
	Notes         []Note            `json:"notes"`
	Warnings      []string          `json:"warnings,omitempty"`
	// Checks are the bench checks (4.1, 5.x) whose status differs between
	// the container as it runs without the profile and with it.
	Checks []harden.Transition `json:"checks"`
	Fixes  []string            `json:"fixes"`
}

// ErrHostNetwork refuses --network host: a profile cannot be least
// privilege in the host's network namespace (CIS 5.10).
var ErrHostNetwork = fmt.Errorf("runprofile: --network host shares the host's network namespace (CIS 5.10); choose none, the default or a user-defined network")

// Build computes the profile of img.
func Build(img *Image, opt Options) (*Profile, error) {
	if img == nil {
		return nil, fmt.Errorf("runprofile: no image")
	}
	if opt.Network == "host" {
		return nil, ErrHostNetwork
	}
	if opt.Memory <= 0 {
		opt.Memory = DefaultMemory
	}
	if opt.PidsLimit <= 0 {
		opt.PidsLimit = DefaultPidsLimit
	}
	if opt.CPUShares <= 0 {
		opt.CPUShares = DefaultCPUShares
	}
	if opt.PublishIP == "" {
		opt.PublishIP = "127.0.0.1"
	}
	if opt.TmpfsSize == "" {
		opt.TmpfsSize = "64m"
	}
	p := &Profile{SchemaVersion: harden.SchemaVersion, Image: img.Name, Name: opt.Name, CapDrop: []string{"ALL"}, CapAdd: []string{},
		ReadOnly: true, Mounts: []Mount{}, SecurityOpt: []string{"no-new-privileges:true"}, Memory: opt.Memory,
		PidsLimit: opt.PidsLimit, CPUShares: opt.CPUShares, Restart: "on-failure:5", Network: opt.Network,
		Publish: []Port{}, Notes: []Note{}, Checks: []harden.Transition{}, Fixes: []string{}}
	if p.Name == "" {
		p.Name = serviceName(img.Name)
	}
	root := p.chooseUser(img, opt)
	p.ports(img, opt, root)
	p.writable(img, opt)
	p.health(img, opt)
	p.limits(img)
	return p, nil
}

// serviceName derives a compose service name from an image reference.
func serviceName(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	ref, _, _ = strings.Cut(ref, "@")
	ref, _, _ = strings.Cut(ref, ":")
	var b strings.Builder
	for _, r := range strings.ToLower(ref) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-_")
	if name == "" {
		return "app"
	}
	return name
}

// chooseUser sets the user and reports whether the profile keeps root.
func (p *Profile) chooseUser(img *Image, opt Options) (root bool) {
	imgUser := strings.TrimSpace(img.Config.User)
	switch {
	case opt.User != "":
		p.User = opt.User
		p.Notes = append(p.Notes, Note{Setting: "--user " + p.User, Why: "chosen with --user"})
	case !misconfig.RootUserName(imgUser):
		p.User = imgUser
		p.Notes = append(p.Notes, Note{Setting: "--user " + p.User, Why: "the image's own USER, an unprivileged user"})
	default:
		shown := imgUser
		if shown == "" {
			shown = "not set"
		}
		if u, ok := serviceUser(img.Users); ok {
			p.User = fmt.Sprintf("%d:%d", u.UID, u.GID)
			p.Notes = append(p.Notes, Note{Setting: "--user " + p.User,
				Why:  fmt.Sprintf("the image runs as root (USER %s, %s); it has an unprivileged user %s (uid %d) in /etc/passwd", shown, misconfig.RootUser.ID, u.Name, u.UID),
				Risk: "files the service writes must be writable by " + u.Name + "; root-owned ones in the image are not"})
		} else {
			p.User = NonRootUser
			p.Notes = append(p.Notes, Note{Setting: "--user " + p.User,
				Why:  fmt.Sprintf("the image runs as root (USER %s, %s) and has no unprivileged user; a numeric uid needs no /etc/passwd entry", shown, misconfig.RootUser.ID),
				Risk: "programs that look their user up (whoami, some shells, ssh) find no name; the service can write only where the profile mounts tmpfs"})
		}
	}
	if misconfig.RootUserName(p.User) {
		p.Warnings = append(p.Warnings, "the profile keeps root (--user "+p.User+"): bench 4.1 keeps warning")
		return true
	}
	if ep := img.Entrypoint; ep != nil && !canExec(*ep, p.User) {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s is mode %s owned by %d:%d: user %s cannot execute it; make it world-executable in the image or choose another --user",
			ep.Path, ep.Mode.Perm(), ep.UID, ep.GID, p.User))
	}
	p.Notes = append(p.Notes, Note{Setting: "--cap-drop ALL",
		Why: "a process that is not root holds no effective capabilities, and dropping them all empties the bounding set too, so nothing can regain one"})
	return false
}

// serviceUser picks an unprivileged account created for the service: the
// lowest uid from 1000 up, below nobody's 65534.
func serviceUser(users []User) (User, bool) {
	best, ok := User{}, false
	for _, u := range users {
		if u.UID >= 1000 && u.UID < 65534 && (!ok || u.UID < best.UID) {
			best, ok = u, true
		}
	}
	return best, ok
}

// canExec reports whether user ("uid[:gid]", numeric) may execute f. A
// named user is assumed able to: its uid is not known here.
func canExec(f FileInfo, user string) bool {
	us, gs, _ := strings.Cut(user, ":")
	uid, err := strconv.Atoi(us)
	if err != nil {
		return true
	}
	gid, gerr := strconv.Atoi(gs)
	m := f.Mode.Perm()
	switch {
	case f.UID == uid:
		return m&0o100 != 0
	case gerr == nil && f.GID == gid:
		return m&0o010 != 0
	}
	return m&0o001 != 0
}

// exposed lists the image's exposed ports, sorted.
func exposed(img *Image) []Port {
	var out []Port
	for spec := range img.Config.ExposedPorts {
		num, proto, _ := strings.Cut(spec, "/")
		if proto == "" {
			proto = "tcp"
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > 65535 {
			continue
		}
		out = append(out, Port{ContainerPort: n, Proto: proto})
	}
	slices.SortFunc(out, func(a, b Port) int {
		if a.ContainerPort != b.ContainerPort {
			return a.ContainerPort - b.ContainerPort
		}
		return strings.Compare(a.Proto, b.Proto)
	})
	return out
}

func (p *Profile) ports(img *Image, opt Options, root bool) {
	ports := exposed(img)
	low := 0
	for _, pt := range ports {
		if pt.ContainerPort < 1024 && (low == 0 || pt.ContainerPort < low) {
			low = pt.ContainerPort
		}
	}
	if low > 0 {
		if root {
			p.CapAdd = append(p.CapAdd, "NET_BIND_SERVICE")
			p.Notes = append(p.Notes, Note{Setting: "--cap-add NET_BIND_SERVICE",
				Why: fmt.Sprintf("the image listens on port %d, below 1024, and the profile keeps root", low)})
		} else {
			// Docker grants no ambient capabilities, so --cap-add
			// NET_BIND_SERVICE does nothing for a non-root process; the
			// namespaced sysctl does, in the container's network namespace.
			key := "net.ipv4.ip_unprivileged_port_start"
			p.Sysctls = map[string]string{key: strconv.Itoa(low)}
			p.Notes = append(p.Notes, Note{Setting: "--sysctl " + key + "=" + strconv.Itoa(low),
				Why:  fmt.Sprintf("the image listens on port %d, below 1024; Docker gives a non-root process no ambient capabilities, so NET_BIND_SERVICE would not let it bind there, while this sysctl lowers the privileged range in the container's own network namespace only", low),
				Risk: "any process in the container may bind ports from " + strconv.Itoa(low) + " up"})
		}
	}
	if len(ports) == 0 {
		return
	}
	if opt.Network == "none" {
		p.Notes = append(p.Notes, Note{Setting: "--network none", Why: "no network: exposed ports are not published"})
		return
	}
	for _, pt := range ports {
		pt.HostIP, pt.HostPort = opt.PublishIP, pt.ContainerPort
		if pt.HostPort < 1024 {
			pt.HostPort += 8000
		}
		p.Publish = append(p.Publish, pt)
	}
	var specs []string
	for _, pt := range p.Publish {
		specs = append(specs, pt.String())
	}
	p.Notes = append(p.Notes, Note{Setting: "-p " + strings.Join(specs, " -p "),
		Why:  "exposed ports published on one address (CIS 5.14) and on host ports from 1024 up (CIS 5.8)",
		Risk: "clients reach the service on these host ports; change the address to serve other interfaces"})
}

func (p *Profile) writable(img *Image, opt Options) {
	dirs := slices.Sorted(maps.Keys(img.WritableDirs))
	volumes := slices.Sorted(maps.Keys(img.Config.Volumes))
	isVolume := map[string]bool{}
	for _, v := range volumes {
		isVolume[v] = true
	}
	for _, d := range dirs {
		if isVolume[d] {
			continue
		}
		m := img.WritableDirs[d]
		mode := uint32(m.Perm())
		if m&fs.ModeSticky != 0 {
			mode |= 0o1000
		}
		o := fmt.Sprintf("rw,noexec,nosuid,size=%s,mode=%o", opt.TmpfsSize, mode)
		p.Mounts = append(p.Mounts, Mount{Type: "tmpfs", Target: d, Options: o})
		p.Notes = append(p.Notes, Note{Setting: "--tmpfs " + d + ":" + o,
			Why:  fmt.Sprintf("%s is world-writable in the image (mode %04o), a place the service may write; with a read-only root it gets a tmpfs", d, mode),
			Risk: "its content is lost when the container stops, and noexec stops programs run from it"})
	}
	for _, v := range volumes {
		src := p.Name + "-" + volumeSlug(v)
		p.Mounts = append(p.Mounts, Mount{Type: "volume", Source: src, Target: v})
		p.Notes = append(p.Notes, Note{Setting: "--mount type=volume,source=" + src + ",target=" + v,
			Why:  "the image declares VOLUME " + v + " for data meant to persist; a named volume keeps it writable under a read-only root",
			Risk: "a new volume copies the image directory's owner: make it writable by " + p.User + " if the service writes there"})
	}
	p.Notes = append(p.Notes, Note{Setting: "--read-only",
		Why:  "the root filesystem cannot be changed by the service or an intruder (CIS 5.13)",
		Risk: "writes anywhere but the mounts above fail; add a --tmpfs for each further path the service writes"})
}

func volumeSlug(p string) string {
	s := strings.Trim(strings.ReplaceAll(p, "/", "-"), "-")
	if s == "" {
		return "root"
	}
	return s
}

func (p *Profile) health(img *Image, opt Options) {
	if hc := img.Config.Healthcheck; hc != nil && len(hc.Test) > 0 && !strings.EqualFold(hc.Test[0], "NONE") {
		p.Health = &Health{Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout, StartPeriod: hc.StartPeriod, Retries: hc.Retries, FromImage: true}
		p.Notes = append(p.Notes, Note{Setting: "health check", Why: "the image's own HEALTHCHECK is kept"})
		return
	}
	h := &Health{Interval: 30 * time.Second, Timeout: 5 * time.Second, StartPeriod: 10 * time.Second, Retries: 3}
	why := fmt.Sprintf("the image has no HEALTHCHECK (%s)", misconfig.NoHealthcheck.ID)
	switch {
	case len(opt.HealthCmd) > 0:
		h.Test = append([]string{"CMD"}, opt.HealthCmd...)
		p.Notes = append(p.Notes, Note{Setting: "health check " + strings.Join(opt.HealthCmd, " "), Why: why + "; the probe was given with --health-cmd"})
	default:
		ports := exposed(img)
		var tcp []Port
		for _, pt := range ports {
			if pt.Proto == "tcp" {
				tcp = append(tcp, pt)
			}
		}
		url := ""
		if len(tcp) > 0 {
			url = fmt.Sprintf("http://127.0.0.1:%d/", tcp[0].ContainerPort)
		}
		switch {
		case url != "" && img.Tools["wget"] != "":
			h.Test = []string{"CMD", img.Tools["wget"], "-q", "-O", "/dev/null", url}
		case url != "" && img.Tools["curl"] != "":
			h.Test = []string{"CMD", img.Tools["curl"], "-fsS", "-o", "/dev/null", url}
		default:
			p.Warnings = append(p.Warnings, why+" and no probe program (wget, curl) on its PATH: give one with --health-cmd, or bench 5.27 keeps warning")
			return
		}
		p.Notes = append(p.Notes, Note{Setting: "health check " + strings.Join(h.Test[1:], " "), Why: why + "; suggested probe",
			Risk: "it assumes HTTP on port " + strconv.Itoa(tcp[0].ContainerPort) + "; point it at the service's real health endpoint"})
	}
	p.Health = h
	if !img.Shell {
		p.Warnings = append(p.Warnings, "the image has no /bin/sh, and `docker run --health-cmd` always runs its command through it: use the compose file (exec form) or add a HEALTHCHECK to the image")
	}
}

func (p *Profile) limits(img *Image) {
	p.Notes = append(p.Notes,
		Note{Setting: "--security-opt no-new-privileges:true", Why: "no process can gain privileges through setuid binaries or file capabilities (CIS 5.26)",
			Risk: setuidRisk(img)},
		Note{Setting: fmt.Sprintf("--memory %s --pids-limit %d --cpu-shares %d", units(p.Memory), p.PidsLimit, p.CPUShares),
			Why:  "a runaway or compromised service cannot exhaust the host (CIS 5.11, 5.29, 5.12)",
			Risk: "defaults, not measurements: size them to the service"},
		Note{Setting: "--restart " + p.Restart, Why: "restarts after a crash, but not endlessly (CIS 5.15)"})
}

func setuidRisk(img *Image) string {
	var paths []string
	for _, f := range img.Findings {
		if f.ID == misconfig.Setuid.ID {
			paths = append(paths, "/"+strings.TrimPrefix(f.Evidence.Path, "/"))
		}
	}
	if len(paths) == 0 {
		return ""
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if len(paths) > 5 {
		paths = append(paths[:5], "…")
	}
	return "setuid/setgid programs in the image no longer raise privileges: " + strings.Join(paths, ", ")
}

// units formats bytes the way docker's flags take them.
func units(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "g"
	case n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "m"
	case n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}

// Config and HostConfig are the profile in the Engine API's terms: what
// `docker run` with Args sends (plus the exec-form health check, which the
// CLI cannot send).
func (p *Profile) Config() *container.Config {
	c := &container.Config{Image: p.Image, User: p.User}
	if p.Health != nil && !p.Health.FromImage {
		c.Healthcheck = &container.HealthConfig{Test: p.Health.Test, Interval: p.Health.Interval, Timeout: p.Health.Timeout,
			StartPeriod: p.Health.StartPeriod, Retries: p.Health.Retries}
	}
	return c
}

// HostConfig is the host side of the profile.
func (p *Profile) HostConfig() *container.HostConfig {
	pids := p.PidsLimit
	hc := &container.HostConfig{
		CapDrop: p.CapDrop, CapAdd: p.CapAdd, ReadonlyRootfs: p.ReadOnly, SecurityOpt: p.SecurityOpt,
		Sysctls:       p.Sysctls,
		Resources:     container.Resources{Memory: p.Memory, PidsLimit: &pids, CPUShares: p.CPUShares},
		RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 5},
		NetworkMode:   container.NetworkMode(p.Network),
	}
	for _, m := range p.Mounts {
		switch m.Type {
		case "tmpfs":
			if hc.Tmpfs == nil {
				hc.Tmpfs = map[string]string{}
			}
			hc.Tmpfs[m.Target] = m.Options
		case "volume":
			hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: m.Source, Target: m.Target})
		}
	}
	if len(p.Publish) > 0 {
		hc.PortBindings = nat.PortMap{}
		for _, pt := range p.Publish {
			k := nat.Port(fmt.Sprintf("%d/%s", pt.ContainerPort, pt.Proto))
			hc.PortBindings[k] = append(hc.PortBindings[k], nat.PortBinding{HostIP: pt.HostIP, HostPort: strconv.Itoa(pt.HostPort)})
		}
	}
	return hc
}
