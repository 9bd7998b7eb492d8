package guard

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// TestTrustHostile puts the hostile signature payloads (oversized,
// malformed, cyclic and endless referrers, a manifest that is not its
// digest) through the trust rule: each is refused with a reason of one
// line and a bounded length, and the control image signed the same way is
// admitted.
func TestTrustHostile(t *testing.T) {
	reg := verifytest.NewHostileRegistry(t)
	s := verifytest.NewKeySigner(t)
	good := verifytest.KeySigned(t, reg, s, "team/app", "control")
	cases := verifytest.HostileCases(t, reg, s)
	p, err := policy.Parse(strings.NewReader(fmt.Sprintf(`version: 1
scan_gate: {enabled: false}
trust:
  enabled: true
  images:
    - pattern: "%s/**"
      keys: [%s]
      builders: ["https://builder.example/*"]
`, reg.Host, s.Public)))
	if err != nil {
		t.Fatal(err)
	}
	g := newGuard(t, p, Options{})
	judge := func(ref string) []Violation {
		e := &eval{g: g, c: g.cur.Load(), d: &Decision{}}
		return e.trust(context.Background(), []string{ref}, "img")
	}
	if vs := judge(good); len(vs) != 0 {
		t.Fatalf("control image refused: %+v", vs)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			vs := judge(c.Ref)
			if len(vs) == 0 {
				t.Fatal("hostile image admitted")
			}
			all := ""
			for _, v := range vs {
				if strings.Contains(v.Detail, "\n") || len(v.Detail) > 2048 {
					t.Errorf("%s: reason of %d bytes or several lines: %.300q", v.Rule, len(v.Detail), v.Detail)
				}
				all += v.Detail
			}
			if !strings.Contains(all, c.Want) {
				t.Errorf("no reason says %q: %+v", c.Want, vs)
			}
		})
	}
}
