package plugin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
)

func parsePolicy(t *testing.T, text string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var hardenedRun = []string{"run", "--rm", "--network", "none", "--read-only", "--cap-drop", "ALL",
	"--security-opt", "no-new-privileges", "--user", "1000"}

// TestEngineAcceptance is acceptance 1 and 3 of issue 7 against a real
// engine started with --authorization-plugin: insecure runs are refused
// with the rule named in the client's error, the hardened run succeeds,
// hostile request shapes are denied, audit mode allows and logs, and a
// created container is judged again at start.
func TestEngineAcceptance(t *testing.T) {
	hist := t.TempDir()
	enforce := fmt.Sprintf("version: 1\nscan_gate:\n  history_dir: %s\n", hist)
	e := startGuarded(t, parsePolicy(t, enforce))
	img := e.importImage(t, toolImage(t), "bulwark-guard-tool:1")

	// The default policy's scan gate wants a scan of the image: record a
	// clean one (the program has no known vulnerabilities; the scan gate's
	// own acceptance test uses real findings).
	ins, err := e.api.ImageInspect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if err := history.RecordEntry(context.Background(), hist, &history.Entry{
		SchemaVersion: history.SchemaVersion, ImageID: ins.ID, LayersVerified: true, Target: "docker:" + img, ScannedAt: time.Now().UTC(),
		Matched: true, Assessed: true, Assessment: "full", Counts: map[string]int{}, Findings: []history.Finding{},
	}); err != nil {
		t.Fatal(err)
	}

	link := filepath.Join(t.TempDir(), "harmless.sock")
	if err := os.Symlink("/var/run/docker.sock", link); err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name string
		args []string
		rule string
	}{
		{"cap-add SYS_ADMIN", []string{"--cap-add", "SYS_ADMIN"}, policy.RuleCapAdd},
		{"docker socket", []string{"-v", "/var/run/docker.sock:/var/run/docker.sock"}, policy.RuleSensitiveMount},
		{"pid host", []string{"--pid", "host"}, policy.RuleHostPID},
		{"symlink to the docker socket", []string{"-v", link + ":/var/run/docker.sock"}, policy.RuleSensitiveMount},
		{"privileged", []string{"--privileged"}, policy.RulePrivileged},
		{"root user", []string{"--user", "0"}, policy.RuleRootUser},
		{"seccomp unconfined", []string{"--security-opt", "seccomp=unconfined"}, policy.RuleSeccomp},
		{"systempaths unconfined", []string{"--security-opt", "systempaths=unconfined"}, policy.RuleUnmaskedPaths},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			// Hardened otherwise, so the one setting is what is refused.
			args := append(append(append([]string{}, hardenedRun...), tt.args...), img, "true")
			out, err := e.docker(args...)
			if err == nil {
				t.Fatalf("docker run %v succeeded:\n%s", tt.args, out)
			}
			if !strings.Contains(out, "authorization denied by plugin "+pluginName) || !hasRule(out, tt.rule) {
				t.Errorf("error does not name rule %s:\n%s", tt.rule, out)
			}
		})
	}
	t.Run("unhardened", func(t *testing.T) {
		out, err := e.docker("run", "--rm", "--network", "none", img, "true")
		if err == nil {
			t.Fatalf("plain docker run succeeded:\n%s", out)
		}
		for _, r := range []string{policy.RuleRootUser, policy.RuleNoNewPrivileges, policy.RuleReadOnlyRootfs} {
			if !hasRule(out, r) {
				t.Errorf("error does not name rule %s:\n%s", r, out)
			}
		}
	})
	t.Run("hardened", func(t *testing.T) {
		args := append(append([]string{}, hardenedRun...), "-e", "API_TOKEN=hunter2", img, "true")
		e.mustDocker(t, args...)
	})

	// Hostile request shapes, sent raw to the engine.
	body := fmt.Sprintf(`{"Image":%q,"User":"1000","Cmd":["true"],"HostConfig":{"NetworkMode":"none","ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}`, img)
	post := func(headers, body string) string {
		return "POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\n" + headers + "\r\n" + body
	}
	t.Run("zero-length create (CVE-2024-41110)", func(t *testing.T) {
		code, resp := raw(t, post("Content-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n", ""))
		if code != 403 || !strings.Contains(resp, "rule request-body") {
			t.Errorf("status %d: %s", code, resp)
		}
	})
	t.Run("create with a text body", func(t *testing.T) {
		code, resp := raw(t, post(fmt.Sprintf("Content-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n", len(body)), body))
		if code != 403 || !strings.Contains(resp, "rule request-body") {
			t.Errorf("status %d: %s", code, resp)
		}
	})
	t.Run("create with a body over 1 MiB", func(t *testing.T) {
		big := strings.Replace(body, `"Cmd"`, `"Labels":{"pad":"`+strings.Repeat("x", 1<<20)+`"},"Cmd"`, 1)
		code, resp := raw(t, post(fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n", len(big)), big))
		if code != 403 || !strings.Contains(resp, "rule request-body") {
			t.Errorf("status %d: %s", code, resp)
		}
	})
	t.Run("privileged at the top level", func(t *testing.T) {
		b := strings.Replace(body, `"User"`, `"Privileged":true,"User"`, 1)
		code, resp := raw(t, post(fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n", len(b)), b))
		if code != 403 || !strings.Contains(resp, "rule privileged") {
			t.Errorf("status %d: %s", code, resp)
		}
	})
	t.Run("percent-encoded path", func(t *testing.T) {
		// The router matches the decoded path; the plugin is given the raw
		// URI. A plugin comparing raw URIs would miss this create.
		b := strings.Replace(body, `"NetworkMode":"none"`, `"NetworkMode":"none","PidMode":"host"`, 1)
		req := "POST /v1.41/containers%2Fcreate HTTP/1.1\r\nHost: docker\r\n" +
			fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(b)) + b
		code, resp := raw(t, req)
		if code != 403 || !strings.Contains(resp, "rule host-pid") {
			t.Errorf("status %d: %s", code, resp)
		}
	})

	// Audit mode allows and logs.
	t.Run("audit mode", func(t *testing.T) {
		if err := e.srv.Reload(parsePolicy(t, enforce+"mode: audit\n")); err != nil {
			t.Fatal(err)
		}
		defer e.srv.Reload(parsePolicy(t, enforce))
		args := append(append([]string{}, hardenedRun...), "--cap-add", "SYS_ADMIN", img, "true")
		e.mustDocker(t, args...)
	})

	// Created in audit mode, started under enforce: judged again at start.
	t.Run("judged again at start", func(t *testing.T) {
		if err := e.srv.Reload(parsePolicy(t, enforce+"mode: audit\n")); err != nil {
			t.Fatal(err)
		}
		id := e.mustDocker(t, append(append([]string{"create"}, hardenedRun[1:]...), "--privileged", img, "true")...)
		defer e.docker("rm", "-f", id)
		if err := e.srv.Reload(parsePolicy(t, enforce)); err != nil {
			t.Fatal(err)
		}
		out, err := e.docker("start", id)
		if err == nil || !hasRule(out, policy.RulePrivileged) {
			t.Errorf("start of a privileged container: %v\n%s", err, out)
		}
	})

	// Containers made while the plugin only audited cannot lend their host
	// access: joining their namespaces or volumes is judged.
	t.Run("joining other containers", func(t *testing.T) {
		if err := e.srv.Reload(parsePolicy(t, enforce+"mode: audit\n")); err != nil {
			t.Fatal(err)
		}
		hostPID := e.mustDocker(t, "create", "--network", "none", "--pid", "host", img, "true")
		defer e.docker("rm", "-f", hostPID)
		sock := e.mustDocker(t, "create", "--network", "none", "-v", "/var/run/docker.sock:/var/run/docker.sock", img, "true")
		defer e.docker("rm", "-f", sock)
		e.docker("volume", "rm", "-f", "bulwark-etc")
		e.mustDocker(t, "volume", "create", "--driver", "local", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/etc", "bulwark-etc")
		defer e.docker("volume", "rm", "-f", "bulwark-etc")
		if err := e.srv.Reload(parsePolicy(t, enforce)); err != nil {
			t.Fatal(err)
		}
		out, err := e.docker("volume", "create", "--driver", "local", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/etc", "bulwark-etc2")
		if err == nil || !hasRule(out, policy.RuleSensitiveMount) {
			t.Errorf("volume binding /etc: %v\n%s", err, out)
		}
		for _, tt := range []struct {
			args []string
			rule string
		}{
			{[]string{"--pid", "container:" + hostPID}, policy.RuleHostPID},
			{[]string{"--volumes-from", sock}, policy.RuleSensitiveMount},
			{[]string{"-v", "bulwark-etc:/x:ro"}, policy.RuleSensitiveMount},
		} {
			args := append(append(append([]string{"create"}, hardenedRun[2:]...), tt.args...), img, "true")
			out, err := e.docker(args...)
			if err == nil {
				e.docker("rm", "-f", strings.TrimSpace(out))
				t.Errorf("%v allowed", tt.args)
			} else if !hasRule(out, tt.rule) {
				t.Errorf("%v: error does not name rule %s:\n%s", tt.args, tt.rule, out)
			}
		}
	})

	recs := e.records(t)
	var sawDeny, sawAudit, sawAllow bool
	for _, r := range recs {
		line := fmt.Sprintf("%+v", r)
		if strings.Contains(line, "hunter2") {
			t.Errorf("audit log holds an environment value: %s", line)
		}
		switch {
		case r.Decision == "deny" && r.Rule == policy.RuleCapAdd && r.Endpoint == "container-create":
			sawDeny = true
		case r.Decision == "audit-deny" && r.Rule == policy.RuleCapAdd:
			sawAudit = true
		case r.Decision == "allow" && r.Endpoint == "container-create" && r.Summary != nil && r.Summary.ImageID == ins.ID:
			sawAllow = true
		}
	}
	if !sawDeny || !sawAudit || !sawAllow {
		t.Errorf("audit log of %d records lacks a deny (%v), an audit-mode allow (%v) or an allow (%v)", len(recs), sawDeny, sawAudit, sawAllow)
	}
}
