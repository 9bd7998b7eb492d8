// Package bench is the engine of `bulwark bench`, the CIS Docker Benchmark
// audit: the check model, check selection, the report and its score.
//
// # Data flow
//
// Package facts gathers everything the audit reads (host files under a host
// root, the dockerd command line and daemon.json, audit rules, Engine API
// answers) once, into a JSON-serialisable [facts.Snapshot]. Package checks
// holds one pure function per CIS recommendation over that snapshot. [Run]
// selects checks ([Selection]), evaluates each against the snapshot and
// returns a [Report], which renders as JSON (the public contract, versioned by
// [SchemaVersion]) or as a table grouped by section. Because checks only see
// the snapshot, an audit recorded on one machine can be replayed anywhere.
package bench

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// SchemaVersion versions the JSON report. Bump the minor version when fields
// are added and the major version when fields change meaning or disappear.
const SchemaVersion = "1.0"

// Benchmark names the CIS document whose numbering the check ids follow.
const Benchmark = "CIS Docker Benchmark v1.6.0"

// Status is the verdict of one check.
type Status string

const (
	// Pass: the recommendation is met.
	Pass Status = "pass"
	// Warn: the recommendation is not met.
	Warn Status = "warn"
	// Info: nothing to judge (not applicable, or figures for a human).
	Info Status = "info"
	// Note: the recommendation needs a manual review; Details says what to do.
	Note Status = "note"
	// Skip: the input the check needs could not be read; Details says why.
	Skip Status = "skip"
)

// Check is one CIS recommendation.
type Check struct {
	ID      string // CIS v1.6.0 number, such as "5.4"
	Section string // section heading, such as "5 Container runtime"
	Title   string
	// Level is the CIS profile (1 or 2); 0 for checks outside the CIS
	// profiles (the community extras C.x).
	Level int
	// Scored checks count towards the score: +1 on pass, -1 on warn. The set
	// follows docker-bench-security so scores are comparable.
	Scored bool
	// Automated is false for recommendations that need a human (the result
	// is a Note explaining what to look at).
	Automated   bool
	Remediation string
	// Eval judges the snapshot. It must not panic on any snapshot, including
	// an empty one, and reports unreadable inputs as Skip.
	Eval func(s *facts.Snapshot) Outcome
}

// Outcome is what a check's Eval returns.
type Outcome struct {
	Status  Status
	Details string   // one line: why this status
	Items   []string // the offending (or reviewed) objects, one per entry
}

// Result is one evaluated check, as reported.
type Result struct {
	ID          string   `json:"id"`
	IDv180      string   `json:"id_v1_8_0,omitempty"`
	Section     string   `json:"section"`
	Title       string   `json:"title"`
	Level       int      `json:"level"`
	Scored      bool     `json:"scored"`
	Automated   bool     `json:"automated"`
	Status      Status   `json:"status"`
	Details     string   `json:"details"`
	Items       []string `json:"items,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
}

// Score sums a report. Score is docker-bench-security's figure: +1 for each
// scored pass, -1 for each scored warn. Passed/Verdicts is the share of
// checks with a verdict (pass or warn) that passed.
type Score struct {
	Score    int `json:"score"`
	Passed   int `json:"passed"`
	Verdicts int `json:"verdicts"`
	Total    int `json:"total"`
	Pass     int `json:"pass"`
	Warn     int `json:"warn"`
	Info     int `json:"info"`
	Note     int `json:"note"`
	Skip     int `json:"skip"`
}

// Report is the outcome of one audit.
type Report struct {
	SchemaVersion string      `json:"schema_version"`
	Benchmark     string      `json:"benchmark"`
	Tool          Tool        `json:"tool"`
	Host          HostSummary `json:"host"`
	StartedAt     time.Time   `json:"started_at"`
	FinishedAt    time.Time   `json:"finished_at"`
	Results       []Result    `json:"results"`
	Score         Score       `json:"score"`
}

// Tool names the program that produced the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HostSummary identifies the audited host and engine.
type HostSummary struct {
	Hostname      string `json:"hostname,omitempty"`
	DockerVersion string `json:"docker_version,omitempty"`
	DockerHost    string `json:"docker_host,omitempty"`
	HostRoot      string `json:"host_root,omitempty"`
}

// Run evaluates the checks sel selects against s, in catalogue order.
func Run(checks []Check, sel Selection, s *facts.Snapshot) Report {
	rep := Report{
		SchemaVersion: SchemaVersion,
		Benchmark:     Benchmark,
		StartedAt:     s.GatheredAt,
		Host: HostSummary{
			Hostname:      s.Engine.Info.Name,
			DockerVersion: s.Engine.Version.Version,
			DockerHost:    s.Engine.Host,
			HostRoot:      s.HostRoot,
		},
	}
	for _, c := range checks {
		if !sel.Match(c) {
			continue
		}
		rep.Results = append(rep.Results, Evaluate(c, s))
	}
	SortResults(rep.Results)
	rep.Score = ScoreOf(rep.Results)
	rep.FinishedAt = time.Now().UTC()
	return rep
}

// Evaluate runs one check, turning a panic in its Eval into a Skip so that
// one faulty check cannot end the audit.
func Evaluate(c Check, s *facts.Snapshot) (r Result) {
	r = Result{
		ID: c.ID, IDv180: IDv180(c.ID), Section: c.Section, Title: c.Title, Level: c.Level,
		Scored: c.Scored, Automated: c.Automated,
	}
	defer func() {
		if p := recover(); p != nil {
			r.Status, r.Details, r.Items = Skip, fmt.Sprintf("internal error in check: %v", p), nil
		}
	}()
	o := Outcome{Status: Skip, Details: "check has no evaluator"}
	if c.Eval != nil {
		o = c.Eval(s)
	}
	r.Status, r.Details, r.Items = o.Status, o.Details, o.Items
	if r.Status != Pass {
		r.Remediation = c.Remediation
	}
	return r
}

// ScoreOf sums results.
func ScoreOf(rs []Result) Score {
	var sc Score
	for _, r := range rs {
		sc.Total++
		switch r.Status {
		case Pass:
			sc.Pass++
			if r.Scored {
				sc.Score++
			}
		case Warn:
			sc.Warn++
			if r.Scored {
				sc.Score--
			}
		case Info:
			sc.Info++
		case Note:
			sc.Note++
		case Skip:
			sc.Skip++
		}
	}
	sc.Passed, sc.Verdicts = sc.Pass, sc.Pass+sc.Warn
	return sc
}

// IDv180 maps a v1.6.0 id to its number in CIS v1.8.0, which inserted a new
// 2.7 and shifted 2.7–2.18 down by one; other ids are unchanged. It returns ""
// when the number does not change.
func IDv180(id string) string {
	if id == "v1.8.0:2.7" {
		return "2.7"
	}
	sec, n, ok := strings.Cut(id, ".")
	if !ok || sec != "2" {
		return ""
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 7 || i > 18 {
		return ""
	}
	return "2." + strconv.Itoa(i+1)
}

// SortResults orders results by CIS number, comparing each dotted component
// numerically (5.2 < 5.10), with C.x after the numbered sections.
func SortResults(rs []Result) {
	slices.SortStableFunc(rs, func(a, b Result) int { return CompareIDs(a.ID, b.ID) })
}

// CompareIDs orders check ids as SortResults does.
func CompareIDs(a, b string) int {
	ka, kb := idKey(a), idKey(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if c := cmp.Compare(ka[i], kb[i]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(ka), len(kb)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// idKey turns "5.10" into [5 10], "v1.8.0:2.7" into [2 7 1] (just after the
// v1.6.0 2.7), and "C.5.3.1" into [1000 5 3 1].
func idKey(id string) []int {
	var key []int
	suffix := -1
	if rest, ok := strings.CutPrefix(id, "v1.8.0:"); ok {
		id, suffix = rest, 1
	}
	for i, p := range strings.Split(id, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			n = 1000
			if i > 0 {
				n = 0
			}
		}
		key = append(key, n)
	}
	if suffix >= 0 {
		key = append(key, suffix)
	}
	return key
}
