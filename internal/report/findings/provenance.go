package findings

import (
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/provenance"
)

// Rules of the provenance results.
const (
	RuleSignature   = "bulwark-signature"
	RuleAttestation = "bulwark-attestation"
	RuleUnsigned    = "bulwark-unsigned"
)

// addProvenance adds scan --verify's record: a note saying who signed,
// and one result per signature and attestation: failed ones (and an image
// with no verified signature) fail at medium, verified ones pass.
func addProvenance(d *Document, p *provenance.Provenance) {
	if p == nil {
		return
	}
	d.Notes = append(d.Notes, ProvenanceNote(p))
	group := "provenance " + p.Digest
	rules := map[string]bool{}
	add := func(rule, name, msg string, ok bool, props map[string]string) {
		rules[rule] = true
		r := Result{RuleID: rule, Group: group, Name: name, Message: msg, Fingerprint: rule + "|" + p.Digest + "|" + name, Properties: props,
			Cells: []string{p.Reference, "", "provenance", rule, "", "", "", msg}}
		if ok {
			r.Outcome, r.Level = Pass, None
		} else {
			r.Outcome, r.Level, r.Severity = Fail, Warning, "medium"
			r.Cells[4] = "medium"
		}
		d.Results = append(d.Results, r)
	}
	if !p.Verified {
		add(RuleUnsigned, "no verified signature", "no signature on "+p.Reference+" verified with the trusted material", false, nil)
	}
	for _, s := range p.Signatures {
		add(RuleSignature, s.Kind+" "+s.Source, SignatureText(s), s.Verified,
			map[string]string{"kind": s.Kind, "method": s.Method, "signer": s.Signer, "issuer": s.Issuer})
	}
	for _, a := range p.Attestations {
		add(RuleAttestation, a.Kind+" "+a.Source, AttestationText(a), a.Verified,
			map[string]string{"kind": a.Kind, "predicate_type": a.PredicateType, "method": a.Method, "signer": a.Signer})
	}
	titles := map[string]string{
		RuleSignature:   "Image signature",
		RuleAttestation: "Image attestation",
		RuleUnsigned:    "Image without a verified signature",
	}
	for _, id := range sortedKeys(rules) {
		d.Rules = append(d.Rules, Rule{ID: id, Title: titles[id], Description: titles[id] + " (bulwark scan --verify)",
			Help: "Sign images with cosign or Notation and give the verifier the key, trusted root or trust policy.",
			Tags: []string{"security", "supply-chain"}, Level: Warning, Score: securitySeverity["medium"]})
	}
}

// ProvenanceNote is one line on the whole record.
func ProvenanceNote(p *provenance.Provenance) string {
	if p.Verified {
		return fmt.Sprintf("Provenance: %s signed by %s (verified)", p.Reference, strings.Join(p.Signers(), ", "))
	}
	return fmt.Sprintf("Provenance: %s has no verified signature (%d signature%s, %d attestation%s read)", p.Reference,
		len(p.Signatures), plural(len(p.Signatures)), len(p.Attestations), plural(len(p.Attestations)))
}

// SignatureText describes one signature.
func SignatureText(s provenance.Signature) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s signature (%s)", s.Kind, s.Method)
	if s.Signer != "" {
		fmt.Fprintf(&b, " by %s", s.Signer)
	}
	if s.Issuer != "" {
		fmt.Fprintf(&b, " from %s", s.Issuer)
	}
	if s.Log != "" {
		fmt.Fprintf(&b, ", %s", s.Log)
	}
	if s.Verified {
		b.WriteString(": verified")
	} else {
		fmt.Fprintf(&b, ": NOT verified: %s", s.Error)
	}
	return b.String()
}

// AttestationText describes one attestation.
func AttestationText(a provenance.Attestation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s attestation", a.Kind)
	switch a.Kind {
	case provenance.KindSLSA:
		fmt.Fprintf(&b, " (builder %s", a.BuilderID)
		if a.SourceRepo != "" {
			fmt.Fprintf(&b, ", source %s", a.SourceRepo)
		}
		b.WriteString(")")
	case provenance.KindVuln:
		if !a.ScannedAt.IsZero() {
			fmt.Fprintf(&b, " (scanned %s)", a.ScannedAt.Format("2006-01-02"))
		}
	case provenance.KindOther:
		fmt.Fprintf(&b, " (%s)", a.PredicateType)
	}
	if a.Signer != "" {
		fmt.Fprintf(&b, " signed by %s", a.Signer)
	}
	if a.Verified {
		b.WriteString(": verified")
	} else {
		fmt.Fprintf(&b, ": NOT verified: %s", a.Error)
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
