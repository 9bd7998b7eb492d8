package runprofile

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
)

// Checked selects the bench checks a run profile moves.
var Checked = []string{"4.1", "5"}

// Simulate judges the profile: base is the engine's snapshot (nil for
// none), current the container the profile replaces (nil: the image run
// as `docker run IMAGE` would). It returns both one-container snapshots
// and fills p.Checks and p.Fixes.
func (p *Profile) Simulate(base *facts.Snapshot, img *Image, current *facts.Container) (before, after *facts.Snapshot, err error) {
	if base == nil {
		base = &facts.Snapshot{SchemaVersion: facts.SchemaVersion}
	}
	before, err = harden.Clone(base)
	if err != nil {
		return nil, nil, fmt.Errorf("runprofile: simulating: %w", err)
	}
	after, err = harden.Clone(base)
	if err != nil {
		return nil, nil, fmt.Errorf("runprofile: simulating: %w", err)
	}
	var was facts.Container
	if current != nil {
		was = *current
		if was.Processes == nil {
			was.Processes = processes(img)
		}
	} else {
		was = plainRun(before, img)
	}
	before.Engine.Containers, before.Engine.ContainersErr, before.Engine.Err = []facts.Container{was}, "", ""
	after.Engine.Containers, after.Engine.ContainersErr, after.Engine.Err = []facts.Container{p.container(after, img, was)}, "", ""
	p.Checks = harden.Transitions(before, after, Checked...)
	if p.Checks == nil {
		p.Checks = []harden.Transition{}
	}
	p.Fixes = harden.Fixes(p.Checks)
	return before, after, nil
}

// plainRun is the container `docker run IMAGE` makes: the image's user and
// health check, Docker's defaults for everything else.
func plainRun(s *facts.Snapshot, img *Image) facts.Container {
	cfg := &container.Config{Image: img.Name, User: img.Config.User}
	if hc := img.Config.Healthcheck; hc != nil {
		cfg.Healthcheck = &container.HealthConfig{Test: hc.Test}
	}
	c := facts.Container{Processes: processes(img)}
	c.Inspect.ContainerJSONBase = &container.ContainerJSONBase{ID: "before", Name: "/plain-run",
		State: &container.State{Running: true}, HostConfig: &container.HostConfig{NetworkMode: "default"}}
	c.Inspect.Config = cfg
	engineDefaults(s, &c, "")
	return c
}

// container is the profile's container, replacing was.
func (p *Profile) container(s *facts.Snapshot, img *Image, was facts.Container) facts.Container {
	c := facts.Container{Processes: was.Processes}
	base := container.ContainerJSONBase{}
	if was.Inspect.ContainerJSONBase != nil {
		base = *was.Inspect.ContainerJSONBase
	}
	base.ID, base.Name = "after", "/"+p.Name
	base.HostConfig = p.HostConfig()
	// What the engine adds to every container, and the profile leaves.
	if hc := was.Inspect.ContainerJSONBase; hc != nil && hc.HostConfig != nil {
		base.HostConfig.Devices = hc.HostConfig.Devices
	}
	base.State = &container.State{Running: true}
	c.Inspect.ContainerJSONBase = &base
	c.Inspect.Mounts = was.Inspect.Mounts
	cfg := p.Config()
	if p.Health != nil {
		// Health state exists once a check is configured, from the image
		// or the profile.
		c.Inspect.State.Health = &container.Health{Status: container.Starting}
		if p.Health.FromImage {
			cfg.Healthcheck = &container.HealthConfig{Test: p.Health.Test}
		}
	}
	c.Inspect.Config = cfg
	if c.Processes == nil {
		c.Processes = processes(img)
	}
	engineDefaults(s, &c, p.Network)
	return c
}

// engineDefaults fills in what the engine decides at start: the AppArmor
// profile on AppArmor hosts, the network a default-mode container joins,
// and the health state the image's own check creates.
func engineDefaults(s *facts.Snapshot, c *facts.Container, netMode string) {
	for _, o := range s.Engine.Info.SecurityOptions {
		if o == "name=apparmor" || strings.HasPrefix(o, "name=apparmor,") {
			if c.Inspect.AppArmorProfile == "" {
				c.Inspect.AppArmorProfile = "docker-default"
			}
		}
	}
	if c.Inspect.State.Health == nil && c.Inspect.Config != nil && c.Inspect.Config.Healthcheck != nil &&
		len(c.Inspect.Config.Healthcheck.Test) > 0 && c.Inspect.Config.Healthcheck.Test[0] != "NONE" {
		c.Inspect.State.Health = &container.Health{Status: container.Starting}
	}
	if c.Inspect.NetworkSettings == nil && (netMode == "" || netMode == "default") {
		for _, n := range s.Engine.Networks {
			if n.Name == "bridge" {
				c.Inspect.NetworkSettings = &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{"bridge": {}}}
			}
		}
	}
}

// processes is what a process list of the container would show: the
// entrypoint's name.
func processes(img *Image) []string {
	argv := slices.Concat(img.Config.Entrypoint, img.Config.Cmd)
	if len(argv) == 0 {
		return []string{}
	}
	return []string{path.Base(argv[0])}
}
