// Package triage applies a team's decisions to a matched report before it
// is rendered and gated:
//
//	report.Vulnerabilities
//	  ─▶ --severity / --ignore-unfixed   removed (counted in filters.filtered;
//	                                     --severity also filters misconfiguration
//	                                     and secret findings)
//	  ─▶ ignore file (live entry)        moved to report.Suppressed
//	  ─▶ VEX not_affected / fixed        moved to report.Suppressed
//	  ─▶ what is left                    reported; counts for --fail-on
//
//	report.Findings (misconfigurations and secrets)
//	  ─▶ --severity                      removed (counted in filters.filtered)
//	  ─▶ ignore file (live entry)        moved to report.SuppressedFindings
//	  ─▶ what is left                    reported; counts for --fail-on
//
// VEX statements speak of vulnerabilities only, so they leave findings be.
//
// An ignore entry past its expiry date no longer suppresses: the finding
// stays reported with a Suppression marked Expired, so the report says
// why an accepted finding is back. Suppressed findings are kept, not
// dropped, so the json report remains a full record of what was assessed.
package triage

import (
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/ignore"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/vex"
)

// Options are the triage inputs. The zero value changes nothing.
type Options struct {
	// Severities keeps only findings of these severities (empty: all).
	Severities []advisory.Severity
	// IgnoreUnfixed drops findings without a fixed version.
	IgnoreUnfixed bool
	Ignore        *ignore.List
	VEX           []*vex.Document
	// Now decides ignore-entry expiry; zero means time.Now.
	Now time.Time
}

// Apply triages r, a normalized report, in place and tallies it again
// (report.Tally): it moves vulnerabilities and findings only.
func Apply(r *report.Report, o Options) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	f := &report.Filters{Severities: o.Severities, IgnoreUnfixed: o.IgnoreUnfixed}
	if o.Ignore != nil {
		f.IgnoreFile = o.Ignore.Path
	}
	for _, d := range o.VEX {
		f.VEX = append(f.VEX, d.Path)
	}
	img := image(r)
	kept := r.Vulnerabilities[:0:0]
	for _, v := range r.Vulnerabilities {
		if len(o.Severities) > 0 && !slices.Contains(o.Severities, v.Severity) {
			f.Filtered++
			continue
		}
		if o.IgnoreUnfixed && v.FixedVersion == "" {
			f.Filtered++
			continue
		}
		v.Suppression = nil
		if s := fromIgnore(o.Ignore, v, now); s != nil {
			v.Suppression = s
			if !s.Expired {
				r.Suppressed = append(r.Suppressed, v)
				continue
			}
		}
		if s := fromVEX(o.VEX, v, img); s != nil {
			v.Suppression = s
			r.Suppressed = append(r.Suppressed, v)
			continue
		}
		kept = append(kept, v)
	}
	r.Vulnerabilities = kept
	keptFindings := r.Findings[:0:0]
	for _, fd := range r.Findings {
		if len(o.Severities) > 0 && !slices.Contains(o.Severities, fd.Severity) {
			continue // not counted: Filtered is the vulnerability summary's
		}
		fd.Suppression = findingSuppression(o.Ignore, fd, now)
		if fd.Suppression != nil && !fd.Suppression.Expired {
			r.SuppressedFindings = append(r.SuppressedFindings, fd)
			continue
		}
		keptFindings = append(keptFindings, fd)
	}
	r.Findings = keptFindings
	if len(o.Severities) > 0 || o.IgnoreUnfixed || o.Ignore != nil || len(o.VEX) > 0 {
		r.Filters = f
	}
	r.Tally()
}

func fromIgnore(l *ignore.List, v report.Vulnerability, now time.Time) *report.Suppression {
	if l == nil {
		return nil
	}
	f := ignore.Finding{ID: v.ID, Aliases: v.Aliases, Package: v.Package.Name, PURL: v.Package.PURL}
	for _, loc := range v.Package.Locations {
		f.Paths = append(f.Paths, loc.Path)
	}
	return suppression(l, f, now)
}

// findingSuppression is the ignore verdict on a misconfiguration or
// secret: its rule id and, for path-scoped entries, its file.
func findingSuppression(l *ignore.List, fd finding.Finding, now time.Time) *report.Suppression {
	if l == nil {
		return nil
	}
	f := ignore.Finding{ID: fd.ID}
	if fd.Evidence.Path != "" {
		f.Paths = []string{fd.Evidence.Path}
	}
	return suppression(l, f, now)
}

func suppression(l *ignore.List, f ignore.Finding, now time.Time) *report.Suppression {
	verdict := l.Check(f, now)
	if verdict.Entry == nil {
		return nil
	}
	s := &report.Suppression{Kind: report.SuppressedByIgnore, Reason: verdict.Entry.Reason, Source: l.Path, Expired: verdict.Expired}
	if !verdict.Entry.Expires.IsZero() {
		s.Expires = verdict.Entry.Expires.Format("2006-01-02")
	}
	return s
}

func fromVEX(docs []*vex.Document, v report.Vulnerability, img vex.Image) *report.Suppression {
	if len(docs) == 0 {
		return nil
	}
	d := vex.Decide(docs, vex.Subject{Vulnerability: v.ID, Aliases: v.Aliases, PURL: v.Package.PURL, Image: img})
	if d.Statement == nil || !d.Statement.Status.Suppresses() {
		return nil
	}
	st := d.Statement
	reason := st.ImpactStatement
	if reason == "" {
		reason = st.StatusNotes
	}
	if reason == "" {
		reason = st.ActionStatement
	}
	return &report.Suppression{Kind: report.SuppressedByVEX, Reason: reason, Status: string(st.Status),
		Justification: st.Justification, Source: d.Document.Path, Statement: d.Document.ID}
}

// image names the target the way VEX products may name it.
func image(r *report.Report) vex.Image {
	t := r.Target
	img := vex.Image{Names: append([]string{t.Name}, t.RepoTags...)}
	img.Names = append(img.Names, t.RepoDigests...)
	if t.ID != "" {
		img.Digests = append(img.Digests, t.ID)
	}
	for _, d := range t.RepoDigests {
		if _, dg, ok := strings.Cut(d, "@"); ok {
			img.Digests = append(img.Digests, dg)
		}
	}
	return img
}
