// Package provenance is the pure-data record of what is known about where
// an image came from: the signatures attached to it (who signed, how that
// was checked, which failed and why) and the in-toto attestations read
// from it (SLSA provenance, SBOMs, VEX, vulnerability scans).
//
//	registry ─▶ internal/verify (discover, check) ─▶ *Provenance ─▶ report, guard, bench
//
// It has no behaviour beyond sorting and summing up, so the report model,
// the guard and the bench checks can share it without importing the
// signature libraries.
package provenance

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Signature kinds.
const (
	Cosign   = "cosign"
	Notation = "notation"
)

// Verification methods.
const (
	MethodKey      = "key"      // a public key named by the verifier
	MethodKeyless  = "keyless"  // a Fulcio-style certificate with a transparency-log entry
	MethodX509     = "x509"     // a Notation signature against a trust store and trust policy
	MethodNone     = "none"     // read but not checked (nothing trusted was configured)
	MethodUnparsed = "unparsed" // could not be read
)

// Attestation kinds, from the predicate type.
const (
	KindSLSA      = "slsa-provenance"
	KindCycloneDX = "cyclonedx"
	KindSPDX      = "spdx"
	KindOpenVEX   = "openvex"
	KindVuln      = "vulnerability-scan"
	KindOther     = "other"
)

// Provenance is what was found and checked for one image digest.
type Provenance struct {
	// Reference is the image reference verified (repository@digest).
	Reference string `json:"reference"`
	// Digest is the manifest digest the signatures must name.
	Digest string `json:"digest"`
	// Verified: at least one signature was verified with trusted material.
	Verified bool `json:"verified"`
	// Trusted says what the verifier was told to trust (key names,
	// identities, a trusted root, a Notation trust policy).
	Trusted      []string      `json:"trusted"`
	Signatures   []Signature   `json:"signatures"`
	Attestations []Attestation `json:"attestations"`
	// Errors are failures that concern no one signature (the registry
	// could not list referrers, a signature tag could not be read).
	Errors []string `json:"errors,omitempty"`
	// CheckedAt is when the registry was asked.
	CheckedAt time.Time `json:"checked_at"`
}

// Signature is one signature attached to the image.
type Signature struct {
	Kind string `json:"kind"` // cosign, notation
	// Source is where it was found: "tag sha256-….sig", "referrer sha256:…".
	Source string `json:"source"`
	Method string `json:"method"` // key, keyless, x509, none, unparsed
	// Signer is who signed: the key's name, the certificate's subject
	// alternative name, or the Notation certificate's subject.
	Signer string `json:"signer,omitempty"`
	// Issuer is the certificate's OIDC issuer (keyless) or issuing CA.
	Issuer string `json:"issuer,omitempty"`
	// Log says which transparency log entry vouches for the signing time.
	Log      string    `json:"log,omitempty"`
	SignedAt time.Time `json:"signed_at,omitzero"`
	Verified bool      `json:"verified"`
	// Error says why it did not verify.
	Error string `json:"error,omitempty"`
}

// Attestation is one in-toto statement attached to the image.
type Attestation struct {
	Kind          string `json:"kind"`
	PredicateType string `json:"predicate_type"`
	Source        string `json:"source"`
	Method        string `json:"method"`
	Signer        string `json:"signer,omitempty"`
	Issuer        string `json:"issuer,omitempty"`
	Verified      bool   `json:"verified"`
	Error         string `json:"error,omitempty"`
	// SLSA provenance.
	BuilderID  string `json:"builder_id,omitempty"`
	BuildType  string `json:"build_type,omitempty"`
	SourceRepo string `json:"source_repo,omitempty"`
	SourceRef  string `json:"source_ref,omitempty"`
	// Vulnerability scan: when the scan finished and by which scanner.
	ScannedAt time.Time `json:"scanned_at,omitzero"`
	Scanner   string    `json:"scanner,omitempty"`
	// Predicate is the attested document (an SBOM, a VEX document), kept
	// for use as scan input; never written to the report.
	Predicate []byte `json:"-"`
}

// Signers lists the verified signers, sorted and without duplicates.
func (p *Provenance) Signers() []string {
	var out []string
	for _, s := range p.Signatures {
		if s.Verified && s.Signer != "" {
			out = append(out, s.Signer)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Failed counts signatures and attestations that did not verify.
func (p *Provenance) Failed() int {
	n := 0
	for _, s := range p.Signatures {
		if !s.Verified {
			n++
		}
	}
	for _, a := range p.Attestations {
		if !a.Verified {
			n++
		}
	}
	return n
}

// VerifiedAttestations lists the verified attestations of one kind, in
// [Provenance.Sort] order.
func (p *Provenance) VerifiedAttestations(kind string) []Attestation {
	var out []Attestation
	for _, a := range p.Attestations {
		if a.Verified && a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// Sort orders signatures and attestations deterministically and makes
// every list non-nil (the report contract has lists, never null).
func (p *Provenance) Sort() {
	if p.Trusted == nil {
		p.Trusted = []string{}
	}
	if p.Signatures == nil {
		p.Signatures = []Signature{}
	}
	if p.Attestations == nil {
		p.Attestations = []Attestation{}
	}
	slices.Sort(p.Trusted)
	slices.Sort(p.Errors)
	slices.SortFunc(p.Signatures, func(a, b Signature) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Signer, b.Signer), cmp.Compare(a.Error, b.Error))
	})
	slices.SortFunc(p.Attestations, func(a, b Attestation) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.PredicateType, b.PredicateType), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Signer, b.Signer), cmp.Compare(a.Error, b.Error))
	})
}

// KV is the record as name/value pairs for formats that carry
// properties (CycloneDX properties, SPDX annotations): whether the image
// verified, each verified signer, each attestation with its outcome. A
// nil record has none.
func (p *Provenance) KV() []string {
	if p == nil {
		return nil
	}
	kv := []string{"bulwark:provenance:digest", p.Digest, "bulwark:provenance:verified", fmt.Sprint(p.Verified)}
	for _, s := range p.Signatures {
		v := fmt.Sprintf("%s %s %s verified=%t", s.Kind, s.Method, s.Signer, s.Verified)
		if s.Error != "" {
			v += " error=" + s.Error
		}
		kv = append(kv, "bulwark:provenance:signature", v)
	}
	for _, a := range p.Attestations {
		v := fmt.Sprintf("%s %s verified=%t", a.Kind, a.PredicateType, a.Verified)
		if a.BuilderID != "" {
			v += " builder=" + a.BuilderID
		}
		if a.SourceRepo != "" {
			v += " source=" + a.SourceRepo
		}
		if a.Error != "" {
			v += " error=" + a.Error
		}
		kv = append(kv, "bulwark:provenance:attestation", v)
	}
	return kv
}
