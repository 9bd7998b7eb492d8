package pipeline

import (
	"slices"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// procInfo is what the table remembers of a process.
type procInfo struct {
	comm, exe string
	args      []string
	ppid      int32
	exited    time.Time
}

// procTable follows processes from exec, fork and exit events, so events
// other than exec carry the executable, argv and ancestry of their process.
// Exited processes stay a few seconds (late events), and the table is
// capped.
type procTable struct {
	mu   sync.Mutex
	m    map[int32]*procInfo
	byNS map[nsKey]int32 // (cgroup, pid in its namespace) → host pid
}

type nsKey struct {
	cg   uint64
	vpid int32
}

const (
	procCap  = 1 << 16
	procKeep = 5 * time.Second
)

func newProcTable() *procTable {
	return &procTable{m: map[int32]*procInfo{}, byNS: map[nsKey]int32{}}
}

func (t *procTable) observe(e *event.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := &e.Process
	switch e.Kind {
	case event.Exec:
		t.m[p.PID] = &procInfo{comm: p.Comm, exe: p.Exe, args: p.Args, ppid: p.PPID}
		if p.VPID != 0 {
			t.byNS[nsKey{p.CgroupID, p.VPID}] = p.PID
		}
	case event.Fork:
		if e.Target == nil {
			return
		}
		parent := t.m[p.PID]
		child := &procInfo{comm: p.Comm, ppid: p.PID}
		if parent != nil {
			child.exe, child.args = parent.exe, parent.args
		}
		t.m[e.Target.PID] = child
		if e.Target.VPID != 0 {
			t.byNS[nsKey{p.CgroupID, e.Target.VPID}] = e.Target.PID
		}
	case event.Exit:
		if x := t.m[p.PID]; x != nil {
			x.exited = time.Now()
		}
	}
	if len(t.m) > procCap {
		t.sweep()
	}
}

// sweep drops exited processes, then (still over the cap) half the table.
func (t *procTable) sweep() {
	now := time.Now()
	for pid, x := range t.m {
		if !x.exited.IsZero() && now.Sub(x.exited) > procKeep {
			delete(t.m, pid)
		}
	}
	for k, pid := range t.byNS {
		if _, ok := t.m[pid]; !ok {
			delete(t.byNS, k)
		}
	}
	if len(t.m) > procCap {
		n := 0
		for pid := range t.m {
			if n%2 == 0 {
				delete(t.m, pid)
			}
			n++
		}
	}
}

func (t *procTable) get(pid int32) (procInfo, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	x, ok := t.m[pid]
	if !ok {
		return procInfo{}, false
	}
	return *x, true
}

// remember records a process read from /proc (its name only).
func (t *procTable) remember(pid int32, comm string) {
	if pid <= 0 {
		return
	}
	t.mu.Lock()
	if _, ok := t.m[pid]; !ok {
		t.m[pid] = &procInfo{comm: comm}
	}
	t.mu.Unlock()
}

// rememberExe records a running process first seen after its exec.
func (t *procTable) rememberExe(p *event.Process, exe string) {
	t.mu.Lock()
	if _, ok := t.m[p.PID]; !ok {
		t.m[p.PID] = &procInfo{comm: p.Comm, exe: exe, ppid: p.PPID}
	}
	t.mu.Unlock()
}

// hostPID finds the host pid of a process by its pid in a cgroup's pid
// namespace.
func (t *procTable) hostPID(cg uint64, vpid int32) (int32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pid, ok := t.byNS[nsKey{cg, vpid}]
	return pid, ok
}

// ancestors lists the names of pid and its ancestors, nearest first.
func (t *procTable) ancestors(pid int32, n int) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for i := 0; i < n && pid > 0; i++ {
		x, ok := t.m[pid]
		if !ok {
			break
		}
		out = append(out, x.comm)
		pid = x.ppid
	}
	return out
}

// latencies keeps the detection latencies between two scrapes (capped).
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	if len(l.d) < 1<<16 {
		l.d = append(l.d, d)
	}
	l.mu.Unlock()
}

func (l *latencies) drain() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.d)
	l.d = l.d[:0]
	return out
}
