package kernel

import (
	"slices"
	"testing"
)

func int8s(s string, n int) []int8 {
	b := make([]int8, n)
	for i := 0; i < len(s) && i < n; i++ {
		b[i] = int8(s[i])
	}
	return b
}

func TestCwdFrom(t *testing.T) {
	b := make([]int8, 256)
	copy(b[0:], int8s("ssh", 32))
	copy(b[32:], int8s("etc", 32))
	if got := cwdFrom(b, 2); got != "/etc/ssh" {
		t.Errorf("got %q", got)
	}
	if got := cwdFrom(b, 0); got != "/" {
		t.Errorf("root: got %q", got)
	}
	if got := cwdFrom(b, 99); len(got) == 0 {
		t.Error("overlong count")
	}
}

func TestSplitArgs(t *testing.T) {
	b := int8s("sh\x00-c\x00id\x00", 512)
	if got := splitArgs(b, 9); !slices.Equal(got, []string{"sh", "-c", "id"}) {
		t.Errorf("got %q", got)
	}
	if got := splitArgs(b, 0); got != nil {
		t.Errorf("empty: %q", got)
	}
	if got := splitArgs(b, 60000); len(got) != 3 {
		t.Errorf("overlong length: %q", got)
	}
}

func TestNames(t *testing.T) {
	if got := nsNames(0x00020000 | 0x40000000); !slices.Equal(got, []string{"mnt", "net"}) {
		t.Errorf("ns: %q", got)
	}
	if nsNames(0) == nil {
		t.Error("no flags must be an empty, non-nil list")
	}
	if ptraceOp(16) != "attach" || bpfCmd(5) != "prog_load" || bpfCmd(999) != "cmd 999" {
		t.Error("op names")
	}
	if proto(6) != "tcp" || proto(17) != "udp" {
		t.Error("proto")
	}
}
