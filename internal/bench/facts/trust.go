package facts

import (
	"context"
	"sync"
)

// Trust is how the engine's images fared against a trust policy's rules
// (the trust section of a guard policy, bench --trust-policy): their
// signatures and attestations verified in the registry each image was
// pulled from. A snapshot gathered without a policy has none.
type Trust struct {
	// Policy is the policy file.
	Policy string `json:"policy"`
	// Images follow Engine.Images, in order.
	Images []TrustedImage `json:"images"`
}

// TrustedImage is one image judged against the trust rules. Each "why"
// field is empty when the image meets that part.
type TrustedImage struct {
	Image string `json:"image"`
	ID    string `json:"id"`
	// InUse: a running container was started from it.
	InUse bool `json:"in_use"`
	// Reference is the repo digest verified, Pattern the rule covering it.
	Reference string   `json:"reference,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	Signers   []string `json:"signers,omitempty"`
	// Unsigned says why it has no verified signature from a signer the
	// rule trusts (or why nothing could be verified).
	Unsigned string `json:"unsigned,omitempty"`
	// NoProvenance says why it has no SLSA provenance signed by a trusted
	// signer from the rule's builders and sources.
	NoProvenance string `json:"no_provenance,omitempty"`
	// Violations are every rule the image breaks, as "rule: detail".
	Violations []string `json:"violations,omitempty"`
}

// ImageJudge verifies and judges one image by its repo digests; the
// caller fills Image, ID and InUse.
type ImageJudge func(ctx context.Context, repoDigests []string, name string) TrustedImage

// GatherTrust judges every image of s with judge, workers at a time (at
// least one), and records the verdicts as s.Trust.
func GatherTrust(ctx context.Context, s *Snapshot, policy string, judge ImageJudge, workers int) {
	inUse := map[string]bool{}
	for _, c := range s.Engine.Containers {
		if c.Running() {
			inUse[c.Inspect.Image] = true
		}
	}
	t := &Trust{Policy: policy, Images: make([]TrustedImage, len(s.Engine.Images))}
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	for i, img := range s.Engine.Images {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ti := judge(ctx, img.Inspect.RepoDigests, img.Name())
			ti.Image, ti.ID, ti.InUse = img.Name(), img.Inspect.ID, inUse[img.Inspect.ID]
			t.Images[i] = ti
		})
	}
	wg.Wait()
	s.Trust = t
}
