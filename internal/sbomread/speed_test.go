package sbomread_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/sbomread"
)

// BenchmarkParse10k reads back the SBOMs of a report of 2,500 packages
// (reporttest.Large(10000)): detection and the format's reader.
func BenchmarkParse10k(b *testing.B) {
	r := reporttest.Large(10000)
	for _, tt := range []struct {
		name  string
		write func(io.Writer, *report.Report) error
	}{
		{"cyclonedx", func(w io.Writer, r *report.Report) error {
			return cyclonedx.Write(w, r, cyclonedx.Options{NoVulnerabilities: true})
		}},
		{"spdx-json", func(w io.Writer, r *report.Report) error {
			return spdx.Write(w, r, spdx.Options{NoVulnerabilities: true})
		}},
		{"json", report.WriteJSON},
	} {
		var buf bytes.Buffer
		if err := tt.write(&buf, r); err != nil {
			b.Fatal(err)
		}
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sbomread.Parse(buf.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
