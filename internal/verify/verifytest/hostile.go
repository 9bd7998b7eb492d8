package verifytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// HostileRegistry is a loopback OCI registry (with the referrers API)
// whose answers for chosen paths a test replaces, the way a compromised
// or malicious registry would answer.
type HostileRegistry struct {
	Host string
	mu   sync.Mutex
	over map[string]http.HandlerFunc
}

// NewHostileRegistry serves a registry on loopback.
func NewHostileRegistry(t testing.TB) *HostileRegistry {
	t.Helper()
	h := &HostileRegistry{over: map[string]http.HandlerFunc{}}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		f := h.over[r.URL.Path]
		h.mu.Unlock()
		if f != nil {
			f(w, r)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.Host = strings.TrimPrefix(srv.URL, "http://")
	return h
}

// Override answers requests for path (as in /v2/REPO/referrers/DIGEST)
// with f instead of the registry.
func (h *HostileRegistry) Override(path string, f http.HandlerFunc) {
	h.mu.Lock()
	h.over[path] = f
	h.mu.Unlock()
}

// KeySigner signs in memory with an ECDSA P-256 key the way `cosign sign
// --key` does (a simple signing payload, its signature in the layer
// annotation) and `cosign attest --key` does (a DSSE envelope), so tests
// can lay out valid and hostile signature manifests byte by byte.
type KeySigner struct {
	key *ecdsa.PrivateKey
	// Public is the PEM public key file.
	Public string
}

// NewKeySigner makes a key and writes its public half.
func NewKeySigner(t testing.TB) *KeySigner {
	t.Helper()
	k := mustKey(t)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "key.pub")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &KeySigner{key: k, Public: p}
}

// Sign signs the SHA-256 digest of msg (ASN.1 ECDSA, base64).
func (s *KeySigner) Sign(t testing.TB, msg []byte) string {
	t.Helper()
	d := sha256.Sum256(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// SimpleSigning is cosign's signed payload for the image digest ref.
func SimpleSigning(ref string) []byte {
	repo, digest, _ := strings.Cut(ref, "@")
	return fmt.Appendf(nil, `{"critical":{"identity":{"docker-reference":%q},"image":{"docker-manifest-digest":%q},"type":"cosign container image signature"},"optional":null}`, repo, digest)
}

// Statement is an in-toto statement about the image digest ref.
func Statement(ref, predicateType, predicate string) []byte {
	repo, digest, _ := strings.Cut(ref, "@")
	alg, hex, _ := strings.Cut(digest, ":")
	return fmt.Appendf(nil, `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":%q,"subject":[{"name":%q,"digest":{%q:%q}}],"predicate":%s}`,
		predicateType, repo, alg, hex, predicate)
}

// Envelope is a DSSE envelope of payload signed with the key.
func (s *KeySigner) Envelope(t testing.TB, payloadType string, payload []byte) []byte {
	t.Helper()
	pae := fmt.Appendf(nil, "DSSEv1 %d %s %d ", len(payloadType), payloadType, len(payload))
	pae = append(pae, payload...)
	b, err := json.Marshal(map[string]any{
		"payloadType": payloadType,
		"payload":     base64.StdEncoding.EncodeToString(payload),
		"signatures":  []map[string]string{{"keyid": "", "sig": s.Sign(t, pae)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Layer is one layer of a hand-made manifest. Size, when not zero, is the
// size the manifest claims (a lie when it differs from len(Body)).
type Layer struct {
	MediaType   string
	Body        []byte
	Annotations map[string]string
	Size        int64
}

// Manifest describes a hand-made OCI image manifest.
type Manifest struct {
	ArtifactType string
	Layers       []Layer
	// Subject, a digest reference, makes the manifest a referrer.
	Subject string
}

type rawManifest struct {
	b  []byte
	mt types.MediaType
}

func (r rawManifest) RawManifest() ([]byte, error)        { return r.b, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return r.mt, nil }

// Put uploads m's blobs and the manifest itself as ref (a tag or, with
// ref empty, by digest in repo) and returns its digest reference.
func Put(t testing.TB, repo, tag string, m Manifest) string {
	t.Helper()
	r, err := name.NewRepository(repo, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	write := func(body []byte, mt types.MediaType) v1.Descriptor {
		l := static.NewLayer(body, mt)
		if err := remote.WriteLayer(r, l); err != nil {
			t.Fatal(err)
		}
		d, _ := l.Digest()
		return v1.Descriptor{MediaType: mt, Size: int64(len(body)), Digest: d}
	}
	config := types.MediaType("application/vnd.oci.empty.v1+json")
	if m.ArtifactType != "" {
		// ggcr's registry lists a referrer's config media type as its
		// artifact type, as registries did before OCI 1.1.
		config = types.MediaType(m.ArtifactType)
	}
	man := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  m.ArtifactType,
		Config:        write([]byte("{}"), config),
	}
	for _, l := range m.Layers {
		d := write(l.Body, types.MediaType(l.MediaType))
		if l.Size != 0 {
			d.Size = l.Size
		}
		d.Annotations = l.Annotations
		man.Layers = append(man.Layers, d)
	}
	if m.Subject != "" {
		sub, err := name.NewDigest(m.Subject, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		h, err := v1.NewHash(sub.DigestStr())
		if err != nil {
			t.Fatal(err)
		}
		man.Subject = &v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: h, Size: 1}
	}
	b, err := json.Marshal(man)
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := v1.SHA256(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var ref name.Reference = r.Digest(h.String())
	if tag != "" {
		ref = r.Tag(tag)
	}
	if err := remote.Put(ref, rawManifest{b, types.OCIManifestSchema1}); err != nil {
		t.Fatal(err)
	}
	return r.Digest(h.String()).String()
}

// CosignTag is the tag cosign stores an image's signatures (suffix
// ".sig") or attestations (".att") under.
func CosignTag(ref, suffix string) string {
	_, digest, _ := strings.Cut(ref, "@")
	return strings.Replace(digest, ":", "-", 1) + suffix
}

// HostileCase is an image in a HostileRegistry with hostile signature
// material attached; Want is part of the one error verification must
// give (in the record, or the error when Fatal).
type HostileCase struct {
	Name, Ref, Want string
	// Fatal: verification fails as a whole (nothing to report).
	Fatal bool
	// Reasons is how many reasons the record gives (0: one).
	Reasons int
}

const (
	mediaSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json"
	mediaDSSE          = "application/vnd.dsse.envelope.v1+json"
	annSignature       = "dev.cosignproject.cosign/signature"
	inToto             = "application/vnd.in-toto+json"
	slsaV02            = "https://slsa.dev/provenance/v0.2"
	goodSLSA           = `{"builder":{"id":"https://builder.example/ci@v1"},"buildType":"https://example/type","invocation":{"configSource":{"uri":"git+https://git.example/team/app"}}}`
)

// image pushes a small distinct image to repo and returns its digest
// reference.
func image(t testing.TB, repo, body string) string {
	t.Helper()
	return Put(t, repo, "", Manifest{Layers: []Layer{{MediaType: string(types.OCILayer), Body: []byte(body)}}})
}

// KeySigned pushes an image to repo signed by s (cosign's tag scheme) with
// an SLSA provenance attestation, and returns its digest reference: the
// control every hostile case departs from.
func KeySigned(t testing.TB, reg *HostileRegistry, s *KeySigner, repo, body string) string {
	t.Helper()
	ref := image(t, reg.Host+"/"+repo, body)
	s.Attach(t, ref)
	return ref
}

// Attach signs the image ref (a digest reference) as `cosign sign --key`
// does and attests SLSA provenance from builder https://builder.example/ci@v1
// as `cosign attest --key --type slsaprovenance` does.
func (s *KeySigner) Attach(t testing.TB, ref string) {
	t.Helper()
	repo, _, _ := strings.Cut(ref, "@")
	payload := SimpleSigning(ref)
	Put(t, repo, CosignTag(ref, ".sig"), Manifest{Layers: []Layer{{MediaType: mediaSimpleSigning, Body: payload,
		Annotations: map[string]string{annSignature: s.Sign(t, payload)}}}})
	env := s.Envelope(t, inToto, Statement(ref, slsaV02, goodSLSA))
	Put(t, repo, CosignTag(ref, ".att"), Manifest{Layers: []Layer{{MediaType: mediaDSSE, Body: env,
		Annotations: map[string]string{"predicateType": slsaV02}}}})
}

// HostileCases pushes one image per hostile payload to reg under
// REPO/hostile and returns them: oversized payloads (a real one, one whose
// descriptor lies, one refused by its descriptor), malformed payloads,
// envelopes, signatures, certificates and Rekor bundles, too many layers,
// a referrers list that points back at the image and at itself, too many
// referrers, an endless referrers response, and a manifest that is not
// the digest it is fetched by.
func HostileCases(t testing.TB, reg *HostileRegistry, s *KeySigner) []HostileCase {
	t.Helper()
	repo := reg.Host + "/hostile"
	var cases []HostileCase
	n := 0
	add := func(name, want string, fatal bool, attach func(ref string)) {
		n++
		ref := image(t, repo, fmt.Sprintf("hostile %d %s", n, name))
		attach(ref)
		cases = append(cases, HostileCase{Name: name, Ref: ref, Want: want, Fatal: fatal})
	}
	sig := func(ref string, l ...Layer) { Put(t, repo, CosignTag(ref, ".sig"), Manifest{Layers: l}) }
	att := func(ref string, l ...Layer) { Put(t, repo, CosignTag(ref, ".att"), Manifest{Layers: l}) }
	signed := func(payload []byte, ann map[string]string) Layer {
		a := map[string]string{annSignature: s.Sign(t, payload)}
		for k, v := range ann {
			a[k] = v
		}
		return Layer{MediaType: mediaSimpleSigning, Body: payload, Annotations: a}
	}
	dsse := func(body []byte) Layer { return Layer{MediaType: mediaDSSE, Body: body} }

	add("payload over the 1 MiB cap", "over the 1048576-byte limit", false, func(ref string) {
		p := SimpleSigning(ref)
		p = append(p[:len(p)-1], fmt.Appendf(nil, `,"pad":"%s"}`, strings.Repeat("A", 1<<20))...)
		sig(ref, signed(p, nil))
	})
	add("payload larger than its descriptor says", "reading the payload", false, func(ref string) {
		p := SimpleSigning(ref)
		p = append(p[:len(p)-1], fmt.Appendf(nil, `,"pad":"%s"}`, strings.Repeat("A", 2<<20))...)
		l := signed(p, nil)
		l.Size = 512
		sig(ref, l)
	})
	add("envelope descriptor over the 32 MiB cap", "over the 33554432-byte limit", false, func(ref string) {
		l := dsse(s.Envelope(t, inToto, Statement(ref, slsaV02, goodSLSA)))
		l.Size = 1 << 40
		att(ref, l)
	})
	add("payload not JSON", "payload is not a simple signing document", false, func(ref string) {
		sig(ref, signed([]byte(`{"critical":{"image":`), nil))
	})
	add("payload with trailing content", "trailing content", false, func(ref string) {
		sig(ref, signed(append(SimpleSigning(ref), "{}"...), nil))
	})
	add("payload of another type", "is not a container image signature", false, func(ref string) {
		sig(ref, signed([]byte(strings.Replace(string(SimpleSigning(ref)), "cosign container image signature", "x", 1)), nil))
	})
	add("signature not base64", "no base64 signature annotation", false, func(ref string) {
		sig(ref, signed(SimpleSigning(ref), map[string]string{annSignature: "%%%not base64%%%"}))
	})
	add("signature over other bytes", "no trusted key verifies it", false, func(ref string) {
		sig(ref, signed(SimpleSigning(ref), map[string]string{annSignature: s.Sign(t, []byte("other bytes"))}))
	})
	add("certificate not PEM", "certificate annotation is not a PEM certificate", false, func(ref string) {
		sig(ref, signed(SimpleSigning(ref), map[string]string{"dev.sigstore.cosign/certificate": "not a certificate"}))
	})
	add("certificate PEM of garbage DER", "certificate annotation is not a PEM certificate", false, func(ref string) {
		bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("\x30\x82\xff\xffgarbage")})
		sig(ref, signed(SimpleSigning(ref), map[string]string{"dev.sigstore.cosign/certificate": string(bad)}))
	})
	add("rekor bundle not JSON", "rekor bundle annotation", false, func(ref string) {
		sig(ref, signed(SimpleSigning(ref), map[string]string{"dev.sigstore.cosign/bundle": `{"SignedEntryTimestamp":`}))
	})
	add("rekor bundle body not base64", "body is not base64", false, func(ref string) {
		sig(ref, signed(SimpleSigning(ref), map[string]string{"dev.sigstore.cosign/bundle": `{"SignedEntryTimestamp":"AAAA","Payload":{"body":"%%%","integratedTime":1,"logIndex":1,"logID":"00"}}`}))
	})
	add("too many signature layers", "over the limit of 32", false, func(ref string) {
		var ls []Layer
		for range 33 {
			ls = append(ls, signed(SimpleSigning(ref), nil))
		}
		sig(ref, ls...)
	})
	add("envelope not JSON", "not a DSSE envelope", false, func(ref string) {
		att(ref, dsse([]byte(`{"payloadType":[`)))
	})
	add("envelope payload not base64", "envelope payload is not base64", false, func(ref string) {
		att(ref, dsse([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"%%%","signatures":[{"sig":"AAAA"}]}`)))
	})
	add("envelope without signatures", "envelope has no signature", false, func(ref string) {
		att(ref, dsse(fmt.Appendf(nil, `{"payloadType":"application/vnd.in-toto+json","payload":%q,"signatures":[]}`,
			base64.StdEncoding.EncodeToString(Statement(ref, slsaV02, goodSLSA)))))
	})
	add("envelope signature not base64", "no trusted key verifies it", false, func(ref string) {
		att(ref, dsse(fmt.Appendf(nil, `{"payloadType":"application/vnd.in-toto+json","payload":%q,"signatures":[{"sig":"%%%%%%"}]}`,
			base64.StdEncoding.EncodeToString(Statement(ref, slsaV02, goodSLSA)))))
	})
	add("signed statement not JSON", "statement is not in-toto JSON", false, func(ref string) {
		att(ref, dsse(s.Envelope(t, inToto, []byte(`{"_type":`))))
	})
	add("signed SLSA predicate of the wrong shape", "SLSA provenance", false, func(ref string) {
		att(ref, dsse(s.Envelope(t, inToto, Statement(ref, slsaV02, `{"builder":{"id":42}}`))))
	})
	add("bundle referrer not a bundle", "not a Sigstore bundle", false, func(ref string) {
		Put(t, repo, "", Manifest{ArtifactType: "application/vnd.dev.sigstore.bundle.v0.3+json", Subject: ref,
			Layers: []Layer{{MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", Body: []byte(`{"mediaType":`)}}})
	})
	add("cyclic referrers", "names another subject", false, func(ref string) {
		// The image's referrers list the image itself, a real referrer
		// twice, and a referrer whose subject is that referrer; the
		// referrer's own referrers point back at the image.
		r1 := Put(t, repo, "", Manifest{ArtifactType: "application/vnd.dev.sigstore.bundle.v0.3+json", Subject: ref,
			Layers: []Layer{{MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", Body: []byte(`{}`)}}})
		r2 := Put(t, repo, "", Manifest{ArtifactType: "application/vnd.cncf.notary.signature", Subject: r1,
			Layers: []Layer{{MediaType: "application/jose+json", Body: []byte(`{}`)}}})
		list := func(refs ...string) http.HandlerFunc {
			var m []v1.Descriptor
			for _, r := range refs {
				d, _ := name.NewDigest(r, name.Insecure)
				h, _ := v1.NewHash(d.DigestStr())
				at := "application/vnd.dev.sigstore.bundle.v0.3+json"
				if r == r2 || r == ref {
					at = "application/vnd.cncf.notary.signature"
				}
				m = append(m, v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: h, Size: 1, ArtifactType: at})
			}
			return serveIndex(m)
		}
		reg.Override(referrersPath(ref), list(ref, r1, r1, r2))
		reg.Override(referrersPath(r1), list(ref, r2))
		reg.Override(referrersPath(r2), list(r1, ref))
	})
	cases[len(cases)-1].Reasons = 2 // one per hostile referrer
	add("too many referrers", "10000 signature referrers, over the limit of 64: none read", false, func(ref string) {
		var m []v1.Descriptor
		for i := range 10000 {
			h, _, _ := v1.SHA256(strings.NewReader(fmt.Sprint(i)))
			m = append(m, v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: h, Size: 1, ArtifactType: "application/vnd.cncf.notary.signature"})
		}
		reg.Override(referrersPath(ref), serveIndex(m))
	})
	add("endless referrers response", "over the 4194304-byte limit", false, func(ref string) {
		reg.Override(referrersPath(ref), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", string(types.OCIImageIndex))
			w.Write([]byte(`{"schemaVersion":2,"manifests":[`))
			chunk := bytes.Repeat([]byte(`{"mediaType":"x","size":1,"digest":"sha256:00"},`), 1<<14)
			for range 100 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})
	})
	add("referrers response not JSON", "listing referrers", false, func(ref string) {
		reg.Override(referrersPath(ref), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", string(types.OCIImageIndex))
			w.Write([]byte(`{"schemaVersion":2,"manifests":[{"digest":`))
		})
	})
	add("manifest not the digest it is fetched by", "manifest digest", true, func(ref string) {
		p := manifestPath(ref)
		reg.Override(p, func(w http.ResponseWriter, r *http.Request) {
			other := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}`, types.OCIManifestSchema1)
			w.Header().Set("Content-Type", string(types.OCIManifestSchema1))
			w.Header().Set("Docker-Content-Digest", ref[strings.LastIndex(ref, "@")+1:])
			w.Write([]byte(other))
		})
	})
	return cases
}

func serveIndex(m []v1.Descriptor) http.HandlerFunc {
	b, _ := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: m})
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", string(types.OCIImageIndex))
		w.Write(b)
	}
}

func referrersPath(ref string) string {
	d, _ := name.NewDigest(ref, name.Insecure)
	return "/v2/" + d.RepositoryStr() + "/referrers/" + d.DigestStr()
}

func manifestPath(ref string) string {
	d, _ := name.NewDigest(ref, name.Insecure)
	return "/v2/" + d.RepositoryStr() + "/manifests/" + d.DigestStr()
}
