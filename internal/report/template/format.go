package template

import (
	"errors"
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// Format is the template format: the user's parsed template, given as
// [report.EncodeOptions.Template], executed over the report.
var Format = &report.Format{
	Name:    "template",
	Encoder: report.EncoderFunc(encode),
}

var _ report.Encoder = (*Template)(nil)

func encode(w io.Writer, r *report.Report, o report.EncodeOptions) error {
	if o.Template == nil {
		return errors.New("template: no template given (--template FILE)")
	}
	return o.Template.Encode(w, r, o)
}

// Encode executes t over r.
func (t *Template) Encode(w io.Writer, r *report.Report, _ report.EncodeOptions) error {
	return t.Write(w, r)
}
