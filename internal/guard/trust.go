package guard

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/verify"
)

// trustState is the compiled trust section: one verifier trusting every
// rule's keys, the trusted root and the Notation policy, behind a cache
// of results per repository digest. Which signer each rule accepts is
// decided per request from the cached record.
type trustState struct {
	rules []policy.TrustRule
	ids   [][]verify.Identity // per rule
	cache *verify.Cache
}

func compileTrust(t *policy.Trust, now func() time.Time) (*trustState, error) {
	if !t.Enabled {
		return nil, nil
	}
	tr := &verify.Trust{}
	seen := map[string]bool{}
	st := &trustState{rules: t.Images}
	for _, r := range t.Images {
		for _, k := range r.Keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			key, err := verify.LoadKey(k)
			if err != nil {
				return nil, fmt.Errorf("trust: %w", err)
			}
			tr.Keys = append(tr.Keys, key)
		}
		var ids []verify.Identity
		for _, id := range r.Identities {
			ids = append(ids, verify.Identity{Subject: id.Subject, SubjectRegexp: id.SubjectRegexp, Issuer: id.Issuer, IssuerRegexp: id.IssuerRegexp})
		}
		st.ids = append(st.ids, ids)
	}
	if t.TrustedRoot != "" {
		root, err := verify.LoadTrustedRoot(t.TrustedRoot)
		if err != nil {
			return nil, fmt.Errorf("trust: %w", err)
		}
		tr.Root, tr.RootName = root, t.TrustedRoot
	}
	if t.NotationDir != "" {
		n, err := verify.LoadNotation(t.NotationDir)
		if err != nil {
			return nil, fmt.Errorf("trust: %w", err)
		}
		tr.Notation = n
	}
	st.cache = verify.NewCache(verify.New(verify.Options{Trust: tr, Now: now}), t.CacheSize, t.CacheTTL.Duration)
	return st, nil
}

// trust applies the trust rules to an image by its repo digests (see
// trustState.verdict) and records the verified signers.
func (e *eval) trust(ctx context.Context, repoDigests []string, name string) []Violation {
	st := e.c.trust
	if st == nil {
		return []Violation{{policy.RuleSignature, "trust is enabled but not compiled"}}
	}
	v := st.verdict(ctx, repoDigests, name, e.g.opts.Now())
	if v.Reference != "" {
		e.summary().Signers = v.Signers
	}
	return v.Violations
}

// TrustVerdict is one image judged against the trust rules.
type TrustVerdict struct {
	// Reference is the repo digest verified and Pattern the rule that
	// covered it; both empty when no verification was made.
	Reference string `json:"reference,omitempty"`
	Pattern   string `json:"pattern,omitempty"`
	// Signers are the verified signers, trusted or not.
	Signers []string `json:"signers,omitempty"`
	// Provenance: the image has SLSA provenance signed by a signer the
	// rule trusts, from the rule's builders and source repositories (when
	// it names any).
	Provenance bool `json:"provenance"`
	// ProvenanceWhy says why Provenance is false.
	ProvenanceWhy string      `json:"provenance_why,omitempty"`
	Violations    []Violation `json:"violations,omitempty"`
}

// verdict applies the trust rules to an image by its repo digests: the
// first repo digest a rule covers is verified (or its cached result
// read), and the rule's signers, provenance and vulnerability attestation
// age are checked. Anything that cannot be verified is a violation, with
// the reason.
func (st *trustState) verdict(ctx context.Context, repoDigests []string, name string, now time.Time) TrustVerdict {
	fail := func(format string, a ...any) TrustVerdict {
		why := fmt.Sprintf(format, a...)
		return TrustVerdict{ProvenanceWhy: why, Violations: []Violation{{policy.RuleSignature, why}}}
	}
	if len(repoDigests) == 0 {
		return fail("image %s has no repo digest (built or loaded here, never pulled), so its signatures cannot be found (trust.enabled)", name)
	}
	var repos []string
	for _, rd := range repoDigests {
		n, err := reference.ParseNormalizedNamed(rd)
		if err != nil {
			continue
		}
		repo := n.Name()
		repos = append(repos, repo)
		for i, r := range st.rules {
			if !policy.MatchRepository(r.Pattern, repo) {
				continue
			}
			p, err := st.cache.Verify(ctx, rd)
			if err != nil {
				return fail("verifying %s failed, so it is refused: %v", rd, err)
			}
			v := st.judge(i, p, now)
			v.Reference, v.Pattern, v.Signers = rd, r.Pattern, p.Signers()
			return v
		}
	}
	slices.Sort(repos)
	return fail("no trust.images pattern covers %s", strings.Join(slices.Compact(repos), ", "))
}

// TrustJudge applies a policy's trust rules outside the guard (bench
// judges the host's images with it): the guard's verifier, cache and
// rules. It is safe for concurrent use.
type TrustJudge struct {
	st  *trustState
	now func() time.Time
}

// NewTrustJudge compiles the trust section of a policy, enabled or not.
func NewTrustJudge(t policy.Trust, now func() time.Time) (*TrustJudge, error) {
	if len(t.Images) == 0 {
		return nil, errors.New("trust: the policy's trust.images names nothing to trust")
	}
	if now == nil {
		now = time.Now
	}
	t.Enabled = true
	st, err := compileTrust(&t, now)
	if err != nil {
		return nil, err
	}
	return &TrustJudge{st: st, now: now}, nil
}

// Judge verifies and judges one image by its repo digests.
func (j *TrustJudge) Judge(ctx context.Context, repoDigests []string, name string) TrustVerdict {
	return j.st.verdict(ctx, repoDigests, name, j.now())
}

// judge checks one verification record against rule i.
func (st *trustState) judge(i int, p *provenance.Provenance, now time.Time) TrustVerdict {
	r := st.rules[i]
	trusted := func(method, signer, issuer, kind string) bool {
		switch method {
		case provenance.MethodKey:
			return slices.Contains(r.Keys, signer)
		case provenance.MethodKeyless:
			for _, id := range st.ids[i] {
				if id.Matches(signer, issuer) {
					return true
				}
			}
		case provenance.MethodX509:
			return r.Notation && kind == provenance.Notation
		}
		return false
	}
	var vs []Violation
	if len(r.Keys) > 0 || len(r.Identities) > 0 || r.Notation {
		ok := false
		var seen []string
		for _, s := range p.Signatures {
			if s.Verified && trusted(s.Method, s.Signer, s.Issuer, s.Kind) {
				ok = true
				break
			}
			seen = append(seen, sigWord(s))
		}
		if !ok {
			why := "it has no signature"
			if len(seen) > 0 {
				why = "its signatures are " + capList(seen)
			}
			if len(p.Errors) > 0 {
				why += "; errors: " + capList(p.Errors)
			}
			vs = append(vs, Violation{policy.RuleSignature, fmt.Sprintf("%s is not signed by a signer trusted for %s: %s (trust.images)", p.Reference, r.Pattern, why)})
		}
	}
	att := func(kind string) []provenance.Attestation {
		var out []provenance.Attestation
		for _, a := range p.Attestations {
			if a.Kind == kind && a.Verified && trusted(a.Method, a.Signer, a.Issuer, provenance.Cosign) {
				out = append(out, a)
			}
		}
		return out
	}
	var out TrustVerdict
	var seen []string
	for _, a := range att(provenance.KindSLSA) {
		if globAny(r.Builders, a.BuilderID) && globAny(r.SourceRepos, a.SourceRepo) {
			out.Provenance = true
			break
		}
		seen = append(seen, fmt.Sprintf("builder %s, source %s", a.BuilderID, a.SourceRepo))
	}
	if !out.Provenance {
		why := "it has no SLSA provenance signed by a trusted signer"
		if len(seen) > 0 {
			why = "its provenance says " + capList(seen)
		} else if failed := failedAttestations(p); len(failed) > 0 {
			why += "; attestations that did not verify: " + capList(failed)
		}
		out.ProvenanceWhy = fmt.Sprintf("%s was not built by a trusted builder from a trusted source: %s (trust.images builders, source_repos)", p.Reference, why)
		if len(r.Builders) > 0 || len(r.SourceRepos) > 0 {
			vs = append(vs, Violation{policy.RuleProvenance, out.ProvenanceWhy})
		}
	}
	if max := r.MaxVulnAttestationAge.Duration; max > 0 {
		var newest time.Time
		for _, a := range att(provenance.KindVuln) {
			if a.ScannedAt.After(newest) {
				newest = a.ScannedAt
			}
		}
		switch {
		case newest.IsZero():
			vs = append(vs, Violation{policy.RuleVulnAttestation, fmt.Sprintf("%s has no vulnerability scan attestation signed by a trusted signer (trust.images max_vuln_attestation_age)", p.Reference)})
		case now.Sub(newest) > max:
			vs = append(vs, Violation{policy.RuleVulnAttestation, fmt.Sprintf("%s's newest vulnerability scan attestation is from %s, older than %s (trust.images max_vuln_attestation_age)", p.Reference, newest.Format(time.RFC3339), max)})
		}
	}
	out.Violations = vs
	return out
}

// failedAttestations lists the attestations that did not verify and why.
func failedAttestations(p *provenance.Provenance) []string {
	var out []string
	for _, a := range p.Attestations {
		if !a.Verified && a.Error != "" {
			out = append(out, a.Source+": "+a.Error)
		}
	}
	return out
}

// capList joins at most three reasons, each cut to 300 bytes, so a
// registry serving dozens of hostile signatures cannot make a denial
// reason (an audit record, an error shown to the user) grow without bound.
func capList(items []string) string {
	const n, width = 3, 300
	var out []string
	for i, s := range items {
		if i == n {
			out = append(out, fmt.Sprintf("and %d more", len(items)-n))
			break
		}
		if len(s) > width {
			s = strings.ToValidUTF8(s[:width], "") + "…"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func sigWord(s provenance.Signature) string {
	w := s.Kind + " " + s.Method
	if s.Signer != "" {
		w += " by " + s.Signer
	}
	if s.Verified {
		return w + " (verified, not trusted here)"
	}
	return w + " (not verified: " + s.Error + ")"
}

// globAny: no globs match anything; else one must match v.
func globAny(globs []string, v string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, v); ok || g == v {
			return true
		}
	}
	return false
}
