package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/verify"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// errorsOf gathers every reason a record gives.
func errorsOf(p *provenance.Provenance) []string {
	out := append([]string{}, p.Errors...)
	for _, s := range p.Signatures {
		out = append(out, s.Error)
	}
	for _, a := range p.Attestations {
		out = append(out, a.Error)
	}
	return out
}

// TestHostilePayloads: a registry serving oversized, malformed, cyclic
// and endless signature material. Each image gets one clear reason and is
// never verified; the control image, signed the same way, is.
func TestHostilePayloads(t *testing.T) {
	reg := verifytest.NewHostileRegistry(t)
	s := verifytest.NewKeySigner(t)
	key := loadKey(t, s.Public)
	v := verify.New(verify.Options{Trust: &verify.Trust{Keys: []verify.Key{key}}, Insecure: true})

	good := verifytest.KeySigned(t, reg, s, "control", "control")
	p, err := v.Verify(context.Background(), good)
	if err != nil || !p.Verified || len(p.Attestations) != 1 || !p.Attestations[0].Verified || p.Attestations[0].BuilderID == "" {
		t.Fatalf("control image: %v %+v", err, p)
	}

	for _, c := range verifytest.HostileCases(t, reg, s) {
		t.Run(c.Name, func(t *testing.T) {
			start := time.Now()
			p, err := v.Verify(context.Background(), c.Ref)
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			if c.Fatal {
				if err == nil || !strings.Contains(err.Error(), c.Want) {
					t.Fatalf("want an error with %q, got %v %+v", c.Want, err, p)
				}
				if strings.Count(err.Error(), "\n") > 0 {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if p.Verified {
				t.Fatalf("hostile image verified: %+v", p)
			}
			for _, sg := range p.Signatures {
				if sg.Verified {
					t.Errorf("signature verified: %+v", sg)
				}
			}
			for _, a := range p.Attestations {
				if a.Verified {
					t.Errorf("attestation verified: %+v", a)
				}
			}
			var reasons []string
			for _, e := range errorsOf(p) {
				if e != "" {
					reasons = append(reasons, e)
				}
			}
			if want := max(c.Reasons, 1); len(reasons) != want {
				t.Errorf("%d reasons, want %d: %q", len(reasons), want, reasons)
			}
			found := false
			for _, e := range reasons {
				if strings.Contains(e, c.Want) {
					found = true
				}
				if len(e) > 4096 {
					t.Errorf("reason of %d bytes: %.200s…", len(e), e)
				}
			}
			if !found {
				t.Errorf("no reason says %q: %q", c.Want, reasons)
			}
		})
	}
}
