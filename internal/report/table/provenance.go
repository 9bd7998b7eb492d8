package table

import (
	"fmt"
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

// provenance lists scan --verify's signatures and attestations under the
// header: one line each, saying who signed and whether it verified.
func provenance(w io.Writer, r *report.Report) {
	p := r.Provenance
	if p == nil {
		return
	}
	fmt.Fprintf(w, "%s\n", findings.ProvenanceNote(p))
	for _, s := range p.Signatures {
		fmt.Fprintf(w, "  %s\n", findings.SignatureText(s))
	}
	for _, a := range p.Attestations {
		fmt.Fprintf(w, "  %s\n", findings.AttestationText(a))
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	fmt.Fprintln(w)
}
