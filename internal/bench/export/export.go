// Package export turns a bench [bench.Report] into the format-neutral
// findings document, so the shared SARIF, JUnit and HTML writers (packages
// report/sarif, report/junit, report/html) render bench results too:
//
//	bench.Report ──Document──▶ findings.Document ──▶ sarif / junit / html
//
// Every result becomes one rule (the CIS recommendation) and one result: a
// warning fails, a pass passes, info, note and skip are skipped test cases
// in JUnit and level "none" or "note" in SARIF.
package export

import (
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
)

// Scale orders bench statuses for summaries, the ones that need attention
// first.
var Scale = []findings.Label{
	{Name: string(bench.Warn), Color: "#d1343a"},
	{Name: string(bench.Skip), Color: "#8e44ad"},
	{Name: string(bench.Note), Color: "#e8a33d"},
	{Name: string(bench.Info), Color: "#3b82c4"},
	{Name: string(bench.Pass), Color: "#2e9e5b"},
}

// Document converts a bench report.
func Document(r bench.Report) *findings.Document {
	subject := r.Host.Hostname
	if subject == "" {
		subject = r.Host.DockerHost
	}
	if subject == "" {
		subject = "docker host"
	}
	d := &findings.Document{
		Tool:           report.Tool{Name: r.Tool.Name, Version: r.Tool.Version},
		Kind:           "benchmark",
		Title:          r.Benchmark + " on " + subject,
		Subject:        subject,
		Created:        r.StartedAt,
		Scale:          Scale,
		Columns:        []string{"Check", "Status", "Level", "Title", "Details"},
		SeverityColumn: 1,
		Notes: []string{fmt.Sprintf("Score %d (+1 per scored pass, -1 per scored warn); %d of %d verdicts passed; %d info, %d note, %d skip.",
			r.Score.Score, r.Score.Passed, r.Score.Verdicts, r.Score.Info, r.Score.Note, r.Score.Skip)},
	}
	for _, res := range r.Results {
		level := levelOf(res.Status)
		tags := []string{"CIS", res.Section}
		if res.Level > 0 {
			tags = append(tags, fmt.Sprintf("level-%d", res.Level))
		}
		d.Rules = append(d.Rules, findings.Rule{
			ID: res.ID, Title: res.Title, Description: res.Title, Help: res.Remediation, Tags: tags, Level: ruleLevel(res),
		})
		msg := res.Details
		if len(res.Items) > 0 {
			msg += ": " + strings.Join(res.Items, "; ")
		}
		props := map[string]string{"status": string(res.Status), "scored": fmt.Sprint(res.Scored)}
		if res.Level > 0 {
			props["level"] = fmt.Sprint(res.Level)
		}
		if res.IDv180 != "" {
			props["id_v1_8_0"] = res.IDv180
		}
		d.Results = append(d.Results, findings.Result{
			RuleID:      res.ID,
			Severity:    string(res.Status),
			Level:       level,
			Outcome:     outcomeOf(res.Status),
			Group:       res.Section,
			Name:        res.ID + " " + res.Title,
			Message:     msg,
			Cells:       []string{res.ID, strings.ToUpper(string(res.Status)), levelText(res.Level), res.Title, msg},
			Fingerprint: subject + "/" + res.ID,
			Properties:  props,
		})
	}
	return d
}

func levelOf(s bench.Status) findings.Level {
	switch s {
	case bench.Warn:
		return findings.Warning
	case bench.Note, bench.Skip:
		return findings.Note
	}
	return findings.None
}

// ruleLevel is the default SARIF level of a recommendation: an error for
// scored Level 1 checks, a warning otherwise.
func ruleLevel(r bench.Result) findings.Level {
	if r.Scored && r.Level == 1 {
		return findings.Error
	}
	return findings.Warning
}

func outcomeOf(s bench.Status) findings.Outcome {
	switch s {
	case bench.Pass:
		return findings.Pass
	case bench.Warn:
		return findings.Fail
	}
	return findings.Skip
}

func levelText(l int) string {
	if l == 0 {
		return "-"
	}
	return fmt.Sprint(l)
}
