// Package sensor is the contract between what watches the kernel (the eBPF
// programs of package kernel, or the proc connector and fanotify of package
// procmon when BPF is not available) and the agent's pipeline: a stream of
// records, each an event as the kernel saw it plus what the sensor knew
// about its cgroup.
package sensor

import (
	"context"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Record is one act seen by a sensor.
type Record struct {
	Event event.Event
	// Boot is the CLOCK_BOOTTIME stamp of the act (for detection latency);
	// zero when the sensor has none.
	Boot time.Duration
	// Unknown is set when the cgroup was not registered as a container's
	// yet; CgroupName is then its name (the engine names a container's
	// cgroup after its id).
	Unknown    bool
	CgroupName string
	// Relative is set for an open whose path is relative to the process's
	// working directory.
	Relative bool
	// UpperKnown is set when the sensor itself told whether an executed
	// file lives in the container's writable layer
	// (Event.Process.ExeUpperLayer), so nobody needs to look again.
	UpperKnown bool
}

// Sensor produces records until ctx ends.
type Sensor interface {
	// Run calls emit for each record from one goroutine; emit must not
	// keep r.
	Run(ctx context.Context, emit func(r *Record)) error
}
