package guard

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// The host-path resolver: every way the Engine API names a host path a
// container or volume mounts ends here, and the sensitive-mount rule
// judges only what it returns.
//
//	Binds "SRC:DST[:OPTS]"      SRC absolute: a bind of SRC; a name: a named
//	                            volume; "DST" alone: an anonymous volume
//	Mounts[] bind               Source
//	Mounts[] volume             Source (a named volume) and
//	                            VolumeOptions.DriverConfig (the options a new
//	                            volume is created with, named or anonymous)
//	Mounts[] tmpfs, image       nothing from the host
//	HostConfig.VolumeDriver     the driver of volumes created without one
//	local driver options        o=bind/rbind with device=PATH: a bind of
//	                            PATH; type=tmpfs, nfs, cifs: no host path;
//	                            another type: its device, a host path
//	named volumes               the engine's record (driver, options)
//	inspected containers        their Mounts: what they actually got
//
// What it cannot tell is unjudged, and unjudged denies: a relative device
// (mount(2) resolves it from the daemon's working directory), a mount
// option naming a path (overlay's lowerdir=…), a filesystem type without a
// host device (proc, sysfs, overlay), a driver other than local unless the
// policy allows it, a mount type it does not know.

// hostUse is one host path a request mounts, or why it cannot tell.
type hostUse struct {
	what string // how the request names it: "bind mount", "volume data (local driver, o=bind)"
	path string // absolute and clean; "" when unjudged
	why  string // unjudged: why the host path cannot be known
}

func bindUse(what, src string) hostUse {
	if !path.IsAbs(src) {
		return hostUse{what: what, why: fmt.Sprintf("source %q is not an absolute path", src)}
	}
	return hostUse{what: what, path: path.Clean(src)}
}

// hostUses lists what h mounts from the host as far as the request tells
// (no engine needed), and the named volumes whose definitions the engine
// holds.
func (c *compiled) hostUses(h *HostConfig) (uses []hostUse, named []string) {
	volume := func(name string) {
		switch {
		case strings.Contains(name, "/"):
			uses = append(uses, hostUse{what: "volume " + name, why: "a volume name holding a slash"})
		case !slices.Contains(named, name):
			named = append(named, name)
		}
	}
	driver := cmp.Or(h.VolumeDriver, "local")
	if u, ok := c.driverUse("volumes created by this container", driver); !ok {
		uses = append(uses, u)
	}
	for _, b := range h.Binds {
		parts := strings.Split(b, ":")
		switch {
		case len(parts) > 3:
			uses = append(uses, hostUse{what: fmt.Sprintf("bind %q", b), why: "not SRC:DST[:OPTIONS]"})
		case len(parts) == 1:
			// An anonymous volume at DST, made by VolumeDriver.
		case strings.HasPrefix(parts[0], "/"):
			uses = append(uses, bindUse("bind mount", parts[0]))
		case parts[0] == "":
			uses = append(uses, hostUse{what: fmt.Sprintf("bind %q", b), why: "no source"})
		default:
			volume(parts[0])
		}
	}
	for _, m := range h.Mounts {
		switch m.Type {
		case mount.TypeBind:
			uses = append(uses, bindUse("bind mount", m.Source))
		case mount.TypeVolume:
			switch {
			case strings.HasPrefix(m.Source, "/"):
				// The daemon refuses it; judged as the host path it names.
				uses = append(uses, bindUse("volume mount", m.Source))
			case m.Source != "":
				volume(m.Source)
			}
			if m.VolumeOptions != nil && m.VolumeOptions.DriverConfig != nil {
				dc := m.VolumeOptions.DriverConfig
				what := "volume " + cmp.Or(m.Source, "(anonymous)")
				uses = append(uses, c.volumeUses(what, cmp.Or(dc.Name, driver), dc.Options)...)
			}
		case mount.TypeTmpfs, mount.TypeImage:
			// Memory, or another image's content: nothing from the host.
		default:
			uses = append(uses, hostUse{what: fmt.Sprintf("mount of type %q", m.Type), why: "a mount type the guard does not judge"})
		}
	}
	return uses, named
}

// driverUse: a volume driver other than local mounts whatever its plugin
// decides, which the guard cannot see; allowed only when the policy lists it.
func (c *compiled) driverUse(what, driver string) (hostUse, bool) {
	if driver == "local" || slices.Contains(c.p.Containers.AllowVolumeDrivers, driver) {
		return hostUse{}, true
	}
	return hostUse{what: what, why: fmt.Sprintf("volume driver %q is not the local driver and not in containers.allow_volume_drivers", driver)}, false
}

// Filesystem types of the local driver that mount no host path: memory,
// or a network share named by addr=.
var noHostPath = map[string]bool{"tmpfs": true, "ramfs": true, "nfs": true, "nfs4": true, "cifs": true, "smb3": true}

// volumeUses judges a volume's driver and driver options the way the
// local driver applies them (mount(2) of device on the volume's directory
// with type and the options o).
func (c *compiled) volumeUses(what, driver string, opts map[string]string) []hostUse {
	if u, ok := c.driverUse(what, driver); !ok {
		return []hostUse{u}
	}
	if driver != "local" || len(opts) == 0 {
		// An allowed driver's options mean what its plugin says.
		return nil
	}
	var out []hostUse
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch k {
		case "type", "device", "o", "size":
		default:
			out = append(out, hostUse{what: what, why: fmt.Sprintf("local driver option %q", k)})
		}
	}
	dev, typ := opts["device"], strings.TrimSpace(opts["type"])
	bind := false
	for _, o := range strings.Split(opts["o"], ",") {
		k, v, hasValue := strings.Cut(strings.TrimSpace(o), "=")
		switch {
		case strings.EqualFold(k, "bind") || strings.EqualFold(k, "rbind"):
			bind = true
		case hasValue && strings.Contains(v, "/") && !strings.EqualFold(k, "addr"):
			out = append(out, hostUse{what: what, why: fmt.Sprintf("mount option %q names a path", o)})
		}
	}
	switch {
	case dev == "" && typ == "":
		// Nothing to mount: a plain directory under the daemon's root.
	case bind && !path.IsAbs(dev):
		out = append(out, hostUse{what: what + " (local driver, o=bind)",
			why: fmt.Sprintf("relative device %q is resolved from the daemon's working directory", dev)})
	case bind:
		out = append(out, hostUse{what: what + " (local driver, o=bind)", path: path.Clean(dev)})
	case noHostPath[typ]:
	case path.IsAbs(dev):
		out = append(out, hostUse{what: fmt.Sprintf("%s (local driver, %s device)", what, cmp.Or(typ, "untyped")), path: path.Clean(dev)})
	default:
		out = append(out, hostUse{what: what, why: fmt.Sprintf("a %q filesystem from device %q", typ, dev)})
	}
	return out
}

// judgeUses applies sensitive-mount to resolved host paths and denies what
// could not be resolved.
func (c *compiled) judgeUses(uses []hostUse) []Violation {
	var vs []Violation
	for _, u := range uses {
		if u.why != "" {
			vs = append(vs, Violation{policy.RuleSensitiveMount, fmt.Sprintf("%s cannot be judged: %s", u.what, u.why)})
			continue
		}
		if hit, why := c.sensitiveMount(u.path); hit {
			vs = append(vs, Violation{policy.RuleSensitiveMount, fmt.Sprintf("%s of %s %s (containers.sensitive_host_paths)", u.what, u.path, why)})
		}
	}
	return vs
}

// mountedUses lists what an inspected container actually mounts (its
// Mounts, resolved by the daemon at create: binds, volumes, volumes taken
// from other containers) and the named volumes among them.
func (c *compiled) mountedUses(ins container.InspectResponse) (uses []hostUse, named []string) {
	for _, m := range ins.Mounts {
		switch m.Type {
		case mount.TypeBind:
			uses = append(uses, bindUse("bind mount", m.Source))
		case mount.TypeVolume:
			if u, ok := c.driverUse("volume "+m.Name, cmp.Or(m.Driver, "local")); !ok {
				uses = append(uses, u)
			}
			if m.Name != "" && !slices.Contains(named, m.Name) {
				named = append(named, m.Name)
			}
		case mount.TypeTmpfs, mount.TypeImage:
		default:
			uses = append(uses, hostUse{what: fmt.Sprintf("mount of type %q", m.Type), why: "a mount type the guard does not judge"})
		}
	}
	return uses, named
}

// namedUses looks named volumes up in the engine: a volume made earlier
// with the local driver's bind options mounts that host path. A volume
// that does not exist yet is created by the daemon with the options the
// request gives, which hostUses judged.
func (e *eval) namedUses(ctx context.Context, eng Engine, names []string) ([]hostUse, error) {
	var out []hostUse
	for _, name := range names {
		if e.volumes == nil {
			e.volumes = map[string][]hostUse{}
		}
		uses, ok := e.volumes[name]
		if !ok {
			if err := e.lookup(); err != nil {
				return out, err
			}
			v, err := eng.VolumeInspect(ctx, name)
			switch {
			case cerrdefs.IsNotFound(err):
			case err != nil:
				return out, fmt.Errorf("inspecting volume %s: %w", name, err)
			default:
				uses = e.c.volumeUses("volume "+name, cmp.Or(v.Driver, "local"), v.Options)
			}
			e.volumes[name] = uses
		}
		out = append(out, uses...)
	}
	return out, nil
}
