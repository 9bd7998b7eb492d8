package pki

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/bulwark-sec/bulwark/internal/harden/hardentest"
	"github.com/google/go-cmp/cmp"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// serverVersion asks the engine at host for its version with the given
// TLS files ("" leaves one out).
func serverVersion(host, ca, cert, key string) (string, error) {
	api, err := dockerhost.Client(dockerhost.Options{Host: host, TLSCACert: ca, TLSCert: cert, TLSKey: key})
	if err != nil {
		return "", err
	}
	defer api.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := api.ServerVersion(ctx)
	return v.Version, err
}

// dockerCLI runs `docker version` with a client environment.
func dockerCLI(env map[string]string) (string, error) {
	cmd := exec.Command("docker", "version", "--format", "{{.Server.Version}}")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// TestTLSOnRealEngine is the acceptance test of `harden tls`: an engine
// restarted with the certificates and settings accepts a client holding
// the client certificate and refuses one without it, on loopback TCP; bench
// sees what the simulation predicted; and rotated certificates work after
// another restart.
func TestTLSOnRealEngine(t *testing.T) {
	port := freePort(t)
	dir := filepath.Join(t.TempDir(), "tls")
	b, err := Issue(Options{Hostnames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, b, false); err != nil {
		t.Fatal(err)
	}
	st, err := SettingsFor(dir, "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	e := hardentest.StartEngine(t, "ht"+strconv.Itoa(os.Getpid()))
	before := hardentest.Gather(t, e.Sock)
	simulated, err := Simulate(before, st, "/")
	if err != nil {
		t.Fatal(err)
	}
	e.Restart(t, st.DockerdFlags...)

	host := st.Listen
	client := filepath.Join(dir, ClientDir)
	ca, cert, key := filepath.Join(client, CACert), filepath.Join(client, ClientCert), filepath.Join(client, ClientKey)
	if v, err := serverVersion(host, ca, cert, key); err != nil || v == "" {
		t.Fatalf("client with the client certificate: %q, %v", v, err)
	}
	if _, err := serverVersion(host, ca, "", ""); err == nil {
		t.Fatal("client without a certificate was served")
	} else if !strings.Contains(err.Error(), "certificate") && !strings.Contains(err.Error(), "tls") {
		t.Errorf("refusal is not a TLS error: %v", err)
	} else {
		t.Logf("refused as expected: %v", err)
	}
	// The handshake itself refuses: a raw TLS client without a certificate
	// fails on its first read.
	pool := x509.NewCertPool()
	pool.AddCert(b.CA.Cert)
	conn, err := tls.Dial("tcp", strings.TrimPrefix(host, "tcp://"), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err == nil {
		_, err = conn.Write([]byte("GET /_ping HTTP/1.0\r\n\r\n"))
		if err == nil {
			_, err = conn.Read(make([]byte, 1))
		}
		conn.Close()
	}
	if err == nil {
		t.Error("TLS handshake without a client certificate succeeded")
	}
	// The docker CLI with the printed client settings.
	if _, lookErr := exec.LookPath("docker"); lookErr == nil {
		if out, err := dockerCLI(st.ClientEnv); err != nil {
			t.Errorf("docker CLI with %v: %v\n%s", st.ClientEnv, err, out)
		}
		noCert := t.TempDir()
		if err := os.WriteFile(filepath.Join(noCert, CACert), b.CA.CertPEM, 0o644); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"DOCKER_HOST": host, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": noCert}
		if out, err := dockerCLI(env); err == nil {
			t.Errorf("docker CLI without a client certificate was served: %s", out)
		}
	}

	// bench on the restarted engine agrees with the simulation.
	after := hardentest.Gather(t, e.Sock)
	if diff := cmp.Diff(harden.Statuses(simulated, Checked...), harden.Statuses(after, Checked...)); diff != "" {
		t.Errorf("simulated vs real (-simulated +real):\n%s", diff)
	}
	for id, s := range harden.Statuses(after, Checked...) {
		if s != "pass" {
			t.Errorf("%s = %s with TLS on", id, s)
		}
	}

	// Rotation: new leaves from the same CA, served after a restart.
	caPair, oldSrv, err := LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := Rotate(caPair, oldSrv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteLeaves(dir, rot); err != nil {
		t.Fatal(err)
	}
	e.Restart(t, st.DockerdFlags...)
	got, err := tls.Dial("tcp", strings.TrimPrefix(host, "tcp://"), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1",
		Certificates: []tls.Certificate{mustPair(t, rot.Client)}})
	if err != nil {
		t.Fatalf("rotated client: %v", err)
	}
	served := got.ConnectionState().PeerCertificates[0]
	got.Close()
	if !served.Equal(rot.Server.Cert) {
		t.Error("the restarted engine does not serve the rotated certificate")
	}
	if v, err := serverVersion(host, ca, cert, key); err != nil || v == "" {
		t.Fatalf("client with the rotated certificate: %q, %v", v, err)
	}
}

func mustPair(t *testing.T, p Pair) tls.Certificate {
	t.Helper()
	c, err := tls.X509KeyPair(p.CertPEM, p.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
