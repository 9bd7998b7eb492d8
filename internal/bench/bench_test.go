package bench

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

var ids = []string{"1.1.1", "1.1.10", "1.2.1", "2.1", "2.7", "v1.8.0:2.7", "2.10", "3.1", "5.1", "5.10", "5.2", "C.2", "C.5.3.1"}

func fixedChecks() []Check {
	var cs []Check
	for _, id := range ids {
		level := 1
		if id == "2.10" {
			level = 2
		}
		if id[0] == 'C' {
			level = 0
		}
		cs = append(cs, Check{ID: id, Level: level})
	}
	return cs
}

func TestSelection(t *testing.T) {
	tests := []struct {
		name             string
		include, exclude []string
		level            int
		want             []string
	}{
		{"default leaves out C.x", nil, nil, 0, []string{"1.1.1", "1.1.10", "1.2.1", "2.1", "2.7", "v1.8.0:2.7", "2.10", "3.1", "5.1", "5.10", "5.2"}},
		{"glob and id", []string{"2.1,5.*"}, nil, 0, []string{"2.1", "5.1", "5.10", "5.2"}},
		{"section prefix is not a string prefix", []string{"1.1.1"}, nil, 0, []string{"1.1.1"}},
		{"section", []string{"1.1"}, nil, 0, []string{"1.1.1", "1.1.10"}},
		{"exclude", []string{"5"}, []string{"5.1"}, 0, []string{"5.10", "5.2"}},
		{"level 1", []string{"2"}, nil, 1, []string{"2.1", "2.7"}},
		{"level 2 includes level 1", []string{"2"}, nil, 2, []string{"2.1", "2.7", "2.10"}},
		{"all adds C.x, case-insensitive", []string{"all"}, []string{"c.5.*", "1", "2", "3", "5"}, 0, []string{"v1.8.0:2.7", "C.2"}},
		{"new v1.8.0 check by id", []string{"v1.8.0:2.7"}, nil, 0, []string{"v1.8.0:2.7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := ParseSelection(tt.include, tt.exclude, tt.level)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range fixedChecks() {
				if sel.Match(c) {
					got = append(got, c.ID)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectionErrors(t *testing.T) {
	if _, err := ParseSelection([]string{"5.1;rm"}, nil, 0); err == nil {
		t.Error("bad character: no error")
	}
	if _, err := ParseSelection(nil, nil, 3); err == nil {
		t.Error("level 3: no error")
	}
	sel, _ := ParseSelection([]string{"5.1", "9.*"}, []string{"12"}, 0)
	if diff := cmp.Diff([]string{"9.*", "12"}, sel.Unmatched(fixedChecks())); diff != "" {
		t.Errorf("Unmatched (-want +got):\n%s", diff)
	}
}

func TestSortAndV180(t *testing.T) {
	got := slices.Clone(ids)
	slices.Reverse(got)
	slices.SortFunc(got, CompareIDs)
	want := []string{"1.1.1", "1.1.10", "1.2.1", "2.1", "2.7", "v1.8.0:2.7", "2.10", "3.1", "5.1", "5.2", "5.10", "C.2", "C.5.3.1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sort (-want +got):\n%s", diff)
	}
	for id, want := range map[string]string{"2.6": "", "2.7": "2.8", "2.18": "2.19", "v1.8.0:2.7": "2.7", "5.7": "", "2.x": ""} {
		if got := IDv180(id); got != want {
			t.Errorf("IDv180(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestScore(t *testing.T) {
	rs := []Result{
		{Status: Pass, Scored: true}, {Status: Pass, Scored: true}, {Status: Pass},
		{Status: Warn, Scored: true}, {Status: Warn}, {Status: Info, Scored: true}, {Status: Note}, {Status: Skip, Scored: true},
	}
	want := Score{Score: 1, Passed: 3, Verdicts: 5, Total: 8, Pass: 3, Warn: 2, Info: 1, Note: 1, Skip: 1}
	if diff := cmp.Diff(want, ScoreOf(rs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEvaluateRecoversAndFillsRemediation(t *testing.T) {
	boom := Check{ID: "9.9", Remediation: "fix", Eval: func(*facts.Snapshot) Outcome { panic("boom") }}
	r := Evaluate(boom, &facts.Snapshot{})
	if r.Status != Skip || !strings.Contains(r.Details, "boom") {
		t.Errorf("panicking check: %+v", r)
	}
	ok := Check{ID: "9.8", Remediation: "fix", Eval: func(*facts.Snapshot) Outcome { return Outcome{Status: Pass} }}
	if r := Evaluate(ok, &facts.Snapshot{}); r.Remediation != "" {
		t.Errorf("passing check carries remediation %q", r.Remediation)
	}
}

func goldenReport() Report {
	checks := []Check{
		{ID: "2.2", Section: "2 Docker daemon configuration", Title: "ICC off", Level: 1, Scored: true, Automated: true,
			Remediation: "Set icc false.", Eval: func(*facts.Snapshot) Outcome {
				return Outcome{Status: Warn, Details: "icc is on"}
			}},
		{ID: "1.1.1", Section: "1 Host configuration", Title: "Partition", Level: 1, Scored: true, Automated: true,
			Eval: func(*facts.Snapshot) Outcome { return Outcome{Status: Pass, Details: "own mount"} }},
		{ID: "2.8", Section: "2 Docker daemon configuration", Title: "Ulimits", Level: 1, Automated: true,
			Eval: func(*facts.Snapshot) Outcome { return Outcome{Status: Info, Details: "none\x1b[2J"} }},
		{ID: "5.4", Section: "5 Container runtime", Title: "Caps", Level: 1, Scored: true, Automated: true, Remediation: "Drop caps.",
			Eval: func(*facts.Snapshot) Outcome {
				return Outcome{Status: Warn, Details: "2 of 3 containers add capabilities", Items: []string{"a: adds SYS_ADMIN", "b: adds\nNET_ADMIN"}}
			}},
		{ID: "5.23", Section: "5 Container runtime", Title: "Exec", Level: 2,
			Eval: func(*facts.Snapshot) Outcome { return Outcome{Status: Note, Details: "review"} }},
	}
	s := &facts.Snapshot{GatheredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), HostRoot: "/"}
	s.Engine.Info.Name = "host1"
	s.Engine.Version.Version = "20.10.24"
	rep := Run(checks, Selection{}, s)
	rep.FinishedAt = rep.StartedAt.Add(time.Second)
	rep.Tool = Tool{Name: "bulwark", Version: "test"}
	return rep
}

func TestRenderGolden(t *testing.T) {
	rep := goldenReport()
	var js, table, color bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "report.json.golden"), js.Bytes())
	if err := WriteTable(&table, rep, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "report.txt.golden"), table.Bytes())
	if err := WriteTable(&color, rep, TableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(color.Bytes(), []byte("\x1b[31m[WARN]")) || bytes.Contains(table.Bytes(), []byte("\x1b")) {
		t.Error("colour codes: want them only with Color")
	}
	// The JSON is the contract: it must round-trip.
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
