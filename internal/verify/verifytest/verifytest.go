// Package verifytest signs images in a loopback registry the way real
// publishers do, for tests of signature verification: with the cosign
// CLI (a key pair; a keyless-style certificate from a test Fulcio CA with
// an entry signed by a test Rekor log key), and with notation-go's own
// signer. It is test support: it calls t.Fatal and t.Skip.
package verifytest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/notaryproject/notation-go"
	notationregistry "github.com/notaryproject/notation-go/registry"
	"github.com/notaryproject/notation-go/signer"
	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
	"github.com/sigstore/sigstore-go/pkg/root"
	orasremote "oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// Registry serves an in-process OCI registry with the referrers API on
// loopback and returns its host:port.
func Registry(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true)))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// Push uploads img as ref and returns its digest reference.
func Push(t testing.TB, img v1.Image, ref string) string {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return r.Context().Digest(d.String()).String()
}

// Cosign returns the cosign CLI: $BULWARK_COSIGN, else cosign on PATH;
// the test skips without it (.ci/run builds it).
func Cosign(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("BULWARK_COSIGN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("BULWARK_COSIGN=%s: %v", p, err)
		}
		return p
	}
	p, err := exec.LookPath("cosign")
	if err != nil {
		t.Skip("cosign CLI not found (set BULWARK_COSIGN or put cosign on PATH; .ci/run builds it)")
	}
	return p
}

// Run runs cosign with args and returns its output.
func Run(t testing.TB, cosign string, args ...string) string {
	t.Helper()
	cmd := exec.Command(cosign, args...)
	cmd.Env = append(os.Environ(), "COSIGN_PASSWORD=", "COSIGN_YES=true", "COSIGN_EXPERIMENTAL=0",
		"TUF_ROOT="+t.TempDir(), "HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cosign %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// KeyPair is a cosign key pair on disk.
type KeyPair struct{ Private, Public string }

// NewKeyPair writes a new ECDSA P-256 key pair in cosign's key file
// format (empty password): the private key as PKCS #8, encrypted with
// scrypt and NaCl secretbox as go-securesystemslib does for cosign, with
// the library's legacy scrypt parameters (N = 2^15), which cosign 1.x
// wrote and cosign 2 reads. cosign generate-key-pair now writes N = 2^16,
// and every sign or attest with such a key spends ~0.35 s of CPU and 64 MB
// deriving its key again; the legacy parameters halve that. Signing and
// attesting remain the cosign CLI's.
func NewKeyPair(t testing.TB) KeyPair {
	t.Helper()
	key := mustKey(t)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := encrypted.EncryptWithCustomKDFParameters(der, nil, encrypted.Legacy)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kp := KeyPair{Private: filepath.Join(dir, "cosign.key"), Public: filepath.Join(dir, "cosign.pub")}
	if err := os.WriteFile(kp.Private, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED SIGSTORE PRIVATE KEY", Bytes: enc}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kp.Public, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644); err != nil {
		t.Fatal(err)
	}
	return kp
}

// registryFlags let cosign talk plain HTTP to the loopback registry.
var registryFlags = []string{"--allow-insecure-registry", "--allow-http-registry"}

// Sign signs ref with the key, without a transparency log.
func Sign(t testing.TB, cosign string, kp KeyPair, ref string) {
	t.Helper()
	Run(t, cosign, append(append([]string{"sign", "--key", kp.Private, "--tlog-upload=false", "--yes"}, registryFlags...), ref)...)
}

// Attest attaches an in-toto attestation of predicate type typ (cosign's
// names: slsaprovenance, cyclonedx, spdxjson, openvex, vuln, or a URI)
// with the predicate in file.
func Attest(t testing.TB, cosign string, kp KeyPair, ref, typ, predicate string) {
	t.Helper()
	Run(t, cosign, append(append([]string{"attest", "--key", kp.Private, "--tlog-upload=false", "--yes", "--type", typ, "--predicate", predicate}, registryFlags...), ref)...)
}

// Sigstore is a test Fulcio CA and Rekor log key, written as sigstore's
// trusted_root.json.
type Sigstore struct {
	RootPath string
	caCert   *x509.Certificate
	caKey    *ecdsa.PrivateKey
	logKey   *ecdsa.PrivateKey
	logID    []byte
	index    int64
}

// NewSigstore makes the CA and log key and writes the trusted root.
func NewSigstore(t testing.TB) *Sigstore {
	t.Helper()
	now := time.Now().Add(-time.Hour)
	caKey := mustKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bulwark-test-fulcio", Organization: []string{"bulwark test"}},
		NotBefore: now, NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	logKey := mustKey(t)
	pub, _ := x509.MarshalPKIXPublicKey(&logKey.PublicKey)
	id := sha256.Sum256(pub)
	logs := map[string]*root.TransparencyLog{hex.EncodeToString(id[:]): {
		BaseURL: "https://rekor.test", ID: id[:], ValidityPeriodStart: now, HashFunc: crypto.SHA256,
		PublicKey: &logKey.PublicKey, SignatureHashFunc: crypto.SHA256,
	}}
	cas := []root.CertificateAuthority{&root.FulcioCertificateAuthority{Root: ca, ValidityPeriodStart: now, URI: "https://fulcio.test"}}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, cas, nil, nil, logs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return &Sigstore{RootPath: path, caCert: ca, caKey: caKey, logKey: logKey, logID: id[:]}
}

func mustKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// SignKeyless signs ref as a keyless signer would: the real cosign CLI
// writes the payload (`cosign generate`) and attaches the signature with
// its certificate, chain and Rekor bundle (`cosign attach signature`);
// this test CA issues the short-lived certificate for subject (an e-mail
// address) from OIDC issuer, and this test log signs the entry.
func (s *Sigstore) SignKeyless(t testing.TB, cosign, ref, subject, issuer string) {
	t.Helper()
	dir := t.TempDir()
	payload := []byte(Run(t, cosign, append([]string{"generate"}, ref)...))
	// cosign generate prints the payload and nothing else on stdout; the
	// combined output may carry a warning line first.
	if i := bytes.IndexByte(payload, '{'); i > 0 {
		payload = payload[i:]
	}
	payload = bytes.TrimSpace(payload)
	leafKey := mustKey(t)
	issued := time.Now().Add(-time.Minute)
	issuerExt, _ := asn1.Marshal(issuer)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), NotBefore: issued, NotAfter: issued.Add(10 * time.Minute),
		EmailAddresses: []string{subject}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(issuer)},
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: issuerExt},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.caCert, &leafKey.PublicKey, s.caKey)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	chainPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.caCert.Raw})
	digest := sha256.Sum256(payload)
	sig, err := ecdsa.SignASN1(rand.Reader, leafKey, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"apiVersion": "0.0.1", "kind": "hashedrekord",
		"spec": map[string]any{
			"data":      map[string]any{"hash": map[string]any{"algorithm": "sha256", "value": hex.EncodeToString(digest[:])}},
			"signature": map[string]any{"content": base64.StdEncoding.EncodeToString(sig), "publicKey": map[string]any{"content": base64.StdEncoding.EncodeToString(certPEM)}},
		},
	})
	s.index++
	// The --rekor-response file is what `cosign sign-blob --bundle` writes.
	bundle, _ := json.Marshal(map[string]any{
		"base64Signature": base64.StdEncoding.EncodeToString(sig), "cert": base64.StdEncoding.EncodeToString(certPEM),
		"rekorBundle": json.RawMessage(s.entry(t, body, issued.Add(time.Second).Unix(), s.index)),
	})
	files := map[string][]byte{
		"payload.json": payload, "sig": []byte(base64.StdEncoding.EncodeToString(sig)),
		"cert.pem": certPEM, "chain.pem": chainPEM, "bundle.json": bundle,
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := func(n string) string { return filepath.Join(dir, n) }
	Run(t, cosign, append(append([]string{"attach", "signature", "--payload", p("payload.json"), "--signature", p("sig"),
		"--certificate", p("cert.pem"), "--certificate-chain", p("chain.pem"), "--rekor-response", p("bundle.json")}, registryFlags...), ref)...)
}

// entry is a Rekor bundle for body: the entry and its signed entry
// timestamp from the test log key, in cosign's annotation form.
func (s *Sigstore) entry(t testing.TB, body []byte, integrated, index int64) []byte {
	t.Helper()
	payload := map[string]any{
		"body": base64.StdEncoding.EncodeToString(body), "integratedTime": integrated,
		"logIndex": index, "logID": hex.EncodeToString(s.logID),
	}
	raw, _ := json.Marshal(payload)
	canon, err := jsoncanonicalizer.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(canon)
	set, err := ecdsa.SignASN1(rand.Reader, s.logKey, h[:])
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"SignedEntryTimestamp": set, "Payload": payload})
	return out
}

// Notary is a test CA for Notation signatures and the trust policy and
// trust store that trust it, in a notation configuration directory.
type Notary struct {
	Dir    string
	caCert *x509.Certificate
	caKey  *ecdsa.PrivateKey
}

// NewNotary makes the CA and writes DIR/trustpolicy.json (every registry
// scope, strict, identities "*") and DIR/truststore/x509/ca/test/ca.pem.
func NewNotary(t testing.TB) *Notary {
	t.Helper()
	dir := t.TempDir()
	key := mustKey(t)
	now := time.Now().Add(-time.Hour)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "bulwark test notary CA", Organization: []string{"bulwark test"}, Country: []string{"US"}, Province: []string{"WA"}, Locality: []string{"Seattle"}},
		NotBefore: now, NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, MaxPathLen: 1,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	store := filepath.Join(dir, "truststore", "x509", "ca", "test")
	if err := os.MkdirAll(store, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	policy := `{"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
  "signatureVerification":{"level":"strict"},"trustStores":["ca:test"],"trustedIdentities":["*"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "trustpolicy.json"), []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Notary{Dir: dir, caCert: ca, caKey: key}
}

// Sign signs ref (a digest reference in the loopback registry) with a
// leaf certificate for subject CN issued by the CA, through notation-go's
// signer and its registry client.
func (n *Notary) Sign(t testing.TB, ref, cn string) {
	t.Helper()
	key := mustKey(t)
	now := time.Now().Add(-time.Minute)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn, Organization: []string{"bulwark test"}, Country: []string{"US"}, Province: []string{"WA"}, Locality: []string{"Seattle"}},
		NotBefore: now, NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, n.caCert, &key.PublicKey, n.caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	s, err := signer.NewGenericSigner(key, []*x509.Certificate{leaf, n.caCert})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := orasremote.NewRepository(ref)
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	repo.Client = &auth.Client{}
	_, err = notation.Sign(context.Background(), s, notationregistry.NewRepository(repo), notation.SignOptions{
		SignerSignOptions: notation.SignerSignOptions{SignatureMediaType: "application/jose+json"},
		ArtifactReference: ref,
	})
	if err != nil {
		t.Fatalf("notation sign %s: %v", ref, err)
	}
}
