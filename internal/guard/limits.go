package guard

import (
	"errors"
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// Bounded work per decision. A 1 MiB body can list tens of thousands of
// mounts or --volumes-from entries, and each may cost an engine call; no
// real container needs more than these, so longer lists are denied before
// any of it is judged, and the engine calls one decision may make are
// capped (repeated names are asked once).
const (
	maxList    = 256    // binds, mounts, volumes-from, devices, capabilities, security options, tmpfs, driver options…
	maxEnv     = 10_000 // environment variables
	maxLookups = 64     // engine calls (containers and volumes inspected) per decision
)

var errTooManyLookups = errors.New("the request names more than 64 containers and volumes to inspect")

// lookup counts one engine call of the decision.
func (e *eval) lookup() error {
	e.lookups++
	if e.lookups > maxLookups {
		return errTooManyLookups
	}
	return nil
}

// overLimits names the first list of h over its cap.
func overLimits(h *HostConfig) *Violation {
	for _, l := range []struct {
		name string
		n    int
	}{
		{"Binds", len(h.Binds)}, {"Mounts", len(h.Mounts)}, {"VolumesFrom", len(h.VolumesFrom)},
		{"Devices", len(h.Devices)}, {"DeviceCgroupRules", len(h.DeviceCgroupRules)}, {"DeviceRequests", len(h.DeviceRequests)},
		{"CapAdd", len(h.CapAdd)}, {"CapDrop", len(h.CapDrop)}, {"Capabilities", len(h.Capabilities)},
		{"SecurityOpt", len(h.SecurityOpt)}, {"Tmpfs", len(h.Tmpfs)}, {"MaskedPaths", len(h.MaskedPaths)},
		{"ReadonlyPaths", len(h.ReadonlyPaths)}, {"Links", len(h.Links)}, {"ExtraHosts", len(h.ExtraHosts)},
		{"Ulimits", len(h.Ulimits)}, {"Sysctls", len(h.Sysctls)},
	} {
		if l.n > maxList {
			return &Violation{policy.RuleRequestBody, fmt.Sprintf("HostConfig.%s lists %d entries, over the guard's limit of %d", l.name, l.n, maxList)}
		}
	}
	for _, m := range h.Mounts {
		if m.VolumeOptions != nil && m.VolumeOptions.DriverConfig != nil && len(m.VolumeOptions.DriverConfig.Options) > maxList {
			return &Violation{policy.RuleRequestBody, fmt.Sprintf("a mount's volume driver options number %d, over the guard's limit of %d", len(m.VolumeOptions.DriverConfig.Options), maxList)}
		}
	}
	return nil
}

func overEnv(n int) *Violation {
	if n > maxEnv {
		return &Violation{policy.RuleRequestBody, fmt.Sprintf("Env lists %d variables, over the guard's limit of %d", n, maxEnv)}
	}
	return nil
}
