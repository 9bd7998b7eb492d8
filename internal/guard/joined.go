package guard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// joined judges what a container takes from the engine's existing state:
// named volumes (a volume made earlier with the local driver's bind
// options mounts a host path), other containers' namespaces (--network/
// --pid/--ipc container:X, where X may share the host's) and their volumes
// (--volumes-from X, where X may mount a sensitive host path). Without
// this, a volume or container made earlier (before the plugin, in audit
// mode, or by an exempt user) would lend its host access to any new one.
// mounted is what an inspected container already mounts (start, watch).
func (e *eval) joined(ctx context.Context, hs []*HostConfig, mounted *container.InspectResponse) ([]Violation, error) {
	type ref struct{ container, what string }
	var refs []ref
	var volumes []string
	var uses []hostUse
	for _, h := range hs {
		_, named := e.c.hostUses(h)
		volumes = append(volumes, named...)
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
	if mounted != nil {
		u, named := e.c.mountedUses(*mounted)
		uses = append(uses, u...)
		volumes = append(volumes, named...)
	}
	vs := e.c.judgeUses(uses)
	if len(refs) == 0 && len(volumes) == 0 {
		return vs, nil
	}
	eng, err := e.engine("containers whose namespaces or volumes are joined, named volumes")
	if err != nil || eng == nil {
		return vs, err
	}
	slices.Sort(volumes)
	nu, err := e.namedUses(ctx, eng, slices.Compact(volumes))
	vs = append(vs, e.c.judgeUses(nu)...)
	if err != nil {
		return vs, err
	}
	type other struct {
		host *HostConfig
		ins  container.InspectResponse
	}
	cache := map[string]*other{}
	for _, r := range refs {
		o, ok := cache[r.container]
		if !ok {
			if err := e.lookup(); err != nil {
				return vs, err
			}
			ins, raw, err := eng.ContainerInspectWithRaw(ctx, r.container, false)
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
			o = &other{host: full.HostConfig, ins: ins}
			if o.host == nil {
				o.host = &HostConfig{}
			}
			cache[r.container] = o
		}
		if o == nil {
			continue
		}
		if r.what == "volumes" {
			// What X mounts: its own request (binds, volume options) and
			// what the daemon resolved for it (Mounts, named volumes).
			uses, named := e.c.hostUses(o.host)
			mu, mn := e.c.mountedUses(o.ins)
			named = append(named, mn...)
			slices.Sort(named)
			nu, err := e.namedUses(ctx, eng, slices.Compact(named))
			for _, v := range e.c.judgeUses(slices.Concat(uses, mu, nu)) {
				vs = append(vs, Violation{v.Rule, fmt.Sprintf("--volumes-from %s brings %s", r.container, v.Detail)})
			}
			if err != nil {
				return vs, err
			}
			continue
		}
		h := o.host
		mode := map[string]string{"network": string(h.NetworkMode), "pid": string(h.PidMode), "ipc": string(h.IpcMode)}[r.what]
		if strings.EqualFold(mode, "host") && !e.c.namespaces[r.what] {
			vs = append(vs, Violation{policy.Namespaces[r.what], fmt.Sprintf("joining the %s namespace of container %s, which shares the host's, is not allowed (containers.allow_host_namespaces)", r.what, r.container)})
		}
	}
	return slices.Clip(vs), nil
}
