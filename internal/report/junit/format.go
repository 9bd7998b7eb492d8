package junit

import (
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

// Format is the junit format: findings as test cases for CI test reports.
var Format = &report.Format{
	Name:      "junit",
	Standard:  "JUnit XML",
	MediaType: "application/xml",
	Ext:       ".xml",
	Encoder:   report.EncoderFunc(encode),
}

func encode(w io.Writer, r *report.Report, _ report.EncodeOptions) error {
	return Write(w, findings.FromScan(r))
}
