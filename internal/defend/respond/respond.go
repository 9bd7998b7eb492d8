// Package respond carries out what a rule asks for when it selects an
// event, and writes into the alert what was done.
//
// # Data flow
//
//	Alert (Response proposed by the rule)
//	  → kill: already done in the kernel (Event.Killed), else SIGKILL from user space
//	  → deny: already refused (Ret = -EPERM: fanotify or cgroup connect program), else killed
//	  → pause / stop: the Engine API, on the event's container
//	  → Alert.Response and Alert.Detail say what happened (Failed with why)
//
// Denials are standing: [ExecGuard] answers the fanotify permission
// events of the containers' root filesystems, and the kernel sensor's
// cgroup connect programs refuse connections; the alerts of those refusals
// come from there.
package respond

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/container"
	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Engine is the part of the Engine API the responder uses.
type Engine interface {
	ContainerPause(ctx context.Context, id string) error
	ContainerStop(ctx context.Context, id string, opts container.StopOptions) error
}

// Responder acts on alerts.
type Responder struct {
	eng Engine
	// DryRun reports what would be done without doing it (alert mode).
	DryRun bool
}

// New returns a responder; eng may be nil (pause and stop then fail).
func New(eng Engine) *Responder { return &Responder{eng: eng} }

// Respond carries out a.Response and records the outcome.
func (r *Responder) Respond(ctx context.Context, a *event.Alert) {
	e := &a.Event
	if r.DryRun && a.Response != event.Report && !e.Killed {
		a.Detail = "would " + string(a.Response) + " (alert mode)"
		a.Response = event.Report
		return
	}
	switch a.Response {
	case "", event.Report:
		a.Response = event.Report
		if e.Killed {
			a.Response = event.Kill
			a.Detail = "killed in the kernel (predicate of rule " + e.KernelRule + ")"
		}
	case event.Kill:
		if e.Killed {
			a.Detail = "killed in the kernel before the act completed"
			return
		}
		r.kill(a, "killed from user space: the rule is not checkable in the kernel, so the act had already happened")
	case event.Deny:
		if e.Ret == -int64(unix.EPERM) {
			a.Detail = "refused with EPERM"
			return
		}
		if e.Killed {
			a.Response = event.Kill
			a.Detail = "killed in the kernel before the act completed"
			return
		}
		r.kill(a, "the act was not refusable when it happened; killed from user space instead")
	case event.Pause, event.Stop:
		if e.Container == nil {
			fail(a, errors.New("not in a container"))
			return
		}
		if r.eng == nil {
			fail(a, errors.New("no Engine API connection"))
			return
		}
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		var err error
		if a.Response == event.Pause {
			err = r.eng.ContainerPause(ctx, e.Container.ID)
		} else {
			timeout := 0
			err = r.eng.ContainerStop(ctx, e.Container.ID, container.StopOptions{Timeout: &timeout})
		}
		if err != nil {
			fail(a, err)
			return
		}
		a.Detail = "container " + string(a.Response) + "d through the Engine API"
		if a.Response == event.Stop {
			a.Detail = "container stopped through the Engine API"
		}
	default:
		fail(a, fmt.Errorf("unknown response %q", a.Response))
	}
}

func (r *Responder) kill(a *event.Alert, why string) {
	pid := int(a.Event.Process.PID)
	if pid <= 1 {
		fail(a, fmt.Errorf("refusing to kill pid %d", pid))
		return
	}
	if err := unix.Kill(pid, unix.SIGKILL); err != nil {
		if errors.Is(err, unix.ESRCH) {
			a.Response = event.Failed
			a.Detail = "the process had already exited"
			return
		}
		fail(a, err)
		return
	}
	a.Response = event.Kill
	a.Detail = why
}

func fail(a *event.Alert, err error) {
	a.Detail = string(a.Response) + " failed: " + err.Error()
	a.Response = event.Failed
}
