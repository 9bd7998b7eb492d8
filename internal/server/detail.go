package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// ScanDetail is one scan as the scan and image pages need it: the indexed
// record with its vulnerabilities, and the misconfigurations and secrets of
// its report. Every list is present, empty when there is nothing (the
// dashboard iterates them; a missing list is not "none").
type ScanDetail struct {
	store.Scan
	Findings          []store.Finding `json:"findings"`
	Misconfigurations []ConfigFinding `json:"misconfigurations"`
	Secrets           []ConfigFinding `json:"secrets"`
}

// ConfigFinding is a misconfiguration or a secret, as compact as a table
// row: the rule, its severity and title, and where it was found.
type ConfigFinding struct {
	ID          string `json:"id"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	Where       string `json:"where"`
	Remediation string `json:"remediation"`
}

// detail loads the misconfigurations and secrets of sc's stored report.
// Reports were checked when they were submitted; one that no longer
// decodes gives empty lists rather than a failed page.
func (s *Server) detail(ctx context.Context, sc store.Scan) (ScanDetail, error) {
	d := ScanDetail{Scan: sc, Findings: nonNilSlice(sc.Findings), Misconfigurations: []ConfigFinding{}, Secrets: []ConfigFinding{}}
	d.Scan.Findings = nil
	raw, err := s.st.ScanReport(ctx, sc.ID)
	if err != nil {
		return d, fmt.Errorf("server: report of scan %d: %w", sc.ID, err)
	}
	var rep struct {
		Findings []finding.Finding `json:"findings"`
	}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&rep); err != nil {
		s.log.WarnContext(ctx, "server: stored report does not decode", "scan", sc.ID, "err", err)
		return d, nil
	}
	for _, f := range rep.Findings {
		c := ConfigFinding{ID: clipName(f.ID), Severity: string(f.Severity), Title: clipName(f.Title), Where: clipName(where(f.Evidence)), Remediation: clipName(f.Remediation)}
		if f.Class == finding.Secret {
			d.Secrets = append(d.Secrets, c)
		} else {
			d.Misconfigurations = append(d.Misconfigurations, c)
		}
	}
	return d, nil
}

// where names the place of a misconfiguration or secret.
func where(e finding.Evidence) string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d", e.Path, e.Line)
	case e.Path != "":
		return e.Path
	case e.Key != "":
		return "config " + e.Key
	case e.History != "":
		return "history: " + e.History
	}
	return ""
}

// clipName bounds a string taken from a submitted report.
func clipName(s string) string {
	if len(s) <= maxName {
		return s
	}
	return strings.ToValidUTF8(s[:maxName], "")
}
