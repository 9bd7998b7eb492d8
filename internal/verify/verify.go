// Package verify finds the signatures and attestations attached to an
// image in its registry and checks them with the Sigstore and Notary
// Project libraries.
//
//	reference ─▶ manifest digest (remote.Get checks the bytes against a pinned digest)
//	  ├─▶ cosign tags  sha256-<hex>.sig, sha256-<hex>.att  (simple signing payloads, DSSE envelopes)
//	  └─▶ referrers    (OCI referrers API, its tag fallback): Sigstore bundles, Notation signatures
//	        ─▶ sigstore-go: key, or certificate chained to a Fulcio root with a Rekor entry
//	        ─▶ notation-go: trust store + trust policy
//	        ─▶ in-toto statements: SLSA provenance, CycloneDX/SPDX SBOMs, OpenVEX, vulnerability scans
//	  ─▶ *provenance.Provenance
//
// A signature that cannot be read or checked is recorded with the reason
// and never counts as verified. Everything read from the registry is
// bounded: response bodies, blob sizes, layers per signature manifest,
// referrers per image; referrers are never followed past one level, so a
// cycle cannot loop. Nothing here decides whether to trust an image:
// callers (the verify command, the guard, bench) read the record.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/provenance"
)

// Limits on what is read from a registry.
const (
	maxResponse     = 64 << 20 // any one registry response body (a blob)
	maxManifest     = 4 << 20  // a manifest or a referrers list (the OCI distribution spec's size registries must accept)
	maxPayload      = 1 << 20  // a simple signing payload, a Notation envelope
	maxEnvelope     = 32 << 20 // a DSSE envelope or Sigstore bundle (SBOMs travel inside)
	maxLayers       = 32       // signature or attestation layers per manifest
	maxReferrers    = 64       // referrers per image
	maxFetchWorkers = 8
)

// Options configure a Verifier.
type Options struct {
	Trust *Trust
	// Insecure allows plain HTTP to registries.
	Insecure bool
	// Keychain finds registry credentials (default: ~/.docker/config.json).
	Keychain authn.Keychain
	// Transport is the HTTP transport (default: http.DefaultTransport).
	Transport http.RoundTripper
	// Now is the clock (tests).
	Now func() time.Time
}

// Verifier checks images against a Trust. It is safe for concurrent use.
type Verifier struct {
	trust    *Trust
	insecure bool
	remote   []remote.Option
	now      func() time.Time

	once    sync.Once
	keyless *sgverify.Verifier
	keyErr  error
}

// New makes a Verifier. The Sigstore verifiers are built on first use, so
// a command that never verifies pays nothing.
func New(opts Options) *Verifier {
	if opts.Trust == nil {
		opts.Trust = &Trust{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	rt := opts.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &Verifier{
		trust:    opts.Trust,
		insecure: opts.Insecure,
		now:      opts.Now,
		remote: []remote.Option{
			remote.WithAuthFromKeychain(kc),
			remote.WithTransport(cappedTransport{rt}),
			remote.WithUserAgent("bulwark-verify"),
		},
	}
}

// Trust returns what the verifier trusts.
func (v *Verifier) Trust() *Trust { return v.trust }

// ParseReference parses an image reference the way the verifier will.
func (v *Verifier) ParseReference(ref string) (name.Reference, error) {
	var opts []name.Option
	if v.insecure {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return r, nil
}

// Verify resolves ref in its registry and checks every signature and
// attestation attached to it. The error is for failures that leave
// nothing to report (a bad reference, an unreachable registry, a manifest
// that does not match its digest); failures of one signature are in the
// record.
func (v *Verifier) Verify(ctx context.Context, ref string) (*provenance.Provenance, error) {
	r, err := v.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	opts := append([]remote.Option{remote.WithContext(ctx)}, v.remote...)
	// One puller for the whole verification: it pings and authenticates
	// once per repository, not once per manifest, tag and referrers list,
	// which saves two round trips on the way to the signatures.
	puller, err := remote.NewPuller(opts...)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	opts = append(opts, remote.Reuse(puller))
	desc, err := remote.Get(r, opts...)
	if err != nil {
		return nil, fmt.Errorf("verify: resolving %s: %w", ref, err)
	}
	d := r.Context().Digest(desc.Digest.String())
	p := &provenance.Provenance{
		Reference: d.String(),
		Digest:    desc.Digest.String(),
		Trusted:   v.trust.Names(),
		CheckedAt: v.now().UTC(),
	}
	c := &collector{v: v, ctx: ctx, opts: opts, img: d, hash: desc.Digest, mediaType: string(desc.MediaType), size: desc.Size, p: p}
	c.run()
	for i, s := range p.Signatures {
		if s.Verified {
			p.Verified = true
		} else if s.Error == "" {
			p.Signatures[i].Error = "not verified"
		}
	}
	p.Sort()
	return p, nil
}

// collector gathers one image's results from concurrent fetches.
type collector struct {
	v    *Verifier
	ctx  context.Context // the verification's, for the fetches it starts
	opts []remote.Option
	img  name.Digest
	hash v1.Hash
	// mediaType and size describe the image manifest (Notation checks them).
	mediaType string
	size      int64
	mu        sync.Mutex
	p         *provenance.Provenance
}

func (c *collector) addSig(s provenance.Signature) {
	c.mu.Lock()
	c.p.Signatures = append(c.p.Signatures, s)
	c.mu.Unlock()
}

func (c *collector) addAtt(a provenance.Attestation) {
	c.mu.Lock()
	c.p.Attestations = append(c.p.Attestations, a)
	c.mu.Unlock()
}

func (c *collector) fail(format string, args ...any) {
	c.mu.Lock()
	c.p.Errors = append(c.p.Errors, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

// run fetches the cosign tags and the referrers side by side (three
// round trips in parallel), then each one's blobs.
func (c *collector) run() {
	var g errgroup.Group
	g.SetLimit(maxFetchWorkers)
	tag := strings.Replace(c.hash.String(), ":", "-", 1)
	g.Go(func() error { c.cosignTag(&g, tag+".sig", false); return nil })
	g.Go(func() error { c.cosignTag(&g, tag+".att", true); return nil })
	g.Go(func() error { c.referrers(&g); return nil })
	_ = g.Wait()
}

// notFound reports a registry's "no such manifest".
func notFound(err error) bool {
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode == http.StatusNotFound
	}
	return false
}

// cappedTransport refuses registry responses larger than maxResponse, so
// a hostile registry cannot make the verifier read without end.
type cappedTransport struct{ rt http.RoundTripper }

func (t cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	max := int64(maxResponse)
	if p := req.URL.Path; strings.Contains(p, "/manifests/") || strings.Contains(p, "/referrers/") {
		max = maxManifest
	}
	if resp.ContentLength > max {
		resp.Body.Close()
		return nil, fmt.Errorf("registry response of %d bytes is over the %d-byte limit", resp.ContentLength, max)
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: max, max: max}
	return resp, nil
}

type cappedBody struct {
	io.ReadCloser
	left, max int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("registry response over the %d-byte limit", b.max)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
