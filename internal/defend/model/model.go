// Package model is the learned behaviour of `bulwark defend`: per image,
// what its containers do when all is well, so that anything else stands
// out. It knows nothing of rules; the judge asks it about each event.
//
// # Data flow
//
//	first event of an image → a Model in state learning, seeded from the
//	  image itself (entrypoint and cmd, its executables, EXPOSE ports:
//	  [ImageSeeder], through package source and harden/runprofile)
//	→ while learning, [Registry.Judge] adds each act to the model:
//	  processes with their parents, directories written, listening ports,
//	  outbound destinations
//	→ after the window (a time, or a number of container starts) the model
//	  is active: an act outside it is a [Deviation], saying what the model
//	  expected
//	→ models no container used for a while are archived; a container of
//	  the image brings its model back
//	→ [Registry.Flush] writes models to the local [Store] (bbolt) and
//	  hands changed ones to a [Publisher] (`bulwark serve`).
//
// Every model is keyed by the image's configuration digest (its image ID),
// so a new build of a tag learns afresh.
package model

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// State is where a model is in its life.
type State string

const (
	Learning State = "learning" // every act is added to the model
	Active   State = "active"   // acts outside the model are deviations
	Archived State = "archived" // no container of the image for a while; kept, not used
)

// Caps on one model, so a container that does something new every second
// while learning cannot grow it without bound. A model that reached a cap
// says so (Truncated); what did not fit deviates once the model is active.
const (
	MaxProcesses = 4096
	MaxWrites    = 4096
	MaxPorts     = 1024
	MaxDests     = 1024
	maxAddrs     = 8 // sample addresses kept per outbound port
	maxNames     = 8
)

// Model is the learned behaviour of one image.
type Model struct {
	// Image is the image's configuration digest ("sha256:…"), or its name
	// when the engine gave no digest.
	Image string   `json:"image"`
	Names []string `json:"names,omitempty"` // image names seen with it ("nginx:1.25")
	State State    `json:"state"`
	// Generation counts resets; a reset model replaces the learned one
	// wherever the older generation is held.
	Generation int       `json:"generation"`
	Created    time.Time `json:"created"`
	// LearnUntil ends a time window (zero: none); LearnStarts is a window
	// of container starts (0: none). The model is active when either ends.
	LearnUntil  time.Time `json:"learn_until,omitzero"`
	LearnStarts int       `json:"learn_starts,omitempty"`
	Activated   time.Time `json:"activated,omitzero"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	// Starts counts the containers of the image seen starting.
	Starts    int    `json:"starts"`
	Seed      *Seed  `json:"seed,omitempty"`
	SeedError string `json:"seed_error,omitempty"`

	Processes []Process `json:"processes"`
	Writes    []string  `json:"writes"` // directories written (see [WriteKey])
	Listens   []Port    `json:"listens"`
	Outbound  []Dest    `json:"outbound"`

	Learned    int64 `json:"learned"`    // events learned from
	Deviations int64 `json:"deviations"` // events outside the model while active
	Truncated  bool  `json:"truncated,omitempty"`

	procs    map[Process]struct{}
	writes   map[string]struct{}
	listens  map[Port]struct{}
	outbound map[destKey]*Dest
	execs    map[string]struct{} // seed executables
	stale    bool                // the maps hold more than the lists
}

// Process is an executable and the task name of its parent. Parent ""
// matches any parent (the seeded entrypoint).
type Process struct {
	Exe    string `json:"exe"`
	Parent string `json:"parent,omitempty"`
}

// Port is a port and its protocol ("tcp", "udp"; "" when the sensor did
// not say).
type Port struct {
	Proto string `json:"proto,omitempty"`
	Port  uint16 `json:"port"`
}

func (p Port) String() string {
	if p.Proto == "" {
		return strconv.Itoa(int(p.Port))
	}
	return strconv.Itoa(int(p.Port)) + "/" + p.Proto
}

// Dest is an outbound destination: a port with sample addresses, or a unix
// socket's path. Addresses change (DNS, load balancers), so a known port
// to a new address is no deviation.
type Dest struct {
	Proto string   `json:"proto,omitempty"`
	Port  uint16   `json:"port,omitempty"`
	Addrs []string `json:"addrs,omitempty"`
	Path  string   `json:"path,omitempty"` // unix socket
}

type destKey struct {
	proto string
	port  uint16
	path  string
}

// Seed is what the image itself says its containers do.
type Seed struct {
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	// Exe is the program ENTRYPOINT/CMD starts, resolved in the image
	// ("" when it is not there).
	Exe     string `json:"exe,omitempty"`
	Exposed []Port `json:"exposed,omitempty"`
	// Executables are the image's program paths (files with an execute
	// bit, and links to them).
	Executables []string `json:"executables,omitempty"`
}

// Deviation is an act outside an active model.
type Deviation struct {
	// Key names the act for deduplication ("exec /usr/bin/id<nginx").
	Key string
	// What the act was and what the model expected.
	What, Expected string
	// NotInImage: an exec of a program the image does not contain.
	NotInImage bool
}

// newModel is a learning model for image.
func newModel(image string, now time.Time) *Model {
	m := &Model{Image: image, State: Learning, Created: now, LastSeen: now}
	m.index()
	return m
}

// index builds the lookup maps from the exported lists (after decoding).
func (m *Model) index() {
	m.procs = make(map[Process]struct{}, len(m.Processes))
	for _, p := range m.Processes {
		m.procs[p] = struct{}{}
	}
	m.writes = make(map[string]struct{}, len(m.Writes))
	for _, w := range m.Writes {
		m.writes[w] = struct{}{}
	}
	m.listens = make(map[Port]struct{}, len(m.Listens))
	for _, p := range m.Listens {
		m.listens[p] = struct{}{}
	}
	m.outbound = make(map[destKey]*Dest, len(m.Outbound))
	for i := range m.Outbound {
		d := m.Outbound[i]
		m.outbound[destKey{d.Proto, d.Port, d.Path}] = &d
	}
	m.execs = nil
	if m.Seed != nil {
		m.execs = make(map[string]struct{}, len(m.Seed.Executables))
		for _, x := range m.Seed.Executables {
			m.execs[x] = struct{}{}
		}
	}
}

// sync writes the lookup maps back into the exported, sorted lists.
func (m *Model) sync() {
	m.stale = false
	m.Processes = slices.SortedFunc(maps.Keys(m.procs), func(a, b Process) int {
		return cmp.Or(cmp.Compare(a.Exe, b.Exe), cmp.Compare(a.Parent, b.Parent))
	})
	m.Writes = slices.Sorted(maps.Keys(m.writes))
	m.Listens = slices.SortedFunc(maps.Keys(m.listens), comparePorts)
	m.Outbound = m.Outbound[:0]
	for _, d := range m.outbound {
		m.Outbound = append(m.Outbound, *d)
	}
	slices.SortFunc(m.Outbound, func(a, b Dest) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port))
	})
	if m.Processes == nil {
		m.Processes = []Process{}
	}
	if m.Writes == nil {
		m.Writes = []string{}
	}
	if m.Listens == nil {
		m.Listens = []Port{}
	}
	if m.Outbound == nil {
		m.Outbound = []Dest{}
	}
}

func comparePorts(a, b Port) int {
	return cmp.Or(cmp.Compare(a.Port, b.Port), cmp.Compare(a.Proto, b.Proto))
}

// clone is a deep copy for readers outside the registry's lock.
func (m *Model) clone() *Model {
	c := *m
	c.Names = slices.Clone(m.Names)
	c.Processes = slices.Clone(m.Processes)
	c.Writes = slices.Clone(m.Writes)
	c.Listens = slices.Clone(m.Listens)
	c.Outbound = make([]Dest, len(m.Outbound))
	for i, d := range m.Outbound {
		d.Addrs = slices.Clone(d.Addrs)
		c.Outbound[i] = d
	}
	if m.Seed != nil {
		s := *m.Seed
		c.Seed = &s
	}
	c.index()
	return &c
}

// merge adds what o learned (a model of the same image kept under its
// name) to m.
func (m *Model) merge(o *Model) {
	for p := range o.procs {
		if len(m.procs) < MaxProcesses {
			m.procs[p] = struct{}{}
		}
	}
	for w := range o.writes {
		if len(m.writes) < MaxWrites {
			m.writes[w] = struct{}{}
		}
	}
	for p := range o.listens {
		if len(m.listens) < MaxPorts {
			m.listens[p] = struct{}{}
		}
	}
	for k, d := range o.outbound {
		if _, ok := m.outbound[k]; !ok && len(m.outbound) < MaxDests {
			c := *d
			c.Addrs = slices.Clone(d.Addrs)
			m.outbound[k] = &c
		}
	}
	for _, n := range o.Names {
		if !slices.Contains(m.Names, n) && len(m.Names) < maxNames {
			m.Names = append(m.Names, n)
		}
	}
	m.Starts += o.Starts
	m.Learned += o.Learned
	m.Deviations += o.Deviations
	m.Truncated = m.Truncated || o.Truncated
	m.stale = true
}

// applySeed takes the image's facts in: the entrypoint's program may run
// under any parent, the exposed ports may listen.
func (m *Model) applySeed(s *Seed) {
	m.Seed = s
	m.SeedError = ""
	m.index()
	if s.Exe != "" {
		m.procs[Process{Exe: s.Exe}] = struct{}{}
	}
	for _, p := range s.Exposed {
		m.listens[p] = struct{}{}
	}
	m.sync()
}

// WriteKey is the directory a write is learned under: the file's
// directory, cut to three levels (/var/lib/postgresql for anything below
// it), and to one level below the temporary directories (/tmp, /var/tmp,
// /dev/shm, /run), whose subdirectories are made up per run.
func WriteKey(p string) string {
	d := path.Dir(path.Clean("/" + p))
	for _, t := range []string{"/tmp", "/var/tmp", "/dev/shm", "/run"} {
		if d == t || strings.HasPrefix(d, t+"/") {
			return t
		}
	}
	n := 0
	for i := 1; i < len(d); i++ {
		if d[i] == '/' {
			if n++; n == 3 {
				return d[:i]
			}
		}
	}
	return d
}

// learn adds one event's act to the model; false when it teaches nothing.
func (m *Model) learn(e *event.Event) bool {
	switch e.Kind {
	case event.Exec:
		p := processOf(e)
		if _, ok := m.procs[p]; ok {
			return true
		}
		if _, ok := m.procs[Process{Exe: p.Exe}]; ok {
			return true
		}
		if len(m.procs) >= MaxProcesses {
			m.Truncated = true
			return true
		}
		m.procs[p] = struct{}{}
	case event.Open:
		if e.File == nil || !e.File.Write {
			return false
		}
		k := WriteKey(e.File.Path)
		if _, ok := m.writes[k]; ok {
			return true
		}
		if len(m.writes) >= MaxWrites {
			m.Truncated = true
			return true
		}
		m.writes[k] = struct{}{}
	case event.Listen:
		if e.Net == nil || e.Net.Family == "unix" || e.Net.Port == 0 {
			return false
		}
		p := Port{Proto: e.Net.Proto, Port: e.Net.Port}
		if _, ok := m.listens[p]; ok {
			return true
		}
		if len(m.listens) >= MaxPorts {
			m.Truncated = true
			return true
		}
		m.listens[p] = struct{}{}
	case event.Connect:
		if e.Net == nil {
			return false
		}
		k := destOf(e.Net)
		if d, ok := m.outbound[k]; ok {
			if a := addrOf(e.Net); a != "" && len(d.Addrs) < maxAddrs && !slices.Contains(d.Addrs, a) {
				d.Addrs = append(d.Addrs, a)
				slices.Sort(d.Addrs)
				m.stale = true
			}
			return true
		}
		if len(m.outbound) >= MaxDests {
			m.Truncated = true
			return true
		}
		d := &Dest{Proto: k.proto, Port: k.port, Path: k.path}
		if a := addrOf(e.Net); a != "" {
			d.Addrs = []string{a}
		}
		m.outbound[k] = d
	default:
		return false
	}
	m.stale = true
	return true
}

// check judges an act against an active model.
func (m *Model) check(e *event.Event) *Deviation {
	if m.stale {
		m.sync()
	}
	switch e.Kind {
	case event.Exec:
		p := processOf(e)
		if _, ok := m.procs[p]; ok {
			return nil
		}
		if _, ok := m.procs[Process{Exe: p.Exe}]; ok {
			return nil
		}
		d := &Deviation{Key: "exec " + p.Exe + "<" + p.Parent,
			What:     fmt.Sprintf("process %s (parent %s) is not in the learned behaviour", p.Exe, orNA(p.Parent)),
			Expected: "processes: " + m.listProcesses(8)}
		if m.execs != nil && e.Process.Exe != "" {
			if _, ok := m.execs[e.Process.Exe]; !ok {
				d.NotInImage = true
				d.What += "; the image does not contain it"
			}
		}
		return d
	case event.Open:
		if e.File == nil || !e.File.Write {
			return nil
		}
		k := WriteKey(e.File.Path)
		if _, ok := m.writes[k]; ok {
			return nil
		}
		return &Deviation{Key: "write " + k,
			What:     fmt.Sprintf("write to %s (below %s) is not in the learned behaviour", e.File.Path, k),
			Expected: "directories written: " + listStrings(m.Writes, 8)}
	case event.Listen:
		if e.Net == nil || e.Net.Family == "unix" || e.Net.Port == 0 {
			return nil
		}
		p := Port{Proto: e.Net.Proto, Port: e.Net.Port}
		if hasPort(m.listens, p) {
			return nil
		}
		return &Deviation{Key: "listen " + p.String(),
			What:     fmt.Sprintf("listening on port %s is not in the learned behaviour", p),
			Expected: "listening ports: " + m.listPorts()}
	case event.Connect:
		if e.Net == nil {
			return nil
		}
		k := destOf(e.Net)
		if m.hasDest(k) {
			return nil
		}
		what := fmt.Sprintf("outbound connection to port %s (%s) is not in the learned behaviour", Port{k.proto, k.port}, addrOf(e.Net))
		if k.path != "" {
			what = fmt.Sprintf("connection to the unix socket %s is not in the learned behaviour", k.path)
		}
		return &Deviation{Key: fmt.Sprintf("connect %s/%d%s", k.proto, k.port, k.path), What: what,
			Expected: "outbound destinations: " + m.listDests(8)}
	}
	return nil
}

// hasPort finds p, letting a port without a protocol (on either side)
// match the same port with one.
func hasPort(set map[Port]struct{}, p Port) bool {
	if _, ok := set[p]; ok {
		return true
	}
	if _, ok := set[Port{Port: p.Port}]; ok {
		return true
	}
	if p.Proto == "" {
		for _, proto := range []string{"tcp", "udp"} {
			if _, ok := set[Port{Proto: proto, Port: p.Port}]; ok {
				return true
			}
		}
	}
	return false
}

func (m *Model) hasDest(k destKey) bool {
	if _, ok := m.outbound[k]; ok {
		return true
	}
	if k.path != "" {
		return false
	}
	if _, ok := m.outbound[destKey{port: k.port}]; ok {
		return true
	}
	if k.proto == "" {
		for _, proto := range []string{"tcp", "udp"} {
			if _, ok := m.outbound[destKey{proto: proto, port: k.port}]; ok {
				return true
			}
		}
	}
	return false
}

func orNA(s string) string {
	if s == "" {
		return "<NA>"
	}
	return s
}

func processOf(e *event.Event) Process {
	exe := e.Process.Exe
	if exe == "" {
		exe = e.Process.Comm
	}
	return Process{Exe: exe, Parent: e.Process.ParentComm}
}

func destOf(n *event.Net) destKey {
	if n.Family == "unix" || n.Path != "" {
		return destKey{proto: "unix", path: n.Path}
	}
	return destKey{proto: n.Proto, port: n.Port}
}

func addrOf(n *event.Net) string {
	if n.Addr.IsValid() {
		return netip.AddrPortFrom(n.Addr, n.Port).Addr().String()
	}
	return ""
}

func (m *Model) listProcesses(n int) string {
	var parts []string
	for _, p := range m.Processes {
		if len(parts) == n {
			break
		}
		if p.Parent == "" {
			parts = append(parts, p.Exe+" (entrypoint)")
		} else {
			parts = append(parts, p.Exe+" (parent "+p.Parent+")")
		}
	}
	return listOf(parts, len(m.Processes))
}

func (m *Model) listPorts() string {
	parts := make([]string, len(m.Listens))
	for i, p := range m.Listens {
		parts[i] = p.String()
	}
	return listOf(parts, len(parts))
}

func (m *Model) listDests(n int) string {
	var parts []string
	for _, d := range m.Outbound {
		if len(parts) == n {
			break
		}
		if d.Path != "" {
			parts = append(parts, d.Path)
			continue
		}
		s := Port{d.Proto, d.Port}.String()
		if len(d.Addrs) > 0 {
			s += " (" + strings.Join(d.Addrs, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return listOf(parts, len(m.Outbound))
}

func listStrings(ss []string, n int) string {
	return listOf(ss[:min(n, len(ss))], len(ss))
}

func listOf(parts []string, total int) string {
	if total == 0 {
		return "none"
	}
	s := strings.Join(parts, ", ")
	if total > len(parts) {
		s += fmt.Sprintf(" and %d more", total-len(parts))
	}
	return s
}
