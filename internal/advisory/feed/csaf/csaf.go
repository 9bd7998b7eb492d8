// Package csaf reads Red Hat's CSAF VEX documents
// (https://security.access.redhat.com/data/csaf/v2/vex/): one CSAF 2.0
// document per CVE saying, for every Red Hat product, which components are
// fixed (and in which version), affected, or not affected. Bulwark keeps
// what applies to Red Hat Enterprise Linux and its container images (UBI):
// the statements about rpm packages of the mainline RHEL streams.
//
// Data flow: NewFetcher finds the current archive of all documents through
// archive_latest.txt; ParseDocument reads one document, ParseDir a folder
// of them, ParseArchive the published tar.zst. A document becomes one
// advisory "REDHAT-<CVE>" (the CVE and the RHSA errata that fix it as
// aliases) with statements in ecosystem "Red Hat:<major>":
//
//   - product_status.fixed: the product ids of fixed rpms resolve through
//     the product tree's relationships to a platform (a product with a CPE
//     cpe:/o:redhat:enterprise_linux:9…, never an EUS, AUS, TUS or E4S
//     stream, nor another product such as Satellite or OpenShift) and, for
//     modular packages, a module stream (a pkg:rpmmod purl in the chain or
//     an rpmmod qualifier). The source rpm names the statement (Red Hat
//     advisories are about source packages); its epoch:version-release is
//     the fix, the highest one when several mainline streams were fixed.
//   - known_affected: the component (pkg:rpm/redhat/curl,
//     pkg:rpmmod/redhat/nodejs:18/nodejs) is unfixed, or will-not-fix
//     when a no_fix_planned remediation names it.
//   - known_not_affected: not affected.
//
// Red Hat's impact rating ("Important") per product becomes the
// statement's own severity word; the document's CVSS vectors the
// advisory's.
package csaf

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/package-url/packageurl-go"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	"github.com/bulwark-sec/bulwark/internal/vercmp/rpmver"
)

// PublisherURL is the folder of Red Hat's VEX documents, with
// archive_latest.txt naming the current archive of all of them.
const PublisherURL = "https://security.access.redhat.com/data/csaf/v2/vex"

// Limits on hostile input. Real documents reach a few MiB (kernel CVEs list
// thousands of products); the archive is about 400 MiB uncompressed.
const (
	MaxDocumentSize  = 64 << 20
	MaxArchiveTotal  = 16 << 30
	maxProducts      = 1_000_000
	maxRelationDepth = 8
)

// Ecosystem names the RHEL release a statement is about.
func Ecosystem(major string) string { return "Red Hat:" + major }

type document struct {
	Document struct {
		Category          string `json:"category"`
		CSAFVersion       string `json:"csaf_version"`
		Title             string `json:"title"`
		AggregateSeverity struct {
			Text string `json:"text"`
		} `json:"aggregate_severity"`
		Tracking struct {
			ID                 string `json:"id"`
			InitialReleaseDate string `json:"initial_release_date"`
			CurrentReleaseDate string `json:"current_release_date"`
			Status             string `json:"status"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		Branches      []branch `json:"branches"`
		Relationships []struct {
			Category        string `json:"category"`
			FullProductName struct {
				ProductID string `json:"product_id"`
			} `json:"full_product_name"`
			ProductReference          string `json:"product_reference"`
			RelatesToProductReference string `json:"relates_to_product_reference"`
		} `json:"relationships"`
	} `json:"product_tree"`
	Vulnerabilities []struct {
		CVE           string `json:"cve"`
		ProductStatus struct {
			Fixed            []string `json:"fixed"`
			KnownAffected    []string `json:"known_affected"`
			KnownNotAffected []string `json:"known_not_affected"`
		} `json:"product_status"`
		Remediations []struct {
			Category   string   `json:"category"`
			URL        string   `json:"url"`
			ProductIDs []string `json:"product_ids"`
		} `json:"remediations"`
		Scores []struct {
			CVSSV3 *struct {
				VectorString string `json:"vectorString"`
			} `json:"cvss_v3"`
			CVSSV2 *struct {
				VectorString string `json:"vectorString"`
			} `json:"cvss_v2"`
			CVSSV4 *struct {
				VectorString string `json:"vectorString"`
			} `json:"cvss_v4"`
		} `json:"scores"`
		Threats []struct {
			Category   string   `json:"category"`
			Details    string   `json:"details"`
			ProductIDs []string `json:"product_ids"`
		} `json:"threats"`
	} `json:"vulnerabilities"`
}

type branch struct {
	Category string   `json:"category"`
	Name     string   `json:"name"`
	Product  *product `json:"product"`
	Branches []branch `json:"branches"`
}

type product struct {
	ProductID string `json:"product_id"`
	Helper    struct {
		CPE  string `json:"cpe"`
		PURL string `json:"purl"`
	} `json:"product_identification_helper"`
}

// component is a product of the tree that is a package.
type component struct {
	name, evr, arch string
	module          string // from a pkg:rpmmod purl or an rpmmod qualifier
	isModule        bool   // the product is a module stream itself
}

var (
	// cpe:/o:redhat:enterprise_linux:9, cpe:/a:redhat:enterprise_linux:9::appstream
	rhelCPE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^cpe:/[ao]:redhat:enterprise_linux:([0-9]+)(?:$|:)`) })
	// Extended and update-services streams pin a minor release; their
	// fixes are not the mainline's.
	pinnedStream = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[.-])(?:EUS|AUS|TUS|E4S)(?:$|[.-])`) })
	// curl-0:7.76.1-26.el9_3.2.src
	nevra   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+)-([0-9]+):([^-:]+)-([^-:]+)\.([A-Za-z0-9_]+)$`) })
	cveRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`) })
	rhsaRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/errata/(RH[SBE]A-[0-9]{4}:[0-9]+)$`) })
	nameRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`) })
	errNotA = errors.New("not a CSAF VEX document")
)

// key identifies one statement: release, module stream, package.
type key struct{ major, module, name string }

// ParseDocument parses one CSAF VEX document. It returns nil (and no error)
// for a document without statements about RHEL rpms.
func ParseDocument(data []byte) (*advisory.Advisory, error) {
	var doc document
	if err := feed.DecodeRecord(data, MaxDocumentSize, "document", &doc); err != nil {
		return nil, fmt.Errorf("csaf: %w", err)
	}
	if doc.Document.Category != "csaf_vex" || !strings.HasPrefix(doc.Document.CSAFVersion, "2.") {
		return nil, fmt.Errorf("csaf: %w (category %.20q, csaf_version %.10q)", errNotA, doc.Document.Category, doc.Document.CSAFVersion)
	}
	if len(doc.Vulnerabilities) != 1 {
		return nil, fmt.Errorf("csaf: a VEX document has one vulnerability, this one %d", len(doc.Vulnerabilities))
	}
	v := &doc.Vulnerabilities[0]
	cve := strings.TrimSpace(v.CVE)
	if cve == "" {
		cve = strings.TrimSpace(doc.Document.Tracking.ID)
	}
	if !cveRE().MatchString(cve) {
		return nil, fmt.Errorf("csaf: vulnerability %.40q is not a CVE id", cve)
	}
	t, err := newTree(&doc)
	if err != nil {
		return nil, fmt.Errorf("csaf: %s: %w", cve, err)
	}
	a := &advisory.Advisory{ID: "REDHAT-" + cve, Aliases: []string{cve}, Source: "redhat-csaf", Summary: summary(doc.Document.Title)}
	a.Published, _ = time.Parse(time.RFC3339, doc.Document.Tracking.InitialReleaseDate)
	a.Modified, _ = time.Parse(time.RFC3339, doc.Document.Tracking.CurrentReleaseDate)
	a.Published, a.Modified = a.Published.UTC(), a.Modified.UTC()
	for _, s := range v.Scores {
		for _, sc := range []struct {
			typ string
			vec *struct {
				VectorString string `json:"vectorString"`
			}
		}{{"CVSS_V4", s.CVSSV4}, {"CVSS_V3", s.CVSSV3}, {"CVSS_V2", s.CVSSV2}} {
			if sc.vec != nil && sc.vec.VectorString != "" && len(sc.vec.VectorString) <= 512 {
				st := advisory.Score{Type: sc.typ, Score: sc.vec.VectorString}
				if !slices.Contains(a.Severity, st) {
					a.Severity = append(a.Severity, st)
				}
			}
		}
	}
	if w := strings.TrimSpace(doc.Document.AggregateSeverity.Text); w != "" && len(w) <= 32 {
		a.Severity = append(a.Severity, advisory.Score{Type: "URGENCY", Score: w})
	}
	impact := map[string]string{}
	for _, th := range v.Threats {
		if th.Category == "impact" && th.Details != "" && len(th.Details) <= 32 {
			for _, id := range th.ProductIDs {
				impact[id] = th.Details
			}
		}
	}
	noFix := map[string]bool{}
	for _, r := range v.Remediations {
		switch r.Category {
		case "vendor_fix":
			if m := rhsaRE().FindStringSubmatch(r.URL); m != nil && !slices.Contains(a.Aliases, m[1]) {
				a.Aliases = append(a.Aliases, m[1])
			}
		case "no_fix_planned":
			for _, id := range r.ProductIDs {
				noFix[id] = true
			}
		}
	}

	type stmt struct {
		status   advisory.Status
		fixed    string
		severity string
		bySource bool // named by the source rpm
	}
	stmts := map[key]*stmt{}
	put := func(k key, s stmt) {
		cur := stmts[k]
		switch {
		case cur == nil:
		case cur.status == advisory.Fixed && s.status != advisory.Fixed:
			return // a fix in a mainline stream outweighs other statements
		case cur.status == advisory.Fixed && s.status == advisory.Fixed:
			if cur.bySource && !s.bySource {
				return
			}
			if cur.bySource == s.bySource && rpmver.Compare(cur.fixed, s.fixed) >= 0 {
				return
			}
		case cur.status == advisory.Unfixed && s.status == advisory.NotAffected:
			return
		}
		stmts[k] = &s
	}
	// Fixed: group by platform stream so a stream without a source rpm
	// can fall back to its binary rpms.
	type group struct {
		src map[key]string
		bin map[key]string
		sev map[key]string
	}
	groups := map[string]*group{}
	for _, id := range v.ProductStatus.Fixed {
		major, platform, c, ok := t.resolve(id)
		if !ok || c.evr == "" || c.isModule {
			continue
		}
		g := groups[platform]
		if g == nil {
			g = &group{src: map[key]string{}, bin: map[key]string{}, sev: map[key]string{}}
			groups[platform] = g
		}
		k := key{major: major, module: c.module, name: c.name}
		m := g.bin
		if c.arch == "src" {
			m = g.src
		}
		if prev, ok := m[k]; !ok || rpmver.Compare(c.evr, prev) > 0 {
			m[k] = c.evr
		}
		if sev := impact[id]; sev != "" {
			g.sev[k] = sev
		}
	}
	platforms := make([]string, 0, len(groups))
	for p := range groups {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	for _, p := range platforms {
		g := groups[p]
		m, bySource := g.src, true
		if len(m) == 0 {
			m, bySource = g.bin, false
		}
		for k, evr := range m {
			put(k, stmt{status: advisory.Fixed, fixed: evr, severity: g.sev[k], bySource: bySource})
		}
	}
	for _, set := range []struct {
		ids    []string
		status advisory.Status
	}{{v.ProductStatus.KnownAffected, advisory.Unfixed}, {v.ProductStatus.KnownNotAffected, advisory.NotAffected}} {
		for _, id := range set.ids {
			major, _, c, ok := t.resolve(id)
			if !ok || c.isModule {
				continue
			}
			st := set.status
			if st == advisory.Unfixed && noFix[id] {
				st = advisory.WillNotFix
			}
			put(key{major: major, module: c.module, name: c.name}, stmt{status: st, severity: impact[id], bySource: true})
		}
	}
	keys := make([]key, 0, len(stmts))
	for k := range stmts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.major != b.major {
			return a.major < b.major
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.module < b.module
	})
	for _, k := range keys {
		s := stmts[k]
		af := advisory.Affected{Ecosystem: Ecosystem(k.major), Package: k.name, Status: s.status, Module: k.module}
		if s.status == advisory.Fixed {
			af.Ranges = []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: s.fixed}}}}
		}
		if s.severity != "" {
			af.Severity = []advisory.Score{{Type: "URGENCY", Score: s.severity}}
		}
		a.Affected = append(a.Affected, af)
	}
	if len(a.Affected) == 0 {
		return nil, nil
	}
	return a, nil
}

// tree indexes a document's product tree.
type tree struct {
	platforms  map[string]string    // product id → RHEL major
	components map[string]component // product id → package
	relations  map[string][2]string // full product id → (component ref, relates-to ref)
}

func newTree(doc *document) (*tree, error) {
	t := &tree{platforms: map[string]string{}, components: map[string]component{}, relations: map[string][2]string{}}
	n := 0
	var walk func(bs []branch, depth int) error
	walk = func(bs []branch, depth int) error {
		if depth > 16 {
			return errors.New("product tree nested too deep")
		}
		for i := range bs {
			b := &bs[i]
			if n++; n > maxProducts {
				return fmt.Errorf("more than %d products", maxProducts)
			}
			if p := b.Product; p != nil && p.ProductID != "" {
				if m := rhelCPE().FindStringSubmatch(p.Helper.CPE); m != nil && !pinnedStream().MatchString(p.ProductID) {
					t.platforms[p.ProductID] = m[1]
				} else if c, ok := parseComponent(p); ok {
					t.components[p.ProductID] = c
				}
			}
			if err := walk(b.Branches, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.ProductTree.Branches, 0); err != nil {
		return nil, err
	}
	for _, r := range doc.ProductTree.Relationships {
		if n++; n > maxProducts {
			return nil, fmt.Errorf("more than %d products", maxProducts)
		}
		if r.Category != "default_component_of" || r.FullProductName.ProductID == "" {
			continue
		}
		t.relations[r.FullProductName.ProductID] = [2]string{r.ProductReference, r.RelatesToProductReference}
	}
	return t, nil
}

// resolve follows a product id through its relationships to a RHEL
// platform and the package it is about; ok is false for other products.
func (t *tree) resolve(id string) (major, platform string, c component, ok bool) {
	rel, found := t.relations[id]
	if !found {
		return "", "", component{}, false
	}
	c, ok = t.components[rel[0]]
	if !ok {
		if c, ok = fromNEVRA(rel[0]); !ok {
			return "", "", component{}, false
		}
	}
	parent := rel[1]
	for depth := 0; depth < maxRelationDepth; depth++ {
		if m, ok := t.platforms[parent]; ok {
			return m, parent, c, true
		}
		prel, found := t.relations[parent]
		if !found {
			return "", "", component{}, false
		}
		// The component belongs to a module stream that belongs to the
		// platform.
		if mc, ok := t.components[prel[0]]; ok && mc.isModule && c.module == "" {
			c.module = mc.module
		}
		parent = prel[1]
	}
	return "", "", component{}, false
}

// parseComponent reads a package product from its purl: pkg:rpm/redhat/
// curl@7.76.1-26.el9_3.2?arch=src&epoch=1 (versionless for components
// named by affected statements), pkg:rpmmod/redhat/nodejs@18:8080…:63b3
// (a module stream) or pkg:rpmmod/redhat/nodejs:18/nodejs (a package of a
// stream).
func parseComponent(p *product) (component, bool) {
	if p.Helper.PURL == "" {
		return fromNEVRA(p.ProductID)
	}
	u, err := packageurl.FromString(p.Helper.PURL)
	if err != nil || !nameRE().MatchString(u.Name) {
		return component{}, false
	}
	q := u.Qualifiers.Map()
	switch u.Type {
	case "rpm":
		if u.Namespace != "redhat" {
			return component{}, false
		}
		c := component{name: u.Name, arch: q["arch"]}
		if u.Version != "" {
			if rpmver.Valid(u.Version) != nil {
				return component{}, false
			}
			c.evr = u.Version
			if e := q["epoch"]; e != "" && e != "0" && strings.Trim(e, "0123456789") == "" {
				c.evr = e + ":" + c.evr
			}
		}
		if mod := q["rpmmod"]; mod != "" {
			c.module = streamOf(mod)
		}
		return c, true
	case "rpmmod":
		if u.Namespace == "redhat" {
			// A module stream: name@stream:version:context.
			stream, _, _ := strings.Cut(u.Version, ":")
			if stream == "" {
				return component{}, false
			}
			return component{name: u.Name, module: u.Name + ":" + stream, isModule: true}, true
		}
		if mod, ok := strings.CutPrefix(u.Namespace, "redhat/"); ok && strings.Count(mod, ":") == 1 {
			return component{name: u.Name, module: mod}, true
		}
	}
	return component{}, false
}

// fromNEVRA reads a product id such as "curl-0:7.76.1-26.el9_3.2.src".
func fromNEVRA(s string) (component, bool) {
	m := nevra().FindStringSubmatch(s)
	if m == nil || !nameRE().MatchString(m[1]) {
		return component{}, false
	}
	evr := m[3] + "-" + m[4]
	if m[2] != "0" {
		evr = m[2] + ":" + evr
	}
	return component{name: m[1], evr: evr, arch: m[5]}, true
}

// streamOf turns "nodejs:18:8080020230822150807:63b34585" into "nodejs:18".
func streamOf(label string) string {
	parts := strings.SplitN(label, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	return parts[0] + ":" + parts[1]
}

func summary(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		s = s[:300]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// ParseDir parses every *.json document under root in fsys (a copy of the
// published folder, with its year subfolders).
func ParseDir(ctx context.Context, fsys fs.FS, root string) ([]*advisory.Advisory, error) {
	isJSON := func(p string) bool { return path.Ext(p) == ".json" }
	out, err := feed.ParseFiles(ctx, fsys, root, isJSON, MaxDocumentSize, ParseDocument)
	if err != nil {
		return nil, fmt.Errorf("csaf: parse dir: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ParseArchive parses the published archive of all documents
// (csaf_vex_<date>.tar.zst): a zstd-compressed tar of <year>/cve-….json.
func ParseArchive(ctx context.Context, r io.Reader) ([]*advisory.Advisory, error) {
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
	if err != nil {
		return nil, fmt.Errorf("csaf: open archive: %w", err)
	}
	defer zr.Close()
	lr := &io.LimitedReader{R: zr, N: MaxArchiveTotal + 1}
	tr := tar.NewReader(lr)
	var out []*advisory.Advisory
	for n := 0; ; n++ {
		if n%256 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("csaf: %w", context.Cause(ctx))
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return nil, fmt.Errorf("csaf: archive is over %d bytes uncompressed", int64(MaxArchiveTotal))
			}
			return nil, fmt.Errorf("csaf: read archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg || path.Ext(h.Name) != ".json" {
			continue
		}
		if h.Size > MaxDocumentSize {
			return nil, fmt.Errorf("csaf: %s: %d bytes is over the %d-byte limit", h.Name, h.Size, MaxDocumentSize)
		}
		data, err := io.ReadAll(io.LimitReader(tr, MaxDocumentSize+1))
		if err != nil {
			return nil, fmt.Errorf("csaf: %s: %w", h.Name, err)
		}
		a, err := ParseDocument(data)
		if err != nil {
			return nil, fmt.Errorf("csaf: %s: %w", h.Name, err)
		}
		if a != nil {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
