package dockerhost_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/dockerhost/dockerhosttest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// env turns KEY=VALUE lines into a Getenv (later lines win).
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for _, x := range kv {
		k, v, _ := strings.Cut(x, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

func TestResolveAddresses(t *testing.T) {
	t.Parallel()
	home := t.TempDir() // no config.json, no contexts
	tests := []struct {
		flag string
		env  []string
		want string
	}{
		{"", nil, "unix:///var/run/docker.sock"},
		{"/var/run/docker.sock", nil, "unix:///var/run/docker.sock"},
		{"/run/user/1000/docker.sock", []string{"DOCKER_HOST=tcp://ignored:1"}, "unix:///run/user/1000/docker.sock"},
		{"unix:///var/run/docker.sock", nil, "unix:///var/run/docker.sock"},
		{"unix://", nil, "unix:///var/run/docker.sock"},
		{"  tcp://10.0.0.1:2375 ", nil, "tcp://10.0.0.1:2375"},
		{"tcp://example.org", nil, "tcp://example.org:2375"},
		{"tcp://:2380", nil, "tcp://localhost:2380"},
		{"tcp://[::1]:2375", nil, "tcp://[::1]:2375"},
		{"localhost:2375", nil, "tcp://localhost:2375"},
		{"TCP://h:1", nil, "tcp://h:1"},
		{"", []string{"DOCKER_HOST=unix:///tmp/d.sock"}, "unix:///tmp/d.sock"},
		{"", []string{"DOCKER_HOST=tcp://h"}, "tcp://h:2375"},
		{"", []string{"DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + home}, "error"}, // no ca.pem
		{"", []string{"DOCKER_CONTEXT=default"}, "unix:///var/run/docker.sock"},
		{"", []string{"DOCKER_CONTEXT=nosuch"}, "error"},
		{"tcp://h:99999", nil, "error"},
		{"tcp://u:p@h:1", nil, "error"},
		{"unix://tcp://x", nil, "error"},
	}
	for _, tt := range tests {
		ep, err := dockerhost.Resolve(dockerhost.Options{Host: tt.flag, Getenv: env(append([]string{"HOME=" + home}, tt.env...)...)})
		got := ep.Host
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("Resolve(%q, %v) = %q (%v), want %q", tt.flag, tt.env, got, err, tt.want)
		}
	}
}

func TestResolveRefusesWithAHint(t *testing.T) {
	t.Parallel()
	for host, hint := range map[string]string{
		"ssh://me@build-host":     "forward the engine's socket",
		"npipe:////./pipe/docker": "named pipes",
		"fd://":                   "daemon listener",
		"http://localhost:2375":   "tcp://HOST:PORT",
		"":                        "",
	} {
		if host == "" {
			continue
		}
		_, err := dockerhost.Resolve(dockerhost.Options{Host: host, Getenv: env()})
		if !errors.Is(err, dockerhost.ErrUnsupported) || !strings.Contains(err.Error(), hint) {
			t.Errorf("%s: error %v, want ErrUnsupported mentioning %q", host, err, hint)
		}
		if _, err := dockerhost.Resolve(dockerhost.Options{Getenv: env("DOCKER_HOST=" + host)}); !errors.Is(err, dockerhost.ErrUnsupported) {
			t.Errorf("DOCKER_HOST=%s: error %v, want ErrUnsupported", host, err)
		}
	}
}

// TestEverySpellingReachesTheEngine connects through each spelling to a
// real engine and checks the connection arrived where the spelling points.
func TestEverySpellingReachesTheEngine(t *testing.T) {
	sock := testutil.NeedDocker(t)
	p := dockerhosttest.Start(t, sock)
	for _, sp := range p.Spellings(t, t.TempDir()) {
		t.Run(sp.Name, func(t *testing.T) {
			before := sp.Want.Conns()
			c, err := dockerhost.Client(dockerhost.Options{Host: sp.Flag, Getenv: env(sp.Env...)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := c.ServerVersion(ctx); err != nil {
				t.Fatalf("ServerVersion through %s: %v", c.DaemonHost(), err)
			}
			if sp.Want.Conns() == before {
				t.Errorf("no connection reached %s", sp.Want.Addr)
			}
		})
	}
	// Explicit TLS files (bench's --tlscacert, --tlscert, --tlskey).
	c, err := dockerhost.Client(dockerhost.Options{Host: "tcp://" + p.TLS.Addr, Getenv: env(),
		TLSCACert: p.CertDir + "/ca.pem", TLSCert: p.CertDir + "/cert.pem", TLSKey: p.CertDir + "/key.pem"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ping(context.Background()); err != nil {
		t.Errorf("explicit TLS files: %v", err)
	}
	// Without a client certificate the TLS port refuses.
	c2, err := dockerhost.Client(dockerhost.Options{Host: "tcp://" + p.TLS.Addr, Getenv: env(), TLSCACert: p.CertDir + "/ca.pem"})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Ping(context.Background()); err == nil {
		t.Error("the TLS port answered a client without a certificate")
	}
}
