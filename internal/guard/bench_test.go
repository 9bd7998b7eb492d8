package guard

import (
	"context"
	"testing"
)

// BenchmarkDecide is the CPU cost of one decision without the engine: a
// hardened create (allowed) and one breaking several rules.
func BenchmarkDecide(b *testing.B) {
	g := newGuard(b, testPolicy(b, ""), Options{})
	for _, bc := range []struct {
		name string
		in   Input
	}{
		{"allowed create", create(hardened)},
		{"denied create", create(with(`"Privileged":true,"PidMode":"host","CapAdd":["SYS_ADMIN"],"Binds":["/var/run/docker.sock:/s"]`, ""))},
		{"get", Input{Method: "GET", URI: "/v1.41/containers/json"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Decide(context.Background(), bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
