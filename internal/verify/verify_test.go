package verify_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/verify"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// image pushes a small distinct image and returns its digest reference.
func image(t *testing.T, host, repo, body string) string {
	t.Helper()
	img := testutil.Image(t, testutil.LayerTar(t, testutil.Entry{Name: "etc/motd", Body: body}))
	return verifytest.Push(t, img, host+"/"+repo+":latest")
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadKey(t *testing.T, path string) verify.Key {
	t.Helper()
	k, err := verify.LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func run(t *testing.T, trust *verify.Trust, ref string) *provenance.Provenance {
	t.Helper()
	p, err := verify.New(verify.Options{Trust: trust, Insecure: true}).Verify(context.Background(), ref)
	if err != nil {
		t.Fatalf("verify %s: %v", ref, err)
	}
	return p
}

const slsaPredicate = `{
  "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.0.0"},
  "buildType": "https://github.com/slsa-framework/slsa-github-generator/container@v1",
  "invocation": {"configSource": {"uri": "git+https://github.com/bulwark-sec/demo@refs/heads/main", "digest": {"sha1": "0123456789abcdef0123456789abcdef01234567"}, "entryPoint": ".github/workflows/release.yml"}},
  "materials": [{"uri": "git+https://github.com/bulwark-sec/demo@refs/heads/main"}]
}`

const cdxPredicate = `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [{"type": "library", "name": "zlib", "version": "1.2.13", "purl": "pkg:deb/debian/zlib1g@1.2.13?arch=amd64"}]}`

// TestCosignCLI is the acceptance of signatures made with the real cosign
// CLI: key-signed, keyless-style (test Fulcio CA, test Rekor log key),
// attested (SLSA provenance, CycloneDX, vulnerability scan); refused with
// a wrong key, for another digest, after the manifest was changed.
func TestCosignCLI(t *testing.T) {
	cosign := verifytest.Cosign(t)
	host := verifytest.Registry(t)
	kp := verifytest.NewKeyPair(t)
	other := verifytest.NewKeyPair(t)

	signed := image(t, host, "app/signed", "signed")
	verifytest.Sign(t, cosign, kp, signed)
	verifytest.Attest(t, cosign, kp, signed, "slsaprovenance", writeFile(t, "slsa.json", slsaPredicate))
	verifytest.Attest(t, cosign, kp, signed, "cyclonedx", writeFile(t, "bom.json", cdxPredicate))
	scanned := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	verifytest.Attest(t, cosign, kp, signed, "vuln", writeFile(t, "vuln.json", `{"invocation":{"uri":"","event_id":"","builder.id":""},
	  "scanner":{"uri":"pkg:github/aquasecurity/trivy@0.50.0","version":"0.50.0","db":{"uri":"","version":""},"result":{}},
	  "metadata":{"scanStartedOn":"`+scanned.Format(time.RFC3339)+`","scanFinishedOn":"`+scanned.Format(time.RFC3339)+`"}}`))

	t.Run("key", func(t *testing.T) {
		p := run(t, &verify.Trust{Keys: []verify.Key{loadKey(t, kp.Public)}}, signed)
		if !p.Verified || len(p.Signatures) != 1 || p.Signatures[0].Method != provenance.MethodKey || p.Signatures[0].Signer != kp.Public {
			t.Fatalf("not verified with the key: %+v", p)
		}
		byKind := map[string]provenance.Attestation{}
		for _, a := range p.Attestations {
			if !a.Verified {
				t.Errorf("attestation %s not verified: %s", a.PredicateType, a.Error)
			}
			byKind[a.Kind] = a
		}
		s := byKind[provenance.KindSLSA]
		if !strings.HasPrefix(s.BuilderID, "https://github.com/slsa-framework/slsa-github-generator/") || s.SourceRepo != "git+https://github.com/bulwark-sec/demo@refs/heads/main" || s.BuildType == "" {
			t.Errorf("SLSA provenance read wrong: %+v", s)
		}
		c := byKind[provenance.KindCycloneDX]
		var bom struct {
			Components []struct{ Name string } `json:"components"`
		}
		if err := json.Unmarshal(c.Predicate, &bom); err != nil || len(bom.Components) != 1 || bom.Components[0].Name != "zlib" {
			t.Errorf("CycloneDX attestation read wrong: %v %s", err, c.Predicate)
		}
		if v := byKind[provenance.KindVuln]; !v.ScannedAt.Equal(scanned) {
			t.Errorf("vulnerability attestation scanned at %v, want %v", v.ScannedAt, scanned)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		p := run(t, &verify.Trust{Keys: []verify.Key{loadKey(t, other.Public)}}, signed)
		if p.Verified || p.Signatures[0].Verified || !strings.Contains(p.Signatures[0].Error, "no trusted key verifies it") {
			t.Fatalf("verified with the wrong key: %+v", p.Signatures)
		}
		for _, a := range p.Attestations {
			if a.Verified {
				t.Errorf("attestation %s verified with the wrong key", a.PredicateType)
			}
		}
	})
	t.Run("nothing trusted", func(t *testing.T) {
		p := run(t, &verify.Trust{}, signed)
		if p.Verified || p.Signatures[0].Method != provenance.MethodNone {
			t.Fatalf("verified with nothing trusted: %+v", p.Signatures)
		}
	})
	t.Run("signature for another digest", func(t *testing.T) {
		// The signature manifest of the signed image copied to the tag of
		// another image: the payload names the signed digest.
		victim := image(t, host, "app/signed", "another")
		copyTag(t, signed, victim, ".sig")
		p := run(t, &verify.Trust{Keys: []verify.Key{loadKey(t, kp.Public)}}, victim)
		if p.Verified || len(p.Signatures) != 1 || !strings.Contains(p.Signatures[0].Error, "signature is for another digest") {
			t.Fatalf("a signature for another digest: %+v", p)
		}
		copyTag(t, signed, victim, ".att")
		p = run(t, &verify.Trust{Keys: []verify.Key{loadKey(t, kp.Public)}}, victim)
		for _, a := range p.Attestations {
			if a.Verified || !strings.Contains(a.Error, "about another artifact") {
				t.Errorf("an attestation for another digest: %+v", a)
			}
		}
	})
	t.Run("tampered manifest", func(t *testing.T) {
		// The tag now names a changed image: its digest has no signature.
		tag := strings.Split(signed, "@")[0] + ":latest"
		changed := image(t, host, "app/signed", "tampered")
		_ = changed
		p := run(t, &verify.Trust{Keys: []verify.Key{loadKey(t, kp.Public)}}, tag)
		if p.Verified || len(p.Signatures) != 0 {
			t.Fatalf("a changed image verified: %+v", p)
		}
	})

	t.Run("keyless", func(t *testing.T) {
		ss := verifytest.NewSigstore(t)
		ref := image(t, host, "app/keyless", "keyless")
		ss.SignKeyless(t, cosign, ref, "builder@example.com", "https://issuer.example.com")
		tr, err := verify.LoadTrustedRoot(ss.RootPath)
		if err != nil {
			t.Fatal(err)
		}
		id := verify.Identity{Subject: "builder@example.com", Issuer: "https://issuer.example.com"}
		p := run(t, &verify.Trust{Root: tr, RootName: ss.RootPath, Identities: []verify.Identity{id}}, ref)
		if !p.Verified {
			t.Fatalf("keyless signature not verified: %+v", p.Signatures)
		}
		s := p.Signatures[0]
		if s.Method != provenance.MethodKeyless || s.Signer != "builder@example.com" || s.Issuer != "https://issuer.example.com" || !strings.Contains(s.Log, "rekor log") {
			t.Errorf("keyless signature reported as %+v", s)
		}
		// Another identity is not trusted.
		p = run(t, &verify.Trust{Root: tr, RootName: ss.RootPath, Identities: []verify.Identity{{Subject: "someone@example.com"}}}, ref)
		if p.Verified || !strings.Contains(p.Signatures[0].Error, "not a trusted identity") {
			t.Errorf("untrusted identity verified: %+v", p.Signatures)
		}
		// Another trusted root (its CA and log) does not verify it.
		other := verifytest.NewSigstore(t)
		tr2, _ := verify.LoadTrustedRoot(other.RootPath)
		p = run(t, &verify.Trust{Root: tr2, RootName: other.RootPath}, ref)
		if p.Verified {
			t.Errorf("verified against another trusted root: %+v", p.Signatures)
		}
	})
}

// copyTag copies the cosign tag (suffix .sig or .att) of src to dst's.
func copyTag(t *testing.T, src, dst, suffix string) {
	t.Helper()
	tagOf := func(ref string) name.Tag {
		d, err := name.NewDigest(ref, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		return d.Context().Tag(strings.Replace(d.DigestStr(), ":", "-", 1) + suffix)
	}
	img, err := remote.Image(tagOf(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tagOf(dst), img); err != nil {
		t.Fatal(err)
	}
}

// TestNotation: a Notation signature made with notation-go's signer
// verifies against the trust store and policy, and not against another
// CA's.
func TestNotation(t *testing.T) {
	host := verifytest.Registry(t)
	n := verifytest.NewNotary(t)
	ref := image(t, host, "app/notation", "notation")
	n.Sign(t, ref, "release signer")
	nt, err := verify.LoadNotation(n.Dir)
	if err != nil {
		t.Fatal(err)
	}
	p := run(t, &verify.Trust{Notation: nt}, ref)
	if !p.Verified || len(p.Signatures) != 1 {
		t.Fatalf("notation signature not verified: %+v", p)
	}
	if s := p.Signatures[0]; s.Kind != provenance.Notation || s.Method != provenance.MethodX509 || !strings.Contains(s.Signer, "CN=release signer") {
		t.Errorf("notation signature reported as %+v", s)
	}
	other, err := verify.LoadNotation(verifytest.NewNotary(t).Dir)
	if err != nil {
		t.Fatal(err)
	}
	p = run(t, &verify.Trust{Notation: other}, ref)
	if p.Verified || p.Signatures[0].Error == "" {
		t.Fatalf("verified against another CA: %+v", p.Signatures)
	}
	unsigned := image(t, host, "app/notation", "unsigned")
	p = run(t, &verify.Trust{Notation: nt}, unsigned)
	if p.Verified || len(p.Signatures) != 0 {
		t.Fatalf("unsigned image: %+v", p)
	}
}
