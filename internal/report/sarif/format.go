package sarif

import (
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

// Format is the sarif format: findings for code-scanning dashboards.
var Format = &report.Format{
	Name:      "sarif",
	Standard:  "SARIF 2.1.0",
	MediaType: "application/sarif+json",
	Ext:       ".sarif",
	Encoder:   report.EncoderFunc(encode),
}

func encode(w io.Writer, r *report.Report, _ report.EncodeOptions) error {
	return Write(w, findings.FromScan(r))
}
