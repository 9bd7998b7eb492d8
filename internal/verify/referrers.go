package verify

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	_ "github.com/notaryproject/notation-core-go/signature/cose" // Notation's COSE envelope
	_ "github.com/notaryproject/notation-core-go/signature/jws"  // Notation's JWS envelope
	"github.com/notaryproject/notation-go"
	notationverifier "github.com/notaryproject/notation-go/verifier"
	"github.com/notaryproject/notation-go/verifier/trustpolicy"
	godigest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/provenance"
)

// Referrer artifact types read here.
const (
	artifactNotation = "application/vnd.cncf.notary.signature"
	// cosign's own signatures in a Sigstore bundle say so by predicate.
	cosignSignPredicate = "https://sigstore.dev/cosign/sign/v1"
)

func isSigstoreBundle(t string) bool {
	return strings.HasPrefix(t, "application/vnd.dev.sigstore.bundle")
}

// referrers lists the image's referrers (the OCI referrers API, else its
// tag fallback) and checks the Notation signatures and Sigstore bundles
// among them. Only direct referrers are read: a referrer's own referrers
// are not followed, so a cycle cannot loop.
func (c *collector) referrers(g *errgroup.Group) {
	idx, err := remote.Referrers(c.img, c.opts...)
	if err != nil {
		if !notFound(err) {
			c.fail("listing referrers: %v", err)
		}
		return
	}
	m, err := idx.IndexManifest()
	if err != nil {
		c.fail("listing referrers: %v", err)
		return
	}
	// The signature referrers, each once, never the image itself; over
	// the limit none is read, so the record has one reason and not one
	// per referrer.
	seen := map[v1.Hash]bool{}
	var sigs []v1.Descriptor
	for _, d := range m.Manifests {
		if seen[d.Digest] || d.Digest == c.hash {
			continue
		}
		seen[d.Digest] = true
		if d.ArtifactType == artifactNotation || isSigstoreBundle(d.ArtifactType) {
			sigs = append(sigs, d)
		}
	}
	if len(sigs) > maxReferrers {
		c.fail("%d signature referrers, over the limit of %d: none read", len(sigs), maxReferrers)
		return
	}
	for _, d := range sigs {
		src := "referrer " + d.Digest.String()
		g.Go(func() error {
			if d.ArtifactType == artifactNotation {
				c.addSig(c.notation(d, src))
			} else {
				c.bundle(d, src)
			}
			return nil
		})
	}
}

// referrerBlob fetches a referrer's manifest, checks that its subject is
// the image, and reads its one layer.
func (c *collector) referrerBlob(d v1.Descriptor, max int64) ([]byte, v1.Descriptor, error) {
	img, err := remote.Image(c.img.Context().Digest(d.Digest.String()), c.opts...)
	if err != nil {
		return nil, v1.Descriptor{}, fmt.Errorf("reading the manifest: %w", err)
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, v1.Descriptor{}, fmt.Errorf("reading the manifest: %w", err)
	}
	if m.Subject == nil || m.Subject.Digest != c.hash {
		return nil, v1.Descriptor{}, errors.New("the referrer's manifest names another subject")
	}
	if len(m.Layers) != 1 {
		return nil, v1.Descriptor{}, fmt.Errorf("the referrer has %d layers, not 1", len(m.Layers))
	}
	b, err := blob(img, m.Layers[0], max)
	if err != nil {
		return nil, v1.Descriptor{}, err
	}
	return b, m.Layers[0], nil
}

// notation checks a Notation signature with notation-go against the trust
// policy and trust store.
func (c *collector) notation(d v1.Descriptor, src string) provenance.Signature {
	s := provenance.Signature{Kind: provenance.Notation, Source: src, Method: provenance.MethodUnparsed}
	env, layer, err := c.referrerBlob(d, maxPayload)
	if err != nil {
		s.Error = err.Error()
		return s
	}
	n := c.v.trust.Notation
	if n == nil {
		s.Method, s.Error = provenance.MethodNone, "Notation signature and no Notation trust policy is given (--notation-dir)"
		return s
	}
	s.Method = provenance.MethodX509
	ver, err := notationverifier.New(n.policy, n.store, nil)
	if err != nil {
		s.Error = "notation verifier: " + err.Error()
		return s
	}
	target := ocispec.Descriptor{MediaType: c.mediaType, Digest: godigest.Digest(c.hash.String()), Size: c.size}
	ref := c.img.String()
	if sk, ok := ver.(interface {
		SkipVerify(ctx context.Context, opts notation.VerifierVerifyOptions) (bool, *trustpolicy.VerificationLevel, error)
	}); ok {
		skip, _, err := sk.SkipVerify(c.ctx, notation.VerifierVerifyOptions{ArtifactReference: ref})
		if err != nil {
			s.Error = err.Error()
			return s
		}
		if skip {
			s.Error = "the Notation trust policy skips verification for this image"
			return s
		}
	}
	out, err := ver.Verify(c.ctx, target, env, notation.VerifierVerifyOptions{ArtifactReference: ref, SignatureMediaType: string(layer.MediaType)})
	if out != nil && out.EnvelopeContent != nil {
		if chain := out.EnvelopeContent.SignerInfo.CertificateChain; len(chain) > 0 {
			s.Signer = chain[0].Subject.String()
			s.Issuer = chain[len(chain)-1].Subject.String()
		}
		s.SignedAt = out.EnvelopeContent.SignerInfo.SignedAttributes.SigningTime.UTC()
	}
	if err != nil {
		s.Error = err.Error()
		return s
	}
	s.Verified = true
	return s
}

// bundle checks a Sigstore bundle referrer: a signature (cosign's sign
// predicate) or an attestation, with sigstore-go.
func (c *collector) bundle(d v1.Descriptor, src string) {
	raw, _, err := c.referrerBlob(d, maxEnvelope)
	if err != nil {
		c.addAtt(provenance.Attestation{Kind: provenance.KindOther, Source: src, Method: provenance.MethodUnparsed, Error: err.Error()})
		return
	}
	c.readBundle(raw, src)
}

// readBundle checks the bytes of a Sigstore bundle and records it as a
// signature or an attestation.
func (c *collector) readBundle(raw []byte, src string) {
	a := provenance.Attestation{Kind: provenance.KindOther, Source: src, Method: provenance.MethodUnparsed}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(raw); err != nil {
		a.Error = "not a Sigstore bundle: " + err.Error()
		c.addAtt(a)
		return
	}
	digest, _ := hex.DecodeString(c.hash.Hex)
	artifact := sgverify.WithArtifactDigest("sha256", digest)
	content, err := b.SignatureContent()
	if err != nil {
		a.Error = "bundle content: " + err.Error()
		c.addAtt(a)
		return
	}
	env := content.EnvelopeContent()
	if env == nil {
		// A message signature over the image digest itself.
		s := provenance.Signature{Kind: provenance.Cosign, Source: src}
		c.v.verifyEntity(&checked{sig: &s}, &b, artifact)
		c.addSig(s)
		return
	}
	payload, err := env.RawEnvelope().DecodeB64Payload()
	if err != nil {
		a.Error = "envelope payload is not base64: " + err.Error()
		c.addAtt(a)
		return
	}
	if err := readStatement(payload, c.hash, &a); err != nil {
		a.Error = err.Error()
		c.addAtt(a)
		return
	}
	if a.PredicateType == cosignSignPredicate {
		s := provenance.Signature{Kind: provenance.Cosign, Source: src}
		c.v.verifyEntity(&checked{sig: &s}, &b, artifact)
		c.addSig(s)
		return
	}
	c.v.verifyEntity(&checked{att: &a}, &b, artifact)
	c.addAtt(a)
}
