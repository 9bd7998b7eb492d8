package runprofile

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/harden"
)

// Args are the `docker run` arguments of the profile, image last. The
// health check is included only when the image has a shell to run it
// (see Profile.Warnings otherwise).
func (p *Profile) Args(shell bool) []string {
	a := []string{"--name", p.Name, "--user", p.User}
	for _, c := range p.CapDrop {
		a = append(a, "--cap-drop", c)
	}
	for _, c := range p.CapAdd {
		a = append(a, "--cap-add", c)
	}
	if p.ReadOnly {
		a = append(a, "--read-only")
	}
	for _, m := range p.Mounts {
		switch m.Type {
		case "tmpfs":
			a = append(a, "--tmpfs", m.Target+":"+m.Options)
		case "volume":
			a = append(a, "--mount", "type=volume,source="+m.Source+",target="+m.Target)
		}
	}
	for _, o := range p.SecurityOpt {
		a = append(a, "--security-opt", o)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Sysctls)) {
		a = append(a, "--sysctl", k+"="+p.Sysctls[k])
	}
	a = append(a, "--memory", units(p.Memory), "--pids-limit", fmt.Sprint(p.PidsLimit), "--cpu-shares", fmt.Sprint(p.CPUShares),
		"--restart", p.Restart)
	if p.Network != "" {
		a = append(a, "--network", p.Network)
	}
	for _, pt := range p.Publish {
		a = append(a, "-p", pt.String())
	}
	if h := p.Health; h != nil && !h.FromImage && shell && len(h.Test) > 1 {
		a = append(a, "--health-cmd", shellJoin(h.Test[1:]), "--health-interval", h.Interval.String(),
			"--health-timeout", h.Timeout.String(), "--health-start-period", h.StartPeriod.String(),
			"--health-retries", fmt.Sprint(h.Retries))
	}
	return append(a, p.Image)
}

// Command is the `docker run` command line, quoted for a POSIX shell.
func (p *Profile) Command(shell bool) string {
	return "docker run -d " + shellJoin(p.Args(shell))
}

// shellJoin quotes words for a POSIX shell where they need it.
func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = shellQuote(w)
	}
	return strings.Join(q, " ")
}

func shellQuote(w string) string {
	if w == "" {
		return "''"
	}
	safe := true
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'"'"'`) + "'"
}

// composeService is services.NAME in the Compose specification, fields in
// the order people write them.
type composeService struct {
	Image       string            `yaml:"image"`
	User        quoted            `yaml:"user"`
	ReadOnly    bool              `yaml:"read_only"`
	CapDrop     []string          `yaml:"cap_drop"`
	CapAdd      []string          `yaml:"cap_add,omitempty"`
	SecurityOpt []string          `yaml:"security_opt"`
	Sysctls     map[string]string `yaml:"sysctls,omitempty"`
	Tmpfs       []quoted          `yaml:"tmpfs,omitempty"`
	Volumes     []composeVolume   `yaml:"volumes,omitempty"`
	MemLimit    string            `yaml:"mem_limit"`
	PidsLimit   int64             `yaml:"pids_limit"`
	CPUShares   int64             `yaml:"cpu_shares"`
	Restart     string            `yaml:"restart"`
	NetworkMode string            `yaml:"network_mode,omitempty"`
	Ports       []quoted          `yaml:"ports,omitempty"`
	Healthcheck *composeHealth    `yaml:"healthcheck,omitempty"`
}

// quoted is a string always written in double quotes: unquoted, a value
// such as 1000:1000 or 80:80 reads as a base-60 number to YAML 1.1 parsers.
type quoted string

func (q quoted) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Value: string(q)}, nil
}

type composeVolume struct {
	Type   string `yaml:"type"`
	Source string `yaml:"source"`
	Target string `yaml:"target"`
}

type composeHealth struct {
	Test        []string `yaml:"test"`
	Interval    string   `yaml:"interval,omitempty"`
	Timeout     string   `yaml:"timeout,omitempty"`
	StartPeriod string   `yaml:"start_period,omitempty"`
	Retries     int      `yaml:"retries,omitempty"`
}

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]struct{}       `yaml:"volumes,omitempty"`
}

func dur(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// Compose renders the profile as a compose file with one service.
func (p *Profile) Compose() ([]byte, error) {
	s := composeService{Image: p.Image, User: quoted(p.User), ReadOnly: p.ReadOnly, CapDrop: p.CapDrop, CapAdd: p.CapAdd,
		SecurityOpt: p.SecurityOpt, Sysctls: p.Sysctls, MemLimit: units(p.Memory), PidsLimit: p.PidsLimit,
		CPUShares: p.CPUShares, Restart: p.Restart}
	f := composeFile{Services: map[string]composeService{}}
	for _, m := range p.Mounts {
		switch m.Type {
		case "tmpfs":
			s.Tmpfs = append(s.Tmpfs, quoted(m.Target+":"+m.Options))
		case "volume":
			s.Volumes = append(s.Volumes, composeVolume{Type: "volume", Source: m.Source, Target: m.Target})
			if f.Volumes == nil {
				f.Volumes = map[string]struct{}{}
			}
			f.Volumes[m.Source] = struct{}{}
		}
	}
	switch p.Network {
	case "":
	case "none":
		s.NetworkMode = "none"
	default:
		// A named network is the project's own in compose; as network_mode
		// it joins an existing one.
		s.NetworkMode = p.Network
	}
	for _, pt := range p.Publish {
		s.Ports = append(s.Ports, quoted(pt.String()))
	}
	if h := p.Health; h != nil && !h.FromImage {
		s.Healthcheck = &composeHealth{Test: h.Test, Interval: dur(h.Interval), Timeout: dur(h.Timeout),
			StartPeriod: dur(h.StartPeriod), Retries: h.Retries}
	}
	f.Services[p.Name] = s
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("runprofile: rendering compose: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("runprofile: rendering compose: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteText renders the profile for a person: the command, the compose
// service, a note per setting and the simulated bench result.
func WriteText(w io.Writer, p *Profile, shell bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Least-privilege profile for %s\n\n", p.Image)
	b.WriteString(p.Command(shell))
	b.WriteString("\n")
	for _, warn := range p.Warnings {
		fmt.Fprintf(&b, "\nWarning: %s\n", warn)
	}
	b.WriteString("\nWhy each setting:\n")
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  %s\n      why:        %s\n", n.Setting, n.Why)
		if n.Risk != "" {
			fmt.Fprintf(&b, "      may break:  %s\n", n.Risk)
		}
	}
	compose, err := p.Compose()
	if err != nil {
		return err
	}
	b.WriteString("\nCompose:\n")
	for _, l := range strings.Split(strings.TrimRight(string(compose), "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	harden.WriteTransitions(&b, p.Checks)
	_, err = io.WriteString(w, b.String())
	return err
}
