package guard

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

func TestJudgeSeccomp(t *testing.T) {
	tests := []struct {
		name, profile string
		confined      bool
	}{
		{"allow by default", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]}`, false},
		{"log by default", `{"defaultAction":"SCMP_ACT_LOG"}`, false},
		{"deny by default, allowing kexec_load", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","kexec_load"],"action":"SCMP_ACT_ALLOW"}]}`, false},
		{"old name field", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"bpf","action":"SCMP_ACT_ALLOW"}]}`, false},
		{"notify hands the decision away", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}`, false},
		{"deny by default, allowing mount with CAP_SYS_ADMIN only", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, true},
		{"kill by default", `{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[]}`, true},
		{"unknown action", `{"defaultAction":"SCMP_ACT_MAYBE"}`, false},
		{"no default action", `{"syscalls":[]}`, false},
		{"not JSON", `{"defaultAction":`, false},
	}
	for _, tt := range tests {
		if v := judgeSeccomp(tt.profile); v.confined() != tt.confined {
			t.Errorf("%s: %+v, want confined %v", tt.name, v, tt.confined)
		}
	}
	g := newGuard(t, testPolicy(t, ""), Options{Offline: true})
	allowAll, _ := json.Marshal(`seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`)
	d, _ := g.Decide(context.Background(), create(with(`"SecurityOpt":["no-new-privileges",`+string(allowAll)+`]`, "")))
	if d.Allow || d.Rule != policy.RuleSeccomp {
		t.Errorf("allow-all seccomp profile: %+v", d)
	}
}

// FuzzSeccompProfile: hostile profiles never panic, and a profile judged
// confined refuses by default.
func FuzzSeccompProfile(f *testing.F) {
	f.Add(`{"defaultAction":"SCMP_ACT_ALLOW"}`)
	f.Add(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},null]}`)
	f.Add(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"bpf","action":"SCMP_ACT_LOG","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]}`)
	f.Fuzz(func(t *testing.T, profile string) {
		v := judgeSeccomp(profile)
		if !v.confined() {
			return
		}
		var p struct{ DefaultAction string }
		if json.Unmarshal([]byte(profile), &p) != nil || seccompActions[p.DefaultAction] {
			t.Fatalf("confined, but the default action %q allows", p.DefaultAction)
		}
	})
}
