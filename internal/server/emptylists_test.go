package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// variantReport is the demo report as the image name, with its
// vulnerabilities and misconfiguration or secret findings replaced.
func variantReport(t *testing.T, image string, vulns, findings []any) []byte {
	t.Helper()
	var rep map[string]any
	if err := json.Unmarshal(demoReport(t), &rep); err != nil {
		t.Fatal(err)
	}
	target := map[string]any{}
	for k, v := range rep["target"].(map[string]any) {
		target[k] = v
	}
	target["repo_tags"] = []string{image}
	rep["target"] = target
	rep["created_at"] = time.Now().UTC().Format(time.RFC3339Nano)
	rep["vulnerabilities"], rep["findings"] = vulns, findings
	b, _ := json.Marshal(rep)
	return b
}

// seedEdges stores the cases the dashboard must draw with zero rows: an
// image whose newest scan has no finding of any kind, an image with
// misconfigurations and a secret but no vulnerability, a host with one
// bench run and no image, and a webhook that never delivered.
func seedEdges(t *testing.T, f *fixture) (clean, misconf int64) {
	t.Helper()
	post := func(path string, body []byte) int64 {
		code, b := f.do("POST", path, f.admin, body)
		if code != 201 {
			t.Fatalf("POST %s: %d %s", path, code, b)
		}
		var out struct{ ID int64 }
		json.Unmarshal(b, &out)
		return out.ID
	}
	clean = post("/api/v1/scans?host=h1", variantReport(t, "registry.example/clean:1", []any{}, []any{}))
	var demo map[string]any
	json.Unmarshal(demoReport(t), &demo)
	findings := demo["findings"].([]any)
	findings = append(findings, map[string]any{"id": "BW-SECRET-AWS", "class": "secret", "severity": "critical",
		"title": "AWS access key", "evidence": map[string]any{"path": "srv/app/.env", "line": 3}})
	misconf = post("/api/v1/scans?host=h1", variantReport(t, "registry.example/misconf:1", []any{}, findings))
	var bench map[string]any
	json.Unmarshal(benchReport(t), &bench)
	body, _ := json.Marshal(bench)
	post("/api/v1/bench?host=solo", body)
	post("/api/v1/webhooks", []byte(`{"url":"http://127.0.0.1:1/hook","secret":"0123456789abcdef"}`))
	if code, b := f.do("POST", "/api/v1/scan-requests", f.admin, []byte(`{"ref":"registry.example/queued:1"}`)); code != 202 {
		t.Fatalf("scan request: %d %s", code, b)
	}
	// Runtime alerts as an agent sends them, and a model that learned
	// nothing yet.
	post("/api/v1/runtime/alerts?host=h1", alertsBody(t, runtimeAlerts(t)))
	if code, b := f.do("PUT", "/api/v1/runtime/models?host=h1", f.admin, []byte(`{"models":[{"image":"sha256:aaaa","state":"learning","processes":[],"writes":[],"listens":[],"outbound":[]}]}`)); code != 200 {
		t.Fatalf("runtime models: %d %s", code, b)
	}
	return clean, misconf
}

// TestAPIListsNeverNull walks every GET route of the API, on an empty
// store and on the edge cases of seedEdges, and checks each answer against
// docs/openapi.yaml: no value is null, and every list the document
// declares is present (empty when there is nothing).
func TestAPIListsNeverNull(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "docs/openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	schemaOf := func(path string) map[string]any {
		p, _ := doc["paths"].(map[string]any)[path].(map[string]any)
		get, _ := p["get"].(map[string]any)
		resp, _ := get["responses"].(map[string]any)["200"].(map[string]any)
		content, _ := resp["content"].(map[string]any)
		js, _ := content["application/json"].(map[string]any)
		sch, _ := js["schema"].(map[string]any)
		return sch
	}

	f := newFixture(t, server.Config{NoWorkers: true})
	seen := map[string]bool{}
	for _, stage := range []string{"empty", "edges"} {
		var routes []string
		if stage == "edges" {
			clean, misconf := seedEdges(t, f)
			routes = append(routes,
				fmt.Sprintf("/api/v1/scans/%d", clean), fmt.Sprintf("/api/v1/scans/%d", misconf),
				"/api/v1/images/registry.example/clean:1", "/api/v1/images/registry.example/misconf:1",
				"/api/v1/hosts/solo", "/api/v1/hosts/h1",
				fmt.Sprintf("/api/v1/diff?from=%d&to=%d", clean, misconf), fmt.Sprintf("/api/v1/diff?from=%d&to=%d", misconf, clean),
				"/api/v1/webhooks/1/deliveries", "/api/v1/findings?image=registry.example/clean:1")
			var hosts []map[string]any
			f.getJSON("/api/v1/hosts", f.admin, &hosts)
			var jobs []map[string]any
			f.getJSON("/api/v1/jobs", f.admin, &jobs)
			for _, j := range jobs {
				routes = append(routes, fmt.Sprintf("/api/v1/jobs/%v", j["id"]))
			}
			for _, h := range hosts {
				if b, ok := h["bench"].(map[string]any); ok {
					routes = append(routes, fmt.Sprintf("/api/v1/bench/%v", b["id"]))
				}
			}
		}
		for _, r := range f.srv.Routes() {
			if r.Method != "GET" || strings.Contains(r.Path, "{") || r.Path == "/api/v1/diff" {
				continue
			}
			routes = append(routes, r.Path)
		}
		for _, path := range routes {
			code, body := f.do("GET", path, f.admin, nil)
			if code != 200 {
				t.Errorf("%s GET %s: %d %s", stage, path, code, body)
				continue
			}
			if path == "/healthz" {
				continue
			}
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Errorf("%s GET %s: %v", stage, path, err)
				continue
			}
			noNull(t, stage+" GET "+path, "", v)
			tmpl := templatePath(path)
			sch := schemaOf(tmpl)
			if sch == nil {
				t.Errorf("GET %s: docs/openapi.yaml gives no json schema for its 200 answer", tmpl)
				continue
			}
			seen[tmpl] = true
			checkLists(t, doc, stage+" GET "+path, "", sch, v)
		}
	}
	for _, r := range f.srv.Routes() {
		if r.Method == "GET" && r.Path != "/healthz" && r.Path != "/api/v1/scans/{id}/report" && !seen[templatePath(strings.ReplaceAll(r.Path, "{name...}", "x"))] {
			t.Errorf("GET %s was not walked", r.Path)
		}
	}
}

// templatePath maps a concrete path to its OpenAPI template.
func templatePath(p string) string {
	p, _, _ = strings.Cut(p, "?")
	parts := strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "images":
		return "/api/v1/images/{name}"
	case len(parts) == 2 && parts[0] == "hosts":
		return "/api/v1/hosts/{name}"
	case len(parts) == 2 && (parts[0] == "scans" || parts[0] == "bench" || parts[0] == "jobs"):
		return "/api/v1/" + parts[0] + "/{id}"
	case len(parts) == 3 && parts[0] == "webhooks":
		return "/api/v1/webhooks/{id}/" + parts[2]
	}
	return p
}

func noNull(t *testing.T, where, at string, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil:
		t.Errorf("%s: %s is null", where, cmpOr(at, "the answer"))
	case map[string]any:
		for k, e := range x {
			noNull(t, where, at+"."+k, e)
		}
	case []any:
		for i, e := range x {
			noNull(t, where, fmt.Sprintf("%s[%d]", at, i), e)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// resolve follows $ref and merges allOf into one object schema.
func resolve(doc map[string]any, sch map[string]any) map[string]any {
	if ref, ok := sch["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		next, _ := doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		return resolve(doc, next)
	}
	all, ok := sch["allOf"].([]any)
	if !ok {
		return sch
	}
	merged := map[string]any{"type": "object"}
	props := map[string]any{}
	var required []any
	for _, part := range all {
		p := resolve(doc, part.(map[string]any))
		for k, v := range p["properties"].(map[string]any) {
			props[k] = v
		}
		if r, ok := p["required"].([]any); ok {
			required = append(required, r...)
		}
	}
	merged["properties"], merged["required"] = props, required
	return merged
}

// checkLists wants every array property the schema declares to be
// present and a list, and recurses.
func checkLists(t *testing.T, doc map[string]any, where, at string, sch map[string]any, v any) {
	t.Helper()
	sch = resolve(doc, sch)
	switch sch["type"] {
	case "array":
		list, ok := v.([]any)
		if !ok {
			t.Errorf("%s: %s is %T, want a list", where, cmpOr(at, "the answer"), v)
			return
		}
		items, _ := sch["items"].(map[string]any)
		for i, e := range list {
			if items != nil {
				checkLists(t, doc, where, fmt.Sprintf("%s[%d]", at, i), items, e)
			}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: %s is %T, want an object", where, cmpOr(at, "the answer"), v)
			return
		}
		props, _ := sch["properties"].(map[string]any)
		for name, p := range props {
			ps := resolve(doc, p.(map[string]any))
			e, present := obj[name]
			if ps["type"] == "array" && !present {
				t.Errorf("%s: list %s.%s is missing", where, at, name)
				continue
			}
			if present && name != "report" {
				checkLists(t, doc, where, at+"."+name, ps, e)
			}
		}
	}
}
