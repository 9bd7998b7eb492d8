package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/debian"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

func importDB(t *testing.T, paths ...string) *vulndb.DB {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(context.Background(), p, paths, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func scanWithDB(t *testing.T, target string, db *vulndb.DB) *report.Report {
	t.Helper()
	rep := inventory(t, target)
	if err := scan.Match(context.Background(), rep, db, true); err != nil {
		t.Fatal(err)
	}
	return rep
}

func ids(r *report.Report) []string {
	var out []string
	for _, v := range r.Vulnerabilities {
		out = append(out, v.ID+" "+v.Package.Name)
	}
	slices.Sort(out)
	return out
}

var stanzaRe = regexp.MustCompile(`(?m)^Package: (\S+)$`)

// setSourceVersion rewrites every binary package built from src in a dpkg
// status file to come from source version ver (and carry it as its own
// version).
func setSourceVersion(status []byte, src, ver string) ([]byte, []string) {
	var bins []string
	stanzas := strings.Split(string(status), "\n\n")
	for i, st := range stanzas {
		m := stanzaRe.FindStringSubmatch(st)
		if m == nil {
			continue
		}
		name := m[1]
		srcName := name
		if sm := regexp.MustCompile(`(?m)^Source: (\S+)`).FindStringSubmatch(st); sm != nil {
			srcName = sm[1]
		}
		if srcName != src {
			continue
		}
		bins = append(bins, name)
		st = regexp.MustCompile(`(?m)^Version: .*$`).ReplaceAllString(st, "Version: "+ver)
		st = regexp.MustCompile(`(?m)^Source: .*$`).ReplaceAllString(st, "Source: "+src+" ("+ver+")")
		stanzas[i] = st
	}
	return []byte(strings.Join(stanzas, "\n\n")), bins
}

// TestDebianAdvisoriesOnEditedRootfs is acceptance 3 of the matching
// issue: a real bullseye rootfs whose dpkg status holds versions just below
// the bullseye fixes of chosen DSAs reports exactly those advisories, and
// none once at the fixed versions.
func TestDebianAdvisoriesOnEditedRootfs(t *testing.T) {
	dsaList := testutil.Shared(t, "advisories/debian/DSA/list")
	// The edited trees are made once and kept (testutil.DebianRootWith).
	root := testutil.DebianRoot(t, "bullseye")
	db := importDB(t, dsaList, testutil.Shared(t, "advisories/debian/DLA/list"))
	const status = "var/lib/dpkg/status"
	orig, err := os.ReadFile(filepath.Join(root, status))
	if err != nil {
		t.Fatal(err)
	}

	// Unedited, the rootfs is newer than every fix in the feed copy.
	if got := ids(scanWithDB(t, "dir:"+root, db)); len(got) != 0 {
		t.Fatalf("unedited bullseye rootfs reports %v", got)
	}

	// The latest bullseye fix per source package, from the feed itself.
	f, err := os.Open(dsaList)
	if err != nil {
		t.Fatal(err)
	}
	advs, err := debian.ParseList(context.Background(), f, "debian-dsa")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dpkg, _ := vercmp.For("dpkg")
	latest := map[string]string{}  // source → fixed version
	byFix := map[string][]string{} // source+fix → DSA ids
	for _, a := range advs {
		for _, af := range a.Affected {
			if af.Ecosystem != "Debian:11" || af.Status != advisory.Fixed {
				continue
			}
			fix := af.Ranges[0].Events[1].Fixed
			if cur, ok := latest[af.Package]; !ok || dpkg.Compare(fix, cur) > 0 {
				latest[af.Package] = fix
			}
			byFix[af.Package+" "+fix] = append(byFix[af.Package+" "+fix], a.ID)
		}
	}
	chosen := []string{"openssl", "util-linux", "gnutls28", "zlib", "dpkg"}
	var edited = orig
	var want []string
	for _, src := range chosen {
		fix, ok := latest[src]
		if !ok {
			t.Fatalf("no bullseye DSA for %s in the feed", src)
		}
		var bins []string
		edited, bins = setSourceVersion(edited, src, fix+"~")
		if len(bins) == 0 {
			t.Fatalf("rootfs has no package built from %s", src)
		}
		for _, id := range byFix[src+" "+fix] {
			for _, b := range bins {
				want = append(want, id+" "+b)
			}
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	rep := scanWithDB(t, "dir:"+testutil.DebianRootWith(t, "bullseye", map[string][]byte{status: edited}), db)
	if d := cmp.Diff(want, ids(rep)); d != "" {
		t.Errorf("just below the fixes (-want +got):\n%s", d)
	}
	for _, v := range rep.Vulnerabilities {
		if v.Status != advisory.Fixed || v.FixedVersion != latest[v.Match.Package] || v.DataSource != "debian-dsa" ||
			v.Match.Ecosystem != "Debian:11" || v.Match.Ordering != "dpkg" {
			t.Errorf("finding %s %s: %+v", v.ID, v.Package.Name, v)
		}
	}

	// At the fixed versions nothing is reported.
	edited = orig
	for _, src := range chosen {
		edited, _ = setSourceVersion(edited, src, latest[src])
	}
	if got := ids(scanWithDB(t, "dir:"+testutil.DebianRootWith(t, "bullseye", map[string][]byte{status: edited}), db)); len(got) != 0 {
		t.Errorf("at the fixed versions: %v", got)
	}
}

// TestAlpineSecfixes does the same with Alpine's secdb: an Alpine 3.11
// image whose installed database holds versions just below chosen secfixes.
func TestAlpineSecfixes(t *testing.T) {
	secdb := testutil.Shared(t, "advisories/alpine/v3.11/main.json")
	db := importDB(t, secdb)
	type pick struct{ origin, bin, fix string }
	// Real secfixes of v3.11/main (fixed version → CVEs in the feed).
	picks := []pick{{"openssl", "libssl1.1", ""}, {"musl", "musl", ""}, {"busybox", "busybox", ""}}
	ctx := context.Background()
	apk, _ := vercmp.For("apk")
	var wantBelow []string
	for i, p := range picks {
		recs, err := db.ByPackage(ctx, "Alpine:v3.11", p.origin)
		if err != nil || len(recs) == 0 {
			t.Fatalf("no secfixes for %s: %v", p.origin, err)
		}
		for _, r := range recs {
			if r.Affected.Status != advisory.Fixed {
				continue
			}
			if fix := r.Affected.Ranges[0].Events[1].Fixed; picks[i].fix == "" || apk.Compare(fix, picks[i].fix) > 0 {
				picks[i].fix = fix
			}
		}
		below := belowAPK(picks[i].fix)
		for _, r := range recs {
			if r.Affected.Status == advisory.Fixed && apk.Compare(below, r.Affected.Ranges[0].Events[1].Fixed) < 0 {
				wantBelow = append(wantBelow, strings.TrimPrefix(r.Advisory.ID, "ALPINE-")+" "+p.bin)
			}
		}
	}
	slices.Sort(wantBelow)
	installed := func(below bool) string {
		var b strings.Builder
		for _, p := range picks {
			v := p.fix
			if below {
				v = belowAPK(p.fix)
			}
			fmt.Fprintf(&b, "C:Q1abcdefghijklmnopqrstuvwxyz0=\nP:%s\nV:%s\nA:x86_64\nS:1000\nI:2000\nT:%s\nU:https://alpinelinux.org\nL:MIT\no:%s\nm:Natanael Copa <ncopa@alpinelinux.org>\nt:1590000000\nc:0123456789abcdef0123456789abcdef01234567\n\n", p.bin, v, p.bin, p.origin)
		}
		return b.String()
	}
	osRelease := "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.11.6\nPRETTY_NAME=\"Alpine Linux v3.11\"\n"
	below := testutil.DockerArchive(t, "alpine:below", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: osRelease},
		testutil.Entry{Name: "lib/apk/db/installed", Body: installed(true)}))
	rep := scanWithDB(t, below, db)
	if d := cmp.Diff(wantBelow, ids(rep)); d != "" {
		t.Errorf("below the fixes (-want +got):\n%s", d)
	}
	at := testutil.DockerArchive(t, "alpine:at", testutil.LayerTar(t,
		testutil.Entry{Name: "etc/os-release", Body: osRelease},
		testutil.Entry{Name: "lib/apk/db/installed", Body: installed(false)}))
	if got := ids(scanWithDB(t, at, db)); len(got) != 0 {
		t.Errorf("at the fixes: %v", got)
	}
}

// belowAPK returns a version just below an apk fix: the previous package
// release (x-r1 for x-r2), or an _alpha of the same version for -r0.
func belowAPK(fix string) string {
	base, rel, _ := strings.Cut(fix, "-r")
	if n, err := strconv.Atoi(rel); err == nil && n > 0 {
		return fmt.Sprintf("%s-r%d", base, n-1)
	}
	return base + "_alpha-r0"
}

func scanMatch(rep *report.Report, db *vulndb.DB) error {
	return scan.Match(context.Background(), rep, db, false)
}
