// Package kev reads CISA's Known Exploited Vulnerabilities catalog
// (https://www.cisa.gov/known-exploited-vulnerabilities-catalog), the JSON
// file known_exploited_vulnerabilities.json.
//
// Data flow: NewFetcher downloads the catalog into the feed cache; Parse
// turns it into one advisory.CVEInfo per entry carrying an advisory.KEV
// (date added, due date, known ransomware use). The database build joins
// them onto advisories by CVE id, which is how findings get their
// known_exploited flag.
package kev

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
)

// PublisherURL serves the catalog.
const PublisherURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

// MaxSize bounds the catalog (about 1.5 MiB in 2025).
const MaxSize = 64 << 20

// NewFetcher returns the Fetcher of the catalog at url, cached as
// kev/known_exploited_vulnerabilities.json.
func NewFetcher(d *feed.Downloader, url string) *feed.HTTPFetcher {
	return d.Fetcher("kev/known_exploited_vulnerabilities.json", url)
}

type catalog struct {
	CatalogVersion  string `json:"catalogVersion"`
	Vulnerabilities []struct {
		CVEID      string `json:"cveID"`
		DateAdded  string `json:"dateAdded"`
		DueDate    string `json:"dueDate"`
		Ransomware string `json:"knownRansomwareCampaignUse"`
	} `json:"vulnerabilities"`
}

// Parse reads the catalog.
func Parse(ctx context.Context, r io.Reader) ([]*advisory.CVEInfo, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("kev: read catalog: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("kev: catalog is over the %d-byte limit", MaxSize)
	}
	var c catalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("kev: decode catalog: %w", err)
	}
	if c.Vulnerabilities == nil {
		return nil, errors.New("kev: not a KEV catalog (no \"vulnerabilities\" list)")
	}
	byID := make(map[string]*advisory.CVEInfo, len(c.Vulnerabilities))
	for i, v := range c.Vulnerabilities {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("kev: %w", context.Cause(ctx))
		}
		id := strings.TrimSpace(v.CVEID)
		if !advisory.IsCVE(id) {
			return nil, fmt.Errorf("kev: vulnerabilities[%d]: cveID %.40q is not a CVE id", i, v.CVEID)
		}
		if !date(v.DateAdded) {
			return nil, fmt.Errorf("kev: %s: dateAdded %.40q is not a date like 2021-11-03", id, v.DateAdded)
		}
		k := &advisory.KEV{DateAdded: v.DateAdded}
		if date(v.DueDate) {
			k.DueDate = v.DueDate
		}
		if r := strings.TrimSpace(v.Ransomware); r == "Known" || r == "Unknown" {
			k.Ransomware = r
		}
		if prev, ok := byID[id]; ok && prev.KEV.DateAdded <= k.DateAdded {
			continue // listed twice: the first listing counts
		}
		byID[id] = &advisory.CVEInfo{ID: id, KEV: k}
	}
	out := make([]*advisory.CVEInfo, 0, len(byID))
	for _, ci := range byID {
		out = append(out, ci)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// date reports whether s is a YYYY-MM-DD date.
func date(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := range len(s) {
		if c := s[i]; i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
