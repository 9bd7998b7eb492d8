package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// TestVerifyHostile runs bulwark verify on every hostile signature payload:
// exit 1 (nothing verified) with the reason in the record, or exit 2 with
// one error line when nothing could be read; the control image exits 0.
func TestVerifyHostile(t *testing.T) {
	t.Parallel()
	reg := verifytest.NewHostileRegistry(t)
	s := verifytest.NewKeySigner(t)
	good := verifytest.KeySigned(t, reg, s, "cli/app", "control")
	if out, errOut, code := runCLI("verify", "--key", s.Public, "--insecure", good); code != 0 {
		t.Fatalf("control image: exit %d\n%s%s", code, out, errOut)
	}
	for _, c := range verifytest.HostileCases(t, reg, s) {
		t.Run(c.Name, func(t *testing.T) {
			out, errOut, code := runCLI("verify", "--key", s.Public, "--insecure", "--format", "json", c.Ref)
			if c.Fatal {
				if code != ExitInput || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, c.Want) {
					t.Fatalf("exit %d, want %d with one line saying %q: %q", code, ExitInput, c.Want, errOut)
				}
				return
			}
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d: %s", code, ExitFindings, errOut)
			}
			var p provenance.Provenance
			if err := json.Unmarshal([]byte(out), &p); err != nil {
				t.Fatal(err)
			}
			if p.Verified || !strings.Contains(out, c.Want) {
				t.Errorf("record verified=%v, want the reason %q: %s", p.Verified, c.Want, out)
			}
		})
	}
}
