// Package dockerhosttest serves a real Docker engine at the other addresses
// a client can be given: a second unix socket, a plain loopback TCP port and
// a TLS port that requires a client certificate. Each forwards connections,
// byte for byte, to the engine's own socket and counts them, so a test can
// tell which address a command used. It also lays out the Docker
// configuration a client reads (certificate directory, contexts,
// config.json).
package dockerhosttest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	dcontext "github.com/docker/cli/cli/context"
	"github.com/docker/cli/cli/context/store"

	"github.com/bulwark-sec/bulwark/internal/harden/pki"
)

// Forward is one listening address that forwards to the engine.
type Forward struct {
	Addr  string // the listener's address: a socket path or host:port
	conns atomic.Int64
}

// Conns is how many connections the address has accepted.
func (f *Forward) Conns() int64 { return f.conns.Load() }

// Proxy is the engine served at three more addresses.
type Proxy struct {
	Unix, TCP, TLS *Forward
	// CertDir holds ca.pem, cert.pem and key.pem for the TLS address, as
	// DOCKER_CERT_PATH expects them.
	CertDir string
	Bundle  *pki.Bundle
}

// Start serves the engine at sock on new addresses until the test ends.
func Start(t testing.TB, sock string) *Proxy {
	t.Helper()
	dir := t.TempDir()
	b, err := pki.Issue(pki.Options{})
	if err != nil {
		t.Fatal(err)
	}
	certDir := filepath.Join(dir, "certs")
	os.MkdirAll(certDir, 0o700)
	for name, body := range map[string][]byte{"ca.pem": b.CA.CertPEM, "cert.pem": b.Client.CertPEM, "key.pem": b.Client.KeyPEM} {
		if err := os.WriteFile(filepath.Join(certDir, name), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A short socket path: sun_path holds 108 bytes.
	sockDir, err := os.MkdirTemp("", "dh")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	ul, err := net.Listen("unix", filepath.Join(sockDir, "e.sock"))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srvCert, err := tls.X509KeyPair(b.Server.CertPEM, b.Server.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(b.CA.Cert)
	sl = tls.NewListener(sl, &tls.Config{Certificates: []tls.Certificate{srvCert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})
	p := &Proxy{
		Unix: &Forward{Addr: ul.Addr().String()}, TCP: &Forward{Addr: tl.Addr().String()},
		TLS: &Forward{Addr: sl.Addr().String()}, CertDir: certDir, Bundle: b,
	}
	var wg sync.WaitGroup
	for _, x := range []struct {
		l net.Listener
		f *Forward
	}{{ul, p.Unix}, {tl, p.TCP}, {sl, p.TLS}} {
		wg.Add(1)
		go func() { defer wg.Done(); serve(x.l, x.f, sock) }()
	}
	t.Cleanup(func() { ul.Close(); tl.Close(); sl.Close(); wg.Wait() })
	return p
}

// serve accepts until l closes, forwarding each connection to sock. A TLS
// connection counts once its handshake succeeded.
func serve(l net.Listener, f *Forward, sock string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			if tc, ok := c.(*tls.Conn); ok {
				if err := tc.Handshake(); err != nil {
					return
				}
			}
			f.conns.Add(1)
			e, err := net.Dial("unix", sock)
			if err != nil {
				return
			}
			defer e.Close()
			done := make(chan struct{})
			go func() { io.Copy(e, c); e.(*net.UnixConn).CloseWrite(); close(done) }()
			io.Copy(c, e)
			<-done
		}()
	}
}

// Context writes a Docker context named name whose docker endpoint is host
// into the configuration directory dir (what DOCKER_CONFIG names); with
// withTLS it stores the proxy's CA and client certificate beside it.
func (p *Proxy) Context(t testing.TB, dir, name, host string, withTLS bool) {
	t.Helper()
	cfg := store.NewConfig(func() any { return &map[string]any{} },
		store.EndpointTypeGetter("docker", func() any { return &dcontext.EndpointMetaBase{} }))
	s := store.New(filepath.Join(dir, "contexts"), cfg)
	meta := store.Metadata{Name: name, Metadata: map[string]any{},
		Endpoints: map[string]any{"docker": dcontext.EndpointMetaBase{Host: host}}}
	if err := s.CreateOrUpdate(meta); err != nil {
		t.Fatal(err)
	}
	if withTLS {
		data := dcontext.TLSData{CA: p.Bundle.CA.CertPEM, Cert: p.Bundle.Client.CertPEM, Key: p.Bundle.Client.KeyPEM}
		if err := s.ResetEndpointTLSMaterial(name, "docker", data.ToStoreTLSData()); err != nil {
			t.Fatal(err)
		}
	}
}

// CurrentContext writes dir/config.json naming name as the current context.
func CurrentContext(t testing.TB, dir, name string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"currentContext": name})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Spelling is one way of naming the engine: a --docker-host value and the
// environment beside it, and the address that should see the connection.
type Spelling struct {
	Name string
	Flag string   // --docker-host value, "" for none
	Env  []string // KEY=VALUE, every DOCKER_* variable set (empty = unset); later entries win
	Want *Forward
}

// Spellings lists every way the Docker CLI accepts of reaching the proxy:
// a bare socket path, unix://, tcp:// and HOST:PORT as the flag; DOCKER_HOST
// for a socket and for TLS with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH; a
// context chosen by DOCKER_CONTEXT; and config.json's current context with
// TLS material in the context store. Each gets its own configuration
// directory under dir.
func (p *Proxy) Spellings(t testing.TB, dir string) []Spelling {
	t.Helper()
	cfg := func(name string) string {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		return d
	}
	none := cfg("none")
	sp := []Spelling{
		{Name: "socket path", Flag: p.Unix.Addr, Env: []string{"DOCKER_CONFIG=" + none}, Want: p.Unix},
		{Name: "unix URL", Flag: "unix://" + p.Unix.Addr, Env: []string{"DOCKER_CONFIG=" + none}, Want: p.Unix},
		{Name: "tcp URL", Flag: "tcp://" + p.TCP.Addr, Env: []string{"DOCKER_CONFIG=" + none}, Want: p.TCP},
		{Name: "host:port", Flag: p.TCP.Addr, Env: []string{"DOCKER_CONFIG=" + none}, Want: p.TCP},
		{Name: "DOCKER_HOST socket", Env: []string{"DOCKER_CONFIG=" + none, "DOCKER_HOST=unix://" + p.Unix.Addr}, Want: p.Unix},
		{Name: "DOCKER_HOST tcp TLS", Env: []string{"DOCKER_CONFIG=" + none, "DOCKER_HOST=tcp://" + p.TLS.Addr,
			"DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + p.CertDir}, Want: p.TLS},
	}
	ctxDir := cfg("context")
	p.Context(t, ctxDir, "proxy-unix", "unix://"+p.Unix.Addr, false)
	sp = append(sp, Spelling{Name: "DOCKER_CONTEXT", Env: []string{"DOCKER_CONFIG=" + ctxDir, "DOCKER_CONTEXT=proxy-unix"}, Want: p.Unix})
	curDir := cfg("current")
	p.Context(t, curDir, "proxy-tls", "tcp://"+p.TLS.Addr, true)
	CurrentContext(t, curDir, "proxy-tls")
	sp = append(sp, Spelling{Name: "current context TLS", Env: []string{"DOCKER_CONFIG=" + curDir}, Want: p.TLS})
	clear := []string{"DOCKER_HOST=", "DOCKER_TLS_VERIFY=", "DOCKER_TLS=", "DOCKER_CERT_PATH=", "DOCKER_CONTEXT="}
	for i := range sp {
		sp[i].Env = append(slices.Clone(clear), sp[i].Env...)
	}
	return sp
}
