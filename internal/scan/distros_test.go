package scan_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// The acceptance tests of the distribution feeds: an image per
// distribution, its packages at real names and versions taken from the
// publisher's records, scanned against a database imported from those
// records; the expected advisories are computed here, straight from the
// records with the distribution's own version tools (rpm, dpkg), not with
// Bulwark's parsers, matchers or orderings.

// osvRecord is what the independent computation reads of an OSV record.
type osvRecord struct {
	ID       string   `json:"id"`
	Related  []string `json:"related"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
}

func readZip(t *testing.T, path string) []osvRecord {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []osvRecord
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var r osvRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, r)
	}
	return out
}

// reported lists "package id" for every finding and every advisory id it
// merged (records sharing a CVE are one finding).
func reported(r *report.Report, idPrefix string) []string {
	var out []string
	for _, v := range r.Vulnerabilities {
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			if strings.HasPrefix(id, idPrefix) {
				out = append(out, v.Package.Name+" "+id)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// almaPackages are AlmaLinux 9 binary rpms at versions the records name:
// at some advisory's fix (that advisory must not be reported, later ones
// must), below every fix, or at the newest fix (nothing reported).
var almaPackages = []struct{ name, epoch, version, release string }{
	{"openssl-libs", "1", "3.0.1", "43.el9_0"},
	{"curl", "", "7.76.1", "19.el9"},
	{"libcurl", "", "7.76.1", "14.el9_0.5"},
	{"glibc", "", "2.34", "100.el9_4.2"},
	{"bash", "", "5.1.8", "6.el9_1"},
	{"zlib", "", "1.2.11", "31.el9"},
	{"systemd-libs", "", "252", "32.el9_4.alma.1"},
	{"tar", "2", "1.34", "6.el9_1"},
	{"sqlite-libs", "", "3.34.1", "7.el9_3"},
	{"expat", "", "2.4.9", "1.el9_1.1"},
	{"krb5-libs", "", "1.20.1", "8.el9"},
	{"gnutls", "", "3.7.6", "23.el9_3.3"},
	{"openssh", "", "8.7p1", "34.el9_3.3"},
	{"less", "", "590", "4.el9_4"},
	{"vim-minimal", "2", "8.2.2637", "20.el9_1"},
}

func TestAlmaLinuxImage(t *testing.T) {
	for _, tool := range []string{"rpm", "rpmbuild"} {
		testutil.NeedCommand(t, tool)
	}
	feed := testutil.Shared(t, "advisories/osv/AlmaLinux/all.zip")
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc/os-release"), `NAME="AlmaLinux"
VERSION="9.4 (Seafoam Ocelot)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"
`)
	buildRPMDB(t, root, almaSpec())

	// Independently: every AlmaLinux:9 statement about an installed name
	// whose fixed version rpm itself orders above the installed one. Bug
	// fix advisories that name no CVE and fixes of modular builds (none of
	// these packages comes from a module) do not apply.
	installed := map[string]string{}
	for _, p := range almaPackages {
		evr := p.version + "-" + p.release
		if p.epoch != "" {
			evr = p.epoch + ":" + evr
		}
		installed[p.name] = evr
	}
	type cand struct{ pkg, id, fixed string }
	var cands []cand
	for _, r := range readZip(t, feed) {
		cve := slices.ContainsFunc(r.Related, func(s string) bool { return strings.HasPrefix(s, "CVE-") })
		if (strings.HasPrefix(r.ID, "ALBA-") || strings.HasPrefix(r.ID, "ALEA-")) && !cve {
			continue
		}
		for _, a := range r.Affected {
			if a.Package.Ecosystem != "AlmaLinux:9" || installed[a.Package.Name] == "" {
				continue
			}
			for _, rg := range a.Ranges {
				for _, e := range rg.Events {
					if f := e["fixed"]; f != "" && !strings.Contains(f, ".module") {
						cands = append(cands, cand{a.Package.Name, r.ID, f})
					}
				}
			}
		}
	}
	if len(cands) < 50 {
		t.Fatalf("only %d statements about the installed packages", len(cands))
	}
	var lua strings.Builder
	for _, c := range cands {
		fmt.Fprintf(&lua, "print(rpm.vercmp('%s','%s')) print(' ') ", installed[c.pkg], c.fixed)
	}
	out, err := exec.Command("rpm", "--eval", "%{lua: "+lua.String()+"}").Output()
	if err != nil {
		t.Fatalf("rpm --eval: %v", err)
	}
	cmps := strings.Fields(string(out))
	if len(cmps) != len(cands) {
		t.Fatalf("rpm compared %d pairs, want %d", len(cmps), len(cands))
	}
	var want []string
	atFix := map[string]bool{}
	for i, c := range cands {
		switch cmps[i] {
		case "-1":
			want = append(want, c.pkg+" "+c.id)
		case "0":
			atFix[c.pkg+" "+c.id] = true
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)

	db := importDB(t, feed)
	rep := scanWithDB(t, "dir:"+root, db)
	got := reported(rep, "AL")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("advisories (-computed from the records +reported):\n%s", d)
	}
	for _, g := range got {
		if atFix[g] {
			t.Errorf("%s reported at its fixed version", g)
		}
	}
	if len(atFix) == 0 {
		t.Error("no package sits at a fixed version; the fixture lost its point")
	}
	for _, v := range rep.Vulnerabilities {
		if v.Severity == "unknown" || !strings.HasPrefix(v.Match.Ecosystem, "AlmaLinux:9") || v.Match.Ordering != "rpm" {
			t.Errorf("%s %s: severity %s, matched in %s by %s", v.ID, v.Package.Name, v.Severity, v.Match.Ecosystem, v.Match.Ordering)
		}
	}
	t.Logf("%d findings from %d statements about %d packages", len(rep.Vulnerabilities), len(cands), len(almaPackages))
}

// almaSpec is one spec with a subpackage per name, each with its own
// epoch, version and release.
func almaSpec() string {
	var spec strings.Builder
	spec.WriteString("Name: bulwark-almalinux-fixture\nVersion: 1\nRelease: 1\nSummary: fixture\nLicense: MIT\n%global debug_package %{nil}\n%description\nfixture\n%files\n")
	for _, p := range almaPackages {
		fmt.Fprintf(&spec, "%%package -n %s\n", p.name)
		if p.epoch != "" {
			fmt.Fprintf(&spec, "Epoch: %s\n", p.epoch)
		}
		fmt.Fprintf(&spec, "Version: %s\nRelease: %s\nSummary: %s\n%%description -n %s\n%s\n%%files -n %s\n", p.version, p.release, p.name, p.name, p.name, p.name)
	}
	return spec.String()
}

// buildRPMDB builds the specs with rpmbuild and installs the packages with
// rpm --justdb into root's var/lib/rpm/rpmdb.sqlite.
func buildRPMDB(t *testing.T, root string, specs ...string) {
	t.Helper()
	work := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		var stderr bytes.Buffer
		cmd := exec.Command(name, args...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
	}
	for i, spec := range specs {
		path := filepath.Join(work, "SPECS", fmt.Sprintf("%d.spec", i))
		writeFile(t, path, spec)
		run("rpmbuild", "--quiet", "-bb", "--define", "_topdir "+work, path)
	}
	db := filepath.Join(work, "db")
	run("rpm", "--dbpath", db, "--define", "_db_backend sqlite", "--initdb")
	rpms, _ := filepath.Glob(filepath.Join(work, "RPMS", "*", "*.rpm"))
	run("rpm", append([]string{"--dbpath", db, "--define", "_db_backend sqlite", "-i", "--justdb", "--nodeps", "--noscripts",
		"--notriggers", "--ignorearch", "--ignoreos", "--nosignature"}, rpms...)...)
	b, err := os.ReadFile(filepath.Join(db, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "var/lib/rpm/rpmdb.sqlite"), string(b))
}

// rpmSpec is a spec for one package; label, when set, is its module
// stream's modularity label.
func rpmSpec(name, epoch, version, release, label string) string {
	s := "Name: " + name + "\n"
	if epoch != "" {
		s += "Epoch: " + epoch + "\n"
	}
	s += "Version: " + version + "\nRelease: " + release + "\nSummary: fixture\nLicense: MIT\n%global debug_package %{nil}\n"
	if label != "" {
		s += "%global modularitylabel " + label + "\n"
	}
	return s + "%description\nfixture\n%files\n"
}

// TestRedHatImages scans UBI 8 and UBI 9 images against Red Hat's VEX
// documents (format-faithful fixtures, internal/advisory/feed/csaf/testdata):
// source package names, epochs in rpm order, module streams from the
// rpmdb's modularity labels, and statements about other streams, EUS
// streams and unaffected releases left out.
func TestRedHatImages(t *testing.T) {
	for _, tool := range []string{"rpm", "rpmbuild"} {
		testutil.NeedCommand(t, tool)
	}
	db := importDB(t, filepath.Join("..", "advisory", "feed", "csaf", "testdata"))
	tests := []struct {
		name    string
		version string
		specs   []string
		want    []string // "package id status fixed"
	}{
		{"ubi8 nodejs:18", "8.8", []string{
			rpmSpec("nodejs", "1", "18.16.0", "1.module+el8.8.0+18968+3d7b3c0d", "nodejs:18:8080020230802154808:63b34585"),
			rpmSpec("curl", "", "7.61.1", "30.el8", ""),
		}, []string{"nodejs CVE-2023-32002 fixed 1:18.17.1-1.module+el8.8.0+19757+8ca87034"}},
		{"ubi8 nodejs:16", "8.8", []string{
			rpmSpec("nodejs", "1", "16.19.1", "2.module+el8.8.0+18439+5c1e2b25", "nodejs:16:8080020230213092000:63b34585"),
		}, []string{"nodejs CVE-2023-32002 will-not-fix "}},
		{"ubi8 nodejs:18 at the fix", "8.8", []string{
			rpmSpec("nodejs", "1", "18.17.1", "1.module+el8.8.0+19757+8ca87034", "nodejs:18:8080020230802154808:63b34585"),
		}, nil},
		{"ubi9", "9.3", []string{
			rpmSpec("nodejs", "1", "16.20.1", "1.el9", ""),
			// Below the mainline fix (26.el9_3.2) though above the 9.2 EUS one.
			rpmSpec("curl", "", "7.76.1", "26.el9_3.1", ""),
		}, []string{
			"curl CVE-2023-38545 fixed 7.76.1-26.el9_3.2",
			"nodejs CVE-2023-32002 fixed 1:16.20.2-1.el9_2",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "etc/os-release"), "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\""+tt.version+"\"\n")
			buildRPMDB(t, root, tt.specs...)
			rep := scanWithDB(t, "dir:"+root, db)
			var got []string
			for _, v := range rep.Vulnerabilities {
				got = append(got, fmt.Sprintf("%s %s %s %s", v.Package.Name, v.ID, v.Status, v.FixedVersion))
				if v.DataSource != "redhat-csaf" || v.Severity == "unknown" {
					t.Errorf("%s: source %s, severity %s", v.ID, v.DataSource, v.Severity)
				}
			}
			slices.Sort(got)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ubuntuPackages are Ubuntu 22.04 binary packages with their source
// packages and versions from Ubuntu's records: below fixes, at fixes,
// with unfixed issues, and one binary (bsdutils) whose version differs
// from its source's.
var ubuntuPackages = []struct{ name, source, version, sourceVersion string }{
	{"libssl3", "openssl", "3.0.2-0ubuntu1.7", ""},
	{"openssl", "openssl", "3.0.2-0ubuntu1.7", ""},
	{"zlib1g", "zlib", "1:1.2.11.dfsg-2ubuntu9", ""},
	{"openssh-client", "openssh", "1:8.9p1-3ubuntu0.3", ""},
	{"libc6", "glibc", "2.35-0ubuntu3.4", ""},
	{"libc-bin", "glibc", "2.35-0ubuntu3.4", ""},
	{"tar", "tar", "1.34+dfsg-1ubuntu0.1.22.04.2", ""},
	{"libsqlite3-0", "sqlite3", "3.37.2-2ubuntu0.1", ""},
	{"perl-base", "perl", "5.34.0-3ubuntu1.2", ""},
	{"libsystemd0", "systemd", "249.11-0ubuntu3.6", ""},
	{"passwd", "shadow", "1:4.8.1-2ubuntu2.1", ""},
	{"libexpat1", "expat", "2.4.7-1ubuntu0.3", ""},
	{"libpam-modules", "pam", "1.4.0-11ubuntu2", ""},
	{"libgnutls30", "gnutls28", "3.7.3-4ubuntu1.2", ""},
	{"libkrb5-3", "krb5", "1.19.2-2ubuntu0.1", ""},
	{"bsdutils", "util-linux", "1:2.37.2-4ubuntu3", "2.37.2-4ubuntu3"},
	{"libncursesw6", "ncurses", "6.3-2ubuntu0.1", ""},
}

func TestUbuntuImage(t *testing.T) {
	testutil.NeedCommand(t, "dpkg")
	feed := testutil.Shared(t, "advisories/osv/Ubuntu/all.zip")
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "etc/os-release"), `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=jammy
`)
	var status strings.Builder
	for _, p := range ubuntuPackages {
		fmt.Fprintf(&status, "Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n", p.name, p.version)
		if p.source != p.name || p.sourceVersion != "" {
			src := p.source
			if p.sourceVersion != "" {
				src += " (" + p.sourceVersion + ")"
			}
			fmt.Fprintf(&status, "Source: %s\n", src)
		}
		status.WriteString("Description: fixture\n\n")
	}
	writeFile(t, filepath.Join(root, "var/lib/dpkg/status"), status.String())

	// Independently: Ubuntu's records name source packages; a statement
	// for Ubuntu 22.04 (or its Ubuntu Pro archive) applies to every binary
	// of that source whose source version dpkg orders below the fix, or
	// always when there is no fix yet.
	var want []string
	atFix := map[string]bool{}
	for _, r := range readZip(t, feed) {
		for _, a := range r.Affected {
			if a.Package.Ecosystem != "Ubuntu:22.04:LTS" && a.Package.Ecosystem != "Ubuntu:Pro:22.04:LTS" {
				continue
			}
			for _, p := range ubuntuPackages {
				if p.source != a.Package.Name {
					continue
				}
				v := p.version
				if p.sourceVersion != "" {
					v = p.sourceVersion
				}
				fixed := ""
				for _, rg := range a.Ranges {
					for _, e := range rg.Events {
						if e["fixed"] != "" {
							fixed = e["fixed"]
						}
					}
				}
				switch {
				case fixed == "":
					want = append(want, p.name+" "+r.ID)
				case exec.Command("dpkg", "--compare-versions", v, "lt", fixed).Run() == nil:
					want = append(want, p.name+" "+r.ID)
				case exec.Command("dpkg", "--compare-versions", v, "eq", fixed).Run() == nil:
					atFix[p.name+" "+r.ID] = true
				}
			}
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) < 20 || len(atFix) == 0 {
		t.Fatalf("%d expected findings, %d at fixes: the fixture lost its point", len(want), len(atFix))
	}

	db := importDB(t, feed)
	rep := scanWithDB(t, "dir:"+root, db)
	got := reported(rep, "CVE-")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("advisories (-computed from the records +reported):\n%s", d)
	}
	for _, g := range got {
		if atFix[g] {
			t.Errorf("%s reported at its fixed version", g)
		}
	}
	for _, v := range rep.Vulnerabilities {
		if !strings.HasPrefix(v.Match.Ecosystem, "Ubuntu:") || !strings.HasSuffix(v.Match.Ecosystem, "22.04:LTS") {
			t.Errorf("%s %s matched in %s", v.ID, v.Package.Name, v.Match.Ecosystem)
		}
	}
	t.Logf("%d findings for %d packages", len(rep.Vulnerabilities), len(ubuntuPackages))
}
