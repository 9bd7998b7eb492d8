// Package alpine reads Alpine Linux's security database (secdb,
// https://secdb.alpinelinux.org/): one JSON file per branch and repository,
// v3.N/main.json and v3.N/community.json; and the secdb files Wolfi
// (https://packages.wolfi.dev/os/security.json) and Chainguard
// (https://packages.cgr.dev/chainguard/security.json) publish in the same
// shape, without a branch: those distributions roll, so their ecosystem is
// "Wolfi" or "Chainguard" and the file's urlprefix says which.
//
// Data flow: NewFetcher downloads a file into the feed cache; Parse turns it
// into advisory.Advisory values offline. secdb lists, per origin package,
// the package version that fixed each set of ids ("secfixes"). Each id set
// becomes the advisory "ALPINE-<first id>" (the id OSV.dev gives Alpine
// data) with all of its ids as aliases, and one statement per package in
// ecosystem "Alpine:<branch>": fixed in that version, or never affected on
// the branch when the version is "0".
package alpine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
)

// PublisherURL serves v3.N/{main,community}.json.
const PublisherURL = "https://secdb.alpinelinux.org"

// MaxSize bounds one secdb file (the real ones are under 1 MiB).
const MaxSize = 64 << 20

// Branches are the secdb branches `db update` asks for by default; a branch
// a server lacks is skipped and reported.
var Branches = func() []string {
	var bs []string
	for n := 2; n <= 22; n++ {
		bs = append(bs, fmt.Sprintf("v3.%d", n))
	}
	return bs
}()

// Repos are the repositories secdb publishes per branch.
var Repos = []string{"main", "community"}

// Publisher locations of the rolling distributions' secdb files.
const (
	WolfiURL      = "https://packages.wolfi.dev/os/security.json"
	ChainguardURL = "https://packages.cgr.dev/chainguard/security.json"
)

// Rolling names the secdb of a rolling distribution: its ecosystem, the
// data_source of its findings and the prefix of its advisory ids.
type Rolling struct {
	Ecosystem, Source, Prefix string
}

var (
	Wolfi      = Rolling{Ecosystem: "Wolfi", Source: "wolfi-secdb", Prefix: "WOLFI-"}
	Chainguard = Rolling{Ecosystem: "Chainguard", Source: "chainguard-secdb", Prefix: "CHAINGUARD-"}
)

// NewRollingFetcher returns the Fetcher of a rolling distribution's secdb
// at url, cached as <wolfi|chainguard>/security.json.
func NewRollingFetcher(d *feed.Downloader, r Rolling, url string) *feed.HTTPFetcher {
	return d.Fetcher(strings.ToLower(r.Ecosystem)+"/security.json", url)
}

// NewFetcher returns the Fetcher of base/<branch>/<repo>.json, cached as
// alpine/<branch>/<repo>.json.
func NewFetcher(d *feed.Downloader, base, branch, repo string) *feed.HTTPFetcher {
	name := "alpine/" + branch + "/" + repo + ".json"
	return d.Fetcher(name, strings.TrimRight(base, "/")+"/"+branch+"/"+repo+".json")
}

type secdb struct {
	DistroVersion string `json:"distroversion"`
	RepoName      string `json:"reponame"`
	URLPrefix     string `json:"urlprefix"`
	Packages      []struct {
		Pkg struct {
			Name     string              `json:"name"`
			SecFixes map[string][]string `json:"secfixes"`
		} `json:"pkg"`
	} `json:"packages"`
}

var (
	branchRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v\d+\.\d+$|^edge$`) })
	idRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*-[0-9A-Za-z][0-9A-Za-z.-]*$`) })
	versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z._+~-]+$`) })
	nameRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`) })
)

// Parse parses one secdb file: Alpine's (with a distroversion) or a
// rolling distribution's (Wolfi's or Chainguard's, told apart by urlprefix).
func Parse(ctx context.Context, r io.Reader) ([]*advisory.Advisory, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("alpine: read secdb: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("alpine: secdb is over the %d-byte limit", MaxSize)
	}
	var db secdb
	if err := json.Unmarshal(data, &db); err != nil {
		return nil, fmt.Errorf("alpine: decode secdb: %w", err)
	}
	eco, source, prefix := "Alpine:"+db.DistroVersion, "alpine-secdb", "ALPINE-"
	switch {
	case db.DistroVersion == "" && rollingHost(db.URLPrefix, "packages.wolfi.dev"):
		eco, source, prefix = Wolfi.Ecosystem, Wolfi.Source, Wolfi.Prefix
	case db.DistroVersion == "" && rollingHost(db.URLPrefix, "packages.cgr.dev"):
		eco, source, prefix = Chainguard.Ecosystem, Chainguard.Source, Chainguard.Prefix
	case !branchRE().MatchString(db.DistroVersion):
		return nil, fmt.Errorf("alpine: secdb distroversion %.40q is not a branch like \"v3.19\" (and urlprefix %.60q is neither Wolfi's nor Chainguard's)", db.DistroVersion, db.URLPrefix)
	}
	byID := map[string]*advisory.Advisory{}
	for i, p := range db.Packages {
		if i%512 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("alpine: %w", context.Cause(ctx))
		}
		name := p.Pkg.Name
		if !nameRE().MatchString(name) || len(name) > 128 {
			return nil, fmt.Errorf("alpine: packages[%d]: bad package name %.60q", i, name)
		}
		versions := make([]string, 0, len(p.Pkg.SecFixes))
		for v := range p.Pkg.SecFixes {
			versions = append(versions, v)
		}
		sort.Strings(versions)
		for _, v := range versions {
			if !versionRE().MatchString(v) || len(v) > 128 {
				return nil, fmt.Errorf("alpine: package %s: bad fixed version %.60q", name, v)
			}
			for _, entry := range p.Pkg.SecFixes[v] {
				ids := SplitIDs(entry)
				if len(ids) == 0 {
					continue // placeholders such as "CVE-????-?????" name nothing
				}
				aff := advisory.Affected{Ecosystem: eco, Package: name}
				if v == "0" {
					aff.Status = advisory.NotAffected
				} else {
					aff.Status = advisory.Fixed
					aff.Ranges = []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: v}}}}
				}
				id := prefix + ids[0]
				a := byID[id]
				if a == nil {
					a = &advisory.Advisory{ID: id, Source: source}
					byID[id] = a
				}
				for _, x := range ids {
					a.Aliases = appendUnique(a.Aliases, x)
				}
				a.Affected = append(a.Affected, aff)
			}
		}
	}
	if len(byID) == 0 && len(db.Packages) > 0 {
		return nil, errors.New("alpine: secdb names packages but no usable ids")
	}
	out := make([]*advisory.Advisory, 0, len(byID))
	for _, a := range byID {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// rollingHost reports whether a secdb urlprefix is served by host.
func rollingHost(prefix, host string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSpace(prefix), "https://")
	if !ok {
		return false
	}
	h, _, _ := strings.Cut(rest, "/")
	return h == host
}

// SplitIDs reads one secfixes entry. Entries hold one or several ids
// separated by spaces ("CVE-2020-1 XSA-300"), sometimes with a comment in
// parentheses ("CVE-2018-1 (BGP)") or a typo ("CVE_2019-1", "CVE 2019-1",
// "CVE-2019-1.patch"); comments and tokens that are not ids are dropped.
func SplitIDs(entry string) []string {
	if i := strings.IndexByte(entry, '('); i >= 0 {
		entry = entry[:i]
	}
	fields := strings.Fields(entry)
	var out []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f == "CVE" && i+1 < len(fields) {
			f, i = "CVE-"+fields[i+1], i+1
		}
		f = strings.TrimSuffix(f, ".patch")
		if rest, ok := strings.CutPrefix(f, "CVE_"); ok {
			f = "CVE-" + rest
		}
		if idRE().MatchString(f) && len(f) <= 64 {
			out = appendUnique(out, f)
		}
	}
	return out
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
