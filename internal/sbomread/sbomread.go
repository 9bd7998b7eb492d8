// Package sbomread turns a stored SBOM back into an inventory, so that
// `bulwark scan sbom:FILE` matches it against today's advisories:
//
//	file ──size cap──▶ top-level members (report.ParseHeader)
//	     ──the first format of formats.Readers() whose reader recognises
//	       them──▶ CycloneDX JSON (package cyclonedx) │ SPDX JSON 2.2/2.3
//	       (package spdx) │ Bulwark json report (package report)
//	     ──▶ report.SBOM ──▶ report.Report (packages, OS, coverage), ready
//	                         for scan.Match
//
// The readers live beside their writers; this package only picks one.
// SBOMs do not carry a Go binary's symbols, so Go findings from an SBOM
// have reachability "unknown" where a scan of the image says true or false.
package sbomread

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/formats"
)

// Kind is the target kind of reports made from an SBOM.
const Kind = report.KindSBOM

// maxSize bounds an SBOM file.
const maxSize = 512 << 20

// ErrUnknownFormat: the file is neither CycloneDX JSON, SPDX JSON nor a
// Bulwark json report (the formats whose Reader is set).
var ErrUnknownFormat = errors.New("not a CycloneDX JSON, SPDX JSON or Bulwark json document")

// Inventory reads the SBOM at path into a report without findings.
func Inventory(ctx context.Context, path string, tool report.Tool) (*report.Report, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sbomread: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("sbomread: %s: %w", path, err)
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("sbomread: %s: larger than %d MiB", path, maxSize>>20)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("sbomread: %s: %w", path, err)
	}
	return doc.Report(path, tool), nil
}

// Parse detects the format of b and reads it.
func Parse(b []byte) (*report.SBOM, error) {
	h, err := report.ParseHeader(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
	}
	for _, f := range formats.Readers() {
		if f.Reader.Detect(h) {
			return f.Reader.Read(b)
		}
	}
	return nil, ErrUnknownFormat
}
