package guard

import (
	"context"
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

// trust applies the trust rules to an image by its repo digests: the first
// repo digest a rule covers is verified (or its cached result read), and
// the rule's signers, provenance and vulnerability attestation age are
// checked. Anything that cannot be verified denies, with the reason.
func (e *eval) trust(ctx context.Context, repoDigests []string, name string) []Violation {
	st := e.c.trust
	if st == nil {
		return []Violation{{policy.RuleSignature, "trust is enabled but not compiled"}}
	}
	if len(repoDigests) == 0 {
		return []Violation{{policy.RuleSignature, fmt.Sprintf("image %s has no repo digest (built or loaded here, never pulled), so its signatures cannot be found (trust.enabled)", name)}}
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
				return []Violation{{policy.RuleSignature, fmt.Sprintf("verifying %s failed, so it is refused: %v", rd, err)}}
			}
			sum := e.summary()
			sum.Signers = p.Signers()
			return st.judge(i, p, e.g.opts.Now())
		}
	}
	slices.Sort(repos)
	return []Violation{{policy.RuleSignature, fmt.Sprintf("no trust.images pattern covers %s", strings.Join(slices.Compact(repos), ", "))}}
}

// judge checks one verification record against rule i.
func (st *trustState) judge(i int, p *provenance.Provenance, now time.Time) []Violation {
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
	if len(r.Builders) > 0 || len(r.SourceRepos) > 0 {
		ok := false
		var seen []string
		for _, a := range att(provenance.KindSLSA) {
			if globAny(r.Builders, a.BuilderID) && globAny(r.SourceRepos, a.SourceRepo) {
				ok = true
				break
			}
			seen = append(seen, fmt.Sprintf("builder %s, source %s", a.BuilderID, a.SourceRepo))
		}
		if !ok {
			why := "it has no SLSA provenance signed by a trusted signer"
			if len(seen) > 0 {
				why = "its provenance says " + capList(seen)
			} else if failed := failedAttestations(p); len(failed) > 0 {
				why += "; attestations that did not verify: " + capList(failed)
			}
			vs = append(vs, Violation{policy.RuleProvenance, fmt.Sprintf("%s was not built by a trusted builder from a trusted source: %s (trust.images builders, source_repos)", p.Reference, why)})
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
	return vs
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
