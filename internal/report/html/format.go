package html

import (
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

// Format is the html format: one self-contained page.
var Format = &report.Format{
	Name:      "html",
	MediaType: "text/html; charset=utf-8",
	Ext:       ".html",
	Encoder:   report.EncoderFunc(encode),
}

func encode(w io.Writer, r *report.Report, _ report.EncodeOptions) error {
	return Write(w, findings.FromScan(r))
}
