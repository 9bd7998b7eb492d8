package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// The parsers of registry-supplied signature material, fuzzed. Each must
// return an error or a record, never panic, and never call anything
// verified that did not pass every check.

const fuzzRef = "registry.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func fuzzHash(t testing.TB) v1.Hash {
	d, err := name.NewDigest(fuzzRef)
	if err != nil {
		t.Fatal(err)
	}
	h, err := v1.NewHash(d.DigestStr())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fuzzCollector trusts the key of s and records into a fresh record.
func fuzzCollector(t testing.TB, s *verifytest.KeySigner) *collector {
	k, err := LoadKey(s.Public)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := name.NewDigest(fuzzRef)
	return &collector{v: New(Options{Trust: &Trust{Keys: []Key{k}}}), ctx: context.Background(), img: d, hash: fuzzHash(t), p: &provenance.Provenance{}}
}

func FuzzSimpleSigning(f *testing.F) {
	f.Add(verifytest.SimpleSigning(fuzzRef))
	f.Add([]byte(`{"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":"sha256:00"}}}`))
	f.Add([]byte(`{"critical":null}`))
	f.Add([]byte(`[]`))
	h := fuzzHash(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := checkSimpleSigning(b, h); err == nil {
			if err := strictJSON(b, &simpleSigning{}); err != nil {
				t.Fatalf("accepted a payload that is not JSON: %v", err)
			}
		}
	})
}

func FuzzStatement(f *testing.F) {
	f.Add(verifytest.Statement(fuzzRef, "https://slsa.dev/provenance/v0.2", `{"builder":{"id":"https://b"},"invocation":{"configSource":{"uri":"git+https://s","digest":{"sha1":"ab"}}}}`))
	f.Add(verifytest.Statement(fuzzRef, "https://slsa.dev/provenance/v1", `{"buildDefinition":{"buildType":"t","externalParameters":{"workflow":{"repository":"r","ref":"main"}}},"runDetails":{"builder":{"id":"b"}}}`))
	f.Add(verifytest.Statement(fuzzRef, "https://cosign.sigstore.dev/attestation/vuln/v1", `{"scanner":{"uri":"u","version":"1"},"metadata":{"scanFinishedOn":"2026-01-02T03:04:05Z"}}`))
	f.Add(verifytest.Statement(fuzzRef, "https://cyclonedx.org/bom", `{"bomFormat":"CycloneDX","specVersion":"1.6"}`))
	f.Add(verifytest.Statement(fuzzRef, "https://openvex.dev/ns/v0.2.0", `{"statements":[]}`))
	f.Add([]byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":""}}],"predicate":null}`))
	h := fuzzHash(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var a provenance.Attestation
		if err := readStatement(b, h, &a); err == nil && a.Kind == "" {
			t.Fatal("a statement read without a kind")
		}
	})
}

func FuzzEnvelope(f *testing.F) {
	s := verifytest.NewKeySigner(f)
	f.Add(s.Envelope(f, inTotoPayloadType, verifytest.Statement(fuzzRef, "https://slsa.dev/provenance/v0.2", `{"builder":{"id":"https://b"}}`)))
	f.Add(s.Envelope(f, inTotoPayloadType, []byte(`{"_type":"https://in-toto.io/Statement/v1"}`)))
	f.Add(s.Envelope(f, "text/plain", []byte("hello")))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AAAA"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := fuzzCollector(t, s)
		var env dsse.Envelope
		if err := strictJSON(b, &env); err != nil {
			return
		}
		a := provenance.Attestation{Kind: provenance.KindOther}
		c.attestation(&a, &env, nil)
		if a.Verified && (a.Error != "" || a.Kind == provenance.KindOther && a.PredicateType == "") {
			t.Fatalf("verified with an error or without a statement: %+v", a)
		}
	})
}

func FuzzSigstoreBundle(f *testing.F) {
	s := verifytest.NewKeySigner(f)
	env := s.Envelope(f, inTotoPayloadType, verifytest.Statement(fuzzRef, "https://slsa.dev/provenance/v0.2", `{"builder":{"id":"https://b"}}`))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"k"},"tlogEntries":[]},"dsseEnvelope":` + string(env) + `}`))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"k"}},"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"ASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8="},"signature":"AAAA"}}`))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := fuzzCollector(t, s)
		c.readBundle(b, "fuzz")
		for _, sg := range c.p.Signatures {
			if sg.Verified && sg.Error != "" {
				t.Fatalf("verified with an error: %+v", sg)
			}
		}
		for _, a := range c.p.Attestations {
			if a.Verified && a.Error != "" {
				t.Fatalf("verified with an error: %+v", a)
			}
		}
	})
}

func FuzzRekorBundle(f *testing.F) {
	f.Add([]byte(`{"SignedEntryTimestamp":"MEUCIQ==","Payload":{"body":"eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIn0=","integratedTime":1700000000,"logIndex":7,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"}}`))
	f.Add([]byte(`{"SignedEntryTimestamp":"","Payload":{}}`))
	f.Add([]byte(`{"Payload":{"body":"%%%"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, err := parseRekorBundle(b); err == nil && e == nil {
			t.Fatal("no entry and no error")
		}
	})
}

// fuzzCert is a certificate as Fulcio issues them: an e-mail SAN and the
// OIDC issuer extension.
func fuzzCert(f *testing.F) []byte {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	iss, _ := asn1.Marshal("https://issuer.example")
	u, _ := url.Parse("https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main")
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sigstore"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), EmailAddresses: []string{"dev@example.com"}, URIs: []*url.URL{u},
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: iss}, {Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte("https://issuer.example")}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		f.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func FuzzCertificateAnnotation(f *testing.F) {
	s := verifytest.NewKeySigner(f)
	cert := fuzzCert(f)
	f.Add(cert, []byte(`{"SignedEntryTimestamp":"MEUCIQ==","Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"00"}}`))
	f.Add(append(cert, cert...), []byte(nil))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"), []byte(nil))
	payload := verifytest.SimpleSigning(fuzzRef)
	sig, _ := base64.StdEncoding.DecodeString(s.Sign(f, payload))
	f.Fuzz(func(t *testing.T, certPEM, rekor []byte) {
		c := fuzzCollector(t, s)
		ann := map[string]string{annCertificate: string(certPEM)}
		if len(rekor) > 0 {
			ann[annBundle] = string(rekor)
		}
		var sg provenance.Signature
		d := sha256.Sum256(payload)
		c.v.check(&checked{sig: &sg}, ann, bundle.NewMessageSignature(d[:], "SHA2_256", sig), sgverify.WithArtifact(bytes.NewReader(payload)))
		if sg.Verified {
			t.Fatalf("a certificate with no trusted root verified: %+v", sg)
		}
	})
}

func FuzzPublicKey(f *testing.F) {
	s := verifytest.NewKeySigner(f)
	pub, err := os.ReadFile(s.Public)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pub)
	f.Add(fuzzCert(f))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if k, err := parseKey("fuzz", b); err == nil && k.verifier == nil {
			t.Fatal("a key without a verifier")
		}
	})
}

func FuzzNotationTrustPolicy(f *testing.F) {
	f.Add([]byte(`{"version":"1.0","trustPolicies":[{"name":"p","registryScopes":["*"],"signatureVerification":{"level":"strict"},"trustStores":["ca:release"],"trustedIdentities":["*"]}]}`))
	f.Add([]byte(`{"version":"1.0","trustPolicies":[{"name":"skip","registryScopes":["r.example/app"],"signatureVerification":{"level":"skip"}}]}`))
	f.Add([]byte(`{"version":"2"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if doc, err := parseTrustPolicy(b); err == nil && doc == nil {
			t.Fatal("no policy and no error")
		}
	})
}
