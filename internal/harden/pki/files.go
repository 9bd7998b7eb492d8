package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/harden"
)

// File names under the output directory. The client directory holds what
// DOCKER_CERT_PATH expects (ca.pem, cert.pem, key.pem), so it can be copied
// to a client as it is; the CA key stays beside the server files.
const (
	CACert     = "ca.pem"
	CAKey      = "ca-key.pem"
	ServerCert = "server-cert.pem"
	ServerKey  = "server-key.pem"
	ClientDir  = "client"
	ClientCert = "cert.pem"
	ClientKey  = "key.pem"
)

// Modes CIS asks for: 3.10 and 3.12 want certificates 0444 or stricter, 3.14
// wants the server key exactly 0400. Keys are readable by their owner only;
// nobody needs to write any of them after creation.
const (
	CertMode fs.FileMode = 0o444
	KeyMode  fs.FileMode = 0o400
	DirMode  fs.FileMode = 0o755
	// The client directory holds a key too.
	ClientDirMode fs.FileMode = 0o700
)

type fileSpec struct {
	rel  string
	data []byte
	mode fs.FileMode
}

func leafFiles(b *Bundle) []fileSpec {
	return []fileSpec{
		{ServerCert, b.Server.CertPEM, CertMode},
		{ServerKey, b.Server.KeyPEM, KeyMode},
		{filepath.Join(ClientDir, CACert), b.CA.CertPEM, CertMode},
		{filepath.Join(ClientDir, ClientCert), b.Client.CertPEM, CertMode},
		{filepath.Join(ClientDir, ClientKey), b.Client.KeyPEM, KeyMode},
	}
}

// Write stores a new bundle under dir. Existing files are never replaced
// unless force is set; without force, nothing is written when any of the
// files already exists.
func Write(dir string, b *Bundle, force bool) ([]harden.Written, error) {
	files := append([]fileSpec{{CACert, b.CA.CertPEM, CertMode}, {CAKey, b.CA.KeyPEM, KeyMode}}, leafFiles(b)...)
	return write(dir, files, force)
}

// WriteLeaves replaces the server and client files after Rotate; the CA
// files are left as they are.
func WriteLeaves(dir string, b *Bundle) ([]harden.Written, error) {
	return write(dir, leafFiles(b), true)
}

func write(dir string, files []fileSpec, force bool) ([]harden.Written, error) {
	if !force {
		for _, f := range files {
			p := filepath.Join(dir, f.rel)
			if _, err := os.Lstat(p); err == nil {
				return nil, fmt.Errorf("pki: writing %s: %w", p, harden.ErrExists)
			}
		}
	}
	if err := harden.MkdirAll(dir, DirMode); err != nil {
		return nil, err
	}
	if err := harden.MkdirAll(filepath.Join(dir, ClientDir), ClientDirMode); err != nil {
		return nil, err
	}
	var out []harden.Written
	for _, f := range files {
		w, err := harden.WriteFile(filepath.Join(dir, filepath.Dir(f.rel)), filepath.Base(f.rel), f.data, f.mode, harden.WriteOptions{Force: force})
		if err != nil {
			return out, err
		}
		out = append(out, w)
	}
	return out, nil
}

// LoadCA reads the CA certificate and key from dir, and the current server
// certificate (nil when absent) whose SANs Rotate keeps.
func LoadCA(dir string) (ca Pair, server *x509.Certificate, err error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, CACert))
	if err != nil {
		return Pair{}, nil, fmt.Errorf("pki: loading the CA: %w", err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, CAKey))
	if err != nil {
		return Pair{}, nil, fmt.Errorf("pki: loading the CA: %w", err)
	}
	ca, err = ParsePair(certPEM, keyPEM)
	if err != nil {
		return Pair{}, nil, err
	}
	if !ca.Cert.IsCA {
		return Pair{}, nil, fmt.Errorf("pki: loading the CA: %s is not a CA certificate", filepath.Join(dir, CACert))
	}
	srvPEM, err := os.ReadFile(filepath.Join(dir, ServerCert))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ca, nil, nil
	case err != nil:
		return Pair{}, nil, fmt.Errorf("pki: loading the server certificate: %w", err)
	}
	srv, err := ParseCert(srvPEM)
	if err != nil {
		return Pair{}, nil, err
	}
	return ca, srv, nil
}

// Settings are what a daemon and its clients need to use the certificates.
type Settings struct {
	// Listen is the TCP address dockerd serves, "tcp://HOST:PORT".
	Listen string `json:"listen"`
	// DockerdFlags are the command-line form…
	DockerdFlags []string `json:"dockerd_flags"`
	// …and DaemonJSON the daemon.json form of the same settings; use one.
	DaemonJSON map[string]any `json:"daemon_json"`
	// ClientEnv is the environment of a docker CLI on a client.
	ClientEnv map[string]string `json:"client_env"`
}

// SettingsFor returns the settings for certificates written under dir
// (an absolute path) and a daemon listening on listen ("HOST:PORT" or
// "tcp://HOST:PORT").
func SettingsFor(dir, listen string) (Settings, error) {
	addr := strings.TrimPrefix(listen, "tcp://")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return Settings{}, fmt.Errorf("pki: listen address %q: %w", listen, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return Settings{}, fmt.Errorf("pki: listen address %q: bad port", listen)
	}
	if host == "" {
		return Settings{}, fmt.Errorf("pki: listen address %q: name the interface (127.0.0.1, an address of this host); an empty host listens on every one", listen)
	}
	tcp := "tcp://" + net.JoinHostPort(host, port)
	ca, cert, key := filepath.Join(dir, CACert), filepath.Join(dir, ServerCert), filepath.Join(dir, ServerKey)
	return Settings{
		Listen:       tcp,
		DockerdFlags: []string{"--tlsverify", "--tlscacert=" + ca, "--tlscert=" + cert, "--tlskey=" + key, "-H", tcp},
		DaemonJSON:   map[string]any{"tlsverify": true, "tlscacert": ca, "tlscert": cert, "tlskey": key, "hosts": []string{tcp}},
		ClientEnv: map[string]string{"DOCKER_HOST": tcp, "DOCKER_TLS_VERIFY": "1",
			"DOCKER_CERT_PATH": filepath.Join(dir, ClientDir)},
	}, nil
}
