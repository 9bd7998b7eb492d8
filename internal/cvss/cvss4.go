package cvss

import (
	"math"
	"strings"
	"sync"
)

// CVSS v4.0 scoring, following the specification (section 8) and its
// reference calculator step by step, in the same floating-point operation
// order so that results agree to the last bit before rounding.

// effective returns the value a metric takes part in scoring with: a
// modified (M*) metric overrides its base metric unless "X"; E not
// defined is A; CR, IR, AR not defined are H.
func effective(m map[string]string, metric string) string {
	v := m[metric]
	switch metric {
	case "E":
		if v == "" || v == "X" {
			return "A"
		}
		return v
	case "CR", "IR", "AR":
		if v == "" || v == "X" {
			return "H"
		}
		return v
	}
	if mv, ok := m["M"+metric]; ok && mv != "X" {
		return mv
	}
	if v == "" {
		return "X"
	}
	return v
}

// macroVector computes the EQ1..EQ6 levels (specification tables 24-29).
func macroVector(m map[string]string) [6]int {
	e := func(metric string) string { return effective(m, metric) }
	var eq [6]int
	av, pr, ui := e("AV"), e("PR"), e("UI")
	switch {
	case av == "N" && pr == "N" && ui == "N":
		eq[0] = 0
	case (av == "N" || pr == "N" || ui == "N") && av != "P":
		eq[0] = 1
	default:
		eq[0] = 2
	}
	if e("AC") != "L" || e("AT") != "N" {
		eq[1] = 1
	}
	vc, vi, va := e("VC"), e("VI"), e("VA")
	switch {
	case vc == "H" && vi == "H":
		eq[2] = 0
	case vc == "H" || vi == "H" || va == "H":
		eq[2] = 1
	default:
		eq[2] = 2
	}
	switch {
	case e("MSI") == "S" || e("MSA") == "S":
		eq[3] = 0
	case e("SC") == "H" || e("SI") == "H" || e("SA") == "H":
		eq[3] = 1
	default:
		eq[3] = 2
	}
	switch e("E") {
	case "P":
		eq[4] = 1
	case "U":
		eq[4] = 2
	}
	if !((e("CR") == "H" && vc == "H") || (e("IR") == "H" && vi == "H") || (e("AR") == "H" && va == "H")) {
		eq[5] = 1
	}
	return eq
}

func macroKey(eq [6]int) string {
	var b [6]byte
	for i, v := range eq {
		b[i] = byte('0' + v)
	}
	return string(b[:])
}

// lookupScore returns a MacroVector's score, or NaN when the MacroVector
// does not exist (as the reference calculator's undefined lookups).
func lookupScore(eq [6]int) float64 {
	for _, v := range eq {
		if v < 0 || v > 9 {
			return math.NaN()
		}
	}
	if s, ok := lookup4()[macroKey(eq)]; ok {
		return s
	}
	return math.NaN()
}

// Severity levels of each metric value, for the distance to the
// highest-severity vector of the MacroVector.
var levels4 = sync.OnceValue(func() map[string]map[string]float64 {
	return map[string]map[string]float64{
		"AV": {"N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3},
		"PR": {"N": 0.0, "L": 0.1, "H": 0.2},
		"UI": {"N": 0.0, "P": 0.1, "A": 0.2},
		"AC": {"L": 0.0, "H": 0.1},
		"AT": {"N": 0.0, "P": 0.1},
		"VC": {"H": 0.0, "L": 0.1, "N": 0.2},
		"VI": {"H": 0.0, "L": 0.1, "N": 0.2},
		"VA": {"H": 0.0, "L": 0.1, "N": 0.2},
		"SC": {"H": 0.1, "L": 0.2, "N": 0.3},
		"SI": {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
		"SA": {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
		"CR": {"H": 0.0, "M": 0.1, "L": 0.2},
		"IR": {"H": 0.0, "M": 0.1, "L": 0.2},
		"AR": {"H": 0.0, "M": 0.1, "L": 0.2},
	}
})

// distanceMetrics is the order the reference calculator computes them in.
var distanceMetrics = [...]string{"AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR"}

// maxParts holds every fragment of the max-vector tables parsed on first
// use: "AV:N/PR:N/UI:N" → {AV: N, PR: N, UI: N}.
var maxParts = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{}
	add := func(frags []string) {
		for _, f := range frags {
			m := map[string]string{}
			for kv := range strings.SplitSeq(f, "/") {
				if k, v, ok := strings.Cut(kv, ":"); ok {
					m[k] = v
				}
			}
			out[f] = m
		}
	}
	for _, l := range maxEQ1 {
		add(l)
	}
	for _, l := range maxEQ2 {
		add(l)
	}
	for _, row := range maxEQ3Q6 {
		for _, l := range row {
			add(l)
		}
	}
	for _, l := range maxEQ4 {
		add(l)
	}
	return out
})

// maxValue finds a metric's value in the fragments of one max vector.
func maxValue(metric string, frags ...string) string {
	for _, f := range frags {
		if v, ok := maxParts()[f][metric]; ok {
			return v
		}
	}
	return ""
}

func score4(m map[string]string) float64 {
	e := func(metric string) string { return effective(m, metric) }
	// No impact on any system: 0 (a shortcut of the specification).
	if e("VC") == "N" && e("VI") == "N" && e("VA") == "N" && e("SC") == "N" && e("SI") == "N" && e("SA") == "N" {
		return 0
	}
	eq := macroVector(m)
	value := lookupScore(eq)

	// Scores of the next lower MacroVector of each EQ (NaN if none).
	next := func(i, j int) [6]int { n := eq; n[i] += j; return n }
	lowerEQ1 := lookupScore(next(0, 1))
	lowerEQ2 := lookupScore(next(1, 1))
	var lowerEQ3EQ6 float64
	switch eq3, eq6 := eq[2], eq[5]; {
	case eq3 == 1 && eq6 == 1, eq3 == 0 && eq6 == 1:
		lowerEQ3EQ6 = lookupScore(next(2, 1))
	case eq3 == 1 && eq6 == 0:
		lowerEQ3EQ6 = lookupScore(next(5, 1))
	case eq3 == 0 && eq6 == 0:
		left, right := lookupScore(next(5, 1)), lookupScore(next(2, 1))
		// The higher of the two paths (a NaN compares false: right).
		if left > right {
			lowerEQ3EQ6 = left
		} else {
			lowerEQ3EQ6 = right
		}
	default:
		n := eq
		n[2]++
		n[5]++
		lowerEQ3EQ6 = lookupScore(n)
	}
	lowerEQ4 := lookupScore(next(3, 1))
	lowerEQ5 := lookupScore(next(4, 1))

	// The first highest-severity vector of the MacroVector that the scored
	// vector does not exceed, and the distances to it.
	var (
		mine   [len(distanceMetrics)]float64 // the scored vector's levels
		dist   = map[string]float64{}
		levels = levels4()
	)
	for k, metric := range distanceMetrics {
		mine[k] = levels[metric][e(metric)]
	}
	for _, m1 := range maxEQ1[eq[0]] {
		for _, m2 := range maxEQ2[eq[1]] {
			for _, m36 := range maxEQ3Q6[eq[2]][eq[5]] {
				for _, m4 := range maxEQ4[eq[3]] {
					fits := true
					for k, metric := range distanceMetrics {
						d := mine[k] - levels[metric][maxValue(metric, m1, m2, m36, m4)]
						dist[metric] = d
						if d < 0 {
							fits = false
						}
					}
					if fits {
						goto found
					}
				}
			}
		}
	}
found:
	distEQ1 := dist["AV"] + dist["PR"] + dist["UI"]
	distEQ2 := dist["AC"] + dist["AT"]
	distEQ3EQ6 := dist["VC"] + dist["VI"] + dist["VA"] + dist["CR"] + dist["IR"] + dist["AR"]
	distEQ4 := dist["SC"] + dist["SI"] + dist["SA"]

	const step = 0.1
	maxEQ1 := maxSeverityEQ1[eq[0]] * step
	maxEQ2 := maxSeverityEQ2[eq[1]] * step
	maxEQ3EQ6 := maxSeverityEQ3Q6[eq[2]][eq[5]] * step
	maxEQ4 := maxSeverityEQ4[eq[3]] * step

	n := 0
	var norm1, norm2, norm36, norm4, norm5 float64
	if avail := value - lowerEQ1; !math.IsNaN(avail) {
		n++
		norm1 = avail * (distEQ1 / maxEQ1)
	}
	if avail := value - lowerEQ2; !math.IsNaN(avail) {
		n++
		norm2 = avail * (distEQ2 / maxEQ2)
	}
	if avail := value - lowerEQ3EQ6; !math.IsNaN(avail) {
		n++
		norm36 = avail * (distEQ3EQ6 / maxEQ3EQ6)
	}
	if avail := value - lowerEQ4; !math.IsNaN(avail) {
		n++
		norm4 = avail * (distEQ4 / maxEQ4)
	}
	if avail := value - lowerEQ5; !math.IsNaN(avail) {
		// EQ5 has no distance within its MacroVector: it counts, adds 0.
		n++
		norm5 = avail * 0
	}
	mean := 0.0
	if n > 0 {
		mean = (norm1 + norm2 + norm36 + norm4 + norm5) / float64(n)
	}
	value -= mean
	value = math.Max(0, math.Min(10, value))
	// Round half up at one decimal, after lifting by an epsilon: the
	// interpolation can land one ULP below an x.x5 tie.
	return math.Floor((value+1e-6)*10+0.5) / 10
}
