package match

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// TestCoverage: each package is checked, not checked or unsupported, with
// the reason, decided from the database's own ecosystems.
func TestCoverage(t *testing.T) {
	db := testDB(t,
		&advisory.Advisory{ID: "DSA-1", Source: "debian-dsa",
			Affected: []advisory.Affected{{Ecosystem: "Debian:11", Package: "a", Ranges: fixedAt("1")}}},
		&advisory.Advisory{ID: "PYSEC-1", Source: "osv-pypi",
			Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: "requests", Ranges: fixedAt("2.0")}}},
		// Only Ubuntu Pro (ESM) data for 18.04.
		&advisory.Advisory{ID: "CVE-2099-1", Source: "osv-ubuntu",
			Affected: []advisory.Affected{{Ecosystem: "Ubuntu:Pro:18.04:LTS", Package: "a", Ranges: fixedAt("1")}}},
	)
	py := sbom.Package{Name: "requests", Version: "1.0", Type: sbom.Python}
	crate := sbom.Package{Name: "serde", Version: "1.0.0", Type: sbom.Cargo}
	own := sbom.Package{Name: "example.com/app", Version: "(devel)", Type: sbom.GoModule, Main: true}
	foreign := sbom.Package{Name: "zlib", Version: "1.3", Type: "conan"}
	key := func(ps ...sbom.Package) []report.PackageKey {
		var out []report.PackageKey
		for i := range ps {
			out = append(out, report.KeyOf(&ps[i]))
		}
		return out
	}
	a, b := deb("a", "0", "a", "0"), deb("b", "0", "b", "0")
	bullseye := &sbom.Distro{ID: "debian", VersionID: "11"}
	mint := &sbom.Distro{ID: "linuxmint", VersionID: "21.3"}
	bionic := &sbom.Distro{ID: "ubuntu", VersionID: "18.04"}
	jammy := &sbom.Distro{ID: "ubuntu", VersionID: "22.04"}
	tests := []struct {
		name   string
		pkgs   []sbom.Package
		d      *sbom.Distro
		counts report.PackageCounts
		gaps   []report.Gap
		vulns  int
	}{
		{"release newer than the data", []sbom.Package{a, b}, bookworm, report.PackageCounts{NotChecked: 2},
			[]report.Gap{{Status: report.NotChecked, Reason: "no data for Debian 12", Ecosystem: "Debian:12", Count: 2, Packages: key(a, b)}}, 0},
		{"release with data", []sbom.Package{a, b}, bullseye, report.PackageCounts{Checked: 2}, nil, 1},
		{"mixed", []sbom.Package{a, py, b}, bookworm, report.PackageCounts{Checked: 1, NotChecked: 2},
			[]report.Gap{{Status: report.NotChecked, Reason: "no data for Debian 12", Ecosystem: "Debian:12", Count: 2, Packages: key(a, b)}}, 1},
		{"no operating system", []sbom.Package{a, py}, nil, report.PackageCounts{Checked: 1, NotChecked: 1},
			[]report.Gap{{Status: report.NotChecked, Reason: "operating system not identified", Count: 1, Packages: key(a)}}, 1},
		{"data in a further ecosystem only", []sbom.Package{a}, bionic, report.PackageCounts{Checked: 1}, nil, 1},
		{"no data in either ecosystem", []sbom.Package{a}, jammy, report.PackageCounts{NotChecked: 1},
			[]report.Gap{{Status: report.NotChecked, Reason: "no data for Ubuntu 22.04 LTS", Ecosystem: "Ubuntu:22.04:LTS", Count: 1, Packages: key(a)}}, 0},
		{"unknown distribution", []sbom.Package{a}, mint, report.PackageCounts{NotChecked: 1},
			[]report.Gap{{Status: report.NotChecked, Reason: "no advisory source for linuxmint 21.3", Count: 1, Packages: key(a)}}, 0},
		{"ecosystem without a source", []sbom.Package{crate, py}, nil, report.PackageCounts{Checked: 1, NotChecked: 1},
			[]report.Gap{{Status: report.NotChecked, Reason: "no data for crates.io", Ecosystem: "crates.io", Count: 1, Packages: key(crate)}}, 1},
		{"unsupported", []sbom.Package{own, foreign, py}, nil, report.PackageCounts{Checked: 1, Unsupported: 2},
			[]report.Gap{
				{Status: report.Unsupported, Reason: "no advisory source for conan packages", Count: 1, Packages: key(foreign)},
				{Status: report.Unsupported, Reason: "the application's own code, not a published release", Count: 1, Packages: key(own)},
			}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, res := run(t, db, tt.pkgs, tt.d)
			if d := cmp.Diff(tt.counts, res.Coverage); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.gaps, res.Gaps); d != "" {
				t.Errorf("gaps (-want +got):\n%s", d)
			}
			if len(rows) != tt.vulns {
				t.Errorf("%d findings, want %d: %v", len(rows), tt.vulns, rows)
			}
		})
	}

	t.Run("ecosystems asked of the database", func(t *testing.T) {
		res, err := (&Engine{Source: db, Matchers: DefaultMatchers()}).Match(context.Background(), []sbom.Package{a, py}, bookworm)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(report.PackageCounts{Checked: 1, NotChecked: 1}, res.Coverage); d != "" {
			t.Error(d)
		}
	})
	t.Run("no database", func(t *testing.T) {
		res, err := NewEngine(nil, nil).Match(context.Background(), []sbom.Package{a, py}, bookworm)
		if err != nil {
			t.Fatal(err)
		}
		want := []report.Gap{{Status: report.NotChecked, Reason: "no vulnerability database", Count: 2, Packages: key(a, py)}}
		if d := cmp.Diff(want, res.Gaps); d != "" || res.Coverage.NotChecked != 2 {
			t.Errorf("%+v %s", res.Coverage, d)
		}
	})
}
