package facts

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/docker/api/types/system"
	"github.com/docker/docker/client"
)

// EngineAPI is the part of the Docker Engine API the audit reads. The
// Docker client (*client.Client) satisfies it; tests may substitute a
// recorded engine.
type EngineAPI interface {
	Info(ctx context.Context) (system.Info, error)
	ServerVersion(ctx context.Context) (types.Version, error)
	ContainerList(ctx context.Context, options container.ListOptions) ([]container.Summary, error)
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	ContainerTop(ctx context.Context, id string, arguments []string) (container.TopResponse, error)
	ImageList(ctx context.Context, options image.ListOptions) ([]image.Summary, error)
	ImageInspect(ctx context.Context, id string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageHistory(ctx context.Context, id string, opts ...client.ImageHistoryOption) ([]image.HistoryResponseItem, error)
	NetworkList(ctx context.Context, options network.ListOptions) ([]network.Summary, error)
	SwarmInspect(ctx context.Context) (swarm.Swarm, error)
	NodeList(ctx context.Context, options swarm.NodeListOptions) ([]swarm.Node, error)
	SecretList(ctx context.Context, options swarm.SecretListOptions) ([]swarm.Secret, error)
}

var _ EngineAPI = (*client.Client)(nil)

// engine asks the Engine API for everything checks read. Containers and
// images are inspected by opt.Workers goroutines at once.
func engine(ctx context.Context, api EngineAPI, opt Options) Engine {
	e := Engine{Host: opt.DockerHost, Containers: []Container{}, Images: []Image{}, Networks: []network.Summary{}}
	var err error
	if e.Info, err = api.Info(ctx); err != nil {
		e.Err = fmt.Sprintf("engine info: %v", err)
		return e
	}
	if e.Version, err = api.ServerVersion(ctx); err != nil {
		e.Err = fmt.Sprintf("engine version: %v", err)
		return e
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); containers(ctx, api, opt, &e) }()
	go func() { defer wg.Done(); images(ctx, api, opt, &e) }()
	go func() {
		defer wg.Done()
		if e.Networks, err = api.NetworkList(ctx, network.ListOptions{}); err != nil {
			e.NetworksErr = err.Error()
		}
		swarmState(ctx, api, &e)
	}()
	wg.Wait()
	return e
}

// forEach runs fn(i) for i in [0,n) on at most workers goroutines.
func forEach(n, workers int, fn func(i int)) {
	if workers < 1 {
		workers = 1
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func containers(ctx context.Context, api EngineAPI, opt Options, e *Engine) {
	// All containers, stopped ones included: their configuration is what
	// they will run with when started again.
	list, err := api.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		e.ContainersErr = err.Error()
		return
	}
	var ids []string
	for _, c := range list {
		if _, ok := c.Labels[opt.IgnoreLabel]; ok && opt.IgnoreLabel != "" {
			e.Ignored++
			continue
		}
		ids = append(ids, c.ID)
	}
	out := make([]Container, len(ids))
	errs := make([]error, len(ids))
	forEach(len(ids), opt.Workers, func(i int) {
		ins, err := api.ContainerInspect(ctx, ids[i])
		if err != nil {
			errs[i] = err
			return
		}
		if ins.Config != nil {
			ins.Config.Env = redactEnv(ins.Config.Env)
		}
		c := Container{Inspect: ins}
		out[i] = c
	})
	var missing []string
	for i, c := range out {
		switch {
		case errs[i] == nil:
			e.Containers = append(e.Containers, c)
		case cerrdefs.IsNotFound(errs[i]):
			// Removed between list and inspect: nothing left to audit.
		default:
			missing = append(missing, fmt.Sprintf("%s: %v", shortID(ids[i]), errs[i]))
		}
	}
	if len(missing) > 0 {
		e.ContainersErr = "inspecting containers: " + strings.Join(missing, "; ")
	}
}

// topCommands picks the command column of a top answer.
func topCommands(top container.TopResponse) []string {
	col := -1
	for i, t := range top.Titles {
		switch strings.ToUpper(t) {
		case "COMMAND", "CMD", "COMM":
			col = i
		}
	}
	out := []string{}
	for _, p := range top.Processes {
		if col >= 0 && col < len(p) {
			out = append(out, p[col])
		} else if len(p) > 0 {
			out = append(out, p[len(p)-1])
		}
	}
	return out
}

func images(ctx context.Context, api EngineAPI, opt Options, e *Engine) {
	list, err := api.ImageList(ctx, image.ListOptions{})
	if err != nil {
		e.ImagesErr = err.Error()
		return
	}
	out := make([]Image, len(list))
	errs := make([]error, len(list))
	forEach(len(list), opt.Workers, func(i int) {
		ins, err := api.ImageInspect(ctx, list[i].ID)
		if err != nil {
			errs[i] = err
			return
		}
		if ins.Config != nil {
			ins.Config.Env = redactEnv(ins.Config.Env)
		}
		if ins.ContainerConfig != nil {
			ins.ContainerConfig.Env = redactEnv(ins.ContainerConfig.Env)
		}
		img := Image{Inspect: ins, History: []image.HistoryResponseItem{}}
		if h, err := api.ImageHistory(ctx, list[i].ID); err != nil {
			img.HistoryErr = err.Error()
		} else {
			img.History = h
		}
		out[i] = img
	})
	var missing []string
	for i, img := range out {
		switch {
		case errs[i] == nil:
			e.Images = append(e.Images, img)
		case cerrdefs.IsNotFound(errs[i]):
		default:
			missing = append(missing, fmt.Sprintf("%s: %v", shortID(list[i].ID), errs[i]))
		}
	}
	if len(missing) > 0 {
		e.ImagesErr = "inspecting images: " + strings.Join(missing, "; ")
	}
}

func swarmState(ctx context.Context, api EngineAPI, e *Engine) {
	if e.Info.Swarm.LocalNodeState != swarm.LocalNodeStateActive {
		return
	}
	if !e.Info.Swarm.ControlAvailable {
		e.SwarmErr = "this node is a swarm worker: cluster settings are readable on managers only"
		e.NodesErr, e.SecretsErr = e.SwarmErr, e.SwarmErr
		return
	}
	if sw, err := api.SwarmInspect(ctx); err != nil {
		e.SwarmErr = err.Error()
	} else {
		e.Swarm = &sw
	}
	var err error
	if e.Nodes, err = api.NodeList(ctx, swarm.NodeListOptions{}); err != nil {
		e.NodesErr = err.Error()
	}
	if s, err := api.SecretList(ctx, swarm.SecretListOptions{}); err != nil {
		e.SecretsErr = err.Error()
	} else {
		e.Secrets = len(s)
	}
}

// processes fills the process lists of running containers. One pass over
// the host's /proc, matching each process's cgroup to a container id, costs
// a few milliseconds; the Engine API's top runs ps(1) on the host once per
// container, which takes seconds on a busy host. Containers whose processes
// are not visible in /proc (the audit runs without the host's PID namespace)
// fall back to top.
func processes(ctx context.Context, h *host, api EngineAPI, opt Options, e *Engine) {
	running := map[string]int{}
	for i, c := range e.Containers {
		if c.Running() {
			running[c.Inspect.ID] = i
		}
	}
	if len(running) == 0 {
		return
	}
	ids := make(map[string]bool, len(running))
	for id := range running {
		ids[id] = true
	}
	seen, err := h.containerProcesses(ids)
	if err != nil {
		slog.DebugContext(ctx, "facts: process table not readable, using the Engine API", "err", err)
	}
	var rest []int
	for id, i := range running {
		if procs, ok := seen[id]; ok {
			e.Containers[i].Processes = procs
		} else {
			rest = append(rest, i)
		}
	}
	slices.Sort(rest)
	forEach(len(rest), opt.Workers, func(k int) {
		c := &e.Containers[rest[k]]
		// ps's comm column: the executable name, not arguments that could
		// carry secrets.
		top, err := api.ContainerTop(ctx, c.Inspect.ID, []string{"-o", "pid,comm"})
		if err != nil {
			c.ProcessesErr = err.Error()
			return
		}
		c.Processes = topCommands(top)
	})
}

// Redacted replaces environment values in snapshots: no check needs them,
// and snapshots are meant to be carried to other machines.
const Redacted = "<redacted>"

// redactEnv keeps variable names and whether a value was set.
func redactEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		switch {
		case !ok:
			out = append(out, k)
		case v == "":
			out = append(out, k+"=")
		default:
			out = append(out, k+"="+Redacted)
		}
	}
	return out
}
