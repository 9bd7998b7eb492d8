package importer

import (
	"archive/tar"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

const feedTestdata = "../../advisory/feed"

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, b)
}

func writeFile(t *testing.T, to string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// newFeedsMirror lays the new feeds' fixtures out as a mirror (and as a
// folder db import reads).
func newFeedsMirror(t *testing.T) string {
	dir := t.TempDir()
	copyFile(t, filepath.Join(feedTestdata, "alpine/testdata/wolfi/security.json"), filepath.Join(dir, "wolfi/security.json"))
	copyFile(t, filepath.Join(feedTestdata, "alpine/testdata/chainguard/security.json"), filepath.Join(dir, "chainguard/security.json"))
	copyFile(t, filepath.Join(feedTestdata, "alas/testdata/updateinfo.xml.gz"), filepath.Join(dir, "amazon/2023/updateinfo.xml.gz"))
	copyFile(t, filepath.Join(feedTestdata, "kev/testdata/known_exploited_vulnerabilities.json"), filepath.Join(dir, "kev/known_exploited_vulnerabilities.json"))
	copyFile(t, filepath.Join(feedTestdata, "epss/testdata/epss_scores-current.csv.gz"), filepath.Join(dir, "epss/epss_scores-current.csv.gz"))
	// Red Hat: the archive and archive_latest.txt naming it.
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, n := range []string{"cve-2023-38545.json", "cve-2023-32002.json"} {
		b, err := os.ReadFile(filepath.Join(feedTestdata, "csaf/testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		tw.WriteHeader(&tar.Header{Name: "2023/" + n, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
		tw.Write(b)
	}
	tw.Close()
	enc, _ := zstd.NewWriter(nil)
	writeFile(t, filepath.Join(dir, "redhat/csaf_vex_2024-11-24.tar.zst"), enc.EncodeAll(tb.Bytes(), nil))
	writeFile(t, filepath.Join(dir, "redhat/archive_latest.txt"), []byte("csaf_vex_2024-11-24.tar.zst\n"))
	// NVD: a release feed of the per-CVE records.
	var feed bytes.Buffer
	feed.WriteString(`{"timestamp":"2026-10-02T00:00:00+00:00","cve_count":3,"feed_name":"CVE-all","source":"fkie-cad/nvd-json-data-feeds","cve_items":[`)
	for i, n := range []string{"CVE-2022-1271.json", "CVE-2022-1664.json", "CVE-2022-37434.json"} {
		b, err := os.ReadFile(filepath.Join(feedTestdata, "nvd/testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			feed.WriteString(",")
		}
		feed.Write(b)
	}
	feed.WriteString("]}")
	var xzBuf bytes.Buffer
	xw, _ := xz.NewWriter(&xzBuf)
	xw.Write(feed.Bytes())
	xw.Close()
	writeFile(t, filepath.Join(dir, "nvd/CVE-all.json.xz"), xzBuf.Bytes())
	return dir
}

var newFeedSources = []string{"amazon/2023", "chainguard", "epss", "kev", "nvd/CVE-all", "redhat/csaf-vex", "wolfi"}

func checkNewFeeds(t *testing.T, path string) {
	t.Helper()
	db := open(t, path)
	ctx := context.Background()
	for _, l := range []struct{ eco, pkg, id string }{
		{"Wolfi", "openssl", "WOLFI-CVE-2023-0286"},
		{"Chainguard", "curl", "CHAINGUARD-CVE-2023-38545"},
		{"Red Hat:9", "curl", "REDHAT-CVE-2023-38545"},
		{"Red Hat:8", "nodejs", "REDHAT-CVE-2023-32002"},
		{"Amazon Linux:2023", "openssl-libs", "ALAS2023-2023-181"},
	} {
		recs, err := db.ByPackage(ctx, l.eco, l.pkg)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(recs, func(r vulndb.Record) bool { return r.Advisory.ID == l.id }) {
			t.Errorf("%s %s: %s not among %d records", l.eco, l.pkg, l.id, len(recs))
		}
	}
	a, err := db.Advisory(ctx, "REDHAT-CVE-2023-32002")
	if err != nil {
		t.Fatal(err)
	}
	if a.EPSS != nil {
		t.Errorf("EPSS joined for a CVE the scores do not list: %+v", a.EPSS)
	}
	a, err = db.Advisory(ctx, "REDHAT-CVE-2023-38545")
	if err != nil {
		t.Fatal(err)
	}
	if a.KEV != nil {
		t.Errorf("KEV for a CVE CISA does not list: %+v", a.KEV)
	}
}

func TestImportNewFeeds(t *testing.T) {
	dir := newFeedsMirror(t)
	path := filepath.Join(t.TempDir(), "bulwark.db")
	rep, err := Import(context.Background(), path, []string{dir}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rep.Meta.Sources {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, newFeedSources) {
		t.Errorf("sources %v, want %v", names, newFeedSources)
	}
	checkNewFeeds(t, path)
	// Each file on its own is detected by its content.
	for _, f := range []string{"wolfi/security.json", "amazon/2023/updateinfo.xml.gz", "kev/known_exploited_vulnerabilities.json",
		"epss/epss_scores-current.csv.gz", "redhat/csaf_vex_2024-11-24.tar.zst", "nvd/CVE-all.json.xz"} {
		if _, err := Detect(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for f, want := range map[string]Kind{
		filepath.Join(feedTestdata, "csaf/testdata/cve-2023-38545.json"):     KindCSAF,
		filepath.Join(feedTestdata, "csaf/testdata"):                         KindCSAFDir,
		filepath.Join(feedTestdata, "cve/testdata/CVE-2022-2509.json"):       KindCVERecord,
		filepath.Join(feedTestdata, "cve/testdata"):                          KindCVEDir,
		filepath.Join(feedTestdata, "nvd/testdata/CVE-2022-1271.json"):       KindNVD,
		filepath.Join(feedTestdata, "nvd/testdata"):                          KindNVDDir,
		filepath.Join(feedTestdata, "osv/testdata"):                          KindOSVDir,
		filepath.Join(feedTestdata, "alas/testdata/updateinfo.xml"):          KindALAS,
		filepath.Join(feedTestdata, "epss/testdata/epss_scores-current.csv"): KindEPSS,
	} {
		if got, err := Detect(f); got != want || err != nil {
			t.Errorf("Detect(%s) = %q, %v; want %q", f, got, err, want)
		}
	}
}

func TestUpdateNewFeeds(t *testing.T) {
	dir := newFeedsMirror(t)
	m := &mirror{dir: dir}
	ts := httptest.NewServer(m)
	defer ts.Close()
	path := filepath.Join(t.TempDir(), "db", "bulwark.db")
	opts := UpdateOptions{Ecosystems: []string{"Go"}, AlpineBranches: []string{"v3.19"}, NoDebianTracker: true,
		AmazonReleases: []string{"2023"}, Mirror: ts.URL, Attempts: 1, Backoff: time.Millisecond}
	rep, err := Update(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rep.Meta.Sources {
		names = append(names, s.Name)
	}
	want := []string{"wolfi", "chainguard", "redhat/csaf-vex", "amazon/2023", "kev", "epss", "nvd"}
	if !slices.Equal(names, want) {
		t.Errorf("sources %v, want %v", names, want)
	}
	checkNewFeeds(t, path)
}

// TestAmazonResolve follows a release's mirror.list and repomd.xml to its
// updateinfo, as db update does from the publisher.
func TestAmazonResolve(t *testing.T) {
	info, err := os.ReadFile(filepath.Join(feedTestdata, "alas/testdata/updateinfo.xml.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var ts *httptest.Server
	ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/al2023/core/mirrors/latest/x86_64/mirror.list":
			w.Write([]byte(ts.URL + "/al2023/core/guids/abc/x86_64/\n"))
		case "/al2023/core/guids/abc/x86_64/repodata/repomd.xml":
			w.Write([]byte(`<repomd><data type="updateinfo"><location href="repodata/123-updateinfo.xml.gz"/></data></repomd>`))
		case "/al2023/core/guids/abc/x86_64/repodata/123-updateinfo.xml.gz":
			w.Write(info)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	d := newTestDownloader(t, ts.Client())
	f, err := amazonUpdateinfo(d, "2023", ts.URL+"/al2023/core/mirrors/latest/x86_64/mirror.list")(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rc, _, err := f.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if f.URL() != ts.URL+"/al2023/core/guids/abc/x86_64/repodata/123-updateinfo.xml.gz" {
		t.Errorf("resolved %s", f.URL())
	}
}

func newTestDownloader(t *testing.T, c *http.Client) *feed.Downloader {
	return &feed.Downloader{Dir: t.TempDir(), Client: c, Attempts: 1, Backoff: time.Millisecond}
}
