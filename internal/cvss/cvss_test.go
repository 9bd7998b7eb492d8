package cvss

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

type example struct {
	vector string
	score  float64
	note   string
}

// readExamples reads "SCORE VECTOR # note" lines.
func readExamples(t *testing.T, name string) []example {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	for line := range strings.Lines(string(data)) {
		body, note, _ := strings.Cut(line, "#")
		fs := strings.Fields(body)
		if len(fs) == 0 {
			continue
		}
		score, err := strconv.ParseFloat(fs[0], 64)
		if err != nil || len(fs) != 2 {
			t.Fatalf("bad line %q", line)
		}
		out = append(out, example{fs[1], score, strings.TrimSpace(note)})
	}
	return out
}

// readRedHat reads "VECTOR - (SCORE,)" and "VECTOR - SCORE" lines.
func readRedHat(t *testing.T, name string) []example {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	for line := range strings.Lines(string(data)) {
		vec, rest, ok := strings.Cut(strings.TrimSpace(line), " - ")
		if !ok {
			continue
		}
		score, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ",)"), 64)
		if err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		out = append(out, example{vector: vec, score: score})
	}
	return out
}

func checkExamples(t *testing.T, exs []example, version Version, min int) {
	t.Helper()
	if len(exs) < min {
		t.Fatalf("only %d examples", len(exs))
	}
	for _, ex := range exs {
		v, err := Parse(ex.vector)
		if err != nil {
			t.Errorf("%s: %v", ex.note, err)
			continue
		}
		if v.Version() != version {
			t.Errorf("Parse(%q).Version() = %s, want %s", ex.vector, v.Version(), version)
		}
		if got := v.Score(); got != ex.score {
			t.Errorf("Score(%q) = %.1f, want %.1f (%s)", ex.vector, got, ex.score, ex.note)
		}
	}
}

func TestFIRSTExamplesV31(t *testing.T) {
	checkExamples(t, readExamples(t, "v31_examples.txt"), V31, 20)
}

func TestFIRSTExamplesV2(t *testing.T) {
	checkExamples(t, readExamples(t, "v2_examples.txt"), V2, 3)
}

func TestVectorsV40(t *testing.T) {
	checkExamples(t, readRedHat(t, "v40_vectors.txt"), V40, 60)
	checkExamples(t, readRedHat(t, "v40_threat_env.txt"), V40, 30)
}

func TestScore(t *testing.T) {
	tests := []struct {
		vector string
		want   float64
		rating Rating
	}{
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, Critical},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10, Critical},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, None},
		// v3.0 rounds with a plain ceiling, v3.1 with Roundup.
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Critical},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, None},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N/E:U/RL:O/RC:C", 5.3, Medium},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, High},
		{"(AV:N/AC:L/Au:N/C:C/I:C/A:C)", 10, High}, // v2 has no "critical"
		{"CVSS2#AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, Medium},
		{"AV:L/AC:L/Au:N/C:P/I:N/A:N/E:F/RL:OF/RC:C", 2.1, Low},
	}
	for _, tt := range tests {
		v, err := Parse(tt.vector)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.vector, err)
			continue
		}
		if got := v.Score(); got != tt.want {
			t.Errorf("Score(%q) = %v, want %v", tt.vector, got, tt.want)
		}
		if got := v.Rating(); got != tt.rating {
			t.Errorf("Rating(%q) = %v, want %v", tt.vector, got, tt.rating)
		}
	}
}

func TestRoundup31(t *testing.T) {
	// Specification Appendix A: Roundup(4.000002) is 4.1, Roundup(4.02) is
	// 4.1, Roundup(4.00) is 4.0.
	for in, want := range map[float64]float64{4.000002: 4.0, 4.02: 4.1, 4.00: 4.0, 4.1: 4.1, 9.9999: 10} {
		if got := roundup31(in); got != want {
			t.Errorf("roundup31(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":              `metric "" is not NAME:VALUE`,
		"CVSS:3.2/AV:N": "unsupported CVSS version",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H":                        "base metric A missing",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H":                "metric A given twice",
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H":                    `metric AV has invalid value "X"`,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1":               `unknown metric "ZZ"`,
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N": `metric SI has invalid value "S"`,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/":                   `metric "" is not NAME:VALUE`,
		"AV:N/AC:L/Au:N/C:P/I:P":                                          "base metric A missing",
		strings.Repeat("A", 600):                                          "longer than 512 bytes",
	} {
		_, err := Parse(in)
		if err == nil || !errors.Is(err, ErrVector) || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.40q) = %v, want an error about %q", in, err, want)
		}
	}
}

func TestRatingOf(t *testing.T) {
	for _, tt := range []struct {
		v     Version
		score float64
		want  Rating
	}{
		{V31, 0, None}, {V31, 0.1, Low}, {V31, 3.9, Low}, {V31, 4.0, Medium}, {V31, 6.9, Medium},
		{V31, 7.0, High}, {V31, 8.9, High}, {V31, 9.0, Critical}, {V40, 10, Critical},
		{V2, 0, Low}, {V2, 3.9, Low}, {V2, 4.0, Medium}, {V2, 7.0, High}, {V2, 10, High},
	} {
		if got := RatingOf(tt.v, tt.score); got != tt.want {
			t.Errorf("RatingOf(%s, %v) = %s, want %s", tt.v, tt.score, got, tt.want)
		}
	}
}

func TestSeverity(t *testing.T) {
	const (
		v31crit = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"                    // 9.8
		v31med  = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"                    // 6.1
		v30high = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"                    // 7.5
		v40low  = "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N" // 2.3
		v2high  = "AV:N/AC:L/Au:N/C:P/I:P/A:P"                                      // 7.5
	)
	tests := []struct {
		name     string
		scores   []advisory.Score
		want     advisory.Severity
		wantFrom string
	}{
		{"none", nil, advisory.UnknownSeverity, ""},
		{"v3 only", []advisory.Score{{Type: "CVSS_V3", Score: v31crit}}, advisory.Critical, "CVSS_V3 9.8"},
		{"v4 beats a higher v3", []advisory.Score{{Type: "CVSS_V3", Score: v31crit}, {Type: "CVSS_V4", Score: v40low}}, advisory.Low, "CVSS_V4 2.3"},
		{"v3.1 beats v3.0", []advisory.Score{{Type: "CVSS_V3", Score: v30high}, {Type: "CVSS_V3", Score: v31med}}, advisory.Medium, "CVSS_V3 6.1"},
		{"highest of one version", []advisory.Score{{Type: "CVSS_V3", Score: v31med}, {Type: "CVSS_V3", Score: v31crit}}, advisory.Critical, "CVSS_V3 9.8"},
		{"v3 beats v2", []advisory.Score{{Type: "CVSS_V2", Score: v2high}, {Type: "CVSS_V3", Score: v31med}}, advisory.Medium, "CVSS_V3 6.1"},
		{"v2 alone", []advisory.Score{{Type: "CVSS_V2", Score: v2high}}, advisory.High, "CVSS_V2 7.5"},
		{"CVSS beats urgency", []advisory.Score{{Type: "URGENCY", Score: "high"}, {Type: "CVSS_V3", Score: v31med}}, advisory.Medium, "CVSS_V3 6.1"},
		{"bad vector falls back", []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N"}, {Type: "URGENCY", Score: "medium"}}, advisory.Medium, "URGENCY medium"},
		{"type must match", []advisory.Score{{Type: "CVSS_V4", Score: v31crit}}, advisory.UnknownSeverity, ""},
		{"debian unimportant", []advisory.Score{{Type: "URGENCY", Score: "unimportant"}}, advisory.Low, "URGENCY unimportant"},
		{"debian low*", []advisory.Score{{Type: "URGENCY", Score: "low*"}}, advisory.Low, "URGENCY low"},
		{"debian not yet assigned", []advisory.Score{{Type: "URGENCY", Score: "not yet assigned"}}, advisory.UnknownSeverity, ""},
		{"debian end-of-life", []advisory.Score{{Type: "URGENCY", Score: "end-of-life"}}, advisory.UnknownSeverity, ""},
		{"ghsa", []advisory.Score{{Type: "URGENCY", Score: "MODERATE"}}, advisory.Medium, "URGENCY moderate"},
		{"ghsa critical", []advisory.Score{{Type: "URGENCY", Score: "CRITICAL"}}, advisory.Critical, "URGENCY critical"},
		{"most severe word", []advisory.Score{{Type: "URGENCY", Score: "low"}, {Type: "URGENCY", Score: "HIGH"}}, advisory.High, "URGENCY high"},
		{"unknown type", []advisory.Score{{Type: "OTHER", Score: "9.8"}}, advisory.UnknownSeverity, ""},
		{"zero score is low", []advisory.Score{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"}}, advisory.Low, "CVSS_V3 0.0"},
		// Origins, in the documented order.
		{"record before CNA", []advisory.Score{{Type: "CVSS_V3", Score: v31crit, Origin: advisory.OriginCNA, Ref: "CVE-1 x"}, {Type: "CVSS_V3", Score: v31med}},
			advisory.Medium, "CVSS_V3 6.1"},
		{"record v3 before CNA v4", []advisory.Score{{Type: "CVSS_V4", Score: v40low, Origin: advisory.OriginCNA}, {Type: "CVSS_V3", Score: v31crit}},
			advisory.Critical, "CVSS_V3 9.8"},
		{"CNA before ADP", []advisory.Score{{Type: "CVSS_V3", Score: v30high, Origin: advisory.OriginADP, Ref: "CVE-1 CISA-ADP"}, {Type: "CVSS_V3", Score: v31med, Origin: advisory.OriginCNA, Ref: "CVE-1 redhat"}},
			advisory.Medium, "CVSS_V3 6.1 (CVE-1 redhat)"},
		{"ADP before NVD", []advisory.Score{{Type: "CVSS_V3", Score: v31crit, Origin: advisory.OriginNVD, Ref: "CVE-1 NVD"}, {Type: "CVSS_V3", Score: v30high, Origin: advisory.OriginADP, Ref: "CVE-1 CISA-ADP"}},
			advisory.High, "CVSS_V3 7.5 (CVE-1 CISA-ADP)"},
		{"NVD before the distribution's word", []advisory.Score{{Type: "URGENCY", Score: "unimportant"}, {Type: "CVSS_V3", Score: v31crit, Origin: advisory.OriginNVD, Ref: "CVE-1 NVD"}},
			advisory.Critical, "CVSS_V3 9.8 (CVE-1 NVD)"},
		{"record word before CVE record word", []advisory.Score{{Type: "URGENCY", Score: "High", Origin: advisory.OriginCNA, Ref: "CVE-1 openssl"}, {Type: "URGENCY", Score: "Moderate"}},
			advisory.Medium, "URGENCY moderate"},
		{"CVE record word last", []advisory.Score{{Type: "URGENCY", Score: "Important", Origin: advisory.OriginCNA, Ref: "CVE-1 redhat"}},
			advisory.High, "URGENCY important (CVE-1 redhat)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, from := Severity(tt.scores)
			if diff := cmp.Diff([]string{string(tt.want), tt.wantFrom}, []string{string(got), from}); diff != "" {
				t.Errorf("Severity mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLookupTable checks the transcribed MacroVector table: 270 entries,
// every one a valid MacroVector, scores in (0, 10], and no score greater
// than that of a MacroVector one level more severe in any EQ.
func TestLookupTable(t *testing.T) {
	if len(lookup4()) != 270 {
		t.Fatalf("lookup4 has %d entries, want 270", len(lookup4()))
	}
	limits := [6]int{2, 1, 2, 2, 2, 1}
	for key, score := range lookup4() {
		var eq [6]int
		for i := range 6 {
			eq[i] = int(key[i] - '0')
			if eq[i] < 0 || eq[i] > limits[i] {
				t.Fatalf("bad MacroVector %q", key)
			}
		}
		if score <= 0 || score > 10 {
			t.Errorf("lookup4[%s] = %v", key, score)
		}
		for i := range 6 {
			if eq[i] == 0 {
				continue
			}
			up := eq
			up[i]--
			if s, ok := lookup4()[macroKey(up)]; ok && s < score {
				t.Errorf("lookup4[%s] = %v exceeds the more severe %s = %v", key, score, macroKey(up), s)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C/MAV:A",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/E:U/CR:L/MSI:S/MSA:S/U:Red",
		"AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"(AV:L/AC:H/Au:M/C:N/I:N/A:C/E:ND)",
		"", "CVSS:", "CVSS:3.1/", "CVSS:4.0/AV:N/AV:N",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		score := v.Score()
		if score < 0 || score > 10 || score != score {
			t.Fatalf("Score(%q) = %v", s, score)
		}
		if r := v.Rating(); r == "" {
			t.Fatalf("Rating(%q) empty", s)
		}
		// A parsed vector is canonical enough to parse again.
		if _, err := Parse(v.String()); err != nil {
			t.Fatalf("reparse %q: %v", s, err)
		}
	})
}

func BenchmarkScoreV40(b *testing.B) {
	v, err := Parse("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:L/SC:L/SI:L/SA:L/E:P/CR:M")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = v.Score()
	}
}
