// Package epss reads FIRST's Exploit Prediction Scoring System scores
// (https://www.first.org/epss/) in the published CSV form: an optional
// "#model_version:…,score_date:…" comment line, the header
// "cve,epss,percentile", then one row per CVE; plain or gzip-compressed
// (epss_scores-current.csv.gz).
//
// Data flow: NewFetcher downloads the file into the feed cache; Parse turns
// it into one advisory.CVEInfo per row carrying an advisory.EPSS. The
// database build joins them onto advisories by CVE id.
package epss

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
)

// PublisherURL serves the current scores.
const PublisherURL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"

// MaxRows bounds the file (about 300,000 CVEs are scored).
const MaxRows = 5_000_000

// maxUncompressed bounds what a (hostile) gzip stream may expand to.
const maxUncompressed = 1 << 30

// NewFetcher returns the Fetcher of the scores at url, cached as
// epss/epss_scores-current.csv.gz.
func NewFetcher(d *feed.Downloader, url string) *feed.HTTPFetcher {
	return d.Fetcher("epss/epss_scores-current.csv.gz", url)
}

// Parse reads an EPSS CSV file, gzip-compressed or not.
func Parse(ctx context.Context, r io.Reader) ([]*advisory.CVEInfo, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("epss: open gzip: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	lr := &io.LimitedReader{R: src, N: maxUncompressed + 1}
	in := bufio.NewReaderSize(lr, 64<<10)
	date := ""
	if head, _ := in.Peek(1); len(head) == 1 && head[0] == '#' {
		line, err := in.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("epss: read: %w", err)
		}
		date = scoreDate(line)
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = 3
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("epss: read header: %w", err)
	}
	if strings.TrimSpace(header[0]) != "cve" || strings.TrimSpace(header[1]) != "epss" || strings.TrimSpace(header[2]) != "percentile" {
		return nil, fmt.Errorf("epss: header %.60q is not \"cve,epss,percentile\"", strings.Join(header, ","))
	}
	var out []*advisory.CVEInfo
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("epss: %w", context.Cause(ctx))
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("epss: %w", err)
		}
		if n >= MaxRows {
			return nil, fmt.Errorf("epss: more than %d rows", MaxRows)
		}
		id := strings.TrimSpace(rec[0])
		if !advisory.IsCVE(id) {
			return nil, fmt.Errorf("epss: row %d: %.40q is not a CVE id", n+1, rec[0])
		}
		score, err1 := probability(rec[1])
		pct, err2 := probability(rec[2])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("epss: %s: %w", id, err)
		}
		out = append(out, &advisory.CVEInfo{ID: id, EPSS: &advisory.EPSS{Score: score, Percentile: pct, Date: date}})
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("epss: more than %d bytes uncompressed", maxUncompressed)
	}
	return out, nil
}

// probability parses a number in [0, 1].
func probability(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1 || f != f {
		return 0, fmt.Errorf("%.20q is not a probability", s)
	}
	return f, nil
}

// scoreDate reads "score_date:2025-08-25T00:00:00+0000" from the comment
// line and keeps the day.
func scoreDate(line string) string {
	for _, part := range strings.Split(strings.TrimPrefix(strings.TrimSpace(line), "#"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "score_date:"); ok && len(v) >= 10 {
			return v[:10]
		}
	}
	return ""
}
