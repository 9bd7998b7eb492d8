package guard

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// createRequest mirrors the daemon's decoding of a container create body.
// Docker 20.10 decodes into a wrapper that embeds the host configuration a
// second time at the top level (deprecated API: {"Image":…,
// "Privileged":true} with no "HostConfig" key creates a privileged
// container there); newer daemons read only "HostConfig". Both views are
// decoded: prohibitions apply to either, requirements must hold in
// "HostConfig".
type createRequest struct {
	*container.Config
	Inner *HostConfig `json:"HostConfig"`
	*HostConfig
}

// HostConfig adds to the client library's type the fields it no longer
// has but daemons still apply: "Capabilities" (API 1.40+, the complete
// capability set, replacing the default one).
type HostConfig struct {
	container.HostConfig
	Capabilities []string `json:"Capabilities"`
}

// spec is a container to judge: from a create body, or from the engine's
// inspect answer.
type spec struct {
	image   string // reference as requested
	imageID string // known for created containers
	user    string
	envKeys []string
	// effective is the host configuration the daemon uses; also holds the
	// deprecated top-level view when a create body carried one.
	effective *HostConfig
	also      *HostConfig
	// inspected: the engine filled in its defaults, so settings that
	// default to the host's (the cgroup namespace on cgroup v1) say
	// nothing about the request.
	inspected bool
	// mounted is the inspect answer of a created container: what the
	// daemon resolved its mounts to, and its ID.
	mounted *container.InspectResponse
	envLen  int
}

func (s *spec) hosts() []*HostConfig {
	var out []*HostConfig
	for _, h := range []*HostConfig{s.effective, s.also} {
		if h != nil {
			out = append(out, h)
		}
	}
	return out
}

func (e *eval) create(ctx context.Context, body []byte) ([]Violation, error) {
	var req createRequest
	if err := decodeJSON(body, &req); err != nil {
		return []Violation{{policy.RuleRequestBody, "container create body: " + err.Error()}}, nil
	}
	s := &spec{effective: req.Inner, also: req.HostConfig}
	if req.Config != nil {
		s.image, s.user = req.Config.Image, req.Config.User
		s.envKeys = envKeys(req.Config.Env)
		s.envLen = len(req.Config.Env)
	}
	return e.container(ctx, s)
}

// start re-judges a created container by what the engine holds, and a
// start body (API < 1.24 applied a host configuration sent at start).
func (e *eval) start(ctx context.Context, id string, body []byte) ([]Violation, error) {
	var vs []Violation
	if b := strings.TrimSpace(string(body)); b != "" && b != "{}" && b != "null" {
		var hc HostConfig
		if b[0] != '{' || decodeJSON([]byte(b), &hc) != nil {
			return []Violation{{policy.RuleRequestBody, "container start body is not a JSON host configuration"}}, nil
		}
		vs = append(vs, e.host(&hc, false, false)...)
	}
	eng, err := e.engine("the created container's settings")
	if err != nil || eng == nil {
		return vs, err
	}
	ins, raw, err := eng.ContainerInspectWithRaw(ctx, id, false)
	if cerrdefs.IsNotFound(err) {
		return append(vs, Violation{policy.RuleRequestURI, fmt.Sprintf("no container %q to start", id)}), nil
	}
	if err != nil {
		return vs, fmt.Errorf("inspecting container %s: %w", id, err)
	}
	more, err := e.judgeInspect(ctx, ins, raw)
	return unique(append(vs, more...)), err
}

// judgeInspect applies the container rules to an inspected container;
// raw is the engine's answer, for the host configuration fields the
// client library drops.
func (e *eval) judgeInspect(ctx context.Context, ins container.InspectResponse, raw []byte) ([]Violation, error) {
	var full struct{ HostConfig *HostConfig }
	if err := decodeJSON(raw, &full); err != nil {
		return nil, fmt.Errorf("container %s: inspect answer: %w", ins.ID, err)
	}
	s := &spec{imageID: ins.Image, effective: full.HostConfig, inspected: true, mounted: &ins}
	if s.effective == nil {
		s.effective = &HostConfig{}
	}
	if ins.Config != nil {
		s.image, s.user, s.envKeys = ins.Config.Image, ins.Config.User, envKeys(ins.Config.Env)
	}
	sum := e.summary()
	sum.Container = strings.TrimPrefix(ins.Name, "/")
	return e.container(ctx, s)
}

func (e *eval) container(ctx context.Context, s *spec) ([]Violation, error) {
	for _, h := range s.hosts() {
		if v := overLimits(h); v != nil {
			return []Violation{*v}, nil
		}
	}
	if v := overEnv(s.envLen); v != nil {
		return []Violation{*v}, nil
	}
	sum := e.summary()
	sum.fromSpec(e.c, s)
	var vs []Violation
	for i, h := range s.hosts() {
		vs = append(vs, e.host(h, i == 0 && h == s.effective, s.inspected)...)
	}
	if s.effective == nil {
		vs = append(vs, e.requirements(&HostConfig{})...)
	}
	jv, err := e.joined(ctx, s.hosts(), s.mounted)
	vs = append(vs, jv...)
	if err != nil {
		return unique(vs), err
	}
	iv, err := e.image(ctx, s)
	vs = append(vs, iv...)
	return unique(vs), err
}

// host applies the rules over one host configuration; requirements only
// when it is the configuration the daemon will use.
func (e *eval) host(h *HostConfig, effective, inspected bool) []Violation {
	p := &e.c.p.Containers
	var vs []Violation
	add := func(rule, format string, args ...any) {
		vs = append(vs, Violation{rule, fmt.Sprintf(format, args...)})
	}
	if h.Privileged && !p.AllowPrivileged {
		add(policy.RulePrivileged, "privileged containers are not allowed (containers.allow_privileged)")
	}
	for _, ns := range []struct{ name, mode string }{
		{"pid", string(h.PidMode)}, {"ipc", string(h.IpcMode)}, {"network", string(h.NetworkMode)},
		{"uts", string(h.UTSMode)}, {"userns", string(h.UsernsMode)}, {"cgroup", string(h.CgroupnsMode)},
	} {
		if inspected && ns.name == "cgroup" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(ns.mode), "host") && !e.c.namespaces[ns.name] {
			add(policy.Namespaces[ns.name], "sharing the host's %s namespace is not allowed (containers.allow_host_namespaces)", ns.name)
		}
	}
	var caps []string
	for _, c := range append(slices.Clone(h.CapAdd), h.Capabilities...) {
		n := policy.NormalizeCapability(c)
		if !e.c.caps[n] && !e.c.caps["ALL"] && !slices.Contains(caps, n) {
			caps = append(caps, n)
		}
	}
	if len(caps) > 0 {
		add(policy.RuleCapAdd, "capabilit%s %s not in the allow-list (containers.allow_capabilities)", plural(len(caps), "y", "ies"), strings.Join(caps, ", "))
	}
	for _, d := range h.Devices {
		if !e.c.deviceAllowed(d.PathOnHost) {
			add(policy.RuleDevices, "host device %s is not allowed (containers.allow_devices)", d.PathOnHost)
		}
	}
	if len(h.DeviceCgroupRules) > 0 && !p.AllowDeviceCgroupRules {
		add(policy.RuleDevices, "device cgroup rules %q are not allowed (containers.allow_device_cgroup_rules)", h.DeviceCgroupRules)
	}
	if len(h.DeviceRequests) > 0 && !p.AllowDeviceRequests {
		add(policy.RuleDevices, "device requests (--gpus) are not allowed (containers.allow_device_requests)")
	}
	uses, _ := e.c.hostUses(h)
	vs = append(vs, e.c.judgeUses(uses)...)
	so := parseSecurityOpt(h.SecurityOpt)
	if so.seccompUnconfined && !p.AllowSeccompUnconfined {
		add(policy.RuleSeccomp, "seccomp=unconfined is not allowed (containers.allow_seccomp_unconfined)")
	}
	if so.seccompProfile != "" && !p.AllowSeccompUnconfined {
		switch v := judgeSeccomp(so.seccompProfile); {
		case v.invalid != "":
			add(policy.RuleSeccomp, "the seccomp profile cannot be judged: %s (containers.allow_seccomp_unconfined)", v.invalid)
		case v.allowByDefault:
			add(policy.RuleSeccomp, "the seccomp profile allows every syscall by default, which is unconfined (containers.allow_seccomp_unconfined)")
		case len(v.allowed) > 0:
			add(policy.RuleSeccomp, "the seccomp profile allows %s, which Docker's default profile blocks (containers.allow_seccomp_unconfined)", strings.Join(v.allowed, ", "))
		}
	}
	if so.apparmorUnconfined && !p.AllowAppArmorUnconfined {
		add(policy.RuleAppArmor, "apparmor=unconfined is not allowed (containers.allow_apparmor_unconfined)")
	}
	if so.apparmorProfile != "" && !p.AllowAppArmorUnconfined {
		if off, mode := apparmorUnconfined(so.apparmorProfile); off {
			add(policy.RuleAppArmor, "AppArmor profile %s is loaded in %s mode, which refuses nothing (containers.allow_apparmor_unconfined)", so.apparmorProfile, mode)
		}
	}
	if so.selinuxOff != "" && !p.AllowSELinuxDisabled {
		add(policy.RuleSELinux, "label=%s turns SELinux confinement off (containers.allow_selinux_disabled)", so.selinuxOff)
	}
	if unmasked(h) && !p.AllowUnmaskedPaths {
		add(policy.RuleUnmaskedPaths, "masked or read-only /proc and /sys paths are unset (systempaths=unconfined; containers.allow_unmasked_paths)")
	}
	if so.invalid != "" {
		add(policy.RuleRequestBody, "security option %q is not understood", so.invalid)
	}
	if effective {
		vs = append(vs, e.requirements(h)...)
	}
	return vs
}

// requirements are the settings the effective host configuration must
// have.
func (e *eval) requirements(h *HostConfig) []Violation {
	p := &e.c.p.Containers
	var vs []Violation
	if p.RequireNoNewPrivileges && !parseSecurityOpt(h.SecurityOpt).noNewPrivileges {
		vs = append(vs, Violation{policy.RuleNoNewPrivileges, "--security-opt no-new-privileges is required (containers.require_no_new_privileges)"})
	}
	if p.RequireReadOnlyRootfs && !h.ReadonlyRootfs {
		vs = append(vs, Violation{policy.RuleReadOnlyRootfs, "a read-only root filesystem (--read-only) is required (containers.require_read_only_rootfs)"})
	}
	return vs
}

func (e *eval) update(body []byte) ([]Violation, error) {
	var u container.UpdateConfig
	if err := decodeJSON(body, &u); err != nil {
		return []Violation{{policy.RuleRequestBody, "container update body: " + err.Error()}}, nil
	}
	h := &HostConfig{HostConfig: container.HostConfig{Resources: u.Resources}}
	if v := overLimits(h); v != nil {
		return []Violation{*v}, nil
	}
	return e.host(h, false, false), nil
}

func (e *eval) execCreate(ctx context.Context, id string, body []byte) ([]Violation, error) {
	var x container.ExecOptions
	if err := decodeJSON(body, &x); err != nil {
		return []Violation{{policy.RuleRequestBody, "exec create body: " + err.Error()}}, nil
	}
	p := &e.c.p.Exec
	sum := e.summary()
	sum.Container, sum.User, sum.Privileged, sum.EnvKeys = id, x.User, x.Privileged, envKeys(x.Env)
	var vs []Violation
	if !p.Allow {
		vs = append(vs, Violation{policy.RuleExec, "docker exec is not allowed (exec.allow)"})
	}
	if x.Privileged && !p.AllowPrivileged {
		vs = append(vs, Violation{policy.RuleExecPrivileged, "docker exec --privileged is not allowed (exec.allow_privileged)"})
	}
	if p.AllowRoot {
		return vs, nil
	}
	if v := overEnv(len(x.Env)); v != nil {
		return append(vs, *v), nil
	}
	user := x.User
	if user == "" || needsPasswd(user) {
		// An exec without --user runs as the container's user; a name is
		// resolved in the container's /etc/passwd, as the daemon does.
		eng, err := e.engine("the container's user for exec")
		if err != nil || eng == nil {
			return vs, err
		}
		if user == "" {
			ins, _, err := eng.ContainerInspectWithRaw(ctx, id, false)
			if cerrdefs.IsNotFound(err) {
				return append(vs, Violation{policy.RuleRequestURI, fmt.Sprintf("no container %q to exec in", id)}), nil
			}
			if err != nil {
				return vs, fmt.Errorf("inspecting container %s: %w", id, err)
			}
			if ins.Config != nil {
				user = ins.Config.User
			}
			sum.User = user
		}
		pw := passwdFile{}
		if needsPasswd(user) {
			if pw, err = containerPasswd(ctx, eng, id); err != nil {
				return vs, err
			}
		}
		return append(vs, execRootViolation(user, resolveUser(user, pw))...), nil
	}
	return append(vs, execRootViolation(user, resolveUser(user, passwdFile{}))...), nil
}

func execRootViolation(spec string, a userAnswer) []Violation {
	switch {
	case a.unjudged != "":
		return []Violation{{policy.RuleExecRoot, fmt.Sprintf("exec user %q cannot be resolved (%s), so whether it is root cannot be judged (exec.allow_root)", spec, a.unjudged)}}
	case a.root:
		return []Violation{{policy.RuleExecRoot, fmt.Sprintf("docker exec as root (user %q, uid 0) is not allowed (exec.allow_root)", spec)}}
	}
	return nil
}

// volumeCreate judges a volume by its driver and driver options (the
// local driver's o=bind, device=PATH make mounting it a bind mount).
func (e *eval) volumeCreate(body []byte) ([]Violation, error) {
	var v struct {
		Name       string
		Driver     string
		DriverOpts map[string]string
	}
	if err := decodeJSON(body, &v); err != nil {
		return []Violation{{policy.RuleRequestBody, "volume create body: " + err.Error()}}, nil
	}
	if len(v.DriverOpts) > maxList {
		return []Violation{{policy.RuleRequestBody, fmt.Sprintf("volume create body: %d driver options, over the limit of %d", len(v.DriverOpts), maxList)}}, nil
	}
	what := "volume " + cmp.Or(v.Name, "(unnamed)")
	return e.c.judgeUses(e.c.volumeUses(what, cmp.Or(v.Driver, "local"), v.DriverOpts)), nil
}

// sensitiveMount reports whether mounting src exposes a sensitive host
// path: src is one, lies beneath one (except "/"), or contains one. Both
// src as written and src resolved through symlinks are compared with both
// forms of each sensitive path.
func (c *compiled) sensitiveMount(src string) (bool, string) {
	h := newHostPath(src)
	for _, s := range h.forms() {
		for _, sp := range c.sensitive {
			for _, f := range sp.forms() {
				via := ""
				if s != filepath.Clean(src) {
					via = fmt.Sprintf(" (resolves to %s)", s)
				}
				switch {
				case s == f:
					return true, fmt.Sprintf("is sensitive host path %s%s", sp.literal, via)
				case within(f, s):
					return true, fmt.Sprintf("contains sensitive host path %s%s", sp.literal, via)
				case f != "/" && within(s, f) && !c.pathAllowed(h):
					return true, fmt.Sprintf("is inside sensitive host path %s%s", sp.literal, via)
				}
			}
		}
	}
	return false, ""
}

// pathAllowed: both forms of h lie at or beneath an allowed path.
func (c *compiled) pathAllowed(h hostPath) bool {
	for _, s := range h.forms() {
		ok := false
		for _, a := range c.allowPaths {
			for _, f := range a.forms() {
				if s == f || within(s, f) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (c *compiled) deviceAllowed(dev string) bool {
	h := newHostPath(dev)
	for _, s := range h.forms() {
		ok := false
		for _, a := range c.devices {
			if slices.Contains(a.forms(), s) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// within reports whether p lies strictly beneath dir.
func within(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return strings.HasPrefix(p, dir+"/")
}

// securityOpts is --security-opt as the daemon reads it: in order, later
// entries overriding earlier ones, "=" or the old ":" separator.
type securityOpts struct {
	seccompUnconfined  bool
	seccompProfile     string // a JSON profile (the client sends a file's content)
	apparmorUnconfined bool
	apparmorProfile    string // a profile name
	selinuxOff         string
	noNewPrivileges    bool
	invalid            string
}

func parseSecurityOpt(opts []string) securityOpts {
	var s securityOpts
	for _, o := range opts {
		switch o {
		case "no-new-privileges":
			s.noNewPrivileges = true
			continue
		case "disable":
			s.selinuxOff = "disable"
			continue
		}
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, ok = strings.Cut(o, ":")
		}
		if !ok {
			s.invalid = o
			continue
		}
		switch k {
		case "seccomp":
			s.seccompUnconfined = v == "unconfined"
			s.seccompProfile = ""
			if v != "unconfined" && v != "builtin" {
				s.seccompProfile = v
			}
		case "apparmor":
			s.apparmorUnconfined = v == "unconfined"
			s.apparmorProfile = ""
			if v != "unconfined" {
				s.apparmorProfile = v
			}
		case "label":
			if v == "disable" || strings.EqualFold(v, "type:spc_t") {
				s.selinuxOff = v
			}
		case "no-new-privileges":
			b, err := strconv.ParseBool(v)
			if err != nil {
				s.invalid = o
			}
			s.noNewPrivileges = b
		case "systempaths", "credentialspec", "writable-cgroups":
			// systempaths arrives as MaskedPaths/ReadonlyPaths; the
			// others are not security relaxations the rules cover.
		default:
			s.invalid = o
		}
	}
	return s
}

// Docker 20.10's default masked and read-only paths.
var (
	defaultMasked = []string{"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"}
	defaultReadonly = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
)

// unmasked: a host configuration that sets MaskedPaths or ReadonlyPaths
// (null means the daemon's defaults) without all of Docker's defaults.
func unmasked(h *HostConfig) bool {
	missing := func(set, want []string) bool {
		if set == nil {
			return false
		}
		for _, w := range want {
			if !slices.Contains(set, w) {
				return true
			}
		}
		return false
	}
	return missing(h.MaskedPaths, defaultMasked) || missing(h.ReadonlyPaths, defaultReadonly)
}

// envKeys keeps variable names only: values are often secrets.
func envKeys(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		out = append(out, k)
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
