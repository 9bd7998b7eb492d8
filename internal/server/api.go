package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/notify"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// Route is one API route, as documented in docs/openapi.yaml.
type Route struct {
	Method, Path string
}

// routeTable lists every route with its access rule; Routes exposes it
// for the documentation test.
func (s *Server) routeTable() []struct {
	Route
	need    access
	agentOK bool
	h       handlerFunc
} {
	type entry = struct {
		Route
		need    access
		agentOK bool
		h       handlerFunc
	}
	return []entry{
		{Route{"GET", "/healthz"}, public, false, s.healthz},
		{Route{"POST", "/api/v1/scans"}, submit, true, s.postScan},
		{Route{"GET", "/api/v1/scans"}, read, true, s.listScans},
		{Route{"GET", "/api/v1/scans/{id}"}, read, true, s.getScan},
		{Route{"GET", "/api/v1/scans/{id}/report"}, read, true, s.getScanReport},
		{Route{"GET", "/api/v1/diff"}, read, true, s.diff},
		{Route{"GET", "/api/v1/images"}, read, false, s.listImages},
		{Route{"GET", "/api/v1/images/{name...}"}, read, false, s.getImage},
		{Route{"GET", "/api/v1/findings"}, read, false, s.listFindings},
		{Route{"GET", "/api/v1/trends"}, read, false, s.trends},
		{Route{"GET", "/api/v1/hosts"}, read, false, s.listHosts},
		{Route{"GET", "/api/v1/hosts/{name}"}, read, true, s.getHost},
		{Route{"POST", "/api/v1/bench"}, submit, true, s.postBench},
		{Route{"GET", "/api/v1/bench/{id}"}, read, true, s.getBench},
		{Route{"POST", "/api/v1/scan-requests"}, submit, true, s.postScanRequest},
		{Route{"GET", "/api/v1/jobs"}, read, false, s.listJobs},
		{Route{"GET", "/api/v1/jobs/{id}"}, read, false, s.getJob},
		{Route{"GET", "/api/v1/status"}, read, false, s.status},
		{Route{"POST", "/api/v1/rematch"}, admin, false, s.postRematch},
		{Route{"GET", "/api/v1/tokens"}, admin, false, s.listTokens},
		{Route{"POST", "/api/v1/tokens"}, admin, false, s.postToken},
		{Route{"DELETE", "/api/v1/tokens/{id}"}, admin, false, s.deleteToken},
		{Route{"GET", "/api/v1/webhooks"}, admin, false, s.listWebhooks},
		{Route{"POST", "/api/v1/webhooks"}, admin, false, s.postWebhook},
		{Route{"DELETE", "/api/v1/webhooks/{id}"}, admin, false, s.deleteWebhook},
		{Route{"GET", "/api/v1/webhooks/{id}/deliveries"}, admin, false, s.listDeliveries},
		{Route{"POST", "/api/v1/runtime/alerts"}, submit, true, s.postRuntimeAlerts},
		{Route{"GET", "/api/v1/runtime/alerts"}, read, true, s.listRuntimeAlerts},
		{Route{"PUT", "/api/v1/runtime/models"}, submit, true, s.putRuntimeModels},
		{Route{"GET", "/api/v1/runtime/models"}, read, true, s.listRuntimeModels},
	}
}

// Routes lists the API routes (without /metrics and the dashboard).
func (s *Server) Routes() []Route {
	var out []Route
	for _, e := range s.routeTable() {
		out = append(out, e.Route)
	}
	return out
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	for _, e := range s.routeTable() {
		s.mux.Handle(e.Method+" "+e.Path, s.guard(e.need, e.agentOK, e.h))
	}
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.uiRoutes()
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	_ = writeJSON(w, status, map[string]string{"error": msg, "request_id": requestID(r.Context())})
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errf(http.StatusBadRequest, "bad id %q", r.PathValue("id"))
	}
	return id, nil
}

func queryInt(r *http.Request, name string, def, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return 0, errf(http.StatusBadRequest, "%s: want an integer from 0 to %d", name, max)
	}
	return n, nil
}

// hostFor decides which host a submission speaks for: an agent token's own
// host (any other is refused), or for an admin the ?host= parameter, else
// the fallback taken from the report.
func hostFor(r *http.Request, tok store.Token, fallback string) (string, error) {
	q := r.URL.Query().Get("host")
	if q == store.AnyHost {
		return "", errf(http.StatusBadRequest, "host %q is reserved", store.AnyHost)
	}
	if tok.Role == store.Agent && tok.Host == store.AnyHost {
		// A fleet agent token (one Secret for a whole DaemonSet): the
		// agent names its host, and reads nothing.
		if q == "" {
			return "", errf(http.StatusBadRequest, "a fleet agent token needs ?host= (bulwark agent --host)")
		}
		if len(q) > maxName {
			return "", errf(http.StatusBadRequest, "host name longer than %d bytes", maxName)
		}
		return q, nil
	}
	if tok.Role == store.Agent {
		if q != "" && q != tok.Host {
			return "", errf(http.StatusForbidden, "this agent token speaks for host %q only", tok.Host)
		}
		return tok.Host, nil
	}
	h := cmp.Or(q, fallback)
	if len(h) > maxName {
		return "", errf(http.StatusBadRequest, "host name longer than %d bytes", maxName)
	}
	return h, nil
}

// ownHost refuses an agent access to another host's data (a fleet agent
// token has no host of its own, so it reads none).
func ownHost(tok store.Token, host string) error {
	if tok.Role == store.Agent && (host != tok.Host || tok.Host == store.AnyHost) {
		return errf(http.StatusForbidden, "this agent token may read host %q only", tok.Host)
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	// A lookup of a job that cannot exist: one indexed read that proves
	// the store answers, however large it has grown.
	if _, err := s.st.Job(r.Context(), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return errf(http.StatusServiceUnavailable, "store unavailable: %v", err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// postScan stores a submitted json scan report as received.
func (s *Server) postScan(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	sc, err := ParseScan(body)
	if err != nil {
		return err
	}
	if sc.Host, err = hostFor(r, tok, ""); err != nil {
		return err
	}
	sc.Source = store.SourceAPI
	if tok.Role == store.Agent {
		sc.Source = store.SourceAgent
	}
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		if len(k) > 200 {
			return errf(http.StatusBadRequest, "Idempotency-Key longer than 200 bytes")
		}
		sc.Key = "submit:" + sc.Host + ":" + k
	}
	if sc.CreatedAt.IsZero() {
		sc.CreatedAt = time.Now().UTC()
	}
	stored, created, err := s.st.PutScan(r.Context(), sc, body)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.metrics.ingested.WithLabelValues("scan").Inc()
		if !sc.Matched && !s.db.builtAt().IsZero() {
			// An inventory without vulnerability data: match it here.
			if _, _, err := s.enqueue(r.Context(), store.Job{Kind: kindRematch, Key: fmt.Sprintf("rematch:%s:scan%d", stored.Image, stored.ID),
				Payload: mustJSON(rematchPayload{Image: stored.Image})}); err != nil {
				return err
			}
		}
	}
	stored.Findings = nil
	return writeJSON(w, status, stored)
}

func (s *Server) listScans(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	limit, err := queryInt(r, "limit", 100, 10000)
	if err != nil {
		return err
	}
	f := store.ScanFilter{Image: r.URL.Query().Get("image"), Host: r.URL.Query().Get("host"), Limit: limit}
	if tok.Role == store.Agent {
		if err := ownHost(tok, cmp.Or(f.Host, tok.Host)); err != nil {
			return err
		}
		f.Host = tok.Host
	}
	scans, err := s.st.Scans(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(scans))
}

func nonNilSlice[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (s *Server) scanFor(r *http.Request, tok store.Token, id int64) (store.Scan, error) {
	sc, err := s.st.Scan(r.Context(), id)
	if err != nil {
		return sc, err
	}
	return sc, ownHost(tok, sc.Host)
}

func (s *Server) getScan(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.scanFor(r, tok, id)
	if err != nil {
		return err
	}
	d, err := s.detail(r.Context(), sc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) getScanReport(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.scanFor(r, tok, id); err != nil {
		return err
	}
	rep, err := s.st.ScanReport(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(rep)
	return err
}

// diff compares two scans: findings added and fixed from "from" to "to".
func (s *Server) diff(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	var ids [2]int64
	for i, name := range []string{"from", "to"} {
		n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		if err != nil || n <= 0 {
			return errf(http.StatusBadRequest, "%s: want a scan id", name)
		}
		ids[i] = n
	}
	from, err := s.scanFor(r, tok, ids[0])
	if err != nil {
		return err
	}
	to, err := s.scanFor(r, tok, ids[1])
	if err != nil {
		return err
	}
	added, fixed := notify.Diff(from.Findings, to.Findings)
	fixed, unchecked := s.splitUnchecked(r.Context(), to, fixed)
	from.Findings, to.Findings = nil, nil
	return writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "new": nonNilSlice(added), "fixed": nonNilSlice(fixed),
		"no_longer_checked": nonNilSlice(unchecked)})
}

// splitUnchecked separates, from findings gone in scan to, those whose
// package to did not check for vulnerabilities: they are not fixed, only
// no longer looked at. A report that cannot be read back checked nothing.
func (s *Server) splitUnchecked(ctx context.Context, to store.Scan, gone []store.Finding) (fixed, unchecked []store.Finding) {
	if to.Coverage.Assessed == string(report.AssessedFull) || len(gone) == 0 {
		return gone, nil
	}
	var cov *report.Coverage
	if raw, err := s.st.ScanReport(ctx, to.ID); err == nil {
		if rep, err := report.ReadJSON(bytes.NewReader(raw)); err == nil {
			cov = &rep.Coverage
		}
	}
	return splitByCoverage(gone, cov)
}

// splitByCoverage keeps in fixed the findings whose package cov says was
// checked; a nil cov checked nothing.
func splitByCoverage(gone []store.Finding, cov *report.Coverage) (fixed, unchecked []store.Finding) {
	for _, f := range gone {
		if cov != nil && cov.PackageChecked(sbom.Type(f.Type), f.Package) {
			fixed = append(fixed, f)
		} else {
			unchecked = append(unchecked, f)
		}
	}
	return fixed, unchecked
}

func (s *Server) listImages(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	latest, err := s.st.LatestScans(r.Context())
	if err != nil {
		return err
	}
	slices.SortFunc(latest, func(a, b store.Scan) int {
		return cmp.Or(cmp.Compare(b.Counts.Critical, a.Counts.Critical), cmp.Compare(b.Counts.High, a.Counts.High),
			cmp.Compare(b.Counts.Total(), a.Counts.Total()), cmp.Compare(a.Image, b.Image))
	})
	return writeJSON(w, http.StatusOK, nonNilSlice(latest))
}

func (s *Server) getImage(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	name := r.PathValue("name")
	limit, err := queryInt(r, "limit", 200, 10000)
	if err != nil {
		return err
	}
	scans, err := s.st.Scans(r.Context(), store.ScanFilter{Image: name, Limit: limit})
	if err != nil {
		return err
	}
	if len(scans) == 0 {
		return errf(http.StatusNotFound, "no scans of image %q", name)
	}
	sc, err := s.st.Scan(r.Context(), scans[0].ID)
	if err != nil {
		return err
	}
	latest, err := s.detail(r.Context(), sc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"image": name, "latest": latest, "scans": scans})
}

// fleetFinding is one finding of one image's newest scan.
type fleetFinding struct {
	store.Finding
	Image  string `json:"image"`
	Host   string `json:"host,omitempty"`
	ScanID int64  `json:"scan_id"`
}

func (s *Server) listFindings(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 1000, 100000)
	if err != nil {
		return err
	}
	sev := q.Get("severity")
	latest, err := s.st.LatestScans(r.Context())
	if err != nil {
		return err
	}
	out := []fleetFinding{}
	for _, l := range latest {
		if img := q.Get("image"); img != "" && l.Image != img || l.Counts.Total() == 0 {
			continue
		}
		sc, err := s.st.Scan(r.Context(), l.ID)
		if err != nil {
			return err
		}
		for _, f := range sc.Findings {
			if sev == "" || f.Severity == sev {
				out = append(out, fleetFinding{Finding: f, Image: sc.Image, Host: sc.Host, ScanID: sc.ID})
			}
		}
	}
	rank := map[string]int{"critical": 4, "high": 3, "medium": 2, "low": 1}
	slices.SortFunc(out, func(a, b fleetFinding) int {
		return cmp.Or(cmp.Compare(rank[b.Severity], rank[a.Severity]), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Image, b.Image))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return writeJSON(w, http.StatusOK, out)
}

// TrendPoint is the fleet's findings at the end of one day: the sum over
// images of each image's newest scan up to then.
type TrendPoint struct {
	Day    string       `json:"day"`
	Images int          `json:"images"`
	Counts store.Counts `json:"counts"`
}

// Trends computes daily points from scans (any order) for the days days
// ending with the day of now.
func Trends(scans []store.Scan, days int, now time.Time) []TrendPoint {
	slices.SortFunc(scans, func(a, b store.Scan) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)) })
	today := now.UTC().Truncate(24 * time.Hour)
	start := today.AddDate(0, 0, -(days - 1))
	cur := map[string]store.Counts{}
	out := make([]TrendPoint, 0, days)
	i := 0
	for d := range days {
		end := start.AddDate(0, 0, d+1)
		for ; i < len(scans) && scans[i].CreatedAt.Before(end); i++ {
			cur[scans[i].Image] = scans[i].Counts
		}
		p := TrendPoint{Day: start.AddDate(0, 0, d).Format("2006-01-02"), Images: len(cur)}
		for _, c := range cur {
			p.Counts.Critical += c.Critical
			p.Counts.High += c.High
			p.Counts.Medium += c.Medium
			p.Counts.Low += c.Low
			p.Counts.Unknown += c.Unknown
		}
		out = append(out, p)
	}
	return out
}

func (s *Server) trends(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	days, err := queryInt(r, "days", 30, 366)
	if err != nil {
		return err
	}
	days = max(days, 1)
	scans, err := s.st.Scans(r.Context(), store.ScanFilter{Image: r.URL.Query().Get("image")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Trends(scans, days, time.Now()))
}

func (s *Server) listHosts(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	hosts, err := s.st.Hosts(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(hosts))
}

func (s *Server) getHost(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	name := r.PathValue("name")
	if err := ownHost(tok, name); err != nil {
		return err
	}
	h, err := s.st.Host(r.Context(), name)
	if err != nil {
		return err
	}
	runs, err := s.st.BenchRuns(r.Context(), name, 100)
	if err != nil {
		return err
	}
	scans, err := s.st.Scans(r.Context(), store.ScanFilter{Host: name, Limit: 500})
	if err != nil {
		return err
	}
	// The newest scan of each image seen on this host.
	seen := map[string]bool{}
	images := []store.Scan{}
	for _, sc := range scans {
		if !seen[sc.Image] {
			seen[sc.Image] = true
			images = append(images, sc)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"host": h, "bench_runs": nonNilSlice(runs), "images": images})
}

func (s *Server) postBench(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	br, reported, err := ParseBench(body)
	if err != nil {
		return err
	}
	if br.Host, err = hostFor(r, tok, reported); err != nil {
		return err
	}
	if br.Host == "" {
		return errf(http.StatusBadRequest, "no host: the report names none; pass ?host=")
	}
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		if len(k) > 200 {
			return errf(http.StatusBadRequest, "Idempotency-Key longer than 200 bytes")
		}
		br.Key = "submit:" + br.Host + ":" + k
	}
	if br.CreatedAt.IsZero() {
		br.CreatedAt = time.Now().UTC()
	}
	stored, created, err := s.st.PutBench(r.Context(), br, body)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.metrics.ingested.WithLabelValues("bench").Inc()
	}
	return writeJSON(w, status, stored)
}

func (s *Server) getBench(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	br, rep, err := s.st.BenchRun(r.Context(), id)
	if err != nil {
		return err
	}
	if err := ownHost(tok, br.Host); err != nil {
		return err
	}
	if !json.Valid(rep) {
		rep = []byte("null")
	}
	return writeJSON(w, http.StatusOK, map[string]any{"run": br, "report": json.RawMessage(rep)})
}

// postScanRequest queues a registry scan.
func (s *Server) postScanRequest(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	var req struct {
		Ref string `json:"ref"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return errf(http.StatusBadRequest, "body: want {\"ref\": \"registry/repo:tag\"}: %v", err)
	}
	parsed, err := reference.ParseAnyReference(req.Ref)
	if err != nil || len(req.Ref) > maxName {
		return errf(http.StatusBadRequest, "ref %q is not an image reference", req.Ref)
	}
	// A registry named by an address in a denied range is refused now;
	// names are judged when connections are made (package egress).
	if named, ok := parsed.(reference.Named); ok {
		dom := reference.Domain(named)
		host, _, err := net.SplitHostPort(dom)
		if err != nil {
			host = dom
		}
		if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
			if err := s.egress.Check(ip, s.egress.Listed(dom)); err != nil {
				return errf(http.StatusBadRequest, "registry %s is not allowed for server-side scans: loopback, private, link-local and reserved addresses need serve --scan-registry", dom)
			}
		}
	}
	host := tok.Host
	if host == store.AnyHost {
		host = ""
	}
	j := store.Job{Kind: kindScan, Payload: mustJSON(scanPayload{Ref: req.Ref, Host: host})}
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		if len(k) > 200 {
			return errf(http.StatusBadRequest, "Idempotency-Key longer than 200 bytes")
		}
		j.Key = fmt.Sprintf("request:%d:%s", tok.ID, k)
	}
	job, created, err := s.enqueue(r.Context(), j)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusAccepted
	}
	return writeJSON(w, status, job)
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	limit, err := queryInt(r, "limit", 100, 10000)
	if err != nil {
		return err
	}
	jobs, err := s.st.Jobs(r.Context(), store.JobFilter{State: r.URL.Query().Get("state"), Kind: r.URL.Query().Get("kind"), Limit: limit})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(jobs))
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, err := s.st.Job(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, j)
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	counts, err := s.st.JobCounts(r.Context())
	if err != nil {
		return err
	}
	if counts == nil {
		counts = map[string]int{}
	}
	st := map[string]any{"version": s.cfg.Version, "replica": s.cfg.ReplicaID, "started_at": s.started.UTC(), "jobs": counts}
	if b := s.db.builtAt(); !b.IsZero() {
		st["advisory_db_built_at"] = b
	}
	return writeJSON(w, http.StatusOK, st)
}

func (s *Server) postRematch(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	if _, err := s.db.refresh(r.Context()); err != nil {
		return err
	}
	n, err := s.RematchAll(r.Context())
	if err != nil {
		return errf(http.StatusConflict, "%v", err)
	}
	return writeJSON(w, http.StatusAccepted, map[string]int{"queued": n})
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	toks, err := s.st.ListTokens(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(toks))
}

// NewToken validates and creates a token, returning its secret (shown
// once).
func NewToken(r *http.Request, st store.Tokens, name string, role store.Role, host string) (store.Token, string, error) {
	if !store.ValidRole(role) {
		return store.Token{}, "", errf(http.StatusBadRequest, "role %q: want viewer, agent or admin", role)
	}
	if (role == store.Agent) != (host != "") {
		return store.Token{}, "", errf(http.StatusBadRequest, "agent tokens need a host, and only agent tokens have one")
	}
	if len(name) > maxName || len(host) > maxName {
		return store.Token{}, "", errf(http.StatusBadRequest, "name or host longer than %d bytes", maxName)
	}
	secret, hash := store.NewSecret()
	tok, err := st.CreateToken(r.Context(), store.Token{Name: name, Role: role, Host: host, Hash: hash})
	return tok, secret, err
}

func (s *Server) postToken(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	var req struct {
		Name string     `json:"name"`
		Role store.Role `json:"role"`
		Host string     `json:"host"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return errf(http.StatusBadRequest, "body: %v", err)
	}
	tok, secret, err := NewToken(r, s.st, req.Name, req.Role, req.Host)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "secret": secret})
}

func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.st.DeleteToken(r.Context(), id); err != nil {
		return err
	}
	s.tokens.forget()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	hooks, err := s.st.ListWebhooks(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(hooks))
}

func (s *Server) postWebhook(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	var req struct {
		URL             string `json:"url"`
		Secret          string `json:"secret"`
		RuntimePriority string `json:"runtime_priority"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return errf(http.StatusBadRequest, "body: %v", err)
	}
	if err := notify.CheckURL(req.URL); err != nil {
		return errf(http.StatusBadRequest, "%v", err)
	}
	if len(req.Secret) < 16 {
		return errf(http.StatusBadRequest, "secret: want at least 16 characters")
	}
	if req.RuntimePriority != "" {
		p, err := rules.ParsePriority(req.RuntimePriority)
		if err != nil {
			return errf(http.StatusBadRequest, "runtime_priority %q: want emergency, alert, critical, error, warning, notice, informational or debug", req.RuntimePriority)
		}
		req.RuntimePriority = p.String()
	}
	h, err := s.st.CreateWebhook(r.Context(), store.Webhook{URL: req.URL, Secret: req.Secret, RuntimePriority: req.RuntimePriority})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, h)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.st.DeleteWebhook(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request, _ store.Token) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100, 10000)
	if err != nil {
		return err
	}
	ds, err := s.st.Deliveries(r.Context(), id, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(ds))
}
