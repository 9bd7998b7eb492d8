package guard

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/ignore"
	"github.com/bulwark-sec/bulwark/internal/report"
)

var (
	fullID   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(sha256:)?[0-9a-f]{64}$`) })
	digested = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`@sha256:[0-9a-f]{64}$`) })
)

// image applies the image rules: digest pinning (from the request alone),
// then, with the engine's facts about the image, the root user, the
// registry allow-list and the scan gate.
func (e *eval) image(ctx context.Context, s *spec) ([]Violation, error) {
	p := e.c.p
	var vs []Violation
	if p.Images.RequireDigest && !fullID().MatchString(s.image) && !digested().MatchString(s.image) {
		vs = append(vs, Violation{policy.RuleDigest, fmt.Sprintf("image %q is not pinned by digest (images.require_digest)", s.image)})
	}
	// The user is the request's, else (a create without --user) the
	// image's USER; a name is resolved in the container's or the image's
	// /etc/passwd.
	checkUser := !p.Containers.AllowRootUser
	needUser := checkUser && s.user == "" && s.mounted == nil
	userInImage := false
	if checkUser && !needUser {
		switch {
		case !needsPasswd(s.user):
			vs = append(vs, rootViolation(s.user, "", resolveUser(s.user, passwdFile{}))...)
		case s.mounted != nil:
			eng, err := e.engine("user names (/etc/passwd)")
			if err != nil {
				return vs, err
			}
			if eng != nil {
				pw, err := containerPasswd(ctx, eng, s.mounted.ID)
				if err != nil {
					return vs, err
				}
				vs = append(vs, rootViolation(s.user, "", resolveUser(s.user, pw))...)
			}
		default:
			userInImage = true
		}
	}
	needImage := needUser || userInImage || len(p.Images.AllowedRegistries) > 0 || p.ScanGate.Enabled || p.Trust.Enabled
	if !needImage {
		return vs, nil
	}
	ref := s.imageID
	if ref == "" {
		ref = s.image
	}
	if strings.TrimSpace(ref) == "" {
		return append(vs, Violation{policy.RuleRequestBody, "the request names no image"}), nil
	}
	eng, err := e.engine("image rules (user, registry, scan gate)")
	if err != nil || eng == nil {
		return vs, err
	}
	ins, err := e.g.images.inspect(ctx, eng, ref, e.g.opts.Now())
	if cerrdefs.IsNotFound(err) {
		// The daemon refuses to create from a missing image (the client
		// then pulls and asks again), and start re-judges by image ID.
		e.note("image %s is not present: image rules apply when it is", ref)
		return vs, nil
	}
	if err != nil {
		return vs, fmt.Errorf("inspecting image %s: %w", ref, err)
	}
	sum := e.summary()
	sum.ImageID = ins.ID
	if needUser || userInImage {
		u, from := s.user, ""
		if needUser {
			if ins.Config != nil {
				u = ins.Config.User
			}
			sum.User, from = u, s.image
		}
		pw := passwdFile{}
		if needsPasswd(u) {
			if pw, err = e.g.passwd.image(ctx, eng, ins.ID); err != nil {
				return vs, err
			}
		}
		vs = append(vs, rootViolation(u, from, resolveUser(u, pw))...)
	}
	if len(p.Images.AllowedRegistries) > 0 {
		if v := e.registry(ins.RepoDigests); v != nil {
			vs = append(vs, *v)
		}
	}
	if p.ScanGate.Enabled {
		v, err := e.gate(ctx, ins.ID, ins.RepoDigests, s.image)
		if err != nil {
			return vs, err
		}
		if v != nil {
			vs = append(vs, *v)
		}
	}
	if p.Trust.Enabled {
		vs = append(vs, e.trust(ctx, ins.RepoDigests, s.image)...)
	}
	return vs, nil
}

// registry: an image is from where it was pulled, which only its repo
// digests record (a local tag can say anything).
func (e *eval) registry(repoDigests []string) *Violation {
	var seen []string
	for _, rd := range repoDigests {
		n, err := reference.ParseNormalizedNamed(rd)
		if err != nil {
			continue
		}
		dom := reference.Domain(n)
		if e.c.registries[dom] {
			return nil
		}
		seen = append(seen, dom)
	}
	if len(seen) == 0 {
		if e.c.p.Images.AllowLocalImages {
			return nil
		}
		return &Violation{policy.RuleRegistry, "the image was not pulled from a registry (built or imported here) and images.allow_local_images is off"}
	}
	slices.Sort(seen)
	return &Violation{policy.RuleRegistry, fmt.Sprintf("the image comes from %s, not an allowed registry (images.allowed_registries)", strings.Join(slices.Compact(seen), ", "))}
}

// pull checks the registry of an image pull (fromImage), when the policy
// restricts registries.
func (e *eval) pull(r Route) []Violation {
	from := r.Query.Get("fromImage")
	if len(e.c.p.Images.AllowedRegistries) == 0 || from == "" {
		return nil
	}
	e.summary().Image = from
	n, err := reference.ParseNormalizedNamed(from)
	if err != nil {
		return []Violation{{policy.RuleRequestURI, fmt.Sprintf("image pull of %q: %v", from, err)}}
	}
	if dom := reference.Domain(n); !e.c.registries[dom] {
		return []Violation{{policy.RuleRegistry, fmt.Sprintf("pulling from %s is not allowed (images.allowed_registries)", dom)}}
	}
	return nil
}

// build: the build's RUN steps share the host's network namespace with
// networkmode=host.
func (e *eval) build(r Route) []Violation {
	var vs []Violation
	if strings.EqualFold(r.Query.Get("networkmode"), "host") && !e.c.namespaces["network"] {
		vs = append(vs, Violation{policy.RuleHostNetwork, "building with --network host is not allowed (containers.allow_host_namespaces)"})
	}
	// version=2 is BuildKit behind /build: RUN --network=host and other
	// entitlements are in the Dockerfile and the session, not the query.
	if r.Query.Get("version") == "2" && !e.c.p.Builds.AllowBuildKit {
		vs = append(vs, Violation{policy.RuleBuildKit, "BuildKit builds are not allowed: their entitlements (network.host, security.insecure) cannot be judged (builds.allow_buildkit)"})
	}
	return vs
}

// gate is the scan gate: the image's latest scan (by image ID, else by a
// repo digest of the same image) must exist, have matched vulnerability
// data, be recent enough, hold no finding at or above the severity that
// the ignore file does not suppress, and have checked as much of the image
// for vulnerabilities as scan_gate.require_coverage asks (a scan that
// checked nothing lists no finding: without this it would read as clean).
func (e *eval) gate(ctx context.Context, id string, repoDigests []string, name string) (*Violation, error) {
	g := &e.c.p.ScanGate
	short := shortID(id)
	if e.c.scans == nil {
		return nil, errors.New("scan gate: no scan history configured")
	}
	var entry *history.Entry
	unverified := false
	for _, key := range append([]string{id}, repoDigests...) {
		en, err := e.c.scans.Latest(ctx, key)
		if errors.Is(err, history.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("scan gate: %w", err)
		}
		if key == id && !en.LayersVerified {
			// A configuration only declares its diff IDs: a scan that did
			// not check the layers against them may have read others.
			unverified = true
			continue
		}
		if en.ImageID == "" || en.ImageID == id {
			entry = en
			break
		}
	}
	never := func(why string) *Violation {
		if !g.RequireScan {
			e.note("scan gate: image %s %s; scan_gate.require_scan is off", short, why)
			return nil
		}
		return &Violation{policy.RuleScanGate, fmt.Sprintf("image %s (%s) %s: run `bulwark scan` on it first (scan_gate.require_scan)", short, name, why)}
	}
	if entry == nil && unverified {
		return never("has no scan whose layers were checked against its configuration (scan it again with this version)"), nil
	}
	if entry == nil {
		return never("was never scanned"), nil
	}
	sum := e.summary()
	sum.ScannedAt = entry.ScannedAt
	if !entry.Matched {
		return never("has no scan with vulnerability data"), nil
	}
	if g.MaxAge.Duration > 0 && e.g.opts.Now().Sub(entry.ScannedAt) > g.MaxAge.Duration {
		return never(fmt.Sprintf("was last scanned %s, longer ago than %s", entry.ScannedAt.Format(time.RFC3339), g.MaxAge.Duration)), nil
	}
	ign, err := e.c.ignore.load()
	if err != nil {
		return nil, fmt.Errorf("scan gate: %w", err)
	}
	min := advisory.SeverityRank(g.Severity)
	var hits []string
	n := 0
	byKEV, byEPSS := false, false
	for _, f := range entry.Findings {
		kev, likely := g.KnownExploited && f.KnownExploited, g.EPSS > 0 && f.EPSS >= g.EPSS
		exploited := kev || likely
		if (advisory.SeverityRank(f.Severity) < min && !exploited) || f.Status == advisory.NotAffected {
			continue
		}
		if ign.Check(ignore.Finding{ID: f.ID, Aliases: f.Aliases, Package: f.Package, PURL: f.PURL, Paths: f.Paths}, e.g.opts.Now()).Suppressed {
			sum.Suppressed++
			continue
		}
		n++
		if advisory.SeverityRank(f.Severity) < min {
			byKEV, byEPSS = byKEV || kev, byEPSS || (likely && !kev)
		}
		if len(hits) < 3 {
			why := string(f.Severity)
			if f.KnownExploited && g.KnownExploited {
				why += ", known exploited"
			} else if g.EPSS > 0 && f.EPSS >= g.EPSS {
				why += fmt.Sprintf(", EPSS %.2f", f.EPSS)
			}
			hits = append(hits, fmt.Sprintf("%s (%s %s, %s)", f.ID, f.Package, f.Version, why))
		}
	}
	if n == 0 {
		return e.coverage(entry, short, name), nil
	}
	more := ""
	if n > len(hits) {
		more = fmt.Sprintf(" and %d more", n-len(hits))
	}
	what, keys := "at or above "+string(g.Severity), "scan_gate.severity"
	if byKEV {
		what, keys = what+" or known exploited", keys+", scan_gate.known_exploited"
	}
	if byEPSS {
		what, keys = what+fmt.Sprintf(" or with an EPSS score of at least %g", g.EPSS), keys+", scan_gate.epss"
	}
	return &Violation{policy.RuleScanGate, fmt.Sprintf("image %s (%s) has %d finding%s %s in its scan of %s: %s%s (%s)",
		short, name, n, plural(n, "", "s"), what, entry.ScannedAt.Format(time.RFC3339), strings.Join(hits, ", "), more, keys)}, nil
}

// coverage refuses a scan that checked less of the image than
// scan_gate.require_coverage asks.
func (e *eval) coverage(entry *history.Entry, short, name string) *Violation {
	want := e.c.p.ScanGate.RequireCoverage
	got := report.Assessment(entry.Assessment)
	switch {
	case want == policy.CoverageAny:
		return nil
	case got == report.AssessedFull:
		return nil
	case got == report.AssessedPartial && want == policy.CoveragePartial:
		return nil
	case got == "":
		return &Violation{policy.RuleScanGate, fmt.Sprintf("image %s (%s): its scan of %s does not record which packages were checked for vulnerabilities (made by an older Bulwark): scan it again (scan_gate.require_coverage)",
			short, name, entry.ScannedAt.Format(time.RFC3339))}
	}
	what := entry.Coverage
	if what == "" {
		what = fmt.Sprintf("%d packages not checked", entry.NotChecked)
	}
	return &Violation{policy.RuleScanGate, fmt.Sprintf("image %s (%s) was not fully checked for vulnerabilities in its scan of %s (coverage %s): %s (scan_gate.require_coverage: %s)",
		short, name, entry.ScannedAt.Format(time.RFC3339), got, what, want)}
}

func shortID(id string) string {
	s := strings.TrimPrefix(id, "sha256:")
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}

// rootViolation words the root-user rule for spec; from names the image
// whose USER it is ("" when the request set it).
func rootViolation(spec, from string, a userAnswer) []Violation {
	switch {
	case a.unjudged != "" && from != "":
		return []Violation{{policy.RuleRootUser, fmt.Sprintf("image %s's USER %q cannot be resolved (%s), so whether it is root cannot be judged (containers.allow_root_user)", from, spec, a.unjudged)}}
	case a.unjudged != "":
		return []Violation{{policy.RuleRootUser, fmt.Sprintf("user %q cannot be resolved (%s), so whether it is root cannot be judged (containers.allow_root_user)", spec, a.unjudged)}}
	case a.root && from != "":
		return []Violation{{policy.RuleRootUser, fmt.Sprintf("image %s runs as root (USER %q) and the request sets no --user (containers.allow_root_user)", from, spec)}}
	case a.root:
		return []Violation{{policy.RuleRootUser, fmt.Sprintf("running as root (user %q, uid 0) is not allowed (containers.allow_root_user)", spec)}}
	}
	return nil
}
