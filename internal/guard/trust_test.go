package guard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// TestTrustRules judges images signed with the real cosign CLI in a
// loopback registry: signer keys and keyless identities per repository
// pattern, SLSA provenance builders and sources, the vulnerability
// attestation's age, unsigned and never-pulled images, and a registry
// that cannot be reached (deny, with the reason).
func TestTrustRules(t *testing.T) {
	cosign := verifytest.Cosign(t)
	host := verifytest.Registry(t)
	trusted := verifytest.NewKeyPair(t)
	stranger := verifytest.NewKeyPair(t)
	ss := verifytest.NewSigstore(t)
	push := func(repo, body string) string {
		img := testutil.Image(t, testutil.LayerTar(t, testutil.Entry{Name: "etc/motd", Body: body}))
		return verifytest.Push(t, img, host+"/"+repo+":1")
	}
	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	now := time.Now().UTC()
	slsa := write("slsa.json", `{"builder":{"id":"https://builder.example/ci@v1"},"buildType":"https://example/type",
	  "invocation":{"configSource":{"uri":"git+https://git.example/team/app","digest":{"sha1":"abc"}}}}`)
	vuln := func(at time.Time) string {
		return write("vuln.json", fmt.Sprintf(`{"scanner":{"uri":"pkg:golang/bulwark","version":"1"},"metadata":{"scanStartedOn":%q,"scanFinishedOn":%q}}`,
			at.Format(time.RFC3339), at.Format(time.RFC3339)))
	}

	good := push("team/app", "good")
	verifytest.Sign(t, cosign, trusted, good)
	verifytest.Attest(t, cosign, trusted, good, "slsaprovenance", slsa)
	verifytest.Attest(t, cosign, trusted, good, "vuln", vuln(now.Add(-24*time.Hour)))
	strangers := push("team/app", "stranger")
	verifytest.Sign(t, cosign, stranger, strangers)
	verifytest.Attest(t, cosign, stranger, strangers, "slsaprovenance", slsa)
	unsigned := push("team/app", "unsigned")
	staleScan := push("team/app", "stale")
	verifytest.Sign(t, cosign, trusted, staleScan)
	verifytest.Attest(t, cosign, trusted, staleScan, "slsaprovenance", slsa)
	verifytest.Attest(t, cosign, trusted, staleScan, "vuln", vuln(now.Add(-30*24*time.Hour)))
	keyless := push("oss/tool", "keyless")
	ss.SignKeyless(t, cosign, keyless, "release@example.com", "https://issuer.example")
	otherIdentity := push("oss/tool", "other identity")
	ss.SignKeyless(t, cosign, otherIdentity, "intruder@example.com", "https://issuer.example")

	p, err := policy.Parse(strings.NewReader(fmt.Sprintf(`version: 1
scan_gate: {enabled: false}
trust:
  enabled: true
  trusted_root: %s
  images:
    - pattern: %s/team/*
      keys: [%s]
      builders: ["https://builder.example/*"]
      source_repos: ["git+https://git.example/team/*"]
      max_vuln_attestation_age: 168h
    - pattern: %s/oss/**
      identities: [{subject: release@example.com, issuer: https://issuer.example}]
    - pattern: 127.0.0.1:1/**
      keys: [%s]
`, ss.RootPath, host, trusted.Public, host, trusted.Public)))
	if err != nil {
		t.Fatal(err)
	}
	g := newGuard(t, p, Options{})
	judge := func(ref string) []Violation {
		e := &eval{g: g, c: g.cur.Load(), d: &Decision{}}
		var rds []string
		if ref != "" {
			rds = []string{ref}
		}
		return e.trust(context.Background(), rds, "img")
	}
	tests := []struct {
		name, ref string
		want      []string // "rule: detail substring"
	}{
		{"trusted key, provenance, fresh scan", good, nil},
		{"signed by a key not trusted here", strangers, []string{"signature: not signed by a signer trusted", "provenance: no SLSA provenance signed by a trusted signer", "vuln-attestation: no vulnerability scan attestation"}},
		{"unsigned", unsigned, []string{"signature: it has no signature", "provenance: no SLSA provenance", "vuln-attestation: no vulnerability scan attestation"}},
		{"scan attestation too old", staleScan, []string{"vuln-attestation: older than 168h0m0s"}},
		{"keyless trusted identity", keyless, nil},
		{"keyless other identity", otherIdentity, []string{"signature: keyless by intruder@example.com (verified, not trusted here)"}},
		{"no pattern covers it", host + "/elsewhere/app@" + strings.Split(good, "@")[1], []string{"signature: no trust.images pattern covers"}},
		{"never pulled", "", []string{"signature: has no repo digest"}},
		{"registry unreachable", "127.0.0.1:1/team/app@" + strings.Split(good, "@")[1], []string{"signature: verifying 127.0.0.1:1/team/app"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := judge(tt.ref)
			if len(vs) != len(tt.want) {
				t.Fatalf("violations %+v, want %d: %q", vs, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				rule, detail, _ := strings.Cut(w, ": ")
				if vs[i].Rule != rule || !strings.Contains(vs[i].Detail, detail) {
					t.Errorf("violation %d: %s: %s, want %s: …%s…", i, vs[i].Rule, vs[i].Detail, rule, detail)
				}
			}
		})
	}
	// The second judgement of an image is the cache's.
	st := g.cur.Load().trust
	if n := st.cache.Len(); n < 6 {
		t.Errorf("cache holds %d results", n)
	}
}
