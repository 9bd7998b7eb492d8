package checks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// Without a trust policy 4.11 and 4.12 need a person and say which flag
// automates them; with one, each image's verdict decides, with the reason
// per image and the images in use marked.
func TestTrustPolicyChecks(t *testing.T) {
	results := func(s *facts.Snapshot) map[string]bench.Result {
		sel, _ := bench.ParseSelection([]string{"4.5", "4.11", "4.12"}, nil, 0)
		out := map[string]bench.Result{}
		for _, r := range bench.Run(All(Config{}), sel, s).Results {
			out[r.ID] = r
		}
		return out
	}
	s := &facts.Snapshot{}
	s.Env.ContentTrustSet, s.Env.ContentTrust = true, "0"
	r := results(s)
	for _, id := range []string{"4.11", "4.12"} {
		if r[id].Status != bench.Note || !strings.Contains(r[id].Details, "--trust-policy FILE") {
			t.Errorf("%s without a policy: %s %q", id, r[id].Status, r[id].Details)
		}
	}
	if r["4.5"].Status != bench.Warn || !strings.Contains(r["4.5"].Details, "--trust-policy FILE") {
		t.Errorf("4.5 without a policy: %s %q", r["4.5"].Status, r["4.5"].Details)
	}

	good := facts.TrustedImage{Image: "reg.example/team/app:1", Reference: "reg.example/team/app@sha256:1", Signers: []string{"/keys/release.pub"}}
	s.Trust = &facts.Trust{Policy: "/etc/bulwark/guard.yaml", Images: []facts.TrustedImage{good}}
	r = results(s)
	for _, id := range []string{"4.5", "4.11", "4.12"} {
		if r[id].Status != bench.Pass || !strings.Contains(r[id].Details, "/etc/bulwark/guard.yaml") {
			t.Errorf("%s with every image trusted: %s %q", id, r[id].Status, r[id].Details)
		}
	}

	noProv := facts.TrustedImage{Image: "reg.example/team/tool:2", InUse: true, NoProvenance: "it has no SLSA provenance signed by a trusted signer",
		Violations: []string{"provenance: it has no SLSA provenance signed by a trusted signer"}}
	unsigned := facts.TrustedImage{Image: "local:dev", Unsigned: "image local:dev has no repo digest", NoProvenance: "image local:dev has no repo digest",
		Violations: []string{"signature: image local:dev has no repo digest"}}
	s.Trust.Images = []facts.TrustedImage{good, noProv, unsigned}
	r = results(s)
	want := map[string][]string{
		"4.5":  {"local:dev: image local:dev has no repo digest"},
		"4.11": {"local:dev: image local:dev has no repo digest", "reg.example/team/tool:2 (in use): it has no SLSA provenance signed by a trusted signer"},
		"4.12": {"local:dev: signature: image local:dev has no repo digest", "reg.example/team/tool:2 (in use): provenance: it has no SLSA provenance signed by a trusted signer"},
	}
	for id, items := range want {
		if r[id].Status != bench.Warn || strings.Join(r[id].Items, "|") != strings.Join(items, "|") {
			t.Errorf("%s: %s %q, want warn %q", id, r[id].Status, r[id].Items, items)
		}
	}

	s.Engine.Err = "connection refused"
	if st := results(s)["4.12"].Status; st != bench.Skip {
		t.Errorf("4.12 with the engine down: %s", st)
	}
}
