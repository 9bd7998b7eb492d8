// Package cve reads CVE List records (CVE JSON 5.x, the format of
// github.com/CVEProject/cvelistV5) for what they say about severity: the
// CVSS metrics and text ratings of the CNA container and of ADP containers
// such as CISA's vulnerability enrichment ("CISA-ADP"), and the KEV entry
// CISA's container may carry.
//
// Data flow: ParseRecord reads one record; ParseDir walks a checkout (or
// any folder of CVE-*.json files); ParseZip reads a zip of records, such as
// the cvelistV5 release archives (which wrap a cves.zip: one level of
// nesting is opened). Each record becomes one advisory.CVEInfo whose
// Severity lists every usable statement with its origin (OriginCNA or
// OriginADP) and a Ref naming the CVE and the provider ("CVE-2022-2509
// CISA-ADP"). Rejected and reserved records carry no metrics and yield
// nothing. The database build joins these statements onto every advisory
// that names the CVE (package vulndb).
package cve

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
)

// Limits on hostile input. Real records are a few KiB, rarely a few hundred.
const (
	MaxRecordSize = 8 << 20
	MaxZipEntries = 2_000_000
	MaxZipTotal   = 8 << 30
	maxNestedZip  = 2 << 30
)

// record is the part of a CVE JSON 5 record Bulwark reads.
type record struct {
	DataType    string `json:"dataType"`
	DataVersion string `json:"dataVersion"`
	CVEMetadata struct {
		CVEID             string `json:"cveId"`
		State             string `json:"state"`
		AssignerShortName string `json:"assignerShortName"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA container   `json:"cna"`
		ADP []container `json:"adp"`
	} `json:"containers"`
}

type container struct {
	ProviderMetadata struct {
		ShortName string `json:"shortName"`
	} `json:"providerMetadata"`
	Metrics []metric `json:"metrics"`
}

type metric struct {
	V40   *cvssData `json:"cvssV4_0"`
	V31   *cvssData `json:"cvssV3_1"`
	V30   *cvssData `json:"cvssV3_0"`
	V20   *cvssData `json:"cvssV2_0"`
	Other *struct {
		Type    string          `json:"type"`
		Content json.RawMessage `json:"content"`
	} `json:"other"`
}

type cvssData struct {
	VectorString string `json:"vectorString"`
}

// ParseRecord parses one CVE JSON 5 record. It returns nil (and no error)
// for a record that says nothing Bulwark uses: rejected or reserved, or
// without metrics.
func ParseRecord(data []byte) (*advisory.CVEInfo, error) {
	var r record
	if err := feed.DecodeRecord(data, MaxRecordSize, "record", &r); err != nil {
		return nil, fmt.Errorf("cve: %w", err)
	}
	if r.DataType != "CVE_RECORD" || !strings.HasPrefix(r.DataVersion, "5.") {
		return nil, fmt.Errorf("cve: not a CVE JSON 5 record (dataType %.30q, dataVersion %.10q)", r.DataType, r.DataVersion)
	}
	id := r.CVEMetadata.CVEID
	if !advisory.IsCVE(id) {
		return nil, fmt.Errorf("cve: record id %.40q is not a CVE id", id)
	}
	if r.CVEMetadata.State != "PUBLISHED" {
		return nil, nil
	}
	info := &advisory.CVEInfo{ID: id}
	cnaName := r.CVEMetadata.AssignerShortName
	if n := r.Containers.CNA.ProviderMetadata.ShortName; n != "" {
		cnaName = n
	}
	collect(info, &r.Containers.CNA, advisory.OriginCNA, cnaName)
	for i := range r.Containers.ADP {
		c := &r.Containers.ADP[i]
		collect(info, c, advisory.OriginADP, c.ProviderMetadata.ShortName)
	}
	if len(info.Severity) == 0 && info.KEV == nil {
		return nil, nil
	}
	return info, nil
}

// collect adds a container's CVSS vectors, its text ratings ("Important",
// "High", "moderate (CVSS: 3.7 …)") and a CISA KEV entry.
func collect(info *advisory.CVEInfo, c *container, origin advisory.Origin, provider string) {
	ref := info.ID
	if provider = clean(provider, 64); provider != "" {
		ref += " " + provider
	}
	add := func(typ, score string) {
		if score == "" || len(score) > 512 {
			return
		}
		info.Severity = append(info.Severity, advisory.Score{Type: typ, Score: score, Origin: origin, Ref: ref})
	}
	for _, m := range c.Metrics {
		for _, v := range []struct {
			typ string
			d   *cvssData
		}{{"CVSS_V4", m.V40}, {"CVSS_V3", m.V31}, {"CVSS_V3", m.V30}, {"CVSS_V2", m.V20}} {
			if v.d != nil {
				add(v.typ, strings.TrimSpace(v.d.VectorString))
			}
		}
		if m.Other == nil {
			continue
		}
		if strings.EqualFold(m.Other.Type, "kev") {
			var k struct {
				DateAdded string `json:"dateAdded"`
			}
			if json.Unmarshal(m.Other.Content, &k) == nil && validDate(k.DateAdded) && info.KEV == nil {
				info.KEV = &advisory.KEV{DateAdded: k.DateAdded}
			}
			continue
		}
		if strings.EqualFold(m.Other.Type, "ssvc") {
			continue // a decision-tree outcome, not a severity
		}
		if w := ratingWord(m.Other.Content); w != "" {
			add("URGENCY", w)
		}
	}
}

// ratingWords are the text ratings CNAs publish in "other" metrics.
var ratingWords = map[string]bool{
	"critical": true, "important": true, "high": true, "moderate": true,
	"medium": true, "low": true,
}

// ratingWord finds a severity word in free-form "other" content: a
// string, or an object whose "text", "value" or "other" member is one
// ("moderate (CVSS: 3.7 …)" counts by its first word).
func ratingWord(raw json.RawMessage) string {
	var texts []string
	var s string
	if json.Unmarshal(raw, &s) == nil {
		texts = append(texts, s)
	} else {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return ""
		}
		for _, k := range []string{"text", "value", "other", "severity", "baseSeverity"} {
			if json.Unmarshal(obj[k], &s) == nil {
				texts = append(texts, s)
			}
		}
	}
	for _, t := range texts {
		w, _, _ := strings.Cut(strings.TrimSpace(t), " ")
		w = strings.ToLower(strings.Trim(w, ".,;:()"))
		if ratingWords[w] {
			return w
		}
	}
	return ""
}

func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func clean(s string, max int) string {
	s = strings.TrimSpace(s)
	if len(s) > max || strings.ContainsAny(s, "\x00\n\r") {
		return ""
	}
	return s
}

// ParseDir parses every CVE-*.json file under root in fsys (a cvelistV5
// checkout keeps them in cves/<year>/<n>xxx/).
func ParseDir(ctx context.Context, fsys fs.FS, root string) ([]*advisory.CVEInfo, error) {
	out, err := feed.ParseFiles(ctx, fsys, root, isRecordName, MaxRecordSize, ParseRecord)
	if err != nil {
		return nil, fmt.Errorf("cve: parse dir: %w", err)
	}
	sortByID(out)
	return out, nil
}

func isRecordName(p string) bool {
	b := path.Base(p)
	return strings.HasPrefix(b, "CVE-") && strings.HasSuffix(b, ".json")
}

// ParseZip parses the CVE-*.json entries of a zip. A zip whose only
// records are inside a nested cves.zip (the cvelistV5 release layout) is
// opened one level down.
func ParseZip(ctx context.Context, r io.ReaderAt, size int64) ([]*advisory.CVEInfo, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("cve: open zip: %w", err)
	}
	out, nested, err := parseZip(ctx, zr)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 && nested != nil {
		if nested.UncompressedSize64 > maxNestedZip {
			return nil, fmt.Errorf("cve: nested %s is over the %d-byte limit", nested.Name, int64(maxNestedZip))
		}
		data, err := readAll(nested, maxNestedZip)
		if err != nil {
			return nil, fmt.Errorf("cve: zip entry %q: %w", nested.Name, err)
		}
		inner, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("cve: zip entry %q: %w", nested.Name, err)
		}
		if out, _, err = parseZip(ctx, inner); err != nil {
			return nil, err
		}
	}
	sortByID(out)
	return out, nil
}

func parseZip(ctx context.Context, zr *zip.Reader) ([]*advisory.CVEInfo, *zip.File, error) {
	if len(zr.File) > MaxZipEntries {
		return nil, nil, fmt.Errorf("cve: zip has %d entries, over the limit of %d", len(zr.File), MaxZipEntries)
	}
	var (
		out    []*advisory.CVEInfo
		nested *zip.File
		total  uint64
	)
	for i, f := range zr.File {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, nil, fmt.Errorf("cve: parse zip: %w", context.Cause(ctx))
		}
		if f.FileInfo().IsDir() {
			continue
		}
		if path.Ext(f.Name) == ".zip" && nested == nil {
			nested = f
			continue
		}
		if !isRecordName(f.Name) {
			continue
		}
		if f.UncompressedSize64 > MaxRecordSize {
			return nil, nil, fmt.Errorf("cve: zip entry %q: %d bytes is over the %d-byte limit", f.Name, f.UncompressedSize64, MaxRecordSize)
		}
		if total += f.UncompressedSize64; total > MaxZipTotal {
			return nil, nil, fmt.Errorf("cve: zip holds more than %d bytes uncompressed", int64(MaxZipTotal))
		}
		data, err := readAll(f, MaxRecordSize)
		if err != nil {
			return nil, nil, fmt.Errorf("cve: zip entry %q: %w", f.Name, err)
		}
		ci, err := ParseRecord(data)
		if err != nil {
			return nil, nil, fmt.Errorf("cve: zip entry %q: %w", f.Name, err)
		}
		if ci != nil {
			out = append(out, ci)
		}
	}
	return out, nested, nil
}

func readAll(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// The header's size can lie; the limit reader is the real bound, and
	// archive/zip checks the CRC when the entry is read to its end.
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("over the %d-byte limit", limit)
	}
	return data, nil
}

func sortByID(cs []*advisory.CVEInfo) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
}
