package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/attrib"
	"github.com/bulwark-sec/bulwark/internal/defend/kernel"
	"github.com/bulwark-sec/bulwark/internal/defend/probe"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
)

// TestSyscallCost measures what the system-call programs cost a watched
// process's system calls, apart from Docker and from the machine's load as
// far as one can: a thread of this test, moved into a cgroup of its own
// that the sensor watches as a container's and given a seccomp filter (a
// container's calls take the kernel's slow entry path for seccomp anyway),
// runs open+close and getppid loops under five set-ups in alternating
// rounds — no program; an empty program on the generic sys_enter BTF
// tracepoint (what dispatching every call to a program costs); an empty
// program on openat's tracepoint (the floor of a per-call tracepoint); the sensor
// as `defend run` loads it with the default rules (a tracepoint per system
// call the rules select; this test's own process is not exempted as the
// agent's would be); and the same sensor with the generic sys_enter
// program instead — and reports the thread's own CPU time per iteration
// (CLOCK_THREAD_CPUTIME_ID), median over rounds. A second pass turns the
// kernel's run-time accounting on and reports the system-call programs' ns
// per run for the same loops, less the host's background runs counted
// just before.
//
//	BULWARK_DEFEND_COST=25 go test -count=1 -run TestSyscallCost -v ./internal/defend/daemon
func TestSyscallCost(t *testing.T) {
	rounds, _ := strconv.Atoi(os.Getenv("BULWARK_DEFEND_COST"))
	if rounds <= 0 {
		t.Skip("set BULWARK_DEFEND_COST=ROUNDS to measure the sensor's cost per system call")
	}
	needEBPF(t)
	root := probe.CgroupV2Root()
	if root == "" {
		t.Skip("no cgroup v2 hierarchy")
	}
	dir := filepath.Join(root, "bulwark-cost-"+randomID())
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	orig := ownV2Cgroup(t, root)
	t.Cleanup(func() {
		os.WriteFile(filepath.Join(orig, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0o644)
		os.Remove(dir)
	})
	cg, err := attrib.CgroupID(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Load(context.Background(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	judge := NewRulesJudge(set)
	ag := &Agent{slots: map[string]uint32{}, preds: judgePredicates(judge), opts: Options{Judge: judge}}
	preds := ag.kernelPredicates()
	kinds := ag.syscallKinds()

	type setup struct {
		name  string
		start func() (stop func(), stats func() (uint64, time.Duration))
	}
	setups := []setup{
		{"none", func() (func(), func() (uint64, time.Duration)) { return func() {}, nil }},
		{"empty", func() (func(), func() (uint64, time.Duration)) {
			p, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.Tracing, AttachType: ebpf.AttachTraceRawTp, AttachTo: "sys_enter",
				License: "GPL", Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}})
			if err != nil {
				t.Fatal(err)
			}
			l, err := link.AttachTracing(link.TracingOptions{Program: p})
			if err != nil {
				t.Fatal(err)
			}
			return func() { l.Close(); p.Close() }, func() (uint64, time.Duration) {
				st, err := p.Stats()
				if err != nil {
					t.Fatal(err)
				}
				return st.RunCount, st.Runtime
			}
		}},
	}
	setups = append(setups, setup{"emptytp", func() (func(), func() (uint64, time.Duration)) {
		// The floor of the per-call tracepoints: an empty program on
		// openat's.
		p, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.TracePoint, License: "GPL",
			Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}})
		if err != nil {
			t.Fatal(err)
		}
		l, err := link.Tracepoint("syscalls", "sys_enter_openat", p, nil)
		if err != nil {
			t.Skipf("no syscall tracepoints (tracefs): %v", err)
		}
		return func() { l.Close(); p.Close() }, func() (uint64, time.Duration) {
			st, err := p.Stats()
			if err != nil {
				t.Fatal(err)
			}
			return st.RunCount, st.Runtime
		}
	}})
	sensorSetup := func(generic bool) func() (func(), func() (uint64, time.Duration)) {
		return func() (func(), func() (uint64, time.Duration)) {
			ks, err := kernel.Open(kernel.Options{CgroupSubsys: -1, Generic: generic, Syscalls: kinds, AgentPID: -1})
			if err != nil {
				t.Fatal(err)
			}
			if err := ks.SetPredicates(preds); err != nil {
				t.Fatal(err)
			}
			if err := ks.Watch(cg, kernel.Filter{}); err != nil {
				t.Fatal(err)
			}
			return func() { ks.Close() }, func() (uint64, time.Duration) {
				// Every system-call program: the per-call tracepoints, or
				// the generic one.
				var runs uint64
				var total time.Duration
				for _, p := range ks.ProgramStats() {
					if strings.HasPrefix(p.Name, "sys_enter") {
						runs += p.Runs
						total += p.Total
					}
				}
				return runs, total
			}
		}
	}
	setups = append(setups, setup{"sensor", sensorSetup(false)}, setup{"generic", sensorSetup(true)})
	loops := []struct {
		name string
		n    int
		f    func(n int)
	}{
		{"open+close /etc/hostname", 100000, func(n int) {
			p, _ := unix.BytePtrFromString("/etc/hostname")
			atFDCWD := ^uintptr(99) // -100
			for range n {
				fd, _, _ := unix.RawSyscall6(unix.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(p)), unix.O_RDONLY, 0, 0, 0)
				unix.RawSyscall(unix.SYS_CLOSE, fd, 0, 0)
			}
		}},
		{"getppid", 200000, func(n int) {
			for range n {
				unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
			}
		}},
	}

	// The loops run on one thread, in the watched cgroup, with a seccomp
	// filter; the thread ends with the test (it is never unlocked).
	type job struct {
		loop int
		done chan [2]int64 // thread CPU ns, wall ns
	}
	jobs := make(chan job)
	ready := make(chan error)
	go func() {
		runtime.LockOSThread()
		ready <- containerLike(dir)
		for j := range jobs {
			l := loops[j.loop]
			c0, w0 := threadCPU(), time.Now()
			l.f(l.n)
			c1, w1 := threadCPU(), time.Now()
			j.done <- [2]int64{(c1 - c0) / int64(l.n), w1.Sub(w0).Nanoseconds() / int64(l.n)}
		}
	}()
	if err := <-ready; err != nil {
		t.Fatal(err)
	}
	defer close(jobs)
	run := func(loop int) [2]int64 {
		j := job{loop, make(chan [2]int64)}
		jobs <- j
		return <-j.done
	}

	// Pass 1: CPU time per iteration, accounting off.
	cpu := map[string][]int64{}
	for r := range rounds {
		for i := range setups {
			s := setups[(i+r)%len(setups)]
			stop, _ := s.start()
			for li, l := range loops {
				v := run(li)
				cpu[s.name+"|"+l.name] = append(cpu[s.name+"|"+l.name], v[0])
			}
			stop()
		}
	}
	med := func(xs []int64) float64 {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		return float64(xs[len(xs)/2])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nthread CPU ns per iteration, median of %d alternating rounds (load %s)\n", rounds, loadavg())
	for _, l := range loops {
		base := med(cpu["none|"+l.name])
		for _, s := range setups {
			m := med(cpu[s.name+"|"+l.name])
			fmt.Fprintf(&b, "  %-26s %-7s %8.0f ns  %+6.1f%%  (+%.0f ns)\n", l.name, s.name, m, (m-base)/base*100, m-base)
		}
	}

	// Pass 2: the programs' own run time, with the kernel's accounting.
	st, err := kernel.EnableStats()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	perRun := map[string][]float64{}
	for range rounds {
		for _, s := range setups[1:] {
			stop, p := s.start()
			for li, l := range loops {
				// The host's own calls in an idle window as long as the loop.
				r0, t0 := p()
				w0 := time.Now()
				time.Sleep(20 * time.Millisecond)
				r1, t1 := p()
				idle := time.Since(w0)
				v := run(li)
				r2, t2 := p()
				scale := float64(v[1]*int64(l.n)) / float64(idle)
				bgRuns := float64(r1-r0) * scale
				bgTime := float64(t1-t0) * scale
				runs := float64(r2-r1) - bgRuns
				if runs > float64(l.n)/2 { // the loop's calls run the program (not so for getppid with per-call tracepoints)
					perRun[s.name+"|"+l.name] = append(perRun[s.name+"|"+l.name], (float64(t2-t1)-bgTime)/runs)
				}
			}
			stop()
		}
	}
	fmt.Fprintf(&b, "system-call programs' ns per run (kernel accounting, background subtracted), median of %d rounds\n", rounds)
	for _, l := range loops {
		for _, s := range setups[1:] {
			xs := perRun[s.name+"|"+l.name]
			slices.Sort(xs)
			if len(xs) > 0 {
				fmt.Fprintf(&b, "  %-26s %-7s %6.1f ns/run\n", l.name, s.name, xs[len(xs)/2])
			}
		}
	}
	t.Log(b.String())
}

// ownV2Cgroup returns this process's cgroup v2 directory.
func ownV2Cgroup(t *testing.T, root string) string {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := attrib.PathIn(b, attrib.Layout{V2: true})
	if !ok {
		t.Fatal("no cgroup v2 line in /proc/self/cgroup")
	}
	return filepath.Join(root, p)
}

// containerLike moves this process into dir's cgroup and gives the
// calling thread an allow-everything seccomp filter.
func containerLike(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	filter := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW}}
	prog := unix.SockFprog{Len: 1, Filter: &filter[0]}
	if _, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog))); e != 0 {
		return e
	}
	return nil
}

func threadCPU() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return ts.Nano()
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
