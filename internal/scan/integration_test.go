package scan_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	packageurl "github.com/package-url/packageurl-go"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// dpkgQuery lists name → version with the real dpkg-query over root's
// database.
func dpkgQuery(t *testing.T, root string) map[string]string {
	t.Helper()
	testutil.NeedCommand(t, "dpkg-query")
	out, err := exec.Command("dpkg-query", "--admindir="+root+"/var/lib/dpkg", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n").Output()
	if err != nil {
		t.Fatalf("dpkg-query: %v", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("dpkg-query line %q", line)
		}
		got[f[0]] = f[1]
	}
	return got
}

func debs(r *report.Report) map[string]string {
	m := map[string]string{}
	for _, p := range r.Packages {
		if p.Type == sbom.Deb {
			m[p.Name] = p.Version
		}
	}
	return m
}

func inventory(t *testing.T, target string) *report.Report {
	t.Helper()
	rep, err := scan.Inventory(context.Background(), target, scan.Options{})
	if err != nil {
		t.Fatalf("scanning %s: %v", target, err)
	}
	return rep
}

// TestDebianRootfsMatchesDpkgQuery is acceptance 1 of the scan foundation:
// a real Debian rootfs scanned as dir: lists exactly what dpkg-query lists.
func TestDebianRootfsMatchesDpkgQuery(t *testing.T) {
	root := testutil.DebianRoot(t, "bookworm") // read only
	want := dpkgQuery(t, root)
	if len(want) < 50 {
		t.Fatalf("dpkg-query found only %d packages", len(want))
	}
	rep := inventory(t, "dir:"+root)
	if d := cmp.Diff(want, debs(rep)); d != "" {
		t.Errorf("inventory differs from dpkg-query (-dpkg +bulwark):\n%s", d)
	}
	if rep.OS == nil || rep.OS.ID != "debian" || rep.OS.Version != "12" {
		t.Errorf("OS = %+v, want debian 12", rep.OS)
	}
	if c := rep.Coverage; !c.OSDetected || len(c.PackageDatabases) == 0 || c.Matching != report.NotRequested || c.PackageStatus.NotChecked != len(rep.Packages) {
		t.Errorf("coverage of an inventory: %+v", c.PackageStatus)
	}
	for _, p := range rep.Packages {
		pu, err := packageurl.FromString(p.PURL)
		if err != nil || pu.Type != "deb" || pu.Namespace != "debian" || pu.Name != p.Name || pu.Version != p.Version ||
			pu.Qualifiers.Map()["distro"] != "debian-12" {
			t.Errorf("purl %q for %s", p.PURL, p.Name)
		}
	}
}

// TestSameInventoryFromEverySource is acceptance 2: the rootfs as a
// docker-archive saved by the real engine, through the Engine API, as an
// OCI layout and archive, and pulled from a registry on loopback.
func TestSameInventoryFromEverySource(t *testing.T) {
	t.Parallel() // its own image; DOCKER_HOST is set by TestMain
	tarball := testutil.DebianRootfs(t, "bookworm")
	sock := testutil.NeedDocker(t)
	want := dpkgQuery(t, testutil.DebianRoot(t, "bookworm"))

	name := testutil.DebianImage(t, sock, "bookworm")
	saved := testutil.DockerSaveCached(t, sock, name)

	// The layout is written once and kept (CachedOCILayout); the push
	// sends its compressed layer as it is.
	layout := testutil.CachedOCILayout(t, tarball, "bookworm")
	reg := testutil.Registry(t)
	testutil.Push(t, testutil.LayoutImage(t, layout), reg+"/debian:bookworm")

	targets := []string{
		"docker-archive:" + saved,
		saved, // detected
		"docker:" + name,
		"oci-layout:" + layout,
		"oci-archive:" + testutil.TarDir(t, layout),
		"registry:" + reg + "/debian:bookworm",
	}
	var first *report.Report
	for _, target := range targets {
		t.Run(strings.SplitN(target, ":", 2)[0], func(t *testing.T) {
			rep := inventory(t, target)
			if d := cmp.Diff(want, debs(rep)); d != "" {
				t.Errorf("%s differs from dpkg-query (-dpkg +bulwark):\n%s", target, d)
			}
			if first == nil {
				first = rep
				return
			}
			if d := cmp.Diff(purls(first), purls(rep)); d != "" {
				t.Errorf("%s: purls differ from %s:\n%s", target, first.Target.Kind, d)
			}
		})
	}
}

func purls(r *report.Report) []string {
	var out []string
	for _, p := range r.Packages {
		out = append(out, p.PURL)
	}
	return out
}
