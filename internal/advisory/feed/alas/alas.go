// Package alas reads Amazon Linux Security Advisories (ALAS) from the
// repository metadata Amazon Linux serves them in: the yum/dnf
// updateinfo.xml (usually gzip-compressed) of a release's core repository.
//
// Data flow: NewFetchers find the current updateinfo of each release
// through the repository's mirror.list and repodata/repomd.xml (or read it
// from a mirror laid out as amazon/<release>/updateinfo.xml.gz); Parse
// turns it into advisory.Advisory values offline. Each <update> becomes
// one advisory with its ALAS id, the CVEs of its references as aliases,
// its severity word ("important") as the distribution's rating, and one
// statement per binary package name: fixed in epoch:version-release, in
// ecosystem "Amazon Linux:<release>" where the release comes from the id
// (ALAS- for Amazon Linux 1, ALAS2- for 2, ALAS2023- for 2023). Updates of
// Amazon Linux 2's optional topics (ALAS2KERNEL-5.10-…, ALAS2NITRO-…) are
// left out: their packages replace base ones only where the topic is
// enabled, which an image does not record.
package alas

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// Releases maps the id prefix of each release's advisories to its
// ecosystem name.
var Releases = map[string]string{
	"ALAS":     "Amazon Linux:1",
	"ALAS2":    "Amazon Linux:2",
	"ALAS2022": "Amazon Linux:2022",
	"ALAS2023": "Amazon Linux:2023",
}

// Limits on hostile input: the real AL2 updateinfo is about 20 MiB
// uncompressed.
const (
	MaxSize    = 1 << 30
	maxUpdates = 1_000_000
)

type update struct {
	Type     string `xml:"type,attr"`
	Status   string `xml:"status,attr"`
	ID       string `xml:"id"`
	Title    string `xml:"title"`
	Severity string `xml:"severity"`
	Issued   struct {
		Date string `xml:"date,attr"`
	} `xml:"issued"`
	Updated struct {
		Date string `xml:"date,attr"`
	} `xml:"updated"`
	References []struct {
		Href string `xml:"href,attr"`
		ID   string `xml:"id,attr"`
		Type string `xml:"type,attr"`
	} `xml:"references>reference"`
	Packages []struct {
		Name    string `xml:"name,attr"`
		Epoch   string `xml:"epoch,attr"`
		Version string `xml:"version,attr"`
		Release string `xml:"release,attr"`
		Arch    string `xml:"arch,attr"`
	} `xml:"pkglist>collection>package"`
}

var (
	idRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(ALAS[0-9]*)-[0-9]{4}-[0-9]+$`) })
	nameRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`) })
	versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._+~^]+$`) })
)

// Parse reads an updateinfo.xml, gzip-compressed or not.
func Parse(ctx context.Context, r io.Reader) ([]*advisory.Advisory, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("alas: open gzip: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	lr := &io.LimitedReader{R: src, N: MaxSize + 1}
	dec := xml.NewDecoder(lr)
	dec.Strict = true
	var (
		out     []*advisory.Advisory
		n       int
		sawRoot bool
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return nil, fmt.Errorf("alas: updateinfo is over %d bytes uncompressed", MaxSize)
			}
			return nil, fmt.Errorf("alas: decode updateinfo: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "updates":
			sawRoot = true
			continue
		case "update":
		default:
			return nil, fmt.Errorf("alas: unexpected element <%.40s>", se.Name.Local)
		}
		if !sawRoot {
			return nil, errors.New("alas: not an updateinfo document (no <updates>)")
		}
		if n++; n > maxUpdates {
			return nil, fmt.Errorf("alas: more than %d updates", maxUpdates)
		}
		if n%256 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("alas: %w", context.Cause(ctx))
		}
		var u update
		if err := dec.DecodeElement(&u, &se); err != nil {
			return nil, fmt.Errorf("alas: decode update %d: %w", n, err)
		}
		a, err := convert(&u)
		if err != nil {
			return nil, err
		}
		if a != nil {
			out = append(out, a)
		}
	}
	if !sawRoot {
		return nil, errors.New("alas: not an updateinfo document (no <updates>)")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func convert(u *update) (*advisory.Advisory, error) {
	id := strings.TrimSpace(u.ID)
	m := idRE().FindStringSubmatch(id)
	if m == nil {
		if strings.HasPrefix(id, "ALAS") && len(id) <= 64 {
			return nil, nil // an optional topic's advisory (ALAS2KERNEL-5.10-…)
		}
		return nil, fmt.Errorf("alas: update id %.40q is not an ALAS id", id)
	}
	eco, ok := Releases[m[1]]
	if !ok {
		return nil, nil
	}
	if u.Type != "" && u.Type != "security" {
		return nil, nil
	}
	a := &advisory.Advisory{ID: id, Source: "amazon-alas", Summary: summary(u.Title, id)}
	a.Published, _ = parseDate(u.Issued.Date)
	a.Modified, _ = parseDate(u.Updated.Date)
	if w := strings.ToLower(strings.TrimSpace(u.Severity)); w != "" && len(w) <= 32 {
		a.Severity = []advisory.Score{{Type: "URGENCY", Score: w}}
	}
	for _, ref := range u.References {
		if ref.Type == "cve" && advisory.IsCVE(ref.ID) && !contains(a.Aliases, ref.ID) {
			a.Aliases = append(a.Aliases, ref.ID)
		}
		if ref.Href != "" && len(ref.Href) <= 4096 {
			a.References = append(a.References, ref.Href)
		}
	}
	seen := map[string]bool{}
	for _, p := range u.Packages {
		if !nameRE().MatchString(p.Name) || len(p.Name) > 256 {
			return nil, fmt.Errorf("alas: %s: bad package name %.60q", id, p.Name)
		}
		for _, part := range []string{p.Version, p.Release} {
			if !versionRE().MatchString(part) || len(part) > 256 {
				return nil, fmt.Errorf("alas: %s: %s: bad version or release %.60q", id, p.Name, part)
			}
		}
		evr := p.Version + "-" + p.Release
		if e := strings.TrimSpace(p.Epoch); e != "" && e != "0" {
			if strings.Trim(e, "0123456789") != "" || len(e) > 10 {
				return nil, fmt.Errorf("alas: %s: %s: bad epoch %.20q", id, p.Name, p.Epoch)
			}
			evr = e + ":" + evr
		}
		// One statement per name: the architectures of one update carry
		// the same version.
		if seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		a.Affected = append(a.Affected, advisory.Affected{
			Ecosystem: eco, Package: p.Name, Status: advisory.Fixed,
			Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: evr}}}},
		})
	}
	sort.Slice(a.Affected, func(i, j int) bool { return a.Affected[i].Package < a.Affected[j].Package })
	return a, nil
}

// summary drops the title's "Amazon Linux 2023 - ALAS2023-2023-001: "
// prefix.
func summary(title, id string) string {
	t := strings.TrimSpace(title)
	if _, rest, ok := strings.Cut(t, id+": "); ok {
		t = rest
	}
	if len(t) > 300 {
		t = t[:300]
	}
	return strings.ToValidUTF8(t, "\uFFFD")
}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %.30q", s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Repomd finds the updateinfo file in a repository's repodata/repomd.xml:
// the href of its <data type="updateinfo">.
func Repomd(data []byte) (string, error) {
	var md struct {
		Data []struct {
			Type     string `xml:"type,attr"`
			Location struct {
				Href string `xml:"href,attr"`
			} `xml:"location"`
		} `xml:"data"`
	}
	if len(data) > 16<<20 {
		return "", errors.New("alas: repomd.xml is over 16 MiB")
	}
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(&md); err != nil {
		return "", fmt.Errorf("alas: decode repomd.xml: %w", err)
	}
	for _, d := range md.Data {
		h := d.Location.Href
		if d.Type == "updateinfo" && h != "" && !strings.Contains(h, "..") && !strings.HasPrefix(h, "/") && !strings.Contains(h, "://") {
			return h, nil
		}
	}
	return "", errors.New("alas: repomd.xml names no updateinfo")
}
