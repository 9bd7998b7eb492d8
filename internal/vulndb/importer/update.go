package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/alas"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/alpine"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/csaf"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/debian"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/epss"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/kev"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/nvd"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/osv"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// DownloadDir is the download cache kept next to the database at path.
func DownloadDir(path string) string { return filepath.Join(filepath.Dir(path), "downloads") }

// UpdateOptions configures Update.
type UpdateOptions struct {
	// Mirror is the base URL of a mirror laid out like ../shared/advisories
	// (osv/<Ecosystem>/all.zip, debian/DSA/list, debian/DLA/list,
	// debian/tracker.json, alpine/v3.N/{main,community}.json,
	// wolfi/security.json, chainguard/security.json,
	// redhat/archive_latest.txt and the archive it names,
	// amazon/<release>/updateinfo.xml.gz, kev/known_exploited_vulnerabilities.json,
	// epss/epss_scores-current.csv.gz, nvd/CVE-all.json.xz, cve/cves.zip).
	// Empty means the publishers.
	Mirror string
	// NVD adds NVD's CVSS (fkie-cad's CVE-all.json.xz, about 100 MiB)
	// when downloading from the publishers; a mirror's copy is used when
	// present.
	NVD bool
	// CVEURL is a zip of CVE JSON 5 records to download from (a cvelistV5
	// release asset; its name changes daily, so there is no default). A
	// mirror's cve/cves.zip is used when present.
	CVEURL string
	// AmazonReleases default to AmazonReleases.
	AmazonReleases []string
	// Ecosystems are the OSV ecosystems to fetch (default osv.Ecosystems).
	Ecosystems []string
	// AlpineBranches default to alpine.Branches.
	AlpineBranches []string
	// NoDebianTracker leaves out the tracker JSON (large; the DSA/DLA lists
	// cover released fixes).
	NoDebianTracker bool
	// Force rebuilds even when no feed changed.
	Force bool
	// Client, Attempts and Backoff configure downloads (see feed.Downloader).
	Client   *http.Client
	Attempts int
	Backoff  time.Duration
	// UserAgent is sent with every request.
	UserAgent string
}

// fetchSource is one feed file to download and how to parse it.
type fetchSource struct {
	name    string
	kind    Kind
	fetcher *feed.HTTPFetcher
	// resolve, when set, finds the file's URL first (through an index the
	// publisher serves) and returns its fetcher.
	resolve func(ctx context.Context) (*feed.HTTPFetcher, error)
}

// AmazonReleases are the Amazon Linux releases `db update` asks for, with
// the mirror.list of each one's core repository.
var AmazonReleases = map[string]string{
	"2":    "https://cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list",
	"2023": "https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list",
}

var archiveName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^csaf_vex_[0-9]{4}-[0-9]{2}-[0-9]{2}\.tar\.zst$`) })

// readSmall downloads a small index file and returns its content.
func readSmall(ctx context.Context, d *feed.Downloader, name, url string) (string, error) {
	res, err := d.Download(ctx, name, url)
	if err != nil {
		return "", err
	}
	f, err := os.Open(res.Path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	return string(b), err
}

// redHatArchive resolves archive_latest.txt to the current archive.
func redHatArchive(d *feed.Downloader, base string) func(ctx context.Context) (*feed.HTTPFetcher, error) {
	return func(ctx context.Context) (*feed.HTTPFetcher, error) {
		latest, err := readSmall(ctx, d, "redhat/archive_latest.txt", base+"/archive_latest.txt")
		if err != nil {
			return nil, err
		}
		name := strings.TrimSpace(latest)
		if !archiveName().MatchString(name) {
			return nil, fmt.Errorf("redhat archive_latest.txt names %.60q, not an archive", name)
		}
		return d.Fetcher("redhat/csaf_vex.tar.zst", base+"/"+name), nil
	}
}

// amazonUpdateinfo resolves a release's mirror.list and repomd.xml to its
// updateinfo file.
func amazonUpdateinfo(d *feed.Downloader, release, mirrorList string) func(ctx context.Context) (*feed.HTTPFetcher, error) {
	return func(ctx context.Context) (*feed.HTTPFetcher, error) {
		list, err := readSmall(ctx, d, "amazon/"+release+"/mirror.list", mirrorList)
		if err != nil {
			return nil, err
		}
		repo, _, _ := strings.Cut(strings.TrimSpace(list), "\n")
		repo = strings.TrimSpace(repo)
		if !strings.HasPrefix(repo, "https://") {
			return nil, fmt.Errorf("amazon linux %s: mirror.list names %.80q, not an https repository", release, repo)
		}
		repo = strings.TrimRight(repo, "/") + "/"
		md, err := readSmall(ctx, d, "amazon/"+release+"/repomd.xml", repo+"repodata/repomd.xml")
		if err != nil {
			return nil, err
		}
		href, err := alas.Repomd([]byte(md))
		if err != nil {
			return nil, err
		}
		return d.Fetcher("amazon/"+release+"/updateinfo.xml.gz", repo+href), nil
	}
}

func (o *UpdateOptions) sources(d *feed.Downloader) []fetchSource {
	osvBase, listBase, trackerURL, alpineBase := osv.PublisherURL, debian.ListBaseURL, debian.TrackerURL, alpine.PublisherURL
	wolfiURL, chainguardURL, redhatBase := alpine.WolfiURL, alpine.ChainguardURL, csaf.PublisherURL
	kevURL, epssURL, nvdURL, cveURL := kev.PublisherURL, epss.PublisherURL, "", o.CVEURL
	if o.NVD {
		nvdURL = nvd.PublisherURL + "/CVE-all.json.xz"
	}
	m := strings.TrimRight(o.Mirror, "/")
	if m != "" {
		osvBase, listBase, trackerURL, alpineBase = m+"/osv", m+"/debian", m+"/debian/tracker.json", m+"/alpine"
		wolfiURL, chainguardURL, redhatBase = m+"/wolfi/security.json", m+"/chainguard/security.json", m+"/redhat"
		kevURL, epssURL, nvdURL, cveURL = m+"/kev/known_exploited_vulnerabilities.json", m+"/epss/epss_scores-current.csv.gz", m+"/nvd/CVE-all.json.xz", m+"/cve/cves.zip"
	}
	ecos := o.Ecosystems
	if len(ecos) == 0 {
		ecos = osv.Ecosystems
	}
	branches := o.AlpineBranches
	if len(branches) == 0 {
		branches = alpine.Branches
	}
	var out []fetchSource
	for _, e := range ecos {
		out = append(out, fetchSource{name: "osv/" + e, kind: KindOSVZip, fetcher: osv.NewFetcher(d, osvBase, e)})
	}
	for _, k := range []string{"DSA", "DLA"} {
		out = append(out, fetchSource{name: "debian/" + k, kind: KindDebianList, fetcher: debian.ListFetcher(d, listBase, k)})
	}
	if !o.NoDebianTracker {
		out = append(out, fetchSource{name: "debian/tracker", kind: KindDebianTracker, fetcher: debian.TrackerFetcher(d, trackerURL)})
	}
	for _, b := range branches {
		for _, r := range alpine.Repos {
			out = append(out, fetchSource{name: "alpine/" + b + "/" + r, kind: KindAlpineSecDB, fetcher: alpine.NewFetcher(d, alpineBase, b, r)})
		}
	}
	out = append(out,
		fetchSource{name: "wolfi", kind: KindAlpineSecDB, fetcher: alpine.NewRollingFetcher(d, alpine.Wolfi, wolfiURL)},
		fetchSource{name: "chainguard", kind: KindAlpineSecDB, fetcher: alpine.NewRollingFetcher(d, alpine.Chainguard, chainguardURL)},
		fetchSource{name: "redhat/csaf-vex", kind: KindCSAFArchive, resolve: redHatArchive(d, redhatBase)},
	)
	releases := o.AmazonReleases
	if len(releases) == 0 {
		for r := range AmazonReleases {
			releases = append(releases, r)
		}
		sort.Strings(releases)
	}
	for _, r := range releases {
		src := fetchSource{name: "amazon/" + r, kind: KindALAS}
		if m != "" {
			src.fetcher = d.Fetcher("amazon/"+r+"/updateinfo.xml.gz", m+"/amazon/"+url.PathEscape(r)+"/updateinfo.xml.gz")
		} else if list, ok := AmazonReleases[r]; ok {
			src.resolve = amazonUpdateinfo(d, r, list)
		} else {
			continue
		}
		out = append(out, src)
	}
	out = append(out,
		fetchSource{name: "kev", kind: KindKEV, fetcher: kev.NewFetcher(d, kevURL)},
		fetchSource{name: "epss", kind: KindEPSS, fetcher: epss.NewFetcher(d, epssURL)},
	)
	if nvdURL != "" {
		out = append(out, fetchSource{name: "nvd", kind: KindNVD, fetcher: d.Fetcher("nvd/CVE-all.json.xz", nvdURL)})
	}
	if cveURL != "" {
		out = append(out, fetchSource{name: "cve", kind: KindCVEZip, fetcher: d.Fetcher("cve/cves.zip", cveURL)})
	}
	return out
}

// Update downloads the feeds (conditionally, into the download cache next to
// the database) and, when any changed, compiles a new database at dbPath.
// Files the server lacks are skipped and reported. On any other failure
// (network, corrupt or truncated feed) the old database stays in place.
func Update(ctx context.Context, dbPath string, opts UpdateOptions) (*Report, error) {
	unlock, err := vulndb.Lock(dbPath)
	if err != nil {
		return nil, err
	}
	defer unlock()

	prev := map[string]vulndb.SourceMeta{}
	if old, err := vulndb.Open(ctx, dbPath); err == nil {
		for _, s := range old.Meta().Sources {
			prev[s.Name] = s
		}
		old.Close()
	} else {
		slog.DebugContext(ctx, "importer: no usable previous database; rebuilding", "err", err)
	}
	d := &feed.Downloader{Dir: DownloadDir(dbPath), Client: opts.Client, Attempts: opts.Attempts, Backoff: opts.Backoff, UserAgent: opts.UserAgent}
	rep := &Report{Path: dbPath}
	type fetched struct {
		src fetchSource
		fp  feed.Fingerprint
		at  time.Time
	}
	var got []fetched
	for _, s := range opts.sources(d) {
		if s.resolve != nil {
			f, err := s.resolve(ctx)
			if errors.Is(err, feed.ErrNotFound) {
				rep.Skipped = append(rep.Skipped, s.name)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("importer: update %s: %w", s.name, err)
			}
			s.fetcher = f
		}
		rc, fp, err := s.fetcher.Fetch(ctx, feed.Fingerprint(prev[s.name].Fingerprint))
		switch {
		case errors.Is(err, feed.ErrNotFound):
			rep.Skipped = append(rep.Skipped, s.name)
			continue
		case errors.Is(err, feed.ErrUnchanged):
			rep.Unchanged = append(rep.Unchanged, s.name)
			got = append(got, fetched{src: s, fp: fp, at: prev[s.name].FetchedAt})
			continue
		case err != nil:
			return nil, fmt.Errorf("importer: update %s: %w", s.name, err)
		}
		rc.Close()
		rep.Changed = append(rep.Changed, s.name)
		got = append(got, fetched{src: s, fp: fp, at: time.Now().UTC()})
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("importer: update: the server has none of the %d feed files (wrong --mirror?)", len(rep.Skipped))
	}
	// The set of sources changes when a file appears or disappears.
	sameSet := len(got) == len(prev)
	for _, g := range got {
		if _, ok := prev[g.src.name]; !ok {
			sameSet = false
		}
	}
	if len(rep.Changed) == 0 && sameSet && !opts.Force {
		old, err := vulndb.Open(ctx, dbPath)
		if err == nil {
			m := old.Meta()
			old.Close()
			rep.Meta = &m
			return rep, nil
		}
	}
	var all []*parsed
	for _, g := range got {
		ps, err := parseCached(ctx, g.src)
		if err != nil {
			// Drop the cached copy so the next update downloads it again
			// instead of answering 304 for a file that cannot be parsed.
			g.src.fetcher.Invalidate()
			return nil, fmt.Errorf("importer: update: %w", err)
		}
		ps.meta.Fingerprint, ps.meta.FetchedAt = string(g.fp), g.at
		all = append(all, ps)
	}
	rep.Meta, err = buildParsed(ctx, dbPath, all, time.Time{})
	if err != nil {
		return nil, err
	}
	rep.Rebuilt = true
	return rep, nil
}

func parseCached(ctx context.Context, s fetchSource) (*parsed, error) {
	rc, _, err := s.fetcher.Open()
	if err != nil {
		return nil, &FileError{Source: s.name, Path: s.fetcher.URL(), Err: err}
	}
	path := ""
	if f, ok := rc.(*os.File); ok {
		path = f.Name()
	}
	rc.Close()
	if path == "" {
		return nil, &FileError{Source: s.name, Path: s.fetcher.URL(), Err: io.ErrUnexpectedEOF}
	}
	ps, err := parseFile(ctx, path, s.kind, s.name)
	if err != nil {
		return nil, &FileError{Source: s.name, Path: s.fetcher.URL(), Err: errors.Unwrap(err)}
	}
	ps.meta.URL = s.fetcher.URL()
	return ps, nil
}
