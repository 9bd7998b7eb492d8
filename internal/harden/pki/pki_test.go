package pki

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
	"github.com/google/go-cmp/cmp"
)

var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func opts(kt KeyType) Options {
	return Options{KeyType: kt, Hostnames: []string{"docker.example.test"}, IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		Now: func() time.Time { return testNow }}
}

func TestIssue(t *testing.T) {
	for _, kt := range KeyTypes {
		t.Run(string(kt), func(t *testing.T) {
			b, err := Issue(opts(kt))
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			roots.AddCert(b.CA.Cert)
			at := testNow.Add(time.Hour)
			for _, name := range []string{"docker.example.test", "127.0.0.1", "::1"} {
				if _, err := b.Server.Cert.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, CurrentTime: at,
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
					t.Errorf("server certificate for %s: %v", name, err)
				}
			}
			if _, err := b.Server.Cert.Verify(x509.VerifyOptions{DNSName: "other.test", Roots: roots, CurrentTime: at}); err == nil {
				t.Error("server certificate verifies for a name not in its SANs")
			}
			if _, err := b.Client.Cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: at,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Errorf("client certificate: %v", err)
			}
			// Each leaf is good for its own role only.
			if _, err := b.Client.Cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: at,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
				t.Error("client certificate accepted as a server certificate")
			}
			ca := b.CA.Cert
			if !ca.IsCA || !ca.MaxPathLenZero || ca.KeyUsage&x509.KeyUsageCertSign == 0 {
				t.Errorf("CA constraints: IsCA %t MaxPathLenZero %t usage %b", ca.IsCA, ca.MaxPathLenZero, ca.KeyUsage)
			}
			if b.Server.Cert.IsCA || b.Client.Cert.IsCA {
				t.Error("a leaf is a CA")
			}
			if got := ca.NotAfter.Sub(testNow); got != DefaultCALifetime {
				t.Errorf("CA lifetime %s", got)
			}
			if got := b.Server.Cert.NotAfter.Sub(testNow); got != DefaultLeafLifetime {
				t.Errorf("server lifetime %s", got)
			}
			if got := keyTypeOf(b.Server.Cert.PublicKey); got != kt {
				t.Errorf("key type %s", got)
			}
			// The PEM forms parse back to the same pairs.
			for _, p := range []Pair{b.CA, b.Server, b.Client} {
				back, err := ParsePair(p.CertPEM, p.KeyPEM)
				if err != nil {
					t.Fatal(err)
				}
				if !back.Cert.Equal(p.Cert) {
					t.Error("certificate changed through PEM")
				}
			}
		})
	}
}

func TestLeafNeverOutlivesCA(t *testing.T) {
	o := opts(ECDSAP256)
	o.CALifetime = 30 * 24 * time.Hour
	o.LeafLifetime = 10 * 24 * time.Hour
	ca, err := NewCA(o)
	if err != nil {
		t.Fatal(err)
	}
	// 25 days later the CA has 5 left; the leaf gets those 5, not 10.
	o.Now = func() time.Time { return testNow.Add(25 * 24 * time.Hour) }
	srv, err := IssueServer(ca, o)
	if err != nil {
		t.Fatal(err)
	}
	if !srv.Cert.NotAfter.Equal(ca.Cert.NotAfter) {
		t.Errorf("leaf ends %s, CA %s", srv.Cert.NotAfter, ca.Cert.NotAfter)
	}
	o.Now = func() time.Time { return testNow.Add(31 * 24 * time.Hour) }
	if _, err := IssueServer(ca, o); err == nil || !strings.Contains(err.Error(), "CA expired") {
		t.Errorf("issuing from an expired CA: %v", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"defaults", Options{}, ""},
		{"wildcard", Options{Hostnames: []string{"*.docker.test"}}, ""},
		{"key type", Options{KeyType: "rsa-1024"}, "key type"},
		{"hostname", Options{Hostnames: []string{"bad host"}}, "not a DNS name"},
		{"dotted", Options{Hostnames: []string{"a..b"}}, "not a DNS name"},
		{"lifetimes", Options{CALifetime: time.Hour, LeafLifetime: 2 * time.Hour}, "exceeds"},
	}
	for _, tt := range tests {
		err := tt.o.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// handshake serves TLS as dockerd does with --tlsverify (client
// certificates required and verified against the CA) on loopback and
// connects once with client.
func handshake(t *testing.T, b *Bundle, client *tls.Config) error {
	t.Helper()
	srvCert, err := tls.X509KeyPair(b.Server.CertPEM, b.Server.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(b.CA.Cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{srvCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.(*tls.Conn).Handshake()
		_, _ = c.Write([]byte("ok"))
	}()
	conn, err := tls.Dial("tcp", ln.Addr().String(), client)
	if err != nil {
		return err
	}
	defer conn.Close()
	// TLS 1.3 reports a refused client certificate on the first read.
	buf := make([]byte, 2)
	_, err = io.ReadFull(conn, buf)
	return err
}

func TestHandshake(t *testing.T) {
	for _, kt := range KeyTypes {
		t.Run(string(kt), func(t *testing.T) {
			o := opts(kt)
			o.Now = nil // real time: the handshake checks validity now
			b, err := Issue(o)
			if err != nil {
				t.Fatal(err)
			}
			pool := x509.NewCertPool()
			pool.AddCert(b.CA.Cert)
			cliCert, err := tls.X509KeyPair(b.Client.CertPEM, b.Client.KeyPEM)
			if err != nil {
				t.Fatal(err)
			}
			if err := handshake(t, b, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", Certificates: []tls.Certificate{cliCert}}); err != nil {
				t.Errorf("client with its certificate refused: %v", err)
			}
			if err := handshake(t, b, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}); err == nil {
				t.Error("client without a certificate accepted")
			}
			// A certificate from another CA is refused too.
			other, err := Issue(o)
			if err != nil {
				t.Fatal(err)
			}
			otherCert, _ := tls.X509KeyPair(other.Client.CertPEM, other.Client.KeyPEM)
			if err := handshake(t, b, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", Certificates: []tls.Certificate{otherCert}}); err == nil {
				t.Error("client certificate of another CA accepted")
			}
		})
	}
}

func TestWriteRotateAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	o := opts(ECDSAP256)
	b, err := Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	written, err := Write(dir, b, false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{CACert: 0o444, CAKey: 0o400, ServerCert: 0o444, ServerKey: 0o400,
		"client/ca.pem": 0o444, "client/cert.pem": 0o444, "client/key.pem": 0o400}
	got := map[string]os.FileMode{}
	for _, w := range written {
		r, _ := filepath.Rel(dir, w.Path)
		st, err := os.Stat(w.Path)
		if err != nil {
			t.Fatal(err)
		}
		got[r] = st.Mode().Perm()
		if sys := st.Sys().(*syscall.Stat_t); os.Geteuid() == 0 && (sys.Uid != 0 || sys.Gid != 0) {
			t.Errorf("%s owned by %d:%d", r, sys.Uid, sys.Gid)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modes (-want +got):\n%s", diff)
	}
	if st, _ := os.Stat(filepath.Join(dir, ClientDir)); st.Mode().Perm() != ClientDirMode {
		t.Errorf("client dir mode %o", st.Mode().Perm())
	}

	// Never over existing files without force, and nothing half-written.
	b2, _ := Issue(o)
	if _, err := Write(dir, b2, false); !errors.Is(err, harden.ErrExists) {
		t.Fatalf("second write: %v, want ErrExists", err)
	}
	caPEM, _ := os.ReadFile(filepath.Join(dir, CACert))
	if string(caPEM) != string(b.CA.CertPEM) {
		t.Fatal("CA replaced without force")
	}

	// Rotation: same CA, new leaves, SANs kept.
	ca, oldSrv, err := LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	rot, err := Rotate(ca, oldSrv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteLeaves(dir, rot); err != nil {
		t.Fatal(err)
	}
	ca2, newSrv, err := LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !ca2.Cert.Equal(b.CA.Cert) {
		t.Error("rotation changed the CA")
	}
	if newSrv.SerialNumber.Cmp(oldSrv.SerialNumber) == 0 {
		t.Error("rotation kept the server certificate")
	}
	if diff := cmp.Diff(oldSrv.DNSNames, newSrv.DNSNames); diff != "" {
		t.Errorf("SANs changed: %s", diff)
	}
	if len(newSrv.IPAddresses) != 2 {
		t.Errorf("IP SANs %v", newSrv.IPAddresses)
	}
	for f, m := range want {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Mode().Perm() != m {
			t.Errorf("after rotation %s: %v %v", f, st.Mode(), err)
		}
	}
	// Rotating with a key that does not belong to the CA certificate fails.
	if err := os.Chmod(filepath.Join(dir, CAKey), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CAKey), b2.CA.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadCA(dir); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Errorf("mismatched CA key: %v", err)
	}
}

func TestSettingsAndSimulatedBench(t *testing.T) {
	if _, err := SettingsFor("/x", ":2376"); err == nil {
		t.Error("listen on every interface accepted")
	}
	if _, err := SettingsFor("/x", "127.0.0.1:99999"); err == nil {
		t.Error("bad port accepted")
	}
	dir := filepath.Join(t.TempDir(), "tls")
	b, err := Issue(opts(ECDSAP256))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, b, false); err != nil {
		t.Fatal(err)
	}
	st, err := SettingsFor(dir, "tcp://127.0.0.1:2376")
	if err != nil {
		t.Fatal(err)
	}
	wantEnv := map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": filepath.Join(dir, "client")}
	if diff := cmp.Diff(wantEnv, st.ClientEnv); diff != "" {
		t.Errorf("client env (-want +got):\n%s", diff)
	}
	s := &facts.Snapshot{SchemaVersion: facts.SchemaVersion, Daemon: facts.Daemon{Args: []string{}, ArgsSource: "/proc/1/cmdline"}}
	after, err := Simulate(s, st, "/")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		t.Skip("file ownership checks need root")
	}
	got := harden.Statuses(after, Checked...)
	for _, id := range Checked {
		if got[id] != bench.Pass {
			t.Errorf("%s = %s after TLS", id, got[id])
		}
	}
	if hosts := after.Daemon.Hosts(); !cmp.Equal(hosts, []string{"unix:///run/docker.sock", "tcp://127.0.0.1:2376"}) {
		t.Errorf("hosts after %v", hosts)
	}
	// bench sees the daemon move from "no TLS" to verified TLS.
	ts := harden.Transitions(s, after, Checked...)
	if len(ts) != len(Checked) {
		t.Errorf("transitions %+v", ts)
	}
	var text strings.Builder
	rep := &Report{Action: "create", Dir: dir, Settings: st, Checks: ts, Certificates: []CertInfo{Info("ca", b.CA.Cert)}}
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"--tlsverify", "export DOCKER_TLS_VERIFY=1", `"hosts": ["tcp://127.0.0.1:2376"]`, "2.7"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("text lacks %q:\n%s", w, text.String())
		}
	}
}

// FuzzParsePair: arbitrary PEM input gives a pair or an error.
func FuzzParsePair(f *testing.F) {
	b, err := Issue(opts(ECDSAP256))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b.Server.CertPEM, b.Server.KeyPEM)
	f.Add(b.CA.CertPEM, b.Server.KeyPEM)
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), []byte("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"))
	f.Add([]byte(""), []byte("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, certPEM, keyPEM []byte) {
		p, err := ParsePair(certPEM, keyPEM)
		if err == nil && (p.Cert == nil || p.Key == nil) {
			t.Fatal("no error and no pair")
		}
	})
}
