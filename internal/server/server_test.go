package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func benchReport(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/bench-report.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAuth is acceptance 3 of the serve issue: no token → 401, a viewer
// cannot write, an agent cannot read other hosts' data or admin data.
func TestAuth(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	rep := demoReport(t)
	// Seed: one scan and one bench run from each agent host.
	for _, tok := range []string{f.agent1, f.agent2} {
		if code, b := f.do("POST", "/api/v1/scans", tok, rep); code != 201 {
			t.Fatalf("seed scan: %d %s", code, b)
		}
		if code, b := f.do("POST", "/api/v1/bench", tok, benchReport(t)); code != 201 {
			t.Fatalf("seed bench: %d %s", code, b)
		}
	}
	var h2scans []store.Scan
	f.getJSON("/api/v1/scans?host=h2", f.admin, &h2scans)
	var h2 struct {
		BenchRuns []store.BenchRun `json:"bench_runs"`
	}
	f.getJSON("/api/v1/hosts/h2", f.admin, &h2)
	if len(h2scans) != 1 || len(h2.BenchRuns) != 1 {
		t.Fatalf("seed: %d scans, %d bench runs on h2", len(h2scans), len(h2.BenchRuns))
	}
	scanH2, benchH2 := fmt.Sprint(h2scans[0].ID), fmt.Sprint(h2.BenchRuns[0].ID)
	var h1scans []store.Scan
	f.getJSON("/api/v1/scans?host=h1", f.admin, &h1scans)
	scanH1 := fmt.Sprint(h1scans[0].ID)
	fleet := f.mint(store.Agent, store.AnyHost)

	tests := []struct {
		name, method, path, token string
		body                      []byte
		want                      int
	}{
		{"no token, read", "GET", "/api/v1/images", "", nil, 401},
		{"no token, write", "POST", "/api/v1/scans", "", rep, 401},
		{"no token, admin", "GET", "/api/v1/tokens", "", nil, 401},
		{"unknown token", "GET", "/api/v1/images", "bwt_" + strings.Repeat("0", 64), nil, 401},
		{"not a bearer token", "GET", "/api/v1/images", "Basic abc", nil, 401},
		{"viewer reads images", "GET", "/api/v1/images", f.viewer, nil, 200},
		{"viewer reads any host", "GET", "/api/v1/hosts/h2", f.viewer, nil, 200},
		{"viewer cannot submit a scan", "POST", "/api/v1/scans", f.viewer, rep, 403},
		{"viewer cannot submit bench", "POST", "/api/v1/bench", f.viewer, benchReport(t), 403},
		{"viewer cannot request a scan", "POST", "/api/v1/scan-requests", f.viewer, []byte(`{"ref":"a/b:1"}`), 403},
		{"viewer cannot list tokens", "GET", "/api/v1/tokens", f.viewer, nil, 403},
		{"viewer cannot mint tokens", "POST", "/api/v1/tokens", f.viewer, []byte(`{"role":"admin"}`), 403},
		{"viewer cannot add webhooks", "POST", "/api/v1/webhooks", f.viewer, []byte(`{"url":"http://x/","secret":"0123456789abcdef"}`), 403},
		{"agent submits for itself", "POST", "/api/v1/scans", f.agent1, rep, 201},
		{"agent cannot submit for another host", "POST", "/api/v1/scans?host=h2", f.agent1, rep, 403},
		{"agent cannot submit bench for another host", "POST", "/api/v1/bench?host=h2", f.agent1, benchReport(t), 403},
		{"agent reads its host", "GET", "/api/v1/hosts/h1", f.agent1, nil, 200},
		{"agent cannot read another host", "GET", "/api/v1/hosts/h2", f.agent1, nil, 403},
		{"agent cannot read another host's scans", "GET", "/api/v1/scans?host=h2", f.agent1, nil, 403},
		{"agent reads its own scan", "GET", "/api/v1/scans/" + scanH1, f.agent1, nil, 200},
		{"agent cannot read another host's scan", "GET", "/api/v1/scans/" + scanH2, f.agent1, nil, 403},
		{"agent cannot read another host's report", "GET", "/api/v1/scans/" + scanH2 + "/report", f.agent1, nil, 403},
		{"agent cannot diff another host's scans", "GET", "/api/v1/diff?from=" + scanH1 + "&to=" + scanH2, f.agent1, nil, 403},
		{"agent cannot read another host's bench run", "GET", "/api/v1/bench/" + benchH2, f.agent1, nil, 403},
		{"agent cannot read the fleet", "GET", "/api/v1/images", f.agent1, nil, 403},
		{"agent cannot read fleet findings", "GET", "/api/v1/findings", f.agent1, nil, 403},
		{"agent cannot list hosts", "GET", "/api/v1/hosts", f.agent1, nil, 403},
		{"agent cannot list tokens", "GET", "/api/v1/tokens", f.agent1, nil, 403},
		{"agent cannot list webhooks", "GET", "/api/v1/webhooks", f.agent1, nil, 403},
		{"agent cannot read deliveries", "GET", "/api/v1/webhooks/1/deliveries", f.agent1, nil, 403},
		{"agent cannot re-match", "POST", "/api/v1/rematch", f.agent1, nil, 403},
		{"fleet agent submits for the host it names", "POST", "/api/v1/scans?host=node-7", fleet, rep, 201},
		{"fleet agent must name a host", "POST", "/api/v1/scans", fleet, rep, 400},
		{"nobody submits for host *", "POST", "/api/v1/scans?host=*", f.admin, rep, 400},
		{"fleet agent submits bench", "POST", "/api/v1/bench?host=node-7", fleet, benchReport(t), 201},
		{"fleet agent reads no host", "GET", "/api/v1/hosts/node-7", fleet, nil, 403},
		{"fleet agent reads no scans", "GET", "/api/v1/scans", fleet, nil, 403},
		{"fleet agent reads no host *", "GET", "/api/v1/hosts/*", fleet, nil, 403},
		{"admin lists tokens", "GET", "/api/v1/tokens", f.admin, nil, 200},
		{"admin submits for any host", "POST", "/api/v1/scans?host=ci", f.admin, rep, 201},
		{"health is public", "GET", "/healthz", "", nil, 200},
		{"metrics are public", "GET", "/metrics", "", nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, f.url+tc.path, bytes.NewReader(tc.body))
			if tc.token != "" {
				if strings.HasPrefix(tc.token, "Basic ") {
					req.Header.Set("Authorization", tc.token)
				} else {
					req.Header.Set("Authorization", "Bearer "+tc.token)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
			}
			if tc.want == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a Bearer challenge")
			}
		})
	}
	// The fleet token's reports are filed under the host it named.
	var node7 struct {
		BenchRuns []store.BenchRun `json:"bench_runs"`
		Images    []store.Scan     `json:"images"`
	}
	f.getJSON("/api/v1/hosts/node-7", f.admin, &node7)
	if len(node7.BenchRuns) != 1 || len(node7.Images) != 1 || node7.Images[0].Source != store.SourceAgent {
		t.Errorf("node-7: %+v", node7)
	}
	// Tokens are stored hashed only.
	toks, err := f.st.ListTokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.Hash != store.HashSecret(f.admin) && strings.Contains(tok.Hash, "bwt_") {
			t.Errorf("token %d stored in clear", tok.ID)
		}
	}
	// A revoked token stops working at once on this replica.
	var created struct {
		Token  store.Token `json:"token"`
		Secret string      `json:"secret"`
	}
	code, b := f.do("POST", "/api/v1/tokens", f.admin, []byte(`{"name":"tmp","role":"viewer"}`))
	if code != 201 || json.Unmarshal(b, &created) != nil || !strings.HasPrefix(created.Secret, "bwt_") {
		t.Fatalf("mint: %d %s", code, b)
	}
	if code, _ := f.do("GET", "/api/v1/images", created.Secret, nil); code != 200 {
		t.Fatalf("new token: %d", code)
	}
	if code, _ := f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.Token.ID), f.admin, nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := f.do("GET", "/api/v1/images", created.Secret, nil); code != 401 {
		t.Errorf("revoked token: %d, want 401", code)
	}
}

func TestSubmitAndQuery(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	rep := demoReport(t)
	code, b := f.do("POST", "/api/v1/scans", f.agent1, rep, "Idempotency-Key", "run-1")
	if code != 201 {
		t.Fatalf("submit: %d %s", code, b)
	}
	var sc store.Scan
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	want := store.Scan{ID: sc.ID, Key: "submit:h1:run-1", Image: "bulwark-demo/app:1.0", Host: "h1", Source: store.SourceAgent,
		OS: "debian 11", Matched: true, Packages: 10, Counts: store.Counts{Unknown: 7}, Coverage: store.ScanCoverage{Assessed: "full"}}
	if diff := cmp.Diff(want, sc, cmpIgnoreTimes); diff != "" {
		t.Errorf("stored scan (-want +got):\n%s", diff)
	}
	// The same submission again (a retry after a lost answer) is stored once.
	code, b = f.do("POST", "/api/v1/scans", f.agent1, rep, "Idempotency-Key", "run-1")
	var again store.Scan
	_ = json.Unmarshal(b, &again)
	if code != 200 || again.ID != sc.ID {
		t.Errorf("retried submission: %d id %d, want 200 id %d", code, again.ID, sc.ID)
	}
	// The report comes back byte for byte.
	code, got := f.do("GET", fmt.Sprintf("/api/v1/scans/%d/report", sc.ID), f.viewer, nil)
	if code != 200 || !bytes.Equal(got, rep) {
		t.Errorf("report: %d, %d bytes (want %d identical)", code, len(got), len(rep))
	}
	var detail store.Scan
	f.getJSON(fmt.Sprintf("/api/v1/scans/%d", sc.ID), f.viewer, &detail)
	var ids []string
	for _, x := range detail.Findings {
		ids = append(ids, x.ID+" "+x.Package)
	}
	slices.Sort(ids)
	wantIDs := []string{"DSA-5055-1 util-linux", "DSA-5122-1 gzip", "DSA-5147-1 dpkg", "DSA-5203-1 libgnutls30", "DSA-5218-1 zlib1g", "DSA-5343-1 libssl1.1", "DSA-5349-1 libgnutls30"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// Bench: the host takes the agent's name, not the report's.
	code, b = f.do("POST", "/api/v1/bench", f.agent1, benchReport(t))
	if code != 201 {
		t.Fatalf("bench: %d %s", code, b)
	}
	var hosts []store.Host
	f.getJSON("/api/v1/hosts", f.viewer, &hosts)
	if len(hosts) != 1 || hosts[0].Name != "h1" || hosts[0].Bench == nil || hosts[0].Bench.Score != -1 || hosts[0].Bench.Warn != 2 {
		t.Errorf("hosts %+v", hosts)
	}
	// An admin's bench report is filed under the host it names.
	if code, b := f.do("POST", "/api/v1/bench", f.admin, benchReport(t)); code != 201 {
		t.Fatalf("admin bench: %d %s", code, b)
	}
	var h struct {
		Host      store.Host       `json:"host"`
		BenchRuns []store.BenchRun `json:"bench_runs"`
	}
	f.getJSON("/api/v1/hosts/host1", f.viewer, &h)
	if len(h.BenchRuns) != 1 {
		t.Errorf("host1 runs %+v", h.BenchRuns)
	}
	var images []store.Scan
	f.getJSON("/api/v1/images", f.viewer, &images)
	if len(images) != 1 || images[0].ID != sc.ID {
		t.Errorf("images %+v", images)
	}
	var findings []map[string]any
	f.getJSON("/api/v1/findings?severity=unknown", f.viewer, &findings)
	if len(findings) != 7 {
		t.Errorf("%d fleet findings, want 7", len(findings))
	}
	var trend []server.TrendPoint
	f.getJSON("/api/v1/trends?days=7", f.viewer, &trend)
	if len(trend) != 7 || trend[6].Counts.Unknown != 7 || trend[6].Images != 1 {
		t.Errorf("trend %+v", trend)
	}
}

var cmpIgnoreTimes = cmp.FilterPath(func(p cmp.Path) bool {
	s := p.String()
	return s == "CreatedAt" || s == "DBBuiltAt" || s == "ImageID"
}, cmp.Ignore())

func TestBadInput(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true, MaxBody: 64 << 10})
	big := bytes.Repeat([]byte(" "), 65<<10)
	tests := []struct {
		name, method, path string
		body               []byte
		want               int
	}{
		{"not json", "POST", "/api/v1/scans", []byte("{"), 400},
		{"not a report", "POST", "/api/v1/scans", []byte(`{"a":1}`), 400},
		{"future major schema", "POST", "/api/v1/scans", []byte(`{"schema_version":"9.0.0","target":{"name":"x"}}`), 400},
		{"no target name", "POST", "/api/v1/scans", []byte(`{"schema_version":"1.2.0","target":{}}`), 400},
		{"bench: not a report", "POST", "/api/v1/bench", []byte(`[]`), 400},
		{"oversized body", "POST", "/api/v1/scans", big, 413},
		{"bad id", "GET", "/api/v1/scans/abc", nil, 400},
		{"missing scan", "GET", "/api/v1/scans/999", nil, 404},
		{"bad limit", "GET", "/api/v1/scans?limit=-1", nil, 400},
		{"bad ref", "POST", "/api/v1/scan-requests", []byte(`{"ref":"UPPER CASE!"}`), 400},
		{"bad webhook url", "POST", "/api/v1/webhooks", []byte(`{"url":"file:///etc/passwd","secret":"0123456789abcdef"}`), 400},
		{"short webhook secret", "POST", "/api/v1/webhooks", []byte(`{"url":"http://127.0.0.1:1/","secret":"x"}`), 400},
		{"agent token without host", "POST", "/api/v1/tokens", []byte(`{"role":"agent"}`), 400},
		{"unknown role", "POST", "/api/v1/tokens", []byte(`{"role":"root"}`), 400},
		{"diff without ids", "GET", "/api/v1/diff", nil, 400},
		{"missing image", "GET", "/api/v1/images/nope:1", nil, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, b := f.do(tc.method, tc.path, f.admin, tc.body)
			if code != tc.want {
				t.Errorf("%d %s, want %d", code, b, tc.want)
			}
			var e struct {
				Error     string `json:"error"`
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal(b, &e); err != nil || e.Error == "" || e.RequestID == "" {
				t.Errorf("error body %s", b)
			}
		})
	}
}

func TestRateLimitAndRequestID(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true, Rate: 1, Burst: 3})
	codes := []int{}
	for range 5 {
		code, _ := f.do("GET", "/api/v1/hosts", f.viewer, nil)
		codes = append(codes, code)
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429, 429}, codes); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	// Another token has its own bucket.
	if code, _ := f.do("GET", "/api/v1/hosts", f.admin, nil); code != 200 {
		t.Errorf("other token: %d", code)
	}
	// Unauthenticated guessing shares a per-address budget.
	var last int
	for range 5 {
		last, _ = f.do("GET", "/api/v1/hosts", "bwt_guess", nil)
	}
	if last != 429 {
		t.Errorf("repeated bad tokens: %d, want 429", last)
	}
	req, _ := http.NewRequest("GET", f.url+"/healthz", nil)
	req.Header.Set("X-Request-ID", "trace-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); got != "trace-123" {
		t.Errorf("request id %q", got)
	}
	req.Header.Set("X-Request-ID", "bad id <script>")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-ID"); !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(got) {
		t.Errorf("replaced request id %q", got)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	f.do("POST", "/api/v1/scans", f.agent1, demoReport(t))
	f.do("GET", "/api/v1/images", "", nil)
	_, b := f.do("GET", "/metrics", "", nil)
	for _, want := range []string{
		`bulwark_http_requests_total{code="201",method="POST",route="POST /api/v1/scans"} 1`,
		`bulwark_http_requests_total{code="401",method="GET",route="GET /api/v1/images"} 1`,
		`bulwark_reports_ingested_total{kind="scan"} 1`,
		`bulwark_jobs{state="queued"} 0`,
		`bulwark_http_request_duration_seconds_bucket{route="POST /api/v1/scans",le="+Inf"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestOpenAPI checks docs/openapi.yaml documents exactly the routes the
// server registers, with their methods.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	raw, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "docs/openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                          `yaml:"openapi"`
		Paths   map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	var served []string
	for _, r := range f.srv.Routes() {
		served = append(served, r.Method+" "+strings.ReplaceAll(r.Path, "{name...}", "{name}"))
	}
	served = append(served, "GET /metrics")
	slices.Sort(documented)
	slices.Sort(served)
	if diff := cmp.Diff(served, documented); diff != "" {
		t.Errorf("routes served (-) and documented (+):\n%s", diff)
	}
}

// TestMutualTLS serves with a client CA: a client without a certificate is
// refused during the handshake, one with a certificate from the CA gets in.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	caKey, caCert, caPEM := newCA(t)
	writeFile(t, filepath.Join(dir, "ca.pem"), caPEM)
	srvCert, srvKey := leaf(t, caKey, caCert, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	writeFile(t, filepath.Join(dir, "srv.pem"), srvCert)
	writeFile(t, filepath.Join(dir, "srv-key.pem"), srvKey)
	cliCert, cliKey := leaf(t, caKey, caCert, "agent", x509.ExtKeyUsageClientAuth)

	f := newFixture(t, server.Config{NoWorkers: true})
	tc, err := server.TLSConfig(filepath.Join(dir, "srv.pem"), filepath.Join(dir, "srv-key.pem"), filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(f.srv.Handler())
	hs.TLS = tc
	hs.StartTLS()
	defer hs.Close()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	get := func(certs []tls.Certificate) (int, error) {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs}}}
		req, _ := http.NewRequest("GET", hs.URL+"/api/v1/hosts", nil)
		req.Header.Set("Authorization", "Bearer "+f.viewer)
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get(nil); err == nil {
		t.Errorf("no client certificate: answered %d", code)
	}
	pair, err := tls.X509KeyPair(cliCert, cliKey)
	if err != nil {
		t.Fatal(err)
	}
	if code, err := get([]tls.Certificate{pair}); err != nil || code != 200 {
		t.Errorf("with client certificate: %d %v", code, err)
	}
	// A certificate from another CA is refused too.
	otherKey, otherCert, _ := newCA(t)
	oc, ok := leaf(t, otherKey, otherCert, "agent", x509.ExtKeyUsageClientAuth)
	opair, err := tls.X509KeyPair(oc, ok)
	if err != nil {
		t.Fatal(err)
	}
	if code, err := get([]tls.Certificate{opair}); err == nil {
		t.Errorf("foreign client certificate: answered %d", code)
	}
}

func writeFile(t *testing.T, p string, b []byte) {
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func newCA(t *testing.T) (*ecdsa.PrivateKey, *x509.Certificate, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func leaf(t *testing.T, caKey *ecdsa.PrivateKey, ca *x509.Certificate, cn string, usage x509.ExtKeyUsage) ([]byte, []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature}
	if ip := net.ParseIP(cn); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

func TestTrends(t *testing.T) {
	now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	sc := func(id int64, image string, day int, crit, high int) store.Scan {
		return store.Scan{ID: id, Image: image, CreatedAt: time.Date(2026, 5, day, 9, 0, 0, 0, time.UTC), Counts: store.Counts{Critical: crit, High: high}}
	}
	scans := []store.Scan{sc(3, "a", 9, 0, 1), sc(1, "a", 7, 2, 0), sc(2, "b", 8, 1, 1), sc(4, "c", 1, 5, 0)}
	got := server.Trends(scans, 4, now)
	want := []server.TrendPoint{
		{Day: "2026-05-07", Images: 2, Counts: store.Counts{Critical: 7}},
		{Day: "2026-05-08", Images: 3, Counts: store.Counts{Critical: 8, High: 1}},
		{Day: "2026-05-09", Images: 3, Counts: store.Counts{Critical: 6, High: 2}},
		{Day: "2026-05-10", Images: 3, Counts: store.Counts{Critical: 6, High: 2}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Trends (-want +got):\n%s", diff)
	}
}
