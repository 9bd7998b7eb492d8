package guard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/mount"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// joined judges what a container takes from other containers: their
// namespaces (--network/--pid/--ipc container:X, where X may share the
// host's) and their volumes (--volumes-from X, where X may bind a
// sensitive host path). Without this, a container made earlier (before
// the plugin, in audit mode, or by an exempt user) would lend its host
// access to any new one.
func (e *eval) joined(ctx context.Context, hs []*HostConfig) ([]Violation, error) {
	type ref struct{ container, what string }
	var refs []ref
	var volumes []string
	for _, h := range hs {
		volumes = append(volumes, namedVolumes(h)...)
		for _, m := range []struct{ ns, mode string }{
			{"network", string(h.NetworkMode)}, {"pid", string(h.PidMode)}, {"ipc", string(h.IpcMode)},
		} {
			if id, ok := strings.CutPrefix(m.mode, "container:"); ok && id != "" {
				refs = append(refs, ref{id, m.ns})
			}
		}
		for _, vf := range h.VolumesFrom {
			id, _, _ := strings.Cut(vf, ":")
			if id != "" {
				refs = append(refs, ref{id, "volumes"})
			}
		}
	}
	if len(refs) == 0 && len(volumes) == 0 {
		return nil, nil
	}
	eng, err := e.engine("containers whose namespaces or volumes are joined, named volumes")
	if err != nil || eng == nil {
		return nil, err
	}
	var vs []Violation
	// A named volume made earlier with the local driver's bind options
	// (o=bind, device=PATH) mounts that host path.
	slices.Sort(volumes)
	for _, name := range slices.Compact(volumes) {
		v, err := eng.VolumeInspect(ctx, name)
		if cerrdefs.IsNotFound(err) {
			continue // the daemon creates it, with no options
		}
		if err != nil {
			return vs, fmt.Errorf("inspecting volume %s: %w", name, err)
		}
		if dev := v.Options["device"]; strings.HasPrefix(dev, "/") {
			if hit, why := e.c.sensitiveMount(dev); hit {
				vs = append(vs, Violation{policy.RuleSensitiveMount, fmt.Sprintf("volume %s binds host path %s, which %s (containers.sensitive_host_paths)", name, dev, strings.TrimPrefix(why, "is "))})
			}
		}
	}
	cache := map[string]*HostConfig{}
	for _, r := range refs {
		other, ok := cache[r.container]
		if !ok {
			_, raw, err := eng.ContainerInspectWithRaw(ctx, r.container, false)
			if cerrdefs.IsNotFound(err) {
				// The daemon refuses to join a container that does not exist.
				cache[r.container] = nil
				continue
			}
			if err != nil {
				return vs, fmt.Errorf("inspecting container %s: %w", r.container, err)
			}
			var full struct{ HostConfig *HostConfig }
			if err := decodeJSON(raw, &full); err != nil {
				return vs, fmt.Errorf("container %s: inspect answer: %w", r.container, err)
			}
			other = full.HostConfig
			cache[r.container] = other
		}
		if other == nil {
			continue
		}
		if r.what == "volumes" {
			for _, src := range hostSources(other) {
				if hit, why := e.c.sensitiveMount(src); hit {
					vs = append(vs, Violation{policy.RuleSensitiveMount, fmt.Sprintf("--volumes-from %s brings its bind mount of %s, which %s (containers.sensitive_host_paths)", r.container, src, strings.TrimPrefix(why, "is "))})
				}
			}
			continue
		}
		mode := map[string]string{"network": string(other.NetworkMode), "pid": string(other.PidMode), "ipc": string(other.IpcMode)}[r.what]
		if strings.EqualFold(mode, "host") && !e.c.namespaces[r.what] {
			vs = append(vs, Violation{policy.Namespaces[r.what], fmt.Sprintf("joining the %s namespace of container %s, which shares the host's, is not allowed (containers.allow_host_namespaces)", r.what, r.container)})
		}
	}
	return slices.Clip(vs), nil
}

// namedVolumes lists the named volumes a host configuration mounts.
func namedVolumes(h *HostConfig) []string {
	var out []string
	for _, b := range h.Binds {
		src, _, ok := strings.Cut(b, ":")
		if ok && src != "" && !strings.HasPrefix(src, "/") {
			out = append(out, src)
		}
	}
	for _, m := range h.Mounts {
		if m.Type == mount.TypeVolume && m.Source != "" && !strings.HasPrefix(m.Source, "/") {
			out = append(out, m.Source)
		}
	}
	return out
}
