// Package cvss parses CVSS vectors, scores them as the FIRST specifications
// define, and picks one severity for an advisory.
//
// # Data flow
//
// An advisory's severity statements ([advisory.Score]) come from the feeds:
// CVSS vectors (OSV severity[].score, e.g.
// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") and publisher words
// (Debian's urgency, GitHub's severity). [Parse] turns a vector into a
// [Vector]; [Vector.Score] computes its score (v2 and v3.x: the base score,
// with v3.1's Roundup and v3.0's rounding; v4.0: the score of the vector as
// written — CVSS-B, or CVSS-BT/BE/BTE when threat or environmental metrics
// are present — from the specification's MacroVector table and
// interpolation); [RatingOf] maps a score to a qualitative rating; and
// [Severity] reduces all statements to one [advisory.Severity].
//
// # Severity rule
//
// [Severity] reduces a finding's statements to one severity. Statements
// come from the advisory records that matched and, joined by CVE id when
// the database was built, from the CVE's record and NVD (each
// [advisory.Score] has an [advisory.Origin]). The first of these tiers
// that has a usable statement decides:
//
//  1. CVSS vectors of the matched records themselves (an OSV record's
//     severity, GitHub's or Ubuntu's CVSS, Red Hat's scores).
//  2. CVSS vectors of the CVE record's CNA container (the assigner's).
//  3. CVSS vectors of the CVE record's ADP containers (CISA's
//     vulnerability enrichment, "CISA-ADP").
//  4. CVSS vectors of NVD's analysis.
//  5. The publisher's own word on the matched records (Type "URGENCY"):
//     the distribution's rating of its package (Debian urgency, Ubuntu
//     priority, Red Hat / AlmaLinux / Rocky Linux "Important", "Moderate",
//     Amazon Linux severity) or GitHub's severity.
//  6. A text rating in the CVE record ("High" from OpenSSL's CNA,
//     "Important" from Red Hat's, CISA's).
//  7. Otherwise unknown.
//
// Within a CVSS tier the highest CVSS version present wins (4.0, then 3.1,
// then 3.0, then 2.0), and among several of that version the highest
// score. A Score's Type must match its vector ("CVSS_V4" with CVSS:4.0,
// "CVSS_V3" with CVSS:3.x, "CVSS_V2" with a v2 vector); others are
// ignored. The rating follows the version's scale: v3.x and v4.0
// none/low/medium/high/critical at 0.1/4.0/7.0/9.0, v2 NVD's
// low/medium/high at 4.0/7.0; a score of 0.0 ("none") is reported as low.
// Within a word tier the most severe word wins: Debian unimportant and low
// → low, medium → medium, high → high ("not yet assigned" and
// "end-of-life" are unknown); GitHub LOW, MODERATE, HIGH, CRITICAL; also
// critical, important (high), moderate (medium), negligible (low). Case
// and trailing "*" are ignored.
//
// The second result names the statement used: "CVSS_V3 9.8", "URGENCY
// medium", with its source when it was joined in ("CVSS_V3 7.5
// (CVE-2022-2509 CISA-ADP)"), or "" when none was.
package cvss

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// Version is a CVSS version.
type Version string

const (
	V2  Version = "2.0"
	V30 Version = "3.0"
	V31 Version = "3.1"
	V40 Version = "4.0"
)

// Rating is a qualitative severity rating.
type Rating string

const (
	None     Rating = "none"
	Low      Rating = "low"
	Medium   Rating = "medium"
	High     Rating = "high"
	Critical Rating = "critical"
)

// Severity converts a rating to the report's severity; "none" is low.
func (r Rating) Severity() advisory.Severity {
	switch r {
	case Critical:
		return advisory.Critical
	case High:
		return advisory.High
	case Medium:
		return advisory.Medium
	case Low, None:
		return advisory.Low
	}
	return advisory.UnknownSeverity
}

// RatingOf maps a score to the rating scale of a version: FIRST's scale for
// v3.x and v4.0, NVD's for v2 (which has no "critical" or "none").
func RatingOf(v Version, score float64) Rating {
	if v == V2 {
		switch {
		case score >= 7.0:
			return High
		case score >= 4.0:
			return Medium
		}
		return Low
	}
	switch {
	case score >= 9.0:
		return Critical
	case score >= 7.0:
		return High
	case score >= 4.0:
		return Medium
	case score > 0:
		return Low
	}
	return None
}

// Vector is a parsed CVSS vector.
type Vector struct {
	version Version
	metrics map[string]string
	raw     string
}

// ErrVector is wrapped by every parse error.
var ErrVector = errors.New("invalid CVSS vector")

// Version returns the vector's CVSS version.
func (v *Vector) Version() Version { return v.version }

// String returns the vector as it was parsed.
func (v *Vector) String() string { return v.raw }

// Rating is RatingOf(v.Version(), v.Score()).
func (v *Vector) Rating() Rating { return RatingOf(v.version, v.Score()) }

// Score returns the vector's score: the base score for v2 and v3.x, the
// score of the vector as written for v4.0.
func (v *Vector) Score() float64 {
	switch v.version {
	case V2:
		return score2(v.metrics)
	case V30, V31:
		return score3(v.metrics, v.version)
	}
	return score4(v.metrics)
}

// metricDef lists a metric's allowed values; base metrics are mandatory.
type metricDef struct {
	name   string
	values string // space-separated
	base   bool
}

var defs2 = []metricDef{
	{"AV", "L A N", true}, {"AC", "H M L", true}, {"Au", "M S N", true},
	{"C", "N P C", true}, {"I", "N P C", true}, {"A", "N P C", true},
	{"E", "U POC F H ND", false}, {"RL", "OF TF W U ND", false}, {"RC", "UC UR C ND", false},
	{"CDP", "N L LM MH H ND", false}, {"TD", "N L M H ND", false},
	{"CR", "L M H ND", false}, {"IR", "L M H ND", false}, {"AR", "L M H ND", false},
}

var defs3 = []metricDef{
	{"AV", "N A L P", true}, {"AC", "L H", true}, {"PR", "N L H", true}, {"UI", "N R", true},
	{"S", "U C", true}, {"C", "H L N", true}, {"I", "H L N", true}, {"A", "H L N", true},
	{"E", "X H F P U", false}, {"RL", "X U W T O", false}, {"RC", "X C R U", false},
	{"CR", "X H M L", false}, {"IR", "X H M L", false}, {"AR", "X H M L", false},
	{"MAV", "X N A L P", false}, {"MAC", "X L H", false}, {"MPR", "X N L H", false},
	{"MUI", "X N R", false}, {"MS", "X U C", false},
	{"MC", "X H L N", false}, {"MI", "X H L N", false}, {"MA", "X H L N", false},
}

var defs4 = []metricDef{
	{"AV", "N A L P", true}, {"AC", "L H", true}, {"AT", "N P", true}, {"PR", "N L H", true},
	{"UI", "N P A", true}, {"VC", "H L N", true}, {"VI", "H L N", true}, {"VA", "H L N", true},
	{"SC", "H L N", true}, {"SI", "H L N", true}, {"SA", "H L N", true},
	{"E", "X A P U", false},
	{"CR", "X H M L", false}, {"IR", "X H M L", false}, {"AR", "X H M L", false},
	{"MAV", "X N A L P", false}, {"MAC", "X L H", false}, {"MAT", "X N P", false},
	{"MPR", "X N L H", false}, {"MUI", "X N P A", false},
	{"MVC", "X H L N", false}, {"MVI", "X H L N", false}, {"MVA", "X H L N", false},
	{"MSC", "X H L N", false}, {"MSI", "X S H L N", false}, {"MSA", "X S H L N", false},
	{"S", "X N P", false}, {"AU", "X N Y", false}, {"R", "X A U I", false},
	{"V", "X D C", false}, {"RE", "X L M H", false}, {"U", "X Clear Green Amber Red", false},
}

// maxVectorLen bounds the input: the longest valid vector (v4.0 with every
// metric) is well under it.
const maxVectorLen = 512

// Parse parses a CVSS v2, v3.0, v3.1 or v4.0 vector. v3 and v4 vectors
// start with "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/"; a v2 vector has no
// prefix (NVD's "CVSS2#" prefix and surrounding parentheses are accepted).
// Metrics may come in any order; each at most once; base metrics are
// required.
func Parse(s string) (*Vector, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("cvss: parsing %q: %s: %w", truncate(s), fmt.Sprintf(format, args...), ErrVector)
	}
	if len(s) > maxVectorLen {
		return nil, bad("longer than %d bytes", maxVectorLen)
	}
	body := strings.TrimSpace(s)
	var (
		version Version
		defs    []metricDef
	)
	switch {
	case strings.HasPrefix(body, "CVSS:3.0/"):
		version, defs, body = V30, defs3, body[len("CVSS:3.0/"):]
	case strings.HasPrefix(body, "CVSS:3.1/"):
		version, defs, body = V31, defs3, body[len("CVSS:3.1/"):]
	case strings.HasPrefix(body, "CVSS:4.0/"):
		version, defs, body = V40, defs4, body[len("CVSS:4.0/"):]
	case strings.HasPrefix(body, "CVSS:"):
		return nil, bad("unsupported CVSS version")
	default:
		version, defs = V2, defs2
		body = strings.TrimPrefix(body, "CVSS2#")
		if strings.HasPrefix(body, "(") && strings.HasSuffix(body, ")") {
			body = body[1 : len(body)-1]
		}
	}
	metrics := make(map[string]string, len(defs))
	for part := range strings.SplitSeq(body, "/") {
		name, value, ok := strings.Cut(part, ":")
		if !ok {
			return nil, bad("metric %q is not NAME:VALUE", truncate(part))
		}
		def := findDef(defs, name)
		if def == nil {
			return nil, bad("unknown metric %q", truncate(name))
		}
		if _, dup := metrics[name]; dup {
			return nil, bad("metric %s given twice", name)
		}
		if !hasValue(def.values, value) {
			return nil, bad("metric %s has invalid value %q", name, truncate(value))
		}
		metrics[name] = value
	}
	for _, d := range defs {
		if _, ok := metrics[d.name]; d.base && !ok {
			return nil, bad("base metric %s missing", d.name)
		}
	}
	return &Vector{version: version, metrics: metrics, raw: s}, nil
}

func findDef(defs []metricDef, name string) *metricDef {
	for i := range defs {
		if defs[i].name == name {
			return &defs[i]
		}
	}
	return nil
}

func hasValue(values, v string) bool {
	if v == "" {
		return false
	}
	for w := range strings.SplitSeq(values, " ") {
		if w == v {
			return true
		}
	}
	return false
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// score2 is the CVSS v2 base equation.
func score2(m map[string]string) float64 {
	av := map[string]float64{"L": 0.395, "A": 0.646, "N": 1.0}[m["AV"]]
	ac := map[string]float64{"H": 0.35, "M": 0.61, "L": 0.71}[m["AC"]]
	au := map[string]float64{"M": 0.45, "S": 0.56, "N": 0.704}[m["Au"]]
	cia := map[string]float64{"N": 0, "P": 0.275, "C": 0.660}
	impact := 10.41 * (1 - (1-cia[m["C"]])*(1-cia[m["I"]])*(1-cia[m["A"]]))
	exploitability := 20 * av * ac * au
	f := 1.176
	if impact == 0 {
		f = 0
	}
	return round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f)
}

// round1 rounds to one decimal, half up; the epsilon absorbs binary
// representation error at exact halves.
func round1(x float64) float64 {
	return math.Floor(x*10+0.5+1e-9) / 10
}

// score3 is the CVSS v3.0/v3.1 base equation.
func score3(m map[string]string, v Version) float64 {
	changed := m["S"] == "C"
	av := map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m["AV"]]
	ac := map[string]float64{"L": 0.77, "H": 0.44}[m["AC"]]
	pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}[m["PR"]]
	if changed {
		pr = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}[m["PR"]]
	}
	ui := map[string]float64{"N": 0.85, "R": 0.62}[m["UI"]]
	cia := map[string]float64{"H": 0.56, "L": 0.22, "N": 0}
	iss := 1 - (1-cia[m["C"]])*(1-cia[m["I"]])*(1-cia[m["A"]])
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	exploitability := 8.22 * av * ac * pr * ui
	if impact <= 0 {
		return 0
	}
	total := impact + exploitability
	if changed {
		total = 1.08 * total
	}
	total = math.Min(total, 10)
	if v == V30 {
		return math.Ceil(total*10) / 10
	}
	return roundup31(total)
}

// roundup31 is CVSS v3.1's Roundup (specification Appendix A), which works
// on integers to avoid floating-point surprises.
func roundup31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// URGENCY words and the severities they map to.
var urgencies = map[string]advisory.Severity{
	"unimportant": advisory.Low,
	"negligible":  advisory.Low,
	"low":         advisory.Low,
	"medium":      advisory.Medium,
	"moderate":    advisory.Medium,
	"high":        advisory.High,
	"important":   advisory.High,
	"critical":    advisory.Critical,
}

// Severity picks one severity from a finding's statements; the package
// documentation states the rule. The second result names the statement
// used.
func Severity(scores []advisory.Score) (advisory.Severity, string) {
	for _, origin := range []advisory.Origin{advisory.OriginRecord, advisory.OriginCNA, advisory.OriginADP, advisory.OriginNVD} {
		if sev, from, ok := bestVector(scores, origin); ok {
			return sev, from
		}
	}
	if sev, from, ok := bestWord(scores, func(o advisory.Origin) bool { return o == advisory.OriginRecord }); ok {
		return sev, from
	}
	if sev, from, ok := bestWord(scores, func(o advisory.Origin) bool { return o != advisory.OriginRecord }); ok {
		return sev, from
	}
	return advisory.UnknownSeverity, ""
}

var vectorTypes = map[string][]Version{
	"CVSS_V2": {V2},
	"CVSS_V3": {V30, V31},
	"CVSS_V4": {V40},
}

// bestVector applies the CVSS rule to the statements of one origin.
func bestVector(scores []advisory.Score, origin advisory.Origin) (advisory.Severity, string, bool) {
	var (
		best      *Vector
		bestScore float64
		bestStmt  advisory.Score
	)
	for _, s := range scores {
		want, ok := vectorTypes[s.Type]
		if !ok || s.Origin != origin {
			continue
		}
		v, err := Parse(s.Score)
		if err != nil || !versionIn(v.version, want) {
			continue
		}
		sc := v.Score()
		if best == nil || versionRank(v.version) > versionRank(best.version) ||
			(v.version == best.version && sc > bestScore) {
			best, bestScore, bestStmt = v, sc, s
		}
	}
	if best == nil {
		return "", "", false
	}
	return RatingOf(best.version, bestScore).Severity(), withRef(fmt.Sprintf("%s %.1f", bestStmt.Type, bestScore), bestStmt.Ref), true
}

// bestWord applies the word rule to the statements whose origin is picked.
func bestWord(scores []advisory.Score, pick func(advisory.Origin) bool) (advisory.Severity, string, bool) {
	sev, word, ref := advisory.UnknownSeverity, "", ""
	for _, s := range scores {
		if s.Type != "URGENCY" || !pick(s.Origin) {
			continue
		}
		w := strings.ToLower(strings.TrimRight(strings.TrimSpace(s.Score), "*"))
		if u, ok := urgencies[w]; ok && (word == "" || advisory.SeverityRank(u) > advisory.SeverityRank(sev)) {
			sev, word, ref = u, w, s.Ref
		}
	}
	if word == "" {
		return "", "", false
	}
	return sev, withRef("URGENCY "+word, ref), true
}

func withRef(s, ref string) string {
	if ref == "" {
		return s
	}
	return s + " (" + ref + ")"
}

func versionIn(v Version, vs []Version) bool {
	for _, w := range vs {
		if v == w {
			return true
		}
	}
	return false
}

func versionRank(v Version) int {
	switch v {
	case V40:
		return 4
	case V31:
		return 3
	case V30:
		return 2
	}
	return 1
}
