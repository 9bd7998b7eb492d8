package verify

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/provenance"
)

// The annotations cosign writes on signature and attestation layers.
const (
	annSignature   = "dev.cosignproject.cosign/signature"
	annCertificate = "dev.sigstore.cosign/certificate"
	annChain       = "dev.sigstore.cosign/chain"
	annBundle      = "dev.sigstore.cosign/bundle"
	annPredicate   = "predicateType"

	mediaSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json"
	mediaDSSE          = "application/vnd.dsse.envelope.v1+json"
	inTotoPayloadType  = "application/vnd.in-toto+json"
)

// cosignTag reads the signature (.sig) or attestation (.att) manifest that
// cosign tags after the image digest and checks each of its layers.
func (c *collector) cosignTag(g *errgroup.Group, tag string, attest bool) {
	t := c.img.Context().Tag(tag)
	img, err := remote.Image(t, c.opts...)
	if err != nil {
		if !notFound(err) {
			c.fail("reading cosign tag %s: %v", tag, err)
		}
		return
	}
	m, err := img.Manifest()
	if err != nil {
		c.fail("reading cosign tag %s: %v", tag, err)
		return
	}
	if len(m.Layers) > maxLayers {
		c.fail("cosign tag %s has %d layers, over the limit of %d: none read", tag, len(m.Layers), maxLayers)
		return
	}
	for i, l := range m.Layers {
		src := fmt.Sprintf("tag %s layer %d", tag, i)
		g.Go(func() error {
			if attest {
				c.addAtt(c.cosignAttestation(img, l, src))
			} else {
				c.addSig(c.cosignSignature(img, l, src))
			}
			return nil
		})
	}
}

// blob reads one layer of a signature manifest, refusing it unread when
// its descriptor is over max; ggcr checks the bytes against the digest.
func blob(img v1.Image, d v1.Descriptor, max int64) ([]byte, error) {
	if d.Size > max || d.Size < 0 {
		return nil, fmt.Errorf("layer of %d bytes is over the %d-byte limit", d.Size, max)
	}
	l, err := img.LayerByDigest(d.Digest)
	if err != nil {
		return nil, err
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("layer over the %d-byte limit", max)
	}
	return b, nil
}

// simpleSigning is cosign's signed payload (the Red Hat simple signing
// format): what digest the signature is for.
type simpleSigning struct {
	Critical struct {
		Identity struct {
			DockerReference string `json:"docker-reference"`
		} `json:"identity"`
		Image struct {
			DockerManifestDigest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
}

// cosignSignature checks one simple signing layer: its payload must name
// this image's digest, and its signature must verify.
func (c *collector) cosignSignature(img v1.Image, l v1.Descriptor, src string) provenance.Signature {
	s := provenance.Signature{Kind: provenance.Cosign, Source: src, Method: provenance.MethodUnparsed}
	if l.MediaType != mediaSimpleSigning {
		s.Error = fmt.Sprintf("layer media type %q is not a cosign simple signing payload", l.MediaType)
		return s
	}
	payload, err := blob(img, l, maxPayload)
	if err != nil {
		s.Error = "reading the payload: " + err.Error()
		return s
	}
	if err := checkSimpleSigning(payload, c.hash); err != nil {
		s.Error = err.Error()
		return s
	}
	sig, err := base64.StdEncoding.DecodeString(l.Annotations[annSignature])
	if err != nil || len(sig) == 0 {
		s.Error = "layer has no base64 signature annotation"
		return s
	}
	digest := sha256.Sum256(payload)
	content := bundle.NewMessageSignature(digest[:], "SHA2_256", sig)
	c.v.check(&checked{sig: &s}, l.Annotations, content, sgverify.WithArtifact(bytes.NewReader(payload)))
	return s
}

// checkSimpleSigning parses a simple signing payload and checks that it
// is a container image signature for the digest img.
func checkSimpleSigning(payload []byte, img v1.Hash) error {
	var ss simpleSigning
	if err := strictJSON(payload, &ss); err != nil {
		return fmt.Errorf("payload is not a simple signing document: %w", err)
	}
	if ss.Critical.Type != "cosign container image signature" && ss.Critical.Type != "atomic container signature" {
		return fmt.Errorf("payload type %q is not a container image signature", ss.Critical.Type)
	}
	if got := ss.Critical.Image.DockerManifestDigest; got != img.String() {
		return fmt.Errorf("signature is for another digest (%s), not %s", got, img)
	}
	return nil
}

// cosignAttestation checks one DSSE layer: the envelope must verify and
// its in-toto statement must name this image's digest as a subject.
func (c *collector) cosignAttestation(img v1.Image, l v1.Descriptor, src string) provenance.Attestation {
	a := provenance.Attestation{Kind: provenance.KindOther, PredicateType: l.Annotations[annPredicate], Source: src, Method: provenance.MethodUnparsed}
	if l.MediaType != mediaDSSE {
		a.Error = fmt.Sprintf("layer media type %q is not a DSSE envelope", l.MediaType)
		return a
	}
	raw, err := blob(img, l, maxEnvelope)
	if err != nil {
		a.Error = "reading the envelope: " + err.Error()
		return a
	}
	var env dsse.Envelope
	if err := strictJSON(raw, &env); err != nil {
		a.Error = "not a DSSE envelope: " + err.Error()
		return a
	}
	c.attestation(&a, &env, l.Annotations)
	return a
}

// attestation reads an envelope's statement and checks its signature.
func (c *collector) attestation(a *provenance.Attestation, env *dsse.Envelope, ann map[string]string) {
	if env.PayloadType != inTotoPayloadType {
		a.Error = fmt.Sprintf("envelope payload type %q is not an in-toto statement", env.PayloadType)
		return
	}
	if len(env.Signatures) == 0 {
		a.Error = "envelope has no signature"
		return
	}
	payload, err := env.DecodeB64Payload()
	if err != nil {
		a.Error = "envelope payload is not base64: " + err.Error()
		return
	}
	if err := readStatement(payload, c.hash, a); err != nil {
		a.Error = err.Error()
		return
	}
	digest, _ := hex.DecodeString(c.hash.Hex)
	c.v.check(&checked{att: a}, ann, &bundle.Envelope{Envelope: env}, sgverify.WithArtifactDigest("sha256", digest))
}

// checked is where check writes: a signature's or an attestation's fields.
type checked struct {
	sig *provenance.Signature
	att *provenance.Attestation
}

func (k *checked) set(method, signer, issuer, log string, at time.Time, ok bool, why string) {
	if k.sig != nil {
		s := k.sig
		s.Method, s.Signer, s.Issuer, s.Log, s.SignedAt, s.Verified, s.Error = method, signer, issuer, log, at, ok, why
		return
	}
	a := k.att
	a.Method, a.Signer, a.Issuer, a.Verified = method, signer, issuer, ok
	if why != "" {
		a.Error = why
	}
}

// check verifies a cosign signature or envelope from its layer
// annotations: with the certificate and Rekor bundle against the trusted
// root (keyless), else with each trusted key in turn.
func (v *Verifier) check(k *checked, ann map[string]string, content sgverify.SignatureContent, artifact sgverify.ArtifactPolicyOption) {
	ent := &entity{content: content}
	if b := ann[annBundle]; b != "" {
		e, err := parseRekorBundle([]byte(b))
		if err != nil {
			k.set(provenance.MethodUnparsed, "", "", "", time.Time{}, false, "rekor bundle annotation: "+err.Error())
			return
		}
		ent.tlog = e
	}
	if pemCert := ann[annCertificate]; pemCert != "" {
		certs, err := cryptoutils.UnmarshalCertificatesFromPEMLimited([]byte(pemCert), 10)
		if err != nil || len(certs) == 0 {
			k.set(provenance.MethodUnparsed, "", "", "", time.Time{}, false, "certificate annotation is not a PEM certificate")
			return
		}
		ent.cert = certs[0]
	}
	v.verifyEntity(k, ent, artifact)
}

// verifyEntity verifies a signed entity (a cosign layer or a Sigstore
// bundle): keyless when it carries a certificate, else with the keys.
func (v *Verifier) verifyEntity(k *checked, ent sgverify.SignedEntity, artifact sgverify.ArtifactPolicyOption) {
	vc, err := ent.VerificationContent()
	if err != nil {
		k.set(provenance.MethodUnparsed, "", "", "", time.Time{}, false, "verification material: "+err.Error())
		return
	}
	if cert := vc.Certificate(); cert != nil {
		v.checkKeyless(k, ent, cert, artifact)
		return
	}
	if len(v.trust.Keys) == 0 {
		k.set(provenance.MethodNone, "", "", "", time.Time{}, false, "signed with a key and no key is trusted (--key)")
		return
	}
	var errs []string
	for _, key := range v.trust.Keys {
		tm := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
			return root.NewExpiringKey(key.verifier, time.Time{}, time.Time{}), nil
		})
		sv, err := sgverify.NewVerifier(tm, sgverify.WithNoObserverTimestamps())
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if _, err := sv.Verify(ent, sgverify.NewPolicy(artifact, sgverify.WithKey())); err != nil {
			errs = append(errs, fmt.Sprintf("key %s: %v", key.Name, err))
			continue
		}
		k.set(provenance.MethodKey, key.Name, "", "", time.Time{}, true, "")
		return
	}
	k.set(provenance.MethodKey, "", "", "", time.Time{}, false, "no trusted key verifies it: "+strings.Join(errs, "; "))
}

// checkKeyless verifies a certificate-signed entity against the trusted
// root: the chain to a Fulcio CA at the time a Rekor entry (its signed
// entry timestamp) vouches for, and the signature with the leaf's key.
func (v *Verifier) checkKeyless(k *checked, ent sgverify.SignedEntity, cert *x509.Certificate, artifact sgverify.ArtifactPolicyOption) {
	subject, issuer := certIdentity(cert)
	if v.trust.Root == nil {
		k.set(provenance.MethodNone, subject, issuer, "", time.Time{}, false, "keyless signature and no trusted root is given (--trusted-root)")
		return
	}
	entries, err := ent.TlogEntries()
	if err != nil || len(entries) == 0 {
		k.set(provenance.MethodKeyless, subject, issuer, "", time.Time{}, false, "keyless signature without a transparency log entry: its signing time cannot be trusted")
		return
	}
	tl := entries[0]
	sv, err := v.keylessVerifier()
	if err != nil {
		k.set(provenance.MethodKeyless, subject, issuer, "", time.Time{}, false, err.Error())
		return
	}
	res, err := sv.Verify(ent, sgverify.NewPolicy(artifact, sgverify.WithoutIdentitiesUnsafe()))
	log := fmt.Sprintf("rekor log %s index %d", shortHex(tl.LogKeyID()), tl.LogIndex())
	if err != nil {
		k.set(provenance.MethodKeyless, subject, issuer, log, tl.IntegratedTime().UTC(), false, err.Error())
		return
	}
	if res.Signature != nil && res.Signature.Certificate != nil {
		subject, issuer = res.Signature.Certificate.SubjectAlternativeName, res.Signature.Certificate.Extensions.Issuer
	}
	if len(v.trust.Identities) > 0 && !matchesAny(v.trust.Identities, subject, issuer) {
		k.set(provenance.MethodKeyless, subject, issuer, log, tl.IntegratedTime().UTC(), false, fmt.Sprintf("signer %s (issuer %s) is not a trusted identity", subject, issuer))
		return
	}
	k.set(provenance.MethodKeyless, subject, issuer, log, tl.IntegratedTime().UTC(), true, "")
}

func matchesAny(ids []Identity, subject, issuer string) bool {
	for _, id := range ids {
		if id.Matches(subject, issuer) {
			return true
		}
	}
	return false
}

// keylessVerifier is built once: a signed entry timestamp from a trusted
// Rekor log is the observer time the certificate must be valid at.
func (v *Verifier) keylessVerifier() (*sgverify.Verifier, error) {
	v.once.Do(func() {
		v.keyless, v.keyErr = sgverify.NewVerifier(v.trust.Root, sgverify.WithTransparencyLog(1), sgverify.WithIntegratedTimestamps(1))
		if v.keyErr != nil {
			v.keyErr = fmt.Errorf("keyless verifier: %w", v.keyErr)
		}
	})
	return v.keyless, v.keyErr
}

// certIdentity reads a certificate's subject alternative name and its
// Fulcio OIDC issuer extension, for reporting before (or without)
// verification.
func certIdentity(cert *x509.Certificate) (subject, issuer string) {
	switch {
	case len(cert.EmailAddresses) > 0:
		subject = cert.EmailAddresses[0]
	case len(cert.URIs) > 0:
		subject = cert.URIs[0].String()
	default:
		subject = cert.Subject.String()
	}
	for _, ext := range cert.Extensions {
		switch ext.Id.String() {
		case "1.3.6.1.4.1.57264.1.8": // issuer (V2): a DER UTF8String
			var s string
			if _, err := asn1.Unmarshal(ext.Value, &s); err == nil {
				issuer = s
			}
		case "1.3.6.1.4.1.57264.1.1": // issuer (V1): raw bytes
			if issuer == "" {
				issuer = string(ext.Value)
			}
		}
	}
	return subject, issuer
}

func shortHex(s string) string {
	h := hex.EncodeToString([]byte(s))
	if len(h) > 16 {
		h = h[:16]
	}
	return h
}

// rekorBundle is cosign's "dev.sigstore.cosign/bundle" annotation: the
// Rekor entry with its signed entry timestamp.
type rekorBundle struct {
	SignedEntryTimestamp []byte `json:"SignedEntryTimestamp"`
	Payload              struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogIndex       int64  `json:"logIndex"`
		LogID          string `json:"logID"`
	} `json:"Payload"`
}

func parseRekorBundle(b []byte) (*tlog.Entry, error) {
	var rb rekorBundle
	if err := strictJSON(b, &rb); err != nil {
		return nil, err
	}
	body, err := base64.StdEncoding.DecodeString(rb.Payload.Body)
	if err != nil {
		return nil, fmt.Errorf("body is not base64: %w", err)
	}
	logID, err := hex.DecodeString(rb.Payload.LogID)
	if err != nil {
		return nil, fmt.Errorf("log ID is not hex: %w", err)
	}
	if len(rb.SignedEntryTimestamp) == 0 {
		return nil, errors.New("no signed entry timestamp")
	}
	e, err := tlog.NewEntry(body, rb.Payload.IntegratedTime, rb.Payload.LogIndex, logID, rb.SignedEntryTimestamp, nil)
	if err != nil {
		return nil, fmt.Errorf("rekor entry: %w", err)
	}
	return e, nil
}

// entity presents cosign's layer-and-annotations form to sigstore-go as
// the bundle it would be (version 0.1: a Rekor entry with its promise).
type entity struct {
	content sgverify.SignatureContent
	cert    *x509.Certificate
	tlog    *tlog.Entry
}

var _ sgverify.SignedEntity = (*entity)(nil)

func (e *entity) HasInclusionPromise() bool { return e.tlog != nil && e.tlog.HasInclusionPromise() }
func (e *entity) HasInclusionProof() bool   { return e.tlog != nil && e.tlog.HasInclusionProof() }
func (e *entity) Version() (string, error)  { return "v0.1", nil }
func (e *entity) Timestamps() ([][]byte, error) {
	return nil, nil
}
func (e *entity) SignatureContent() (sgverify.SignatureContent, error) { return e.content, nil }
func (e *entity) TlogEntries() ([]*tlog.Entry, error) {
	if e.tlog == nil {
		return nil, nil
	}
	return []*tlog.Entry{e.tlog}, nil
}
func (e *entity) VerificationContent() (sgverify.VerificationContent, error) {
	if e.cert != nil {
		return bundle.NewCertificate(e.cert), nil
	}
	return &bundle.PublicKey{}, nil
}

// strictJSON decodes one JSON value and refuses trailing content.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing content after the JSON value")
	}
	return nil
}
