package probe

import (
	"context"
	"os"
	"testing"
)

func TestReportIsConsistent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("probing loads BPF programs: root only")
	}
	r := Run(context.Background())
	if len(r.Checks) != 13 || r.Kernel == "" {
		t.Fatalf("%d checks, kernel %q", len(r.Checks), r.Kernel)
	}
	for _, c := range r.Checks {
		if c.Detail == "" {
			t.Errorf("%s: no detail", c.Name)
		}
	}
	_, btfErr := os.Stat("/sys/kernel/btf/vmlinux")
	if r.OK(BTF) != (btfErr == nil) {
		t.Errorf("btf %v, but /sys/kernel/btf/vmlinux: %v", r.OK(BTF), btfErr)
	}
	switch r.Mode {
	case ModeEBPF:
		if !r.OK(BTF) || !r.OK(BTFTP) || !r.OK(RingBuf) {
			t.Errorf("ebpf mode without its requirements: %+v", r.Checks)
		}
	case ModeProc:
		if !r.OK(ProcConn) || len(r.Blind) == 0 {
			t.Errorf("proc mode must say what it cannot see: %+v", r)
		}
	case ModeNone:
		if r.Why == "" {
			t.Error("no mode and no reason")
		}
	default:
		t.Errorf("mode %q", r.Mode)
	}
	if r.Reason("nosuch") == "" || (r.OK(Fentry) && r.Reason(Fentry) != "") {
		t.Error("Reason")
	}
}
