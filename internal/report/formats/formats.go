// Package formats is the registry of report formats: the one list the
// command line's --format help and validation, `bulwark sbom`'s choices,
// reading `sbom:FILE` back and the docs take formats from.
//
//	table.Format, report.JSON, sarif.Format, cyclonedx.Format, … (each
//	format package describes itself: name, aliases, media type, extension,
//	encoder, reader)
//	  ──[All]──▶ every format, in the order help lists them
//	  ──[Lookup]──▶ the format a name or alias means
//	  ──[Inventory]──▶ those that can list packages (`bulwark sbom`)
//	  ──[Readers]──▶ those read back as SBOMs, in the order documents are
//	                 recognised
//
// The list is built on each call from data laid out at link time, so
// nothing runs at start-up.
package formats

import (
	"slices"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/html"
	"github.com/bulwark-sec/bulwark/internal/report/junit"
	"github.com/bulwark-sec/bulwark/internal/report/sarif"
	"github.com/bulwark-sec/bulwark/internal/report/spdx"
	"github.com/bulwark-sec/bulwark/internal/report/table"
	"github.com/bulwark-sec/bulwark/internal/report/template"
)

// All returns every format, in the order help and docs list them.
func All() []*report.Format {
	return []*report.Format{
		table.Format,
		report.JSON,
		sarif.Format,
		cyclonedx.Format,
		spdx.Format,
		junit.Format,
		html.Format,
		template.Format,
	}
}

// Lookup returns the format name or one of its aliases means.
func Lookup(name string) (*report.Format, bool) {
	for _, f := range All() {
		if f.Name == name || slices.Contains(f.Aliases, name) {
			return f, true
		}
	}
	return nil, false
}

// Names returns the names of fs.
func Names(fs []*report.Format) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// Inventory returns the formats that can list packages rather than
// findings: what `bulwark sbom` offers.
func Inventory() []*report.Format {
	return slices.DeleteFunc(All(), func(f *report.Format) bool { return !f.Inventory })
}

// Readers returns the formats that read back as SBOMs, in the order a
// document is offered to them: those of a standard first (a CycloneDX or
// SPDX document says what it is in a member of its own), then Bulwark's
// json report, recognised by its shape.
func Readers() []*report.Format {
	fs := slices.DeleteFunc(All(), func(f *report.Format) bool { return f.Reader == nil })
	slices.SortStableFunc(fs, func(a, b *report.Format) int {
		return boolInt(a.Standard == "") - boolInt(b.Standard == "")
	})
	return fs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
