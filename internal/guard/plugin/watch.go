package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// WatchEngine is the part of the Engine API the watcher uses.
type WatchEngine interface {
	guard.Engine
	ContainerList(ctx context.Context, opts container.ListOptions) ([]container.Summary, error)
	Events(ctx context.Context, opts events.ListOptions) (<-chan events.Message, <-chan error)
	ContainerStop(ctx context.Context, id string, opts container.StopOptions) error
}

var _ WatchEngine = (*client.Client)(nil)

// Finding is a running container that breaks the policy.
type Finding struct {
	Time       time.Time         `json:"time"`
	Container  string            `json:"container"`
	Name       string            `json:"name"`
	Image      string            `json:"image"`
	Violations []guard.Violation `json:"violations"`
	Error      string            `json:"error,omitempty"`
	Stopped    bool              `json:"stopped"`
}

// Watcher reports (and optionally stops) running containers that break
// the policy, including those started before the plugin existed.
type Watcher struct {
	Guard  *guard.Guard
	Engine WatchEngine
	// Stop stops violating containers.
	Stop bool
	// Report receives each finding as it is made.
	Report func(Finding)
	// Since makes Follow replay container starts from that time on
	// (zero: from now).
	Since time.Time
	// Checked counts the containers judged by Scan and Follow.
	Checked int
}

// Scan judges every running container once and returns the findings.
func (w *Watcher) Scan(ctx context.Context) ([]Finding, error) {
	list, err := w.Engine.ContainerList(ctx, container.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("plugin: listing containers: %w", err)
	}
	var out []Finding
	for _, c := range list {
		name := ""
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		w.Checked++
		if f, ok := w.check(ctx, c.ID, name, c.Image); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// Follow judges each container as it starts, until ctx ends. It returns
// the number of findings.
func (w *Watcher) Follow(ctx context.Context) (int, error) {
	args := filters.NewArgs(filters.Arg("type", string(events.ContainerEventType)), filters.Arg("event", string(events.ActionStart)))
	opts := events.ListOptions{Filters: args}
	if !w.Since.IsZero() {
		opts.Since = strconv.FormatInt(w.Since.Unix(), 10)
	}
	msgs, errs := w.Engine.Events(ctx, opts)
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n, nil
		case err := <-errs:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return n, nil
			}
			return n, fmt.Errorf("plugin: following events: %w", err)
		case m := <-msgs:
			w.Checked++
			if _, ok := w.check(ctx, m.Actor.ID, m.Actor.Attributes["name"], m.Actor.Attributes["image"]); ok {
				n++
			}
		}
	}
}

func (w *Watcher) check(ctx context.Context, id, name, img string) (Finding, bool) {
	d, err := w.Guard.CheckContainer(ctx, id)
	if len(d.Violations) == 0 || (len(d.Violations) == 1 && d.Rule == policy.RuleRequestURI) {
		return Finding{}, false // clean, or gone since it was listed
	}
	f := Finding{Time: time.Now().UTC(), Container: id, Name: name, Image: img, Violations: d.Violations}
	if err != nil {
		f.Error = err.Error()
	}
	if w.Stop && err == nil {
		if serr := w.Engine.ContainerStop(ctx, id, container.StopOptions{}); serr != nil {
			slog.ErrorContext(ctx, "guard watch: stopping container", "container", id, "err", serr)
			f.Error = serr.Error()
		} else {
			f.Stopped = true
		}
	}
	if w.Report != nil {
		w.Report(f)
	}
	return f, true
}
