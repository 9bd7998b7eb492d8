// Package policy reads and validates guard policy files: the YAML document
// that says which container settings, images and API calls the
// authorization plugin allows.
//
//	YAML ─▶ Parse (strict: unknown keys fail) ─▶ validate ─▶ *Policy
//
// [Default] is the built-in secure policy; its text (with comments) is
// [DefaultYAML]. A file may set only some keys: the rest keep their
// default values, so a policy states how it departs from the default.
package policy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/yamlerr"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML is the built-in policy as a documented file.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

// maxSize bounds a policy file.
const maxSize = 1 << 20

// Mode says what a denial does.
type Mode string

const (
	Enforce Mode = "enforce" // deny
	Audit   Mode = "audit"   // allow and log
)

// Rule IDs, named in denials, the audit log and exemptions.
const (
	RuleRequestURI      = "request-uri"
	RuleRequestBody     = "request-body"
	RulePrivileged      = "privileged"
	RuleHostPID         = "host-pid"
	RuleHostIPC         = "host-ipc"
	RuleHostNetwork     = "host-network"
	RuleHostUTS         = "host-uts"
	RuleHostUserns      = "host-userns"
	RuleHostCgroupns    = "host-cgroupns"
	RuleCapAdd          = "cap-add"
	RuleDevices         = "devices"
	RuleSensitiveMount  = "sensitive-mount"
	RuleSeccomp         = "seccomp-unconfined"
	RuleAppArmor        = "apparmor-unconfined"
	RuleSELinux         = "selinux-disabled"
	RuleUnmaskedPaths   = "unmasked-paths"
	RuleNoNewPrivileges = "no-new-privileges"
	RuleRootUser        = "root-user"
	RuleReadOnlyRootfs  = "read-only-rootfs"
	RuleRegistry        = "registry"
	RuleDigest          = "digest"
	RuleExec            = "exec"
	RuleExecPrivileged  = "exec-privileged"
	RuleExecRoot        = "exec-root"
	RulePluginInstall   = "plugin-install"
	RuleService         = "service"
	RuleBuildKit        = "buildkit"
	RuleArchiveUpload   = "archive-upload"
	RuleScanGate        = "scan-gate"
	RuleSignature       = "signature"
	RuleProvenance      = "provenance"
	RuleVulnAttestation = "vuln-attestation"
	RuleInternalError   = "internal-error"
)

// Rules lists every rule ID.
var Rules = []string{
	RuleRequestURI, RuleRequestBody, RulePrivileged, RuleHostPID, RuleHostIPC, RuleHostNetwork, RuleHostUTS,
	RuleHostUserns, RuleHostCgroupns, RuleCapAdd, RuleDevices, RuleSensitiveMount, RuleSeccomp, RuleAppArmor,
	RuleSELinux, RuleUnmaskedPaths, RuleNoNewPrivileges, RuleRootUser, RuleReadOnlyRootfs, RuleRegistry,
	RuleDigest, RuleExec, RuleExecPrivileged, RuleExecRoot, RulePluginInstall, RuleService, RuleBuildKit, RuleArchiveUpload, RuleScanGate,
	RuleSignature, RuleProvenance, RuleVulnAttestation, RuleInternalError,
}

// Namespaces a container can share with the host, and the rule of each.
var Namespaces = map[string]string{
	"pid": RuleHostPID, "ipc": RuleHostIPC, "network": RuleHostNetwork,
	"uts": RuleHostUTS, "userns": RuleHostUserns, "cgroup": RuleHostCgroupns,
}

// Policy is a parsed, validated policy.
type Policy struct {
	Version    int         `yaml:"version"`
	Mode       Mode        `yaml:"mode"`
	Requests   Requests    `yaml:"requests"`
	Containers Containers  `yaml:"containers"`
	Images     Images      `yaml:"images"`
	Exec       Exec        `yaml:"exec"`
	Plugins    Plugins     `yaml:"plugins"`
	Services   Services    `yaml:"services"`
	Builds     Builds      `yaml:"builds"`
	ScanGate   ScanGate    `yaml:"scan_gate"`
	Trust      Trust       `yaml:"trust"`
	Exemptions []Exemption `yaml:"exemptions"`
}

// Trust admits images by their signatures and attestations, checked in
// the registry the image was pulled from (its repo digest).
type Trust struct {
	Enabled bool `yaml:"enabled"`
	// TrustedRoot is sigstore's trusted_root.json for keyless signatures.
	TrustedRoot string `yaml:"trusted_root"`
	// NotationDir holds trustpolicy.json and truststore/ for Notation.
	NotationDir string `yaml:"notation_dir"`
	// CacheSize and CacheTTL bound the per-digest verification cache.
	CacheSize int      `yaml:"cache_size"`
	CacheTTL  Duration `yaml:"cache_ttl"`
	// Images are the rules, first matching pattern wins.
	Images []TrustRule `yaml:"images"`
}

// TrustRule says what an image from matching repositories must carry.
type TrustRule struct {
	// Pattern is a registry/repository glob ("registry.example.com/team/*",
	// "docker.io/library/*", "*"); path.Match per segment, "**" any rest.
	Pattern string `yaml:"pattern"`
	// Keys, Identities and Notation name the signers trusted for these
	// images; when any is set, a verified signature from one is required.
	Keys       []string   `yaml:"keys"`
	Identities []Identity `yaml:"identities"`
	Notation   bool       `yaml:"notation"`
	// Builders and SourceRepos require SLSA provenance, signed by a
	// trusted signer, from one of these builder IDs / source repositories
	// (globs).
	Builders    []string `yaml:"builders"`
	SourceRepos []string `yaml:"source_repos"`
	// MaxVulnAttestationAge refuses images whose newest vulnerability scan
	// attestation, signed by a trusted signer, is older (0s: not required).
	MaxVulnAttestationAge Duration `yaml:"max_vuln_attestation_age"`
}

// Identity is a keyless signer: certificate subject and OIDC issuer,
// each exact or a regular expression over the whole value.
type Identity struct {
	Subject       string `yaml:"subject"`
	SubjectRegexp string `yaml:"subject_regexp"`
	Issuer        string `yaml:"issuer"`
	IssuerRegexp  string `yaml:"issuer_regexp"`
}

// Requests are rules about the API request itself.
type Requests struct {
	RequireBody bool `yaml:"require_body"`
}

// Containers are rules about container settings (create, start, update).
type Containers struct {
	AllowPrivileged         bool     `yaml:"allow_privileged"`
	AllowHostNamespaces     []string `yaml:"allow_host_namespaces"`
	AllowCapabilities       []string `yaml:"allow_capabilities"`
	AllowDevices            []string `yaml:"allow_devices"`
	AllowDeviceCgroupRules  bool     `yaml:"allow_device_cgroup_rules"`
	AllowDeviceRequests     bool     `yaml:"allow_device_requests"`
	SensitiveHostPaths      []string `yaml:"sensitive_host_paths"`
	AllowHostPaths          []string `yaml:"allow_host_paths"`
	AllowVolumeDrivers      []string `yaml:"allow_volume_drivers"`
	AllowSeccompUnconfined  bool     `yaml:"allow_seccomp_unconfined"`
	AllowAppArmorUnconfined bool     `yaml:"allow_apparmor_unconfined"`
	AllowSELinuxDisabled    bool     `yaml:"allow_selinux_disabled"`
	AllowUnmaskedPaths      bool     `yaml:"allow_unmasked_paths"`
	RequireNoNewPrivileges  bool     `yaml:"require_no_new_privileges"`
	AllowRootUser           bool     `yaml:"allow_root_user"`
	RequireReadOnlyRootfs   bool     `yaml:"require_read_only_rootfs"`
	AllowArchiveUpload      bool     `yaml:"allow_archive_upload"`
}

// Images are rules about which images may run.
type Images struct {
	AllowedRegistries []string `yaml:"allowed_registries"`
	AllowLocalImages  bool     `yaml:"allow_local_images"`
	RequireDigest     bool     `yaml:"require_digest"`
}

// Exec are rules about docker exec.
type Exec struct {
	Allow           bool `yaml:"allow"`
	AllowPrivileged bool `yaml:"allow_privileged"`
	AllowRoot       bool `yaml:"allow_root"`
}

// Plugins are rules about Docker plugins.
type Plugins struct {
	AllowInstall bool `yaml:"allow_install"`
}

// Builds are rules about image builds.
type Builds struct {
	// AllowBuildKit allows BuildKit builds (POST /grpc, POST /build with
	// version=2), whose entitlements (network.host, security.insecure)
	// travel inside the build session where the plugin cannot see them.
	AllowBuildKit bool `yaml:"allow_buildkit"`
}

// Services are rules about swarm services.
type Services struct {
	Allow bool `yaml:"allow"`
}

// ScanGate admits images by their latest Bulwark scan.
type ScanGate struct {
	Enabled  bool              `yaml:"enabled"`
	Severity advisory.Severity `yaml:"severity"`
	// KnownExploited denies images with a finding CISA lists as known
	// exploited, whatever its severity; EPSS (when above 0) those with a
	// finding whose EPSS score is at least that.
	KnownExploited bool    `yaml:"known_exploited"`
	EPSS           float64 `yaml:"epss"`
	RequireScan    bool    `yaml:"require_scan"`
	// RequireCoverage is the least vulnerability coverage the scan must
	// have: CoverageFull, CoveragePartial or CoverageAny.
	RequireCoverage string   `yaml:"require_coverage"`
	MaxAge          Duration `yaml:"max_age"`
	HistoryDir      string   `yaml:"history_dir"`
	IgnoreFile      string   `yaml:"ignore_file"`
}

// scan_gate.require_coverage values.
const (
	CoverageFull    = "full"    // every package an advisory source could cover was checked
	CoveragePartial = "partial" // at least one package was checked
	CoverageAny     = "any"     // a scan with vulnerability data, whatever it covered
)

// Exemption lifts rules for some users.
type Exemption struct {
	Users  []string `yaml:"users"`
	Rules  []string `yaml:"rules"`
	Reason string   `yaml:"reason"`
}

// Duration is a time.Duration written as "90m", "168h".
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration such as 168h or 0s", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// Default returns the built-in policy.
func Default() *Policy {
	p, err := parse(defaultYAML, nil)
	if err != nil {
		// The embedded file is tested; failing here means a broken build.
		return &Policy{Version: 1, Mode: Enforce, Requests: Requests{RequireBody: true}}
	}
	return p
}

// Load reads and validates a policy file.
func Load(file string) (*Policy, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", file, err)
	}
	return p, nil
}

// Parse reads a policy over the built-in default: keys the document does
// not set keep their default values.
func Parse(r io.Reader) (*Policy, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSize {
		return nil, errors.New("file larger than 1 MiB")
	}
	base, err := parse(defaultYAML, nil)
	if err != nil {
		return nil, fmt.Errorf("built-in default: %w", err)
	}
	p, err := parse(b, base)
	if err != nil {
		return nil, oneLine(err)
	}
	return p, nil
}

// oneLine flattens the YAML decoder's and validation's multi-line errors
// so the command line prints one line.
func oneLine(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return yamlerr.Explain(err, "the policy", &Policy{})
	}
	if msg := err.Error(); strings.Contains(msg, "\n") {
		return errors.New(strings.ReplaceAll(msg, "\n", "; "))
	}
	return err
}

func parse(b []byte, base *Policy) (*Policy, error) {
	p := &Policy{}
	if base != nil {
		p = base
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty policy (write at least \"version: 1\")")
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// validate checks values and normalises lists (capability names upper
// case without CAP_, paths cleaned).
func (p *Policy) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.Version != 1 {
		bad("version: %d is not supported (want 1)", p.Version)
	}
	switch p.Mode {
	case Enforce, Audit:
	default:
		bad("mode: %q (want enforce or audit)", p.Mode)
	}
	c := &p.Containers
	for i, ns := range c.AllowHostNamespaces {
		ns = strings.ToLower(strings.TrimSpace(ns))
		if _, ok := Namespaces[ns]; !ok {
			bad("containers.allow_host_namespaces: %q (want pid, ipc, network, uts, userns or cgroup)", c.AllowHostNamespaces[i])
		}
		c.AllowHostNamespaces[i] = ns
	}
	for i, cp := range c.AllowCapabilities {
		n := NormalizeCapability(cp)
		if n == "" || strings.ContainsFunc(n, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') }) {
			bad("containers.allow_capabilities: %q is not a capability name", cp)
		}
		c.AllowCapabilities[i] = n
	}
	for _, list := range []struct {
		key   string
		paths []string
	}{
		{"containers.allow_devices", c.AllowDevices},
		{"containers.sensitive_host_paths", c.SensitiveHostPaths},
		{"containers.allow_host_paths", c.AllowHostPaths},
	} {
		for i, pth := range list.paths {
			if !path.IsAbs(pth) {
				bad("%s: %q is not an absolute path", list.key, pth)
				continue
			}
			list.paths[i] = path.Clean(pth)
		}
	}
	for _, d := range c.AllowVolumeDrivers {
		if strings.TrimSpace(d) == "" || d == "local" {
			bad("containers.allow_volume_drivers: %q (name a volume driver other than local)", d)
		}
	}
	for _, a := range c.AllowHostPaths {
		if a == "/" {
			bad("containers.allow_host_paths: \"/\" would allow every host path")
		}
	}
	for i, r := range p.Images.AllowedRegistries {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == "" || strings.ContainsAny(r, "/@ ") {
			bad("images.allowed_registries: %q is not a registry host[:port]", p.Images.AllowedRegistries[i])
		}
		if r == "index.docker.io" || r == "registry-1.docker.io" {
			r = "docker.io"
		}
		p.Images.AllowedRegistries[i] = r
	}
	g := &p.ScanGate
	g.Severity = advisory.Severity(strings.ToLower(string(g.Severity)))
	switch g.Severity {
	case advisory.Critical, advisory.High, advisory.Medium, advisory.Low, advisory.UnknownSeverity:
	default:
		bad("scan_gate.severity: %q (want critical, high, medium, low or unknown)", g.Severity)
	}
	if g.EPSS < 0 || g.EPSS > 1 || g.EPSS != g.EPSS {
		bad("scan_gate.epss: %v (want a probability between 0 and 1; 0 turns it off)", g.EPSS)
	}
	g.RequireCoverage = strings.ToLower(strings.TrimSpace(g.RequireCoverage))
	switch g.RequireCoverage {
	case CoverageFull, CoveragePartial, CoverageAny:
	default:
		bad("scan_gate.require_coverage: %q (want full, partial or any)", g.RequireCoverage)
	}
	if g.HistoryDir != "" && !path.IsAbs(g.HistoryDir) {
		bad("scan_gate.history_dir: %q is not an absolute path", g.HistoryDir)
	}
	if g.IgnoreFile != "" && !path.IsAbs(g.IgnoreFile) {
		bad("scan_gate.ignore_file: %q is not an absolute path", g.IgnoreFile)
	}
	p.Trust.validate(bad)
	for i, e := range p.Exemptions {
		if len(e.Users) == 0 {
			bad("exemptions[%d]: no users", i)
		}
		for _, u := range e.Users {
			if strings.TrimSpace(u) == "" {
				bad("exemptions[%d]: empty user name (requests without TLS authentication carry no user)", i)
			}
		}
		if len(e.Rules) == 0 {
			bad("exemptions[%d]: no rules", i)
		}
		for _, r := range e.Rules {
			switch {
			case !slices.Contains(Rules, r):
				bad("exemptions[%d]: unknown rule %q", i, r)
			case r == RuleRequestURI || r == RuleRequestBody || r == RuleInternalError:
				bad("exemptions[%d]: rule %q cannot be exempted", i, r)
			}
		}
		if strings.TrimSpace(e.Reason) == "" {
			bad("exemptions[%d]: no reason", i)
		}
	}
	return errors.Join(errs...)
}

func (t *Trust) validate(bad func(string, ...any)) {
	if t.TrustedRoot != "" && !path.IsAbs(t.TrustedRoot) {
		bad("trust.trusted_root: %q is not an absolute path", t.TrustedRoot)
	}
	if t.NotationDir != "" && !path.IsAbs(t.NotationDir) {
		bad("trust.notation_dir: %q is not an absolute path", t.NotationDir)
	}
	if t.CacheSize < 0 {
		bad("trust.cache_size: %d is negative", t.CacheSize)
	}
	if t.Enabled && len(t.Images) == 0 {
		bad("trust.images: trust is enabled and no rule says what to trust")
	}
	for i, r := range t.Images {
		if strings.TrimSpace(r.Pattern) == "" {
			bad("trust.images[%d]: no pattern", i)
		} else if _, err := path.Match(r.Pattern, ""); err != nil {
			bad("trust.images[%d]: pattern %q: %v", i, r.Pattern, err)
		}
		for _, k := range r.Keys {
			if !path.IsAbs(k) && !strings.Contains(k, "://") {
				bad("trust.images[%d].keys: %q is not an absolute path", i, k)
			}
		}
		for j, id := range r.Identities {
			if id.Subject == "" && id.SubjectRegexp == "" {
				bad("trust.images[%d].identities[%d]: no subject or subject_regexp", i, j)
			}
			for _, re := range []string{id.SubjectRegexp, id.IssuerRegexp} {
				if _, err := regexp.Compile(re); err != nil {
					bad("trust.images[%d].identities[%d]: %q: %v", i, j, re, err)
				}
			}
			if t.TrustedRoot == "" {
				bad("trust.images[%d].identities: keyless identities need trust.trusted_root", i)
			}
		}
		if r.Notation && t.NotationDir == "" {
			bad("trust.images[%d].notation: needs trust.notation_dir", i)
		}
		signers := len(r.Keys) > 0 || len(r.Identities) > 0 || r.Notation
		if !signers && (len(r.Builders) > 0 || len(r.SourceRepos) > 0 || r.MaxVulnAttestationAge.Duration > 0) {
			bad("trust.images[%d]: attestation rules need trusted signers (keys, identities or notation)", i)
		}
		for _, g := range append(append([]string{}, r.Builders...), r.SourceRepos...) {
			if _, err := path.Match(g, ""); err != nil {
				bad("trust.images[%d]: glob %q: %v", i, g, err)
			}
		}
	}
}

// MatchRepository reports whether repo (registry/path, as in a repo
// digest) matches a trust pattern: "*" alone matches every repository;
// otherwise path.Match segment by segment, with a final "**" matching
// any rest.
func MatchRepository(pattern, repo string) bool {
	if pattern == "*" || pattern == "**" {
		return true
	}
	ps, rs := strings.Split(pattern, "/"), strings.Split(repo, "/")
	for i, p := range ps {
		if p == "**" && i == len(ps)-1 {
			return len(rs) >= i
		}
		if i >= len(rs) {
			return false
		}
		if ok, _ := path.Match(p, rs[i]); !ok {
			return false
		}
	}
	return len(ps) == len(rs)
}

// NormalizeCapability writes a capability as Docker's API does: upper
// case without the CAP_ prefix ("cap_sys_admin" → "SYS_ADMIN").
func NormalizeCapability(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	return strings.TrimPrefix(c, "CAP_")
}

// Exempt reports whether user is exempt from rule.
func (p *Policy) Exempt(user, rule string) bool {
	if user == "" {
		return false
	}
	for _, e := range p.Exemptions {
		if slices.Contains(e.Users, user) && slices.Contains(e.Rules, rule) {
			return true
		}
	}
	return false
}
