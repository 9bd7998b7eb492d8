// Package dockerhost finds the Docker engine a command talks to, by the
// Docker CLI's own rules, and opens an Engine API client to it.
//
// Options (a command's --docker-host and TLS flags) → [Resolve] → [Endpoint]
// (the engine's address, its TLS settings, the context it came from) →
// [Client]. Every command that reaches an engine (scan, sbom, bench, guard,
// harden, agent, defend) goes through here, so one spelling works for all.
//
// The order is the Docker CLI's: the --docker-host flag, then DOCKER_HOST,
// then the context named by DOCKER_CONTEXT or by currentContext in
// config.json (under DOCKER_CONFIG or ~/.docker), then the default socket.
// An address is a socket path (/var/run/docker.sock), unix://PATH,
// tcp://HOST[:PORT] or a bare HOST:PORT; ssh:// and Windows named pipes are
// refused with a line saying what to do instead. TLS for a tcp address comes
// from the context's TLS files, from explicit files, or from DOCKER_TLS_VERIFY
// / DOCKER_TLS with ca.pem, cert.pem and key.pem under DOCKER_CERT_PATH (else
// the configuration directory), as the Docker CLI reads them.
package dockerhost

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docker/cli/cli/config"
	dcontext "github.com/docker/cli/cli/context"
	"github.com/docker/cli/cli/context/store"
	"github.com/docker/docker/client"
	"github.com/docker/go-connections/tlsconfig"
)

// DefaultSocket is the engine's address when nothing names another.
const DefaultSocket = "unix:///var/run/docker.sock"

// Options name the engine explicitly; empty fields fall back to the
// environment and the Docker configuration.
type Options struct {
	// Host is the --docker-host flag: a socket path, unix://, tcp://, or
	// HOST:PORT. Empty means DOCKER_HOST, then the current context.
	Host string
	// TLSCACert, TLSCert and TLSKey are explicit TLS files (bench's
	// --tlscacert, --tlscert, --tlskey). Any of them turns TLS on with
	// verification, as the Docker SDK does for them.
	TLSCACert, TLSCert, TLSKey string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// Endpoint is a resolved engine address.
type Endpoint struct {
	// Host is the address in URL form: unix:///path or tcp://host:port.
	Host string
	// Context names the Docker context the address came from ("" when it
	// came from the flag, DOCKER_HOST or the default).
	Context string
	// TLS is the client TLS configuration of a tcp address, nil for plain
	// connections and sockets.
	TLS *tls.Config
}

// ErrUnsupported is returned for addresses the Engine API client here
// cannot dial (ssh://, npipe://, fd://).
var ErrUnsupported = errors.New("unsupported Docker host")

// Resolve applies the Docker CLI's rules to o and the environment.
func Resolve(o Options) (Endpoint, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	explicitTLS := o.TLSCACert != "" || o.TLSCert != "" || o.TLSKey != ""
	host := strings.TrimSpace(o.Host)
	if host == "" {
		host = strings.TrimSpace(getenv("DOCKER_HOST"))
	}
	if host == "" && !explicitTLS {
		name, err := contextName(getenv)
		if err != nil {
			return Endpoint{}, err
		}
		if name != "" && name != "default" {
			return fromContext(getenv, name)
		}
	}
	tlsOn := explicitTLS || getenv("DOCKER_TLS_VERIFY") != "" || getenv("DOCKER_TLS") != ""
	addr, err := parseHost(host, tlsOn)
	if err != nil {
		return Endpoint{}, err
	}
	ep := Endpoint{Host: addr}
	if !tlsOn || !strings.HasPrefix(addr, "tcp://") {
		return ep, nil
	}
	if explicitTLS {
		ep.TLS, err = tlsconfig.Client(tlsconfig.Options{CAFile: o.TLSCACert, CertFile: o.TLSCert, KeyFile: o.TLSKey, ExclusiveRootPools: true})
	} else {
		ep.TLS, err = envTLS(getenv)
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("dockerhost: TLS for %s: %w", addr, err)
	}
	return ep, nil
}

// Client opens an Engine API client to the engine Resolve finds. It
// negotiates the API version on first use, so older engines answer, and
// honours DOCKER_API_VERSION.
func Client(o Options) (*client.Client, error) {
	ep, err := Resolve(o)
	if err != nil {
		return nil, err
	}
	opts := []client.Opt{client.WithHost(ep.Host), client.WithVersionFromEnv(), client.WithAPIVersionNegotiation()}
	if ep.TLS != nil {
		opts = append(opts, withTLS(ep.TLS))
	}
	c, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("dockerhost: Engine API client for %s: %w", ep.Host, err)
	}
	return c, nil
}

// withTLS sets cfg on the client's transport (the SDK's own option only
// takes file names; a context keeps its TLS material in its store).
func withTLS(cfg *tls.Config) client.Opt {
	return func(c *client.Client) error {
		t, ok := c.HTTPClient().Transport.(*http.Transport)
		if !ok {
			return fmt.Errorf("dockerhost: cannot set TLS on a %T", c.HTTPClient().Transport)
		}
		t.TLSClientConfig = cfg
		return nil
	}
}

// configDir is the Docker configuration directory: DOCKER_CONFIG, else
// ~/.docker.
func configDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".docker")
}

// contextName is DOCKER_CONTEXT, else config.json's currentContext, else "".
func contextName(getenv func(string) string) (string, error) {
	if n := strings.TrimSpace(getenv("DOCKER_CONTEXT")); n != "" {
		return n, nil
	}
	dir := configDir(getenv)
	if _, err := os.Stat(filepath.Join(dir, config.ConfigFileName)); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	cf, err := config.Load(dir)
	if err != nil {
		return "", fmt.Errorf("dockerhost: reading %s: %w", filepath.Join(dir, config.ConfigFileName), err)
	}
	return cf.CurrentContext, nil
}

// fromContext reads the docker endpoint of context name from the context
// store (~/.docker/contexts), with its TLS material.
func fromContext(getenv func(string) string, name string) (Endpoint, error) {
	cfg := store.NewConfig(func() any { return &map[string]any{} },
		store.EndpointTypeGetter("docker", func() any { return &dcontext.EndpointMetaBase{} }))
	s := store.New(filepath.Join(configDir(getenv), "contexts"), cfg)
	meta, err := s.GetMetadata(name)
	if err != nil {
		return Endpoint{}, fmt.Errorf("dockerhost: docker context %q: %w", name, err)
	}
	em, ok := meta.Endpoints["docker"].(dcontext.EndpointMetaBase)
	if !ok || strings.TrimSpace(em.Host) == "" {
		return Endpoint{}, fmt.Errorf("dockerhost: docker context %q names no docker endpoint", name)
	}
	addr, err := parseHost(em.Host, false)
	if err != nil {
		return Endpoint{}, fmt.Errorf("dockerhost: docker context %q: %w", name, err)
	}
	ep := Endpoint{Host: addr, Context: name}
	if !strings.HasPrefix(addr, "tcp://") {
		return ep, nil
	}
	data, err := dcontext.LoadTLSData(s, name, "docker")
	if err != nil {
		return Endpoint{}, fmt.Errorf("dockerhost: docker context %q: %w", name, err)
	}
	if data == nil && !em.SkipTLSVerify {
		return ep, nil
	}
	if ep.TLS, err = contextTLS(data, em.SkipTLSVerify); err != nil {
		return Endpoint{}, fmt.Errorf("dockerhost: docker context %q: %w", name, err)
	}
	return ep, nil
}

// contextTLS builds a context's TLS configuration as the Docker CLI does
// (cli/context/docker.Endpoint.tlsConfig, which lives in a package built on
// another Engine API client module than the one linked here).
func contextTLS(data *dcontext.TLSData, skipVerify bool) (*tls.Config, error) {
	var opts []func(*tls.Config)
	if data != nil && data.CA != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data.CA) {
			return nil, errors.New("ca.pem holds no certificate")
		}
		opts = append(opts, func(c *tls.Config) { c.RootCAs = pool })
	}
	if data != nil && data.Cert != nil && data.Key != nil {
		pair, err := tls.X509KeyPair(data.Cert, data.Key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		opts = append(opts, func(c *tls.Config) { c.Certificates = []tls.Certificate{pair} })
	}
	if skipVerify {
		opts = append(opts, func(c *tls.Config) { c.InsecureSkipVerify = true })
	}
	return tlsconfig.ClientDefault(opts...), nil
}

// envTLS is the TLS configuration DOCKER_TLS_VERIFY, DOCKER_TLS and
// DOCKER_CERT_PATH ask for: ca.pem is required; cert.pem and key.pem are
// used when present; without DOCKER_TLS_VERIFY the server is not verified.
func envTLS(getenv func(string) string) (*tls.Config, error) {
	dir := getenv("DOCKER_CERT_PATH")
	if dir == "" {
		dir = configDir(getenv)
	}
	o := tlsconfig.Options{
		CAFile:             filepath.Join(dir, "ca.pem"),
		InsecureSkipVerify: getenv("DOCKER_TLS_VERIFY") == "",
		ExclusiveRootPools: true,
	}
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if exists(cert) && exists(key) {
		o.CertFile, o.KeyFile = cert, key
	}
	return tlsconfig.Client(o)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// parseHost turns an address into URL form, as the Docker CLI's
// opts.ParseHost does, and also takes a socket path: an absolute path, or
// any argument with a slash and no scheme, is a unix socket. The default
// is the local socket, or tcp://localhost:2376 when TLS is on.
func parseHost(h string, tlsOn bool) (string, error) {
	if h == "" {
		if tlsOn {
			return "tcp://localhost:2376", nil
		}
		return DefaultSocket, nil
	}
	scheme, rest, found := strings.Cut(h, "://")
	if !found {
		if strings.Contains(h, "/") {
			p, err := filepath.Abs(h)
			if err != nil {
				return "", fmt.Errorf("dockerhost: %q: %w", h, err)
			}
			return "unix://" + p, nil
		}
		scheme, rest = "tcp", h
	}
	switch strings.ToLower(scheme) {
	case "unix":
		if strings.Contains(rest, "://") {
			return "", fmt.Errorf("dockerhost: %q is not a socket address", h)
		}
		if rest == "" {
			return DefaultSocket, nil
		}
		return "unix://" + rest, nil
	case "tcp":
		return parseTCP(h, rest, tlsOn)
	case "ssh":
		return "", fmt.Errorf("dockerhost: %w: %s: connections over ssh are not supported; forward the engine's socket (ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock HOST) and pass --docker-host /tmp/docker.sock", ErrUnsupported, h)
	case "npipe":
		return "", fmt.Errorf("dockerhost: %w: %s: Windows named pipes are not supported here", ErrUnsupported, h)
	case "fd":
		return "", fmt.Errorf("dockerhost: %w: %s: fd:// is a daemon listener, not an address a client can dial; use the socket the daemon serves", ErrUnsupported, h)
	default:
		return "", fmt.Errorf("dockerhost: %w: %s: use a socket path, unix://PATH or tcp://HOST:PORT", ErrUnsupported, h)
	}
}

// parseTCP fills in the Docker CLI's defaults: host localhost, port 2375
// (2376 with TLS).
func parseTCP(orig, rest string, tlsOn bool) (string, error) {
	u, err := url.Parse("tcp://" + rest)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("dockerhost: %q is not a tcp://HOST:PORT address", orig)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "2375"
		if tlsOn {
			port = "2376"
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("dockerhost: %q: invalid port %q", orig, port)
	}
	return "tcp://" + net.JoinHostPort(host, port) + strings.TrimSuffix(u.Path, "/"), nil
}
