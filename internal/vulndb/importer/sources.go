package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/alas"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/alpine"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/csaf"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/cve"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/debian"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/epss"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/kev"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/nvd"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/osv"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Kind is a feed file format.
type Kind string

const (
	KindOSVZip        Kind = "osv-zip"        // an ecosystem's all.zip
	KindOSVDir        Kind = "osv-dir"        // a folder of OSV JSON records
	KindOSVRecord     Kind = "osv-json"       // one OSV JSON record
	KindDebianList    Kind = "debian-list"    // data/DSA/list or data/DLA/list
	KindDebianTracker Kind = "debian-tracker" // the tracker JSON export
	KindAlpineSecDB   Kind = "alpine-secdb"   // v3.N/{main,community}.json, Wolfi's and Chainguard's security.json
	KindCSAF          Kind = "csaf-vex"       // one Red Hat CSAF VEX document
	KindCSAFDir       Kind = "csaf-vex-dir"   // a folder of them
	KindCSAFArchive   Kind = "csaf-vex-tar"   // Red Hat's csaf_vex_<date>.tar.zst
	KindALAS          Kind = "alas"           // an Amazon Linux updateinfo.xml[.gz]
	KindCVERecord     Kind = "cve-json"       // one CVE JSON 5 record
	KindCVEDir        Kind = "cve-dir"        // a folder of them (a cvelistV5 checkout)
	KindCVEZip        Kind = "cve-zip"        // a zip of them
	KindNVD           Kind = "nvd-json"       // an NVD CVE record or feed, xz or not
	KindNVDDir        Kind = "nvd-dir"        // a folder of NVD CVE records
	KindKEV           Kind = "kev"            // CISA's known_exploited_vulnerabilities.json
	KindEPSS          Kind = "epss-csv"       // FIRST's EPSS scores, gzip or not
)

// FileError says which feed file failed to parse.
type FileError struct {
	Source string // the source name ("osv/Go") or ""
	Path   string
	Err    error
}

func (e *FileError) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("feed %s (%s): %v", e.Source, e.Path, e.Err)
	}
	return fmt.Sprintf("feed file %s: %v", e.Path, e.Err)
}
func (e *FileError) Unwrap() error { return e.Err }

// parsed is one feed file after parsing: advisories, or per-CVE
// enrichment (CVE records, NVD, KEV, EPSS).
type parsed struct {
	meta vulndb.SourceMeta
	advs []*advisory.Advisory
	cves []*advisory.CVEInfo
}

// isDirKind reports the kinds that are folders.
func isDirKind(k Kind) bool {
	return k == KindOSVDir || k == KindCSAFDir || k == KindCVEDir || k == KindNVDDir
}

// parseFile parses one local feed file or folder of a known kind. name may
// be empty; it is then derived from the content.
func parseFile(ctx context.Context, path string, kind Kind, name string) (*parsed, error) {
	var (
		out parsed
		err error
		fp  feed.Fingerprint
	)
	if isDirKind(kind) {
		out, err = parseDir(ctx, path, kind)
		// A folder has no single content hash; its files' names, sizes
		// and modification times stand in.
		fp, _ = dirFingerprint(path)
	} else {
		out, fp, err = parseOne(ctx, path, kind)
	}
	if err != nil {
		return nil, &FileError{Source: name, Path: path, Err: err}
	}
	if name == "" {
		name = deriveName(path, kind, out.advs)
	}
	fi, _ := os.Stat(path)
	out.meta = vulndb.SourceMeta{Name: name, URL: path, Fingerprint: string(fp), Count: len(out.advs) + len(out.cves)}
	if fi != nil {
		out.meta.FetchedAt = fi.ModTime().UTC()
	}
	return &out, nil
}

func parseDir(ctx context.Context, dir string, kind Kind) (parsed, error) {
	var (
		p   parsed
		err error
	)
	fsys := os.DirFS(dir)
	switch kind {
	case KindOSVDir:
		p.advs, err = osv.ParseDir(ctx, fsys, ".")
	case KindCSAFDir:
		p.advs, err = csaf.ParseDir(ctx, fsys, ".")
	case KindCVEDir:
		p.cves, err = cve.ParseDir(ctx, fsys, ".")
	case KindNVDDir:
		p.cves, err = nvd.ParseDir(ctx, fsys, ".")
	default:
		err = fmt.Errorf("unknown folder kind %q", kind)
	}
	return p, err
}

// dirFingerprint hashes the names, sizes and modification times of the
// regular files under dir.
func dirFingerprint(dir string) (feed.Fingerprint, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return feed.Fingerprint("sha256:" + hex.EncodeToString(h.Sum(nil))), err
}

func parseOne(ctx context.Context, path string, kind Kind) (parsed, feed.Fingerprint, error) {
	var p parsed
	f, err := os.Open(path)
	if err != nil {
		return p, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return p, "", err
	}
	if !fi.Mode().IsRegular() {
		return p, "", errors.New("not a regular file")
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return p, "", err
	}
	fp := feed.Fingerprint("sha256:" + hex.EncodeToString(h.Sum(nil)))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return p, "", err
	}
	// readSmall reads a single record or document, bounded.
	readSmall := func(limit int64) ([]byte, error) {
		if fi.Size() > limit {
			return nil, fmt.Errorf("%d bytes is over the %d-byte limit", fi.Size(), limit)
		}
		return io.ReadAll(io.LimitReader(f, limit))
	}
	switch kind {
	case KindOSVZip:
		p.advs, err = osv.ParseZip(ctx, f, fi.Size())
	case KindOSVRecord:
		var data []byte
		if data, err = readSmall(osv.MaxRecordSize); err == nil {
			var a *advisory.Advisory
			if a, err = osv.ParseRecord(data); err == nil && a != nil {
				p.advs = []*advisory.Advisory{a}
			}
		}
	case KindDebianList:
		source := "debian-dsa"
		if k, _ := listKind(path); k == "DLA" {
			source = "debian-dla"
		}
		p.advs, err = debian.ParseList(ctx, f, source)
	case KindDebianTracker:
		p.advs, err = debian.ParseTracker(ctx, bufio.NewReaderSize(f, 1<<20))
	case KindAlpineSecDB:
		p.advs, err = alpine.Parse(ctx, f)
	case KindCSAF:
		var data []byte
		if data, err = readSmall(csaf.MaxDocumentSize); err == nil {
			var a *advisory.Advisory
			if a, err = csaf.ParseDocument(data); err == nil && a != nil {
				p.advs = []*advisory.Advisory{a}
			}
		}
	case KindCSAFArchive:
		p.advs, err = csaf.ParseArchive(ctx, f)
	case KindALAS:
		p.advs, err = alas.Parse(ctx, f)
	case KindCVERecord:
		var data []byte
		if data, err = readSmall(cve.MaxRecordSize); err == nil {
			var ci *advisory.CVEInfo
			if ci, err = cve.ParseRecord(data); err == nil && ci != nil {
				p.cves = []*advisory.CVEInfo{ci}
			}
		}
	case KindCVEZip:
		p.cves, err = cve.ParseZip(ctx, f, fi.Size())
	case KindNVD:
		p.cves, err = nvd.ParseFeed(ctx, f)
		if err != nil && fi.Size() <= nvd.MaxRecordSize {
			// Not a feed: perhaps one record.
			if _, serr := f.Seek(0, io.SeekStart); serr == nil {
				if data, rerr := io.ReadAll(f); rerr == nil {
					if ci, perr := nvd.ParseRecord(data); perr == nil {
						p.cves, err = nil, nil
						if ci != nil {
							p.cves = []*advisory.CVEInfo{ci}
						}
					}
				}
			}
		}
	case KindKEV:
		p.cves, err = kev.Parse(ctx, f)
	case KindEPSS:
		p.cves, err = epss.Parse(ctx, f)
	default:
		err = fmt.Errorf("unknown feed kind %q", kind)
	}
	return p, fp, err
}

// listKind reads the first advisory header of a list file: DSA, DLA or DTSA.
func listKind(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		line := sc.Text()
		if _, rest, ok := strings.Cut(line, "] "); ok && strings.HasPrefix(line, "[") {
			k, _, _ := strings.Cut(rest, "-")
			return k, nil
		}
	}
	return "", errors.New("no advisory header")
}

func deriveName(path string, kind Kind, advs []*advisory.Advisory) string {
	base := filepath.Base(path)
	switch kind {
	case KindOSVZip, KindOSVDir, KindOSVRecord:
		// The ecosystem ("osv/Go", "osv/Ubuntu") when the records share
		// one, else the file's name.
		seen := map[string]bool{}
		for _, a := range advs {
			for _, af := range a.Affected {
				eco, _, _ := strings.Cut(af.Ecosystem, ":")
				seen[eco] = true
			}
		}
		if len(seen) == 1 {
			for eco := range seen {
				return "osv/" + eco
			}
		}
		return "osv/" + base
	case KindDebianList:
		k, _ := listKind(path)
		return "debian/" + k
	case KindDebianTracker:
		return "debian/tracker"
	case KindAlpineSecDB:
		for _, a := range advs {
			if len(a.Affected) == 0 {
				continue
			}
			switch eco := a.Affected[0].Ecosystem; eco {
			case alpine.Wolfi.Ecosystem, alpine.Chainguard.Ecosystem:
				return strings.ToLower(eco)
			default:
				return "alpine/" + strings.TrimPrefix(eco, "Alpine:") + "/" + strings.TrimSuffix(base, ".json")
			}
		}
		return "alpine/" + base
	case KindCSAF, KindCSAFDir, KindCSAFArchive:
		return "redhat/csaf-vex"
	case KindALAS:
		for _, a := range advs {
			if len(a.Affected) > 0 {
				return "amazon/" + strings.TrimPrefix(a.Affected[0].Ecosystem, "Amazon Linux:")
			}
		}
		return "amazon/" + base
	case KindCVERecord, KindCVEDir, KindCVEZip:
		return "cve"
	case KindNVD, KindNVDDir:
		return "nvd"
	case KindKEV:
		return "kev"
	case KindEPSS:
		return "epss"
	}
	return base
}

// Detect tells the kind of a local feed file or folder from its content.
func Detect(p string) (Kind, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("importer: %w", err)
	}
	if fi.IsDir() {
		return detectDir(p)
	}
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("importer: %w", err)
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	trim := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return detectZip(f, fi.Size())
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return KindCSAFArchive, nil // zstd: Red Hat's archive
	case bytes.HasPrefix(head, []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}):
		return KindNVD, nil // xz: an NVD feed release
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return detectGzip(p)
	case bytes.HasPrefix(trim, []byte("[")):
		return KindDebianList, nil
	case bytes.HasPrefix(trim, []byte("{")):
		return detectJSON(trim)
	case bytes.HasPrefix(trim, []byte("<")):
		if bytes.Contains(head, []byte("<updates")) {
			return KindALAS, nil
		}
	case isEPSSHead(trim):
		return KindEPSS, nil
	}
	return "", fmt.Errorf("importer: %s: not a feed this version reads (OSV, Debian, Alpine/Wolfi/Chainguard secdb, Red Hat CSAF VEX, Amazon Linux updateinfo, CVE JSON 5, NVD, KEV, EPSS)", p)
}

func isEPSSHead(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.HasPrefix(line, []byte("#model_version")) || bytes.HasPrefix(line, []byte("#score_date")) {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(line), []byte("cve,epss,percentile"))
}

// detectZip tells an OSV export from a zip of CVE records by the first
// JSON entry's content (Ubuntu's OSV records are named CVE-….json too); a
// zip wrapping another zip is a cvelistV5 release.
func detectZip(f *os.File, size int64) (Kind, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return "", fmt.Errorf("importer: %s: %w", f.Name(), err)
	}
	for i, e := range zr.File {
		if i == 1024 {
			break
		}
		switch path.Ext(e.Name) {
		case ".zip":
			return KindCVEZip, nil
		case ".json":
			rc, err := e.Open()
			if err != nil {
				return "", fmt.Errorf("importer: %s: %w", f.Name(), err)
			}
			head, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
			rc.Close()
			if k, _ := detectJSON(bytes.TrimLeft(head, " \t\r\n\ufeff")); k == KindCVERecord {
				return KindCVEZip, nil
			}
			return KindOSVZip, nil
		}
	}
	return KindOSVZip, nil
}

// detectGzip tells an updateinfo.xml.gz from an EPSS csv.gz.
func detectGzip(p string) (Kind, error) {
	head, err := gunzipHead(p, 4096)
	if err != nil {
		return "", fmt.Errorf("importer: %s: %w", p, err)
	}
	trim := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case isEPSSHead(trim):
		return KindEPSS, nil
	case bytes.HasPrefix(trim, []byte("<")):
		return KindALAS, nil
	}
	return "", fmt.Errorf("importer: %s: a gzip file that is neither EPSS scores nor an updateinfo.xml", p)
}

var (
	osvKeys   = []string{"id", "schema_version", "modified", "published", "withdrawn", "aliases", "related", "summary", "details", "severity", "affected", "references", "credits", "database_specific", "upstream"}
	secdbKeys = []string{"distroversion", "reponame", "archs", "urlprefix", "apkurl", "packages"}
	nvdKeys   = []string{"sourceIdentifier", "vulnStatus", "cveTags", "descriptions", "metrics", "weaknesses", "configurations", "lastModified", "timestamp", "cve_count", "feed_name", "cve_items", "resultsPerPage", "startIndex", "totalResults", "format", "vulnerabilities"}
)

// detectJSON reads the top-level keys: OSV, secdb, CSAF, CVE, NVD and KEV
// documents have fixed field names; the Debian tracker's keys are package
// names.
func detectJSON(head []byte) (Kind, error) {
	dec := json.NewDecoder(bytes.NewReader(head))
	if _, err := dec.Token(); err != nil {
		return "", fmt.Errorf("importer: not JSON: %w", err)
	}
	var keys []string
	for len(keys) < 8 && dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := tok.(string)
		keys = append(keys, key)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	has := func(set []string) bool {
		for _, k := range keys {
			if slices.Contains(set, k) {
				return true
			}
		}
		return false
	}
	switch {
	case len(keys) == 0:
		return "", errors.New("importer: an empty JSON object")
	case slices.Contains(keys, "product_tree") || slices.Contains(keys, "document"):
		return KindCSAF, nil
	case slices.Contains(keys, "dataType") || slices.Contains(keys, "cveMetadata"):
		return KindCVERecord, nil
	case slices.Contains(keys, "catalogVersion"):
		return KindKEV, nil
	case has(secdbKeys):
		return KindAlpineSecDB, nil
	case has(nvdKeys):
		return KindNVD, nil
	case slices.Contains(keys, "title") && slices.Contains(keys, "vulnerabilities"):
		return KindKEV, nil
	case has(osvKeys):
		return KindOSVRecord, nil
	}
	return KindDebianTracker, nil
}

// detectDir tells what a folder of JSON files holds from the first file:
// CVE records, NVD records, CSAF VEX documents or OSV records.
func detectDir(dir string) (Kind, error) {
	kind := KindOSVDir
	errFound := errors.New("found")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || filepath.Ext(p) != ".json" {
			return err
		}
		k, derr := Detect(p)
		if derr != nil {
			return nil
		}
		switch k {
		case KindCVERecord:
			kind = KindCVEDir
		case KindNVD:
			kind = KindNVDDir
		case KindCSAF:
			kind = KindCSAFDir
		}
		return errFound
	})
	if err != nil && !errors.Is(err, errFound) {
		return "", fmt.Errorf("importer: %w", err)
	}
	return kind, nil
}

// layoutFile is one file of a mirror laid out like ../shared/advisories.
type layoutFile struct {
	name string // source name
	rel  string // slash path under the mirror root
	kind Kind
}

// layoutDirs are the top-level folders of the mirror layout.
var layoutDirs = []string{"osv", "debian", "alpine", "wolfi", "chainguard", "redhat", "amazon", "cve", "nvd", "kev", "epss"}

// scanLayout lists the feed files of a local mirror-layout folder (the
// layout is documented in README.md, "Vulnerability data").
func scanLayout(root string) ([]layoutFile, bool) {
	var out []layoutFile
	fsys := os.DirFS(root)
	regular := func(p string) bool {
		fi, err := fs.Stat(fsys, p)
		return err == nil && fi.Mode().IsRegular()
	}
	dir := func(p string) bool {
		fi, err := fs.Stat(fsys, p)
		return err == nil && fi.IsDir()
	}
	add := func(name, rel string, kind Kind) {
		out = append(out, layoutFile{name: name, rel: rel, kind: kind})
	}
	zips, _ := fs.Glob(fsys, "osv/*/all.zip")
	for _, z := range zips {
		add("osv/"+strings.Split(z, "/")[1], z, KindOSVZip)
	}
	for _, k := range []string{"DSA", "DLA"} {
		if regular("debian/" + k + "/list") {
			add("debian/"+k, "debian/"+k+"/list", KindDebianList)
		}
	}
	if regular("debian/tracker.json") {
		add("debian/tracker", "debian/tracker.json", KindDebianTracker)
	}
	secdbs, _ := fs.Glob(fsys, "alpine/*/*.json")
	for _, s := range secdbs {
		parts := strings.Split(s, "/")
		add("alpine/"+parts[1]+"/"+strings.TrimSuffix(parts[2], ".json"), s, KindAlpineSecDB)
	}
	for _, d := range []string{"wolfi", "chainguard"} {
		if regular(d + "/security.json") {
			add(d, d+"/security.json", KindAlpineSecDB)
		}
	}
	if archives, _ := fs.Glob(fsys, "redhat/csaf_vex_*.tar.zst"); len(archives) > 0 {
		sort.Strings(archives)
		add("redhat/csaf-vex", archives[len(archives)-1], KindCSAFArchive) // the newest by name
	} else if dir("redhat/vex") {
		add("redhat/csaf-vex", "redhat/vex", KindCSAFDir)
	}
	for _, g := range []string{"amazon/*/updateinfo.xml.gz", "amazon/*/updateinfo.xml"} {
		infos, _ := fs.Glob(fsys, g)
		for _, u := range infos {
			name := "amazon/" + strings.Split(u, "/")[1]
			if !slices.ContainsFunc(out, func(l layoutFile) bool { return l.name == name }) {
				add(name, u, KindALAS)
			}
		}
	}
	if dir("cve") {
		if cz, _ := fs.Glob(fsys, "cve/*.zip"); len(cz) > 0 {
			add("cve", cz[0], KindCVEZip)
		} else {
			add("cve", "cve", KindCVEDir)
		}
	}
	if dir("nvd") {
		feeds, _ := fs.Glob(fsys, "nvd/CVE-*.json*")
		feeds = slices.DeleteFunc(feeds, func(f string) bool { return strings.Count(path.Base(f), "-") > 1 })
		if len(feeds) > 0 {
			for _, f := range feeds {
				add("nvd/"+strings.TrimSuffix(strings.TrimSuffix(path.Base(f), ".xz"), ".json"), f, KindNVD)
			}
		} else {
			add("nvd", "nvd", KindNVDDir)
		}
	}
	if regular("kev/known_exploited_vulnerabilities.json") {
		add("kev", "kev/known_exploited_vulnerabilities.json", KindKEV)
	}
	for _, e := range []string{"epss/epss_scores-current.csv.gz", "epss/epss_scores-current.csv"} {
		if regular(e) {
			add("epss", e, KindEPSS)
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	isLayout := false
	for _, d := range layoutDirs {
		isLayout = isLayout || dir(d)
	}
	return out, isLayout
}

// gunzipHead returns the first n bytes of a gzip file's content.
func gunzipHead(p string, n int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	b, err := io.ReadAll(io.LimitReader(zr, n))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return b, nil
}
