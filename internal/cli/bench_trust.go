package cli

import (
	"context"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// benchTrustWorkers bounds concurrent image verifications (each a few
// registry round trips).
const benchTrustWorkers = 4

// benchTrustJudge compiles the trust section of the guard policy that
// --trust-policy names into the judge bench applies to each image; a bad
// file is a usage error.
func benchTrustJudge(file string) (facts.ImageJudge, error) {
	p, err := policy.Load(file)
	if err != nil {
		return nil, usageErrorf("--trust-policy: %v", err)
	}
	j, err := guard.NewTrustJudge(p.Trust, nil)
	if err != nil {
		return nil, usageErrorf("--trust-policy %s: %v", file, err)
	}
	return func(ctx context.Context, repoDigests []string, name string) facts.TrustedImage {
		v := j.Judge(ctx, repoDigests, name)
		ti := facts.TrustedImage{Reference: v.Reference, Pattern: v.Pattern, Signers: v.Signers}
		if !v.Provenance {
			ti.NoProvenance = v.ProvenanceWhy
		}
		var unsigned []string
		for _, vi := range v.Violations {
			if vi.Rule == policy.RuleSignature {
				unsigned = append(unsigned, vi.Detail)
			}
			ti.Violations = append(ti.Violations, vi.Rule+": "+vi.Detail)
		}
		ti.Unsigned = strings.Join(unsigned, "; ")
		return ti
	}, nil
}
