package vulndb

import (
	"slices"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// mergeCVEs folds the enrichment feeds' statements into one CVEInfo per
// CVE: every distinct severity statement, the KEV entry with the earliest
// date added, the EPSS score of the latest scoring date (the highest when
// two feeds give the same date).
func mergeCVEs(in []*advisory.CVEInfo) map[string]*advisory.CVEInfo {
	out := make(map[string]*advisory.CVEInfo, len(in))
	for _, ci := range in {
		if ci == nil || ci.ID == "" {
			continue
		}
		m := out[ci.ID]
		if m == nil {
			m = &advisory.CVEInfo{ID: ci.ID}
			out[ci.ID] = m
		}
		for _, s := range ci.Severity {
			if !slices.Contains(m.Severity, s) {
				m.Severity = append(m.Severity, s)
			}
		}
		if ci.KEV != nil {
			if m.KEV == nil || ci.KEV.DateAdded < m.KEV.DateAdded {
				k := *ci.KEV
				if m.KEV != nil && k.DueDate == "" {
					k.DueDate, k.Ransomware = m.KEV.DueDate, m.KEV.Ransomware
				}
				m.KEV = &k
			} else if m.KEV.DueDate == "" {
				// A CVE record's CISA container dates the listing; the
				// catalog adds the due date and ransomware use.
				k := *m.KEV
				k.DueDate, k.Ransomware = ci.KEV.DueDate, ci.KEV.Ransomware
				m.KEV = &k
			}
		}
		if ci.EPSS != nil && (m.EPSS == nil || ci.EPSS.Date > m.EPSS.Date ||
			(ci.EPSS.Date == m.EPSS.Date && ci.EPSS.Score > m.EPSS.Score)) {
			p := *ci.EPSS
			m.EPSS = &p
		}
	}
	return out
}

// join gives every advisory what the enrichment feeds say about the CVEs
// it names (its id and aliases): their severity statements (origin CNA,
// ADP or NVD, so the severity rule can rank them against the advisory's
// own), the KEV entry added first and the highest EPSS score. Advisories
// are replaced by copies; the parsers' values are not modified.
func join(byID map[string]*advisory.Advisory, cves map[string]*advisory.CVEInfo) {
	if len(cves) == 0 {
		return
	}
	for id, a := range byID {
		var infos []*advisory.CVEInfo
		for _, c := range a.CVEs() {
			if ci := cves[c]; ci != nil {
				infos = append(infos, ci)
			}
		}
		if len(infos) == 0 {
			continue
		}
		m := *a
		m.Severity = slices.Clip(a.Severity)
		for _, ci := range infos {
			for _, s := range ci.Severity {
				if !slices.Contains(m.Severity, s) {
					m.Severity = append(m.Severity, s)
				}
			}
			if ci.KEV != nil && (m.KEV == nil || ci.KEV.DateAdded < m.KEV.DateAdded) {
				m.KEV = ci.KEV
			}
			if ci.EPSS != nil && (m.EPSS == nil || ci.EPSS.Score > m.EPSS.Score) {
				m.EPSS = ci.EPSS
			}
		}
		byID[id] = &m
	}
}
