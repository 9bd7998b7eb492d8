package table

import (
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// Format is the table format, the default of every command.
var Format = &report.Format{
	Name:      "table",
	MediaType: "text/plain; charset=utf-8",
	Ext:       ".txt",
	Inventory: true,
	Encoder:   report.EncoderFunc(encode),
}

func encode(w io.Writer, r *report.Report, o report.EncodeOptions) error {
	return Write(w, r, Options{Color: o.Color, Packages: o.Packages})
}
