package guard

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestDefaultSeccompProfilePasses: Docker's own default profile meets the
// threshold, so the dangerous-syscall list holds only syscalls it blocks
// for a container without added capabilities.
func TestDefaultSeccompProfilePasses(t *testing.T) {
	b, err := json.Marshal(seccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	if v := judgeSeccomp(string(b)); !v.confined() {
		t.Fatalf("the default profile fails the threshold: %+v", v)
	}
	// The same profile allowing mount and unshare to everyone does not.
	p := seccomp.DefaultProfile()
	p.Syscalls = append(p.Syscalls, &seccomp.Syscall{LinuxSyscall: specs.LinuxSyscall{Names: []string{"unshare", "mount", "read"}, Action: specs.ActAllow}})
	b, _ = json.Marshal(p)
	if v := judgeSeccomp(string(b)); !slices.Equal(v.allowed, []string{"mount", "unshare"}) {
		t.Errorf("allowed mount and unshare: %+v", v)
	}
}
