// Package nvd reads NVD's CVE records (the NVD API 2.0 "cve" object) for
// their CVSS metrics, in the shapes they are published offline: one record
// per file (as in github.com/fkie-cad/nvd-json-data-feeds,
// CVE-<year>/CVE-<year>-<nn>xx/CVE-….json), that project's release feeds
// ({"cve_items": [...]}, CVE-<year>.json or CVE-all.json, optionally
// xz-compressed) and an API 2.0 response ({"vulnerabilities": [{"cve":
// …}]}).
//
// Data flow: ParseRecord, ParseDir and ParseFeed produce one
// advisory.CVEInfo per CVE with the metrics as severity statements: NVD's
// own ("Primary", by nvd@nist.gov) with origin OriginNVD, the CNA's copies
// ("Secondary") with origin OriginCNA. Feeds are decoded as a stream, one
// record at a time, so a multi-gigabyte CVE-all.json costs one record of
// memory.
package nvd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	advfeed "github.com/bulwark-sec/bulwark/internal/advisory/feed"
)

// PublisherURL serves the release feeds (CVE-<year>.json.xz, CVE-all.json.xz).
const PublisherURL = "https://github.com/fkie-cad/nvd-json-data-feeds/releases/latest/download"

// MaxRecordSize bounds one record (real ones reach a few hundred KiB for
// CVEs with long CPE configurations).
const MaxRecordSize = 16 << 20

// maxFeedRecords bounds a feed (NVD holds about 300,000 CVEs).
const maxFeedRecords = 5_000_000

// Record is the part of an NVD CVE object Bulwark reads.
type Record struct {
	ID         string `json:"id"`
	VulnStatus string `json:"vulnStatus"`
	Metrics    struct {
		V40 []metric `json:"cvssMetricV40"`
		V31 []metric `json:"cvssMetricV31"`
		V30 []metric `json:"cvssMetricV30"`
		V2  []metric `json:"cvssMetricV2"`
	} `json:"metrics"`
}

type metric struct {
	Source   string `json:"source"`
	Type     string `json:"type"` // "Primary" (NVD) or "Secondary" (the CNA)
	CVSSData struct {
		VectorString string `json:"vectorString"`
	} `json:"cvssData"`
}

// ParseRecord parses one NVD CVE record. It returns nil for a rejected
// record or one without metrics.
func ParseRecord(data []byte) (*advisory.CVEInfo, error) {
	var r Record
	if err := feed.DecodeRecord(data, MaxRecordSize, "record", &r); err != nil {
		return nil, fmt.Errorf("nvd: %w", err)
	}
	return convert(&r)
}

func convert(r *Record) (*advisory.CVEInfo, error) {
	if !advisory.IsCVE(r.ID) {
		return nil, fmt.Errorf("nvd: record id %.40q is not a CVE id", r.ID)
	}
	if r.VulnStatus == "Rejected" {
		return nil, nil
	}
	info := &advisory.CVEInfo{ID: r.ID}
	for _, set := range []struct {
		typ string
		ms  []metric
	}{{"CVSS_V4", r.Metrics.V40}, {"CVSS_V3", r.Metrics.V31}, {"CVSS_V3", r.Metrics.V30}, {"CVSS_V2", r.Metrics.V2}} {
		for _, m := range set.ms {
			v := strings.TrimSpace(m.CVSSData.VectorString)
			if v == "" || len(v) > 512 {
				continue
			}
			s := advisory.Score{Type: set.typ, Score: v, Origin: advisory.OriginNVD, Ref: r.ID + " NVD"}
			if m.Type != "Primary" {
				// The CNA's own score, copied by NVD; its source is an
				// e-mail address or an organisation UUID, neither telling.
				s.Origin, s.Ref = advisory.OriginCNA, r.ID+" CNA via NVD"
			}
			info.Severity = append(info.Severity, s)
		}
	}
	if len(info.Severity) == 0 {
		return nil, nil
	}
	return info, nil
}

// ParseDir parses every CVE-*.json file under root in fsys, such as a
// checkout of fkie-cad/nvd-json-data-feeds.
func ParseDir(ctx context.Context, fsys fs.FS, root string) ([]*advisory.CVEInfo, error) {
	isRecord := func(p string) bool {
		b := path.Base(p)
		// CVE-2024.json is a yearly feed rather than a record.
		return strings.HasPrefix(b, "CVE-") && strings.HasSuffix(b, ".json") && strings.Count(b, "-") >= 2
	}
	out, err := advfeed.ParseFiles(ctx, fsys, root, isRecord, MaxRecordSize, ParseRecord)
	if err != nil {
		return nil, fmt.Errorf("nvd: parse dir: %w", err)
	}
	sortByID(out)
	return out, nil
}

// xzMagic starts every xz stream.
var xzMagic = []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}

// ParseFeed parses a feed: {"cve_items": [record…]} as fkie-cad releases
// it, or an API 2.0 response {"vulnerabilities": [{"cve": record}…]};
// xz-compressed or not.
func ParseFeed(ctx context.Context, r io.Reader) ([]*advisory.CVEInfo, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	if head, _ := br.Peek(len(xzMagic)); bytes.Equal(head, xzMagic) {
		xr, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("nvd: open xz: %w", err)
		}
		br = bufio.NewReaderSize(xr, 1<<20)
	}
	gr := &guardReader{r: br}
	dec := json.NewDecoder(gr)
	gr.dec = dec
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var out []*advisory.CVEInfo
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("nvd: decode feed: %w", err)
		}
		key, _ := tok.(string)
		if key != "cve_items" && key != "vulnerabilities" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("nvd: decode feed: %w", err)
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return nil, err
		}
		for dec.More() {
			if len(out)%256 == 0 && ctx.Err() != nil {
				return nil, fmt.Errorf("nvd: %w", context.Cause(ctx))
			}
			if len(out) >= maxFeedRecords {
				return nil, fmt.Errorf("nvd: feed holds more than %d records", maxFeedRecords)
			}
			var rec Record
			if key == "vulnerabilities" {
				var item struct {
					CVE Record `json:"cve"`
				}
				if err := dec.Decode(&item); err != nil {
					return nil, fmt.Errorf("nvd: decode feed: %w", err)
				}
				rec = item.CVE
			} else if err := dec.Decode(&rec); err != nil {
				return nil, fmt.Errorf("nvd: decode feed: %w", err)
			}
			ci, err := convert(&rec)
			if err != nil {
				return nil, err
			}
			if ci != nil {
				out = append(out, ci)
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	sortByID(out)
	return out, nil
}

// guardReader fails a read when the decoder has buffered more than
// MaxRecordSize past the end of the last value it returned: one hostile
// record cannot make the decoder hold gigabytes.
type guardReader struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.read-g.dec.InputOffset() > MaxRecordSize {
		return 0, fmt.Errorf("nvd: a record is over the %d-byte limit", MaxRecordSize)
	}
	if len(p) > 1<<20 {
		p = p[:1<<20] // small steps, so the check above runs often
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("nvd: decode feed: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("nvd: decode feed: want %q, got %v", want, tok)
	}
	return nil
}

func sortByID(cs []*advisory.CVEInfo) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
}
