// Package deploy_test checks the deployment files: the Dockerfile is
// multi-stage and runs as a non-root user, the compose file and the
// Kubernetes manifests parse and give the agent the host access bench
// needs (read-only host root, Docker socket, host PID namespace) and the
// server no more than it needs.
package deploy_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDockerfile(t *testing.T) {
	df := string(read(t, "Dockerfile"))
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?`).FindAllStringSubmatch(df, -1)
	if len(froms) != 2 || froms[0][2] != "build" {
		t.Fatalf("want a build stage and a runtime stage, got %v", froms)
	}
	last := df[strings.LastIndex(df, "FROM "):]
	user := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindStringSubmatch(last)
	if user == nil || strings.HasPrefix(user[1], "0") || strings.HasPrefix(user[1], "root") {
		t.Errorf("runtime stage user %v: want a non-root user", user)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `ENTRYPOINT ["/usr/local/bin/bulwark"]`, "ARG RUNTIME_IMAGE=gcr.io/distroless/static"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Contains(last, "RUN ") {
		t.Errorf("the runtime stage runs commands; it should only copy (no shell there)")
	}
}

// docs splits a multi-document YAML file.
func docs(t *testing.T, p string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(read(t, p)))
	var out []map[string]any
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if err.Error() == "EOF" {
				return out
			}
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, m)
	}
}

// dig follows keys and list indexes through decoded YAML.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestKubernetes(t *testing.T) {
	srv := docs(t, "k8s/server-deployment.yaml")[0]
	if dig(srv, "kind") != "Deployment" || dig(srv, "spec", "replicas") != 2 {
		t.Errorf("server: kind %v replicas %v", dig(srv, "kind"), dig(srv, "spec", "replicas"))
	}
	pod := dig(srv, "spec", "template", "spec")
	if dig(pod, "securityContext", "runAsNonRoot") != true || dig(pod, "hostPID") != nil {
		t.Errorf("server pod security: %v", dig(pod, "securityContext"))
	}
	c := dig(pod, "containers", 0)
	if dig(c, "securityContext", "readOnlyRootFilesystem") != true || dig(c, "readinessProbe", "httpGet", "path") != "/healthz" {
		t.Errorf("server container: %v", c)
	}
	if !strings.Contains(strings.Join(strs(dig(c, "args")), " "), "--db=$(DATABASE_URL)") {
		t.Errorf("server args %v", dig(c, "args"))
	}

	svc := docs(t, "k8s/service.yaml")[0]
	if dig(svc, "kind") != "Service" || dig(svc, "spec", "ports", 0, "port") != 8080 {
		t.Errorf("service %v", svc)
	}

	ds := docs(t, "k8s/agent-daemonset.yaml")[0]
	if dig(ds, "kind") != "DaemonSet" {
		t.Fatalf("agent kind %v", dig(ds, "kind"))
	}
	pod = dig(ds, "spec", "template", "spec")
	if dig(pod, "hostPID") != true {
		t.Error("agent DaemonSet lacks hostPID (bench reads dockerd's command line)")
	}
	mounts := map[string]map[string]any{}
	for _, m := range dig(pod, "containers", 0, "volumeMounts").([]any) {
		mm := m.(map[string]any)
		mounts[mm["mountPath"].(string)] = mm
	}
	hostPaths := map[string]string{}
	for _, v := range dig(pod, "volumes").([]any) {
		if p, ok := dig(v, "hostPath", "path").(string); ok {
			hostPaths[dig(v, "name").(string)] = p
		}
	}
	if m := mounts["/host"]; m == nil || m["readOnly"] != true || hostPaths[m["name"].(string)] != "/" {
		t.Errorf("agent: host root not mounted read-only at /host: %v", m)
	}
	if m := mounts["/var/run/docker.sock"]; m == nil || hostPaths[m["name"].(string)] != "/var/run/docker.sock" {
		t.Errorf("agent: Docker socket not mounted: %v", m)
	}
	if args := strings.Join(strs(dig(pod, "containers", 0, "args")), " "); !strings.Contains(args, "--host-root=/host") || !strings.Contains(args, "--server=http://bulwark:8080") {
		t.Errorf("agent args %q", args)
	}
}

func strs(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestCompose(t *testing.T) {
	c := docs(t, "compose.yaml")[0]
	for _, svc := range []string{"postgres", "server", "agent"} {
		if dig(c, "services", svc) == nil {
			t.Errorf("compose lacks service %s", svc)
		}
	}
	agent := dig(c, "services", "agent")
	if dig(agent, "pid") != "host" {
		t.Error("compose agent lacks pid: host")
	}
	vols := strings.Join(strs(dig(agent, "volumes")), " ")
	for _, want := range []string{"/:/host:ro", "/var/run/docker.sock:/var/run/docker.sock:ro"} {
		if !strings.Contains(vols, want) {
			t.Errorf("compose agent volumes %q lack %q", vols, want)
		}
	}
	if dig(c, "services", "server", "build", "dockerfile") != "deploy/Dockerfile" {
		t.Errorf("compose server build %v", dig(c, "services", "server", "build"))
	}
	if !strings.Contains(strings.Join(strs(dig(c, "services", "server", "command")), " "), "--db=postgres://") {
		t.Errorf("compose server does not use PostgreSQL")
	}
}
