// Package finding is the model of problems that are not vulnerabilities:
// misconfigurations of an image or a Dockerfile, and secrets left in image
// files. Checkers produce findings; the report lists them beside packages
// and vulnerabilities; triage may mark them suppressed. Pure data.
package finding

import (
	"cmp"
	"slices"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// Class separates the two scanners that produce findings.
type Class string

const (
	Misconfig Class = "misconfig"
	Secret    Class = "secret"
)

// Rule is the stable description of one check.
type Rule struct {
	ID          string            `json:"id"`
	Class       Class             `json:"class"`
	Severity    advisory.Severity `json:"severity"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Remediation string            `json:"remediation,omitempty"`
	// CIS names the CIS Docker Benchmark recommendation, when there is one.
	CIS string `json:"cis,omitempty"`
	// Content marks rules about what a file holds (a secret, a credential
	// file) rather than its metadata: a later layer deleting the file does
	// not take it out of the image, so such findings are reported for
	// every layer's files, not only the merged view.
	Content bool `json:"-"`
}

// Evidence locates a finding.
type Evidence struct {
	Path        string `json:"path,omitempty"`         // file in the image or the Dockerfile
	LayerDigest string `json:"layer_digest,omitempty"` // layer that wrote the file
	Line        int    `json:"line,omitempty"`         // 1-based, in Path or the Dockerfile
	History     string `json:"history,omitempty"`      // image history entry (created_by)
	Key         string `json:"key,omitempty"`          // ENV/ARG/LABEL key, config field
	// Match is what was found, with secret material redacted.
	Match string `json:"match,omitempty"`
	// RemovedInLayer is the layer that deleted or replaced the file (a
	// whiteout, an opaque directory, an overwrite): it is gone from the
	// container's filesystem but still in the image, in LayerDigest, for
	// anyone who saves or pulls the image.
	RemovedInLayer string `json:"removed_in_layer,omitempty"`
}

// Finding is one rule violated at one place.
type Finding struct {
	Rule
	Evidence Evidence `json:"evidence"`
	// Suppression is set by triage on findings an ignore entry accepted,
	// and on reported ones whose ignore entry has expired.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Suppression kinds.
const (
	SuppressedByIgnore = "ignore" // an entry of an ignore file
	SuppressedByVEX    = "vex"    // an OpenVEX statement
)

// Suppression says why a finding (a vulnerability, a misconfiguration or
// a secret) is accepted, or, with Expired, that an ignore entry matched
// but no longer applies. It lives here, beside the findings it annotates,
// so both the report and the finding model can carry it.
type Suppression struct {
	Kind string `json:"kind"` // "ignore" or "vex"
	// Reason is the ignore entry's reason, or the VEX statement's impact
	// statement or action statement.
	Reason string `json:"reason,omitempty"`
	// Status and Justification are the VEX statement's (not_affected,
	// fixed; component_not_present, vulnerable_code_not_in_execute_path…).
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
	// Source is the file the decision came from; Statement the VEX
	// document's @id.
	Source    string `json:"source,omitempty"`
	Statement string `json:"statement,omitempty"`
	// Expires is the last day (YYYY-MM-DD) an ignore entry applies.
	Expires string `json:"expires,omitempty"`
	// Expired is true for an ignore entry past its date: the finding is
	// reported and counts again.
	Expired bool `json:"expired,omitempty"`
}

// Sort orders findings by severity (highest first), rule id, then place.
func Sort(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			-cmp.Compare(advisory.SeverityRank(a.Severity), advisory.SeverityRank(b.Severity)),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Evidence.Path, b.Evidence.Path),
			cmp.Compare(a.Evidence.Line, b.Evidence.Line),
			cmp.Compare(a.Evidence.Key, b.Evidence.Key),
			cmp.Compare(a.Evidence.History, b.Evidence.History),
			cmp.Compare(a.Evidence.Match, b.Evidence.Match),
			cmp.Compare(a.Evidence.LayerDigest, b.Evidence.LayerDigest),
			cmp.Compare(a.Evidence.RemovedInLayer, b.Evidence.RemovedInLayer),
		)
	})
}

// At returns a finding of rule r with evidence e.
func (r Rule) At(e Evidence) Finding { return Finding{Rule: r, Evidence: e} }

// Redact keeps the first four characters of a secret and masks the rest,
// so a report identifies which credential leaked without leaking it again.
func Redact(s string) string {
	const keep = 4
	if len(s) <= keep {
		return "****"
	}
	n := len(s) - keep
	if n > 16 {
		n = 16
	}
	b := make([]byte, keep+n)
	copy(b, s[:keep])
	for i := keep; i < len(b); i++ {
		b[i] = '*'
	}
	return string(b)
}
