package kernel

import (
	"errors"
	"fmt"
	"golang.org/x/sys/unix"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Filter is what the kernel reports and enforces for one container.
type Filter struct {
	// Kinds to report; nil means all. An empty, non-nil slice makes the
	// cgroup quiet (host cgroups found through the fallback are kept so,
	// which stops further reports from them).
	Kinds []event.Kind
	// Slot selects the container's own predicates (0: only the ones for
	// every container).
	Slot uint32
	// Enforce lets kill predicates act in this container.
	Enforce bool
}

// Watch registers a cgroup id as a container's.
func (s *Sensor) Watch(cgid uint64, f Filter) error {
	v := sensorCfilter{Slot: f.Slot}
	if f.Kinds == nil {
		v.Kinds = ^uint32(0)
	}
	for _, k := range f.Kinds {
		if i, ok := kindIndex(k); ok {
			v.Kinds |= 1 << i
		}
	}
	if f.Enforce {
		v.Flags = 1
	}
	if err := s.objs.Containers.Put(cgid, v); err != nil {
		return fmt.Errorf("kernel: watching cgroup %d: %w", cgid, err)
	}
	return nil
}

// Forget removes a cgroup id.
func (s *Sensor) Forget(cgid uint64) error {
	if err := s.objs.Containers.Delete(cgid); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return fmt.Errorf("kernel: forgetting cgroup %d: %w", cgid, err)
	}
	return nil
}

// AddParent registers the engine's parent cgroup: its children are
// reported before they are watched.
func (s *Sensor) AddParent(cgid uint64) error {
	if err := s.objs.Parents.Put(cgid, uint32(1)); err != nil {
		return fmt.Errorf("kernel: adding parent cgroup %d: %w", cgid, err)
	}
	return nil
}

// Predicate is a kernel-checkable condition: an act of Kind whose path
// (open, exec, connect to a unix socket) starts with one of Prefixes, or an
// exec whose new task name is one of Names. The programs look the path up
// in an LPM trie, so the longest matching prefix wins.
type Predicate struct {
	Rule     string
	Kind     event.Kind // Exec, Open or Connect
	Prefixes []string   // path prefixes; a prefix ending in "\x00" matches the exact path
	Names    []string   // exec only: task names (exact)
	// ReadOnly: an Open predicate that also selects read-only opens (the
	// sensitive-file list). A kill predicate not limited to writes acts on
	// reads too; a report-only one without ReadOnly selects writes only.
	ReadOnly bool
	// Write: only opens for writing.
	Write bool
	// StdioSocket: only an exec whose stdin or stdout is a socket.
	StdioSocket bool
	// Memfd: only an exec from an anonymous memory file.
	Memfd bool
	// Kill: send SIGKILL from the kernel (in containers with Enforce).
	Kill bool
	// Slot limits the predicate to the containers of that slot (0: all).
	Slot uint32
}

type predEntry struct {
	key sensorPredKey
	val sensorPredVal
}

const (
	pExecName = 32
	pOpenRead = 33
	keyLen    = 128
)

// SetPredicates replaces the enforcement and selection predicates.
func (s *Sensor) SetPredicates(preds []Predicate) error {
	s.predMu.Lock()
	defer s.predMu.Unlock()
	var entries []predEntry
	rules := []string{""}
	for _, p := range preds {
		ki, ok := kindIndex(p.Kind)
		pathKind := p.Kind == event.Exec || p.Kind == event.Open || p.Kind == event.Connect
		kindOnly := len(p.Prefixes) == 1 && p.Prefixes[0] == "" && len(p.Names) == 0
		if !ok || p.Kind == event.Fork || p.Kind == event.Exit || p.Kind == event.Accept || (!pathKind && !kindOnly) {
			return fmt.Errorf("kernel: predicate of rule %s: kind %q is not checkable in the kernel", p.Rule, p.Kind)
		}
		rule := uint32(slices.Index(rules, p.Rule))
		if int32(rule) < 0 {
			rules = append(rules, p.Rule)
			rule = uint32(len(rules) - 1)
		}
		val := sensorPredVal{Rule: rule, Action: 1}
		if p.Kill {
			val.Action |= 2
		}
		if p.Write {
			val.Needs |= 1
		}
		if p.StdioSocket {
			val.Needs |= 2
		}
		if p.Memfd {
			val.Needs |= 4
		}
		add := func(kind uint32, s string) error {
			if len(s) > keyLen {
				return fmt.Errorf("kernel: predicate of rule %s: %q is longer than %d bytes", p.Rule, s, keyLen)
			}
			k := sensorPredKey{Prefixlen: uint32(64 + 8*len(s)), Scope: p.Slot, Kind: kind}
			for i := 0; i < len(s); i++ {
				k.Path[i] = int8(s[i])
			}
			entries = append(entries, predEntry{k, val})
			return nil
		}
		prefixes := p.Prefixes
		if p.Memfd && len(prefixes) == 0 {
			prefixes = []string{"memfd:"}
		}
		for _, pre := range prefixes {
			if err := add(ki, pre); err != nil {
				return err
			}
			// Read-only opens are looked up apart (the common case must
			// cost one lookup): every open predicate not limited to writes,
			// and the report-only ones that select reads.
			if p.Kind == event.Open && !p.Write && (p.ReadOnly || p.Kill) {
				if err := add(pOpenRead, pre); err != nil {
					return err
				}
			}
		}
		for _, n := range p.Names {
			if len(n) > 15 {
				n = n[:15] // the kernel keeps 15 bytes of a task name
			}
			// Task names are compared on all 16 bytes (zero padded).
			k := sensorPredKey{Prefixlen: 64 + 8*16, Scope: p.Slot, Kind: pExecName}
			for i := 0; i < len(n); i++ {
				k.Path[i] = int8(n[i])
			}
			entries = append(entries, predEntry{k, val})
		}
	}
	inherit(entries)
	for _, old := range s.preds {
		if err := s.objs.Preds.Delete(old.key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("kernel: removing a predicate: %w", err)
		}
	}
	for _, e := range entries {
		if err := s.objs.Preds.Put(e.key, e.val); err != nil {
			return fmt.Errorf("kernel: adding a predicate: %w", err)
		}
	}
	if err := s.setGate(entries); err != nil {
		return err
	}
	s.preds, s.rules = entries, rules
	return nil
}

// inherit gives an entry without a kill the kill of a shorter prefix of
// the same kind and scope: the trie answers only the longest match, so a
// reported path (the sensitive-file list) below a killed directory would
// otherwise escape the kill.
func inherit(entries []predEntry) {
	for i := range entries {
		e := &entries[i]
		if e.val.Action&2 != 0 {
			continue
		}
		best := -1
		for j := range entries {
			f := &entries[j]
			if f.val.Action&2 == 0 || f.key.Scope != e.key.Scope || f.key.Kind != e.key.Kind || f.key.Prefixlen >= e.key.Prefixlen {
				continue
			}
			n := int(f.key.Prefixlen-64) / 8
			if !samePrefix(f.key.Path[:n], e.key.Path[:n]) {
				continue
			}
			if best < 0 || f.key.Prefixlen > entries[best].key.Prefixlen {
				best = j
			}
		}
		if best >= 0 {
			f := entries[best].val
			e.val.Action |= 2
			e.val.Rule, e.val.Needs = f.Rule, f.Needs
		}
	}
}

// setGate fills the read gate with the first 8 bytes of the absolute
// prefixes that select read-only opens, or opens it wide (settings'
// gate_wide) when one is shorter than that.
func (s *Sensor) setGate(entries []predEntry) error {
	keys := map[uint64]bool{}
	for _, e := range entries {
		if e.key.Kind != pOpenRead {
			continue
		}
		n := int(e.key.Prefixlen-64) / 8
		if n > 0 && e.key.Path[0] != '/' {
			continue // relative names pass the gate anyway
		}
		if n < 8 || (n == 8 && e.key.Path[7] == 0) {
			keys[0] = true
			continue
		}
		var k uint64
		for i := 7; i >= 0; i-- {
			k = k<<8 | uint64(uint8(e.key.Path[i]))
		}
		keys[k] = true
	}
	// Widen first and narrow last, so a read that matters is never
	// dropped while the gate changes: the old bits stay set until the new
	// ones are in.
	wide := keys[0]
	delete(keys, 0)
	var bits, both gateBits
	for k := range keys {
		bits.set(k)
	}
	var old gateBits
	if err := s.objs.ReadGate.Lookup(uint32(0), &old); err != nil {
		return fmt.Errorf("kernel: reading the read gate: %w", err)
	}
	for i := range both {
		both[i] = old[i] | bits[i]
	}
	setWide := func(on bool) error {
		st := sensorSensorSettings{}
		if on {
			st.GateWide = 1
		}
		if err := s.objs.Settings.Put(uint32(0), st); err != nil {
			return fmt.Errorf("kernel: opening the read gate: %w", err)
		}
		return nil
	}
	if wide {
		if err := setWide(true); err != nil {
			return err
		}
	}
	if err := s.objs.ReadGate.Put(uint32(0), both); err != nil {
		return fmt.Errorf("kernel: filling the read gate: %w", err)
	}
	if !wide {
		if err := setWide(false); err != nil {
			return err
		}
	}
	if err := s.objs.ReadGate.Put(uint32(0), bits); err != nil {
		return fmt.Errorf("kernel: filling the read gate: %w", err)
	}
	return nil
}

// gateBits is the read gate's bitmap (struct gate_bits): bit h of the
// first eight bytes of a path, read as a little-endian number k, where h
// is k times a 64-bit golden-ratio constant, top gateBitsLog bits.
type gateBits [1 << gateBitsLog / 64]uint64

const gateBitsLog = 16 // GATE_BITS

func (g *gateBits) set(k uint64) {
	h := (k * 0x9E3779B97F4A7C15) >> (64 - gateBitsLog)
	g[h>>6] |= 1 << (h & 63)
}

func samePrefix(a, b []int8) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (s *Sensor) ruleName(i uint32) string {
	s.predMu.Lock()
	defer s.predMu.Unlock()
	if int(i) < len(s.rules) {
		return s.rules[i]
	}
	return ""
}

// DenyConnect refuses (EPERM) connections from the processes of cgroup
// cgid (a cgroup v2 id) to addr:port; an invalid addr means any address
// and port 0 any port. The cgroup connect programs are attached to the
// cgroup v2 root the first time, and act only on the denied cgroups.
func (s *Sensor) DenyConnect(cgroupRoot string, cgid uint64, addr netip.Addr, port uint16) error {
	if err := s.attachConnect(cgroupRoot); err != nil {
		return err
	}
	k := sensorDenyKey{Cgid: cgid, Port: uint32(port)}
	if addr.IsValid() {
		if addr.Is4() {
			k.Family = 2
			a := addr.As4()
			copy(k.Addr[:], a[:])
		} else {
			k.Family = 10
			k.Addr = addr.As16()
		}
	}
	if err := s.objs.Denies.Put(k, uint32(1)); err != nil {
		return fmt.Errorf("kernel: denying connections of cgroup %d: %w", cgid, err)
	}
	return nil
}

// AllowConnect removes every refusal of cgroup cgid.
func (s *Sensor) AllowConnect(cgid uint64) error {
	var next sensorDenyKey
	var del []sensorDenyKey
	it := s.objs.Denies.Iterate()
	var v uint32
	for it.Next(&next, &v) {
		if next.Cgid == cgid {
			del = append(del, next)
		}
	}
	for _, d := range del {
		if err := s.objs.Denies.Delete(d); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("kernel: allowing connections of cgroup %d: %w", cgid, err)
		}
	}
	return it.Err()
}

func (s *Sensor) attachConnect(root string) error {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conn != nil {
		return nil
	}
	for _, a := range []struct {
		p *ebpf.Program
		t ebpf.AttachType
	}{{s.progs["deny_connect4"], ebpf.AttachCGroupInet4Connect}, {s.progs["deny_connect6"], ebpf.AttachCGroupInet6Connect}} {
		l, err := link.AttachCgroup(link.CgroupOptions{Path: root, Attach: a.t, Program: a.p})
		if err != nil {
			return fmt.Errorf("kernel: attaching the connect program to %s: %w", root, err)
		}
		s.conn = append(s.conn, l)
	}
	return nil
}

// Counters are the programs' counts since load, summed over CPUs.
type Counters struct {
	Emitted map[event.Kind]uint64
	Lost    map[event.Kind]uint64
	Killed  uint64
	Unknown uint64
}

// Counters reads the per-CPU counters.
func (s *Sensor) Counters() (Counters, error) {
	c := Counters{Emitted: map[event.Kind]uint64{}, Lost: map[event.Kind]uint64{}}
	var per []uint64
	sum := func(i uint32) (uint64, error) {
		if err := s.objs.Counters.Lookup(i, &per); err != nil {
			return 0, fmt.Errorf("kernel: reading counter %d: %w", i, err)
		}
		var t uint64
		for _, v := range per {
			t += v
		}
		return t, nil
	}
	for i, k := range kinds {
		n, err := sum(uint32(i))
		if err != nil {
			return c, err
		}
		c.Emitted[k] = n
		if n, err = sum(uint32(32 + i)); err != nil {
			return c, err
		}
		c.Lost[k] = n
	}
	var err error
	if c.Killed, err = sum(64); err != nil {
		return c, err
	}
	c.Unknown, err = sum(66)
	return c, err
}

// ProgramStat is the kernel's run-time accounting of one program (with
// kernel.bpf_stats_enabled, see [EnableStats]).
type ProgramStat struct {
	Name  string
	Runs  uint64
	Total time.Duration
}

// ProgramStats reads each program's run count and total run time: exec,
// fork, exit, and sys_enter_NAME per system-call tracepoint (or sys_enter
// for the generic program).
func (s *Sensor) ProgramStats() []ProgramStat {
	var out []ProgramStat
	for name, p := range s.progs {
		switch {
		case strings.HasPrefix(name, "on_"):
			name = strings.TrimPrefix(name, "on_")
		case strings.HasPrefix(name, "sys_"):
			name = "sys_enter_" + strings.TrimPrefix(name, "sys_")
		default:
			continue
		}
		st, err := p.Stats()
		if err != nil {
			continue
		}
		out = append(out, ProgramStat{Name: name, Runs: st.RunCount, Total: st.Runtime})
	}
	slices.SortFunc(out, func(a, b ProgramStat) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// EnableStats turns on the kernel's per-program run-time accounting while
// the returned closer is open.
func EnableStats() (io.Closer, error) {
	c, err := ebpf.EnableStats(uint32(unix.BPF_STATS_RUN_TIME))
	if err != nil {
		return nil, fmt.Errorf("kernel: enabling run-time statistics: %w", err)
	}
	return c, nil
}
