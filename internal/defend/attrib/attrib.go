// Package attrib tells which container a process belongs to, from the id
// of its cgroup, and describes the container from the Engine API.
//
// # Data flow
//
//	cgroup layout (v2, or v1 hybrid: which hierarchy gives each container its own cgroup)
//	  → at start: every running container → its cgroup directory → inode = cgroup id
//	  → Engine API events (start, die, destroy) keep the table current
//	  → Lookup(cgroup id, cgroup name) → *event.Container, or nil for the host
//
// A container's cgroup id is the inode number of its cgroup directory (the
// kernfs node id the eBPF programs read). The table registers each id with
// a [Watcher] (the kernel sensor's per-container map), and keeps ids for a
// while after the container exits so late events still resolve. A cgroup
// the kernel reports before the table knows it (a short-lived container)
// is resolved from its name, which the engine makes the container id. A
// cgroup that resolves to no container is the host's: it is never
// attributed, and is registered quiet so the kernel stops reporting it.
package attrib

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Engine is the part of the Engine API client attribution uses.
type Engine interface {
	ContainerList(ctx context.Context, opts container.ListOptions) ([]container.Summary, error)
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	ImageInspect(ctx context.Context, id string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	Events(ctx context.Context, opts events.ListOptions) (<-chan events.Message, <-chan error)
}

var _ Engine = (*client.Client)(nil)

// Watcher is told which cgroups are containers' (the kernel sensor).
type Watcher interface {
	WatchContainer(cgid uint64, c *event.Container) error
	QuietCgroup(cgid uint64) error
	ForgetCgroup(cgid uint64) error
}

// Layout says where container cgroups are.
type Layout struct {
	// V2 is set when containers get their own cgroup in the unified
	// hierarchy (pure v2, or a hybrid host whose engine also places them
	// there); the sensor then uses the task's cgroup v2 id.
	V2 bool
	// Controller is the v1 controller used otherwise ("memory").
	Controller string
	// Root is the mount point of the hierarchy used.
	Root string
}

// String names the layout for probe output.
func (l Layout) String() string {
	if l.V2 {
		return "cgroup v2 at " + l.Root
	}
	return "cgroup v1 " + l.Controller + " controller at " + l.Root
}

// DetectLayout finds the hierarchy that gives each container its own
// cgroup. procCgroup is the /proc/PID/cgroup text of a container process
// when one runs (nil otherwise): a hybrid host whose containers share the
// root v2 cgroup needs a v1 controller.
func DetectLayout(procCgroup []byte) (Layout, error) {
	const base = "/sys/fs/cgroup"
	if _, err := os.Stat(filepath.Join(base, "cgroup.controllers")); err == nil {
		return Layout{V2: true, Root: base}, nil
	}
	unified := filepath.Join(base, "unified")
	_, uerr := os.Stat(filepath.Join(unified, "cgroup.controllers"))
	v2own := uerr == nil
	if procCgroup != nil {
		v2own = false
		sc := bufio.NewScanner(bytes.NewReader(procCgroup))
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "0::"); ok && p != "/" && uerr == nil {
				v2own = true
			}
		}
	} else if v2own {
		// No container to look at: trust the engine's parent directory.
		_, err := os.Stat(filepath.Join(unified, "docker"))
		v2own = err == nil
	}
	if v2own {
		return Layout{V2: true, Root: unified}, nil
	}
	for _, c := range []string{"memory", "pids", "cpu"} {
		if _, err := os.Stat(filepath.Join(base, c, "cgroup.procs")); err == nil {
			return Layout{Controller: c, Root: filepath.Join(base, c)}, nil
		}
	}
	return Layout{}, errors.New("attrib: no cgroup hierarchy gives containers their own cgroup")
}

// CgroupID is the id of the cgroup at dir (its kernfs inode number).
func CgroupID(dir string) (uint64, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return 0, fmt.Errorf("attrib: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, fmt.Errorf("attrib: no inode for %s", dir)
	}
	return st.Ino, nil
}

// idRe finds a container id in a cgroup name or path ("<id>",
// "docker-<id>.scope").
var idRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[/-])([0-9a-f]{64})(?:\.scope)?$`) })

// ContainerIDFromCgroup extracts the container id from a cgroup name or path.
func ContainerIDFromCgroup(name string) string {
	m := idRe().FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	return m[1]
}

type entry struct {
	c      *event.Container
	fs     Storage
	exited time.Time // zero while running
}

// Storage is where a container's files are, as the engine reports them.
type Storage struct {
	// UpperDir is the writable layer (overlay2): an executable there was
	// written after the container started.
	UpperDir string
	// MergedDir is the container's root filesystem as the host sees it.
	MergedDir string
	// Pid is the container's first process.
	Pid int
}

// Table maps cgroup ids to containers.
type Table struct {
	eng    Engine
	layout Layout
	w      Watcher
	keep   time.Duration

	mu    sync.Mutex
	byCG  map[uint64]*entry
	byID  map[string]uint64
	host  map[uint64]bool
	names map[string]*event.Container // container id → from engine events, for ones gone before inspect
}

// Options tune a Table.
type Options struct {
	// Keep is how long a container's id stays resolvable after it exits
	// (default 2 minutes).
	Keep time.Duration
}

// New returns a table; call Start to fill it.
func New(eng Engine, layout Layout, w Watcher, opts Options) *Table {
	if opts.Keep == 0 {
		opts.Keep = 2 * time.Minute
	}
	return &Table{eng: eng, layout: layout, w: w, keep: opts.Keep,
		byCG: map[uint64]*entry{}, byID: map[string]uint64{}, host: map[uint64]bool{}, names: map[string]*event.Container{}}
}

// ParentDirs are the engine's parent cgroup directories that exist in the
// layout (children of these are containers).
func (t *Table) ParentDirs() []string {
	var out []string
	for _, p := range []string{"docker", "system.slice"} {
		d := filepath.Join(t.layout.Root, p)
		if _, err := os.Stat(d); err == nil && p == "docker" {
			out = append(out, d)
		}
	}
	return out
}

// Start registers the running containers and follows the engine's events
// until ctx ends (in a goroutine). It returns once the running containers
// are registered.
func (t *Table) Start(ctx context.Context) error {
	// Subscribe first so nothing started during the listing is missed.
	f := filters.NewArgs(filters.Arg("type", "container"))
	msgs, errs := t.eng.Events(ctx, events.ListOptions{Filters: f})
	list, err := t.eng.ContainerList(ctx, container.ListOptions{})
	if err != nil {
		return fmt.Errorf("attrib: listing containers: %w", err)
	}
	for _, c := range list {
		if _, err := t.add(ctx, c.ID); err != nil {
			slog.WarnContext(ctx, "attrib: container not attributed", "id", c.ID, "err", err)
		}
	}
	go t.follow(ctx, msgs, errs)
	go t.expire(ctx)
	return nil
}

func (t *Table) follow(ctx context.Context, msgs <-chan events.Message, errs <-chan error) {
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-errs:
			if ctx.Err() != nil {
				return
			}
			slog.WarnContext(ctx, "attrib: engine events ended; resubscribing", "err", err)
			time.Sleep(time.Second)
			msgs, errs = t.eng.Events(ctx, events.ListOptions{Filters: filters.NewArgs(filters.Arg("type", "container"))})
		case m := <-msgs:
			t.onEvent(ctx, m)
		}
	}
}

func (t *Table) onEvent(ctx context.Context, m events.Message) {
	id := m.Actor.ID
	switch m.Action {
	case events.ActionCreate, events.ActionStart:
		t.mu.Lock()
		t.names[id] = fromAttributes(id, m.Actor.Attributes)
		t.mu.Unlock()
		if m.Action == events.ActionStart {
			if _, err := t.add(ctx, id); err != nil {
				slog.DebugContext(ctx, "attrib: started container not attributed", "id", id, "err", err)
			}
		}
	case events.ActionDie:
		t.mu.Lock()
		if cg, ok := t.byID[id]; ok {
			if e := t.byCG[cg]; e != nil && e.exited.IsZero() {
				e.exited = time.Now()
			}
		}
		t.mu.Unlock()
	case events.ActionDestroy:
		t.mu.Lock()
		delete(t.names, id)
		t.mu.Unlock()
	}
}

// fromAttributes describes a container from an engine event's attributes
// (name, image and labels), for containers gone before they are inspected.
func fromAttributes(id string, attrs map[string]string) *event.Container {
	c := &event.Container{ID: id, Name: attrs["name"], Image: attrs["image"], Labels: map[string]string{}}
	for k, v := range attrs {
		if k != "name" && k != "image" && k != "exitCode" && k != "signal" && k != "execDuration" {
			c.Labels[k] = v
		}
	}
	c.ComposeProject = c.Labels["com.docker.compose.project"]
	if len(c.Labels) == 0 {
		c.Labels = nil
	}
	return c
}

func (t *Table) expire(ctx context.Context) {
	tick := time.NewTicker(t.keep / 4)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			t.mu.Lock()
			for cg, e := range t.byCG {
				if !e.exited.IsZero() && now.Sub(e.exited) > t.keep {
					delete(t.byCG, cg)
					delete(t.byID, e.c.ID)
					if t.w != nil {
						t.w.ForgetCgroup(cg)
					}
				}
			}
			t.mu.Unlock()
		}
	}
}

// add inspects a container, finds its cgroup and registers it.
func (t *Table) add(ctx context.Context, id string) (*event.Container, error) {
	ins, err := t.eng.ContainerInspect(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("attrib: inspecting %s: %w", id, err)
	}
	c := describe(ins)
	var st Storage
	if ins.ContainerJSONBase != nil {
		st.UpperDir = ins.GraphDriver.Data["UpperDir"]
		st.MergedDir = ins.GraphDriver.Data["MergedDir"]
		if ins.State != nil {
			st.Pid = ins.State.Pid
		}
	}
	if c.ImageID != "" {
		if img, err := t.eng.ImageInspect(ctx, c.ImageID); err == nil && len(img.RepoDigests) > 0 {
			c.ImageDigest = img.RepoDigests[0]
			if i := strings.LastIndexByte(c.ImageDigest, '@'); i >= 0 {
				c.ImageDigest = c.ImageDigest[i+1:]
			}
		}
	}
	var cg uint64
	if ins.State != nil && ins.State.Pid > 0 {
		cg, err = t.cgroupOf(ins.State.Pid)
	}
	if cg == 0 {
		cg, err = t.cgroupByID(c.ID)
	}
	if err != nil || cg == 0 {
		return c, fmt.Errorf("attrib: cgroup of %s: %w", id, err)
	}
	t.register(cg, c, st)
	return c, nil
}

func (t *Table) register(cg uint64, c *event.Container, st Storage) {
	t.mu.Lock()
	old := t.byCG[cg]
	t.byCG[cg] = &entry{c: c, fs: st}
	t.byID[c.ID] = cg
	delete(t.host, cg)
	t.mu.Unlock()
	if t.w != nil && (old == nil || old.c.ImageID != c.ImageID || old.c.Name != c.Name) {
		if err := t.w.WatchContainer(cg, c); err != nil {
			slog.Warn("attrib: registering a container with the sensor", "id", c.ID, "err", err)
		}
	}
}

func describe(ins container.InspectResponse) *event.Container {
	c := &event.Container{}
	if ins.ContainerJSONBase != nil {
		c.ID = ins.ID
		c.Name = strings.TrimPrefix(ins.Name, "/")
		c.ImageID = ins.Image
		if ins.HostConfig != nil {
			c.Privileged = ins.HostConfig.Privileged
		}
	}
	if ins.Config != nil {
		c.Image = ins.Config.Image
		if len(ins.Config.Labels) > 0 {
			c.Labels = ins.Config.Labels
			c.ComposeProject = ins.Config.Labels["com.docker.compose.project"]
		}
	}
	return c
}

// cgroupOf reads a process's cgroup in the layout's hierarchy.
func (t *Table) cgroupOf(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return 0, err
	}
	p, ok := PathIn(b, t.layout)
	if !ok {
		return 0, fmt.Errorf("no %s line in /proc/%d/cgroup", t.layout, pid)
	}
	return CgroupID(filepath.Join(t.layout.Root, p))
}

// PathIn returns the cgroup path of a /proc/PID/cgroup text in a layout.
func PathIn(procCgroup []byte, l Layout) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(procCgroup))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if l.V2 && parts[0] == "0" && parts[1] == "" {
			return parts[2], true
		}
		if !l.V2 {
			for _, c := range strings.Split(parts[1], ",") {
				if c == l.Controller {
					return parts[2], true
				}
			}
		}
	}
	return "", false
}

// cgroupByID finds a container's cgroup directory by its id.
func (t *Table) cgroupByID(id string) (uint64, error) {
	for _, d := range []string{filepath.Join(t.layout.Root, "docker", id),
		filepath.Join(t.layout.Root, "system.slice", "docker-"+id+".scope")} {
		if cg, err := CgroupID(d); err == nil {
			return cg, nil
		}
	}
	return 0, fs.ErrNotExist
}

// Lookup returns the container of a cgroup id, or nil for the host.
// name is the cgroup's name when the kernel reported it (a cgroup the
// table did not know yet).
func (t *Table) Lookup(ctx context.Context, cgid uint64, name string) *event.Container {
	t.mu.Lock()
	if e, ok := t.byCG[cgid]; ok {
		t.mu.Unlock()
		return e.c
	}
	if t.host[cgid] {
		t.mu.Unlock()
		return nil
	}
	t.mu.Unlock()
	id := ContainerIDFromCgroup(name)
	if id != "" {
		// The engine's create/start event usually describes the container
		// already; then it is registered at once and inspected in the
		// background, so the sensor's reader never waits for the Engine API.
		t.mu.Lock()
		known := t.names[id]
		t.mu.Unlock()
		if known != nil {
			t.register(cgid, known, Storage{})
			go t.add(context.WithoutCancel(ctx), id)
			return known
		}
		// Not described by the engine's events yet: ask the engine, for a
		// second at most (the ring buffer holds more than that of a burst),
		// so the first events of a new container name its image.
		ictx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := t.add(ictx, id)
		cancel()
		if err == nil {
			return c
		}
		// Not described yet (the engine is slow, or the container is gone
		// already): attribute it by id now and keep trying in the
		// background; a container that cannot be inspected any more stays
		// resolvable for the keep period.
		c = &event.Container{ID: id}
		t.mu.Lock()
		t.byCG[cgid] = &entry{c: c}
		t.byID[id] = cgid
		t.mu.Unlock()
		if t.w != nil {
			t.w.WatchContainer(cgid, c)
		}
		go func() {
			if _, err := t.add(context.WithoutCancel(ctx), id); err != nil {
				t.mu.Lock()
				if e := t.byCG[cgid]; e != nil && e.exited.IsZero() {
					e.exited = time.Now()
				}
				t.mu.Unlock()
			}
		}()
		return c
	}
	// Not named after a container: the host's (a process in its own pid
	// namespace, say). Quiet it in the kernel.
	t.mu.Lock()
	t.host[cgid] = true
	t.mu.Unlock()
	if t.w != nil {
		t.w.QuietCgroup(cgid)
	}
	return nil
}

// Described reports whether the table has the engine's description of
// container id (from its create or start event, or an inspect), so that
// the container's first events will name its image.
func (t *Table) Described(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.names[id] != nil {
		return true
	}
	cg, ok := t.byID[id]
	return ok && t.byCG[cg] != nil && t.byCG[cg].c.ImageID != ""
}

// ByID returns the cgroup id of a container id, if known.
func (t *Table) ByID(id string) (uint64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cg, ok := t.byID[id]
	return cg, ok
}

// Storage returns where a known container's files are.
func (t *Table) Storage(cgid uint64) (Storage, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.byCG[cgid]
	if !ok {
		return Storage{}, false
	}
	return e.fs, true
}

// Containers lists the known containers and their cgroup ids.
func (t *Table) Containers() map[uint64]*event.Container {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[uint64]*event.Container, len(t.byCG))
	for cg, e := range t.byCG {
		out[cg] = e.c
	}
	return out
}
