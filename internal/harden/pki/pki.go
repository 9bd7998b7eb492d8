// Package pki creates and rotates the certificates dockerd needs to serve
// its API over TCP with client verification (--tlsverify): a CA, a server
// certificate and a client certificate.
//
// # Data flow
//
//	Options (SANs, key type, lifetimes) ─▶ NewCA ─▶ IssueServer, IssueClient ─▶ Bundle
//	Bundle ─▶ Write: DIR/{ca,ca-key,server-cert,server-key}.pem, DIR/client/{ca,cert,key}.pem
//	DIR ─▶ LoadCA ─▶ Rotate: new leaves from the same CA (SANs kept unless given)
//	DIR, listen address ─▶ SettingsFor: dockerd flags, daemon.json keys, client environment
//
// Keys are ECDSA P-256 by default (every Docker client and daemon since 1.x
// handles it); P-384 and Ed25519 are offered for sites that require them.
// The CA is valid five years and leaves one, and a leaf never outlives its
// CA. Files get the modes CIS 3.9–3.14 ask for (certificates 0444, keys
// 0400) and root ownership, and are written atomically without replacing
// existing files unless forced.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"time"
)

// KeyType names a key algorithm.
type KeyType string

const (
	ECDSAP256 KeyType = "ecdsa-p256"
	ECDSAP384 KeyType = "ecdsa-p384"
	Ed25519   KeyType = "ed25519"
)

// KeyTypes lists the accepted key types, default first.
var KeyTypes = []KeyType{ECDSAP256, ECDSAP384, Ed25519}

// Default lifetimes.
const (
	DefaultCALifetime   = 5 * 365 * 24 * time.Hour
	DefaultLeafLifetime = 365 * 24 * time.Hour
)

// Options describe the certificates to issue. The zero value issues a CA
// and a server certificate for localhost and 127.0.0.1.
type Options struct {
	// Hostnames and IPs become the server certificate's SANs; clients
	// must reach the daemon by one of them.
	Hostnames []string
	IPs       []net.IP
	KeyType   KeyType
	// CALifetime and LeafLifetime default to 5 years and 1 year.
	CALifetime   time.Duration
	LeafLifetime time.Duration
	// CAName and ClientName are subject common names.
	CAName     string
	ClientName string
	// Now and Rand are for tests; they default to time.Now and crypto/rand.
	Now  func() time.Time
	Rand io.Reader
}

func (o Options) withDefaults() Options {
	if o.KeyType == "" {
		o.KeyType = ECDSAP256
	}
	if o.CALifetime <= 0 {
		o.CALifetime = DefaultCALifetime
	}
	if o.LeafLifetime <= 0 {
		o.LeafLifetime = DefaultLeafLifetime
	}
	if o.CAName == "" {
		o.CAName = "Bulwark Docker daemon CA"
	}
	if o.ClientName == "" {
		o.ClientName = "docker-client"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if len(o.Hostnames) == 0 && len(o.IPs) == 0 {
		o.Hostnames = []string{"localhost"}
		o.IPs = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	return o
}

// Validate reports options that cannot make certificates.
func (o Options) Validate() error {
	o = o.withDefaults()
	found := false
	for _, k := range KeyTypes {
		found = found || k == o.KeyType
	}
	if !found {
		return fmt.Errorf("pki: key type %q: want %s", o.KeyType, joinTypes())
	}
	for _, h := range o.Hostnames {
		if !validHostname(h) {
			return fmt.Errorf("pki: hostname %q is not a DNS name", h)
		}
	}
	if o.LeafLifetime > o.CALifetime {
		return fmt.Errorf("pki: leaf lifetime %s exceeds the CA's %s", o.LeafLifetime, o.CALifetime)
	}
	return nil
}

func joinTypes() string {
	var s []string
	for _, k := range KeyTypes {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// validHostname accepts DNS names (letters, digits, '-', '.', and a
// leading "*." wildcard), 1–253 characters.
func validHostname(h string) bool {
	h = strings.TrimPrefix(h, "*.")
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Pair is a certificate with its private key, parsed and as PEM.
type Pair struct {
	Cert    *x509.Certificate
	Key     crypto.Signer
	CertPEM []byte
	KeyPEM  []byte
}

// Bundle is everything `harden tls` creates.
type Bundle struct {
	CA, Server, Client Pair
}

func newKey(t KeyType, r io.Reader) (crypto.Signer, error) {
	switch t {
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), r)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), r)
	case Ed25519:
		_, k, err := ed25519.GenerateKey(r)
		return k, err
	}
	return nil, fmt.Errorf("pki: key type %q: want %s", t, joinTypes())
}

func serial(r io.Reader) (*big.Int, error) {
	// 128 random bits, as the CA/Browser Forum asks (at least 64).
	n, err := rand.Int(r, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	return n.Add(n, big.NewInt(1)), nil
}

// keyID is the SHA-256 of the public key, truncated as RFC 7093 method 1
// allows; Go would otherwise use SHA-1.
func keyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return sum[:20], nil
}

func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer, key crypto.Signer, r io.Reader) (Pair, error) {
	der, err := x509.CreateCertificate(r, tmpl, parent, pub, signer)
	if err != nil {
		return Pair{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Pair{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Pair{}, err
	}
	return Pair{Cert: cert, Key: key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})}, nil
}

// NewCA creates a self-signed CA that may sign leaves only (path length 0).
func NewCA(opt Options) (Pair, error) {
	if err := opt.Validate(); err != nil {
		return Pair{}, err
	}
	opt = opt.withDefaults()
	key, err := newKey(opt.KeyType, opt.Rand)
	if err != nil {
		return Pair{}, fmt.Errorf("pki: creating the CA key: %w", err)
	}
	sn, err := serial(opt.Rand)
	if err != nil {
		return Pair{}, fmt.Errorf("pki: creating the CA: %w", err)
	}
	ski, err := keyID(key.Public())
	if err != nil {
		return Pair{}, fmt.Errorf("pki: creating the CA: %w", err)
	}
	now := opt.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: opt.CAName},
		// A little slack for clocks behind the issuer's.
		NotBefore:             now.Add(-5 * time.Minute),
		NotAfter:              now.Add(opt.CALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          ski,
	}
	p, err := sign(tmpl, tmpl, key.Public(), key, key, opt.Rand)
	if err != nil {
		return Pair{}, fmt.Errorf("pki: signing the CA: %w", err)
	}
	return p, nil
}

func issue(ca Pair, opt Options, tmpl *x509.Certificate) (Pair, error) {
	if ca.Cert == nil || ca.Key == nil {
		return Pair{}, errors.New("no CA")
	}
	key, err := newKey(opt.KeyType, opt.Rand)
	if err != nil {
		return Pair{}, err
	}
	sn, err := serial(opt.Rand)
	if err != nil {
		return Pair{}, err
	}
	if tmpl.SubjectKeyId, err = keyID(key.Public()); err != nil {
		return Pair{}, err
	}
	now := opt.Now()
	tmpl.SerialNumber = sn
	tmpl.NotBefore = now.Add(-5 * time.Minute)
	tmpl.NotAfter = now.Add(opt.LeafLifetime)
	if tmpl.NotAfter.After(ca.Cert.NotAfter) {
		tmpl.NotAfter = ca.Cert.NotAfter
	}
	if !tmpl.NotAfter.After(now) {
		return Pair{}, fmt.Errorf("the CA expired on %s", ca.Cert.NotAfter.Format(time.DateOnly))
	}
	// ECDHE suites only need signatures from the leaf key.
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.BasicConstraintsValid = true
	return sign(tmpl, ca.Cert, key.Public(), ca.Key, key, opt.Rand)
}

// IssueServer issues the daemon's certificate (serverAuth) with the SANs of
// opt.
func IssueServer(ca Pair, opt Options) (Pair, error) {
	if err := opt.Validate(); err != nil {
		return Pair{}, err
	}
	opt = opt.withDefaults()
	cn := "docker-daemon"
	if len(opt.Hostnames) > 0 {
		cn = opt.Hostnames[0]
	}
	p, err := issue(ca, opt, &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    opt.Hostnames,
		IPAddresses: opt.IPs,
	})
	if err != nil {
		return Pair{}, fmt.Errorf("pki: issuing the server certificate: %w", err)
	}
	return p, nil
}

// IssueClient issues a client certificate (clientAuth).
func IssueClient(ca Pair, opt Options) (Pair, error) {
	if err := opt.Validate(); err != nil {
		return Pair{}, err
	}
	opt = opt.withDefaults()
	p, err := issue(ca, opt, &x509.Certificate{
		Subject:     pkix.Name{CommonName: opt.ClientName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return Pair{}, fmt.Errorf("pki: issuing the client certificate: %w", err)
	}
	return p, nil
}

// Issue creates a CA and the server and client certificates it signs.
func Issue(opt Options) (*Bundle, error) {
	ca, err := NewCA(opt)
	if err != nil {
		return nil, err
	}
	return Rotate(ca, nil, opt)
}

// Rotate issues new server and client certificates from ca. Without SANs
// in opt, the server certificate keeps those of old (the current one).
func Rotate(ca Pair, old *x509.Certificate, opt Options) (*Bundle, error) {
	if len(opt.Hostnames) == 0 && len(opt.IPs) == 0 && old != nil {
		opt.Hostnames, opt.IPs = old.DNSNames, old.IPAddresses
	}
	if opt.KeyType == "" && old != nil {
		opt.KeyType = keyTypeOf(old.PublicKey)
	}
	srv, err := IssueServer(ca, opt)
	if err != nil {
		return nil, err
	}
	cli, err := IssueClient(ca, opt)
	if err != nil {
		return nil, err
	}
	return &Bundle{CA: ca, Server: srv, Client: cli}, nil
}

func keyTypeOf(pub crypto.PublicKey) KeyType {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P384() {
			return ECDSAP384
		}
	case ed25519.PublicKey:
		return Ed25519
	}
	return ECDSAP256
}

// ParsePair parses a PEM certificate (the first CERTIFICATE block) and its
// PEM private key (PKCS#8, SEC 1 or PKCS#1), and checks that they match.
func ParsePair(certPEM, keyPEM []byte) (Pair, error) {
	cert, err := ParseCert(certPEM)
	if err != nil {
		return Pair{}, err
	}
	var block *pem.Block
	rest := keyPEM
	for {
		block, rest = pem.Decode(rest)
		if block == nil {
			return Pair{}, errors.New("pki: parsing key: no PEM private key")
		}
		if strings.HasSuffix(block.Type, "PRIVATE KEY") {
			break
		}
	}
	var parsed any
	switch block.Type {
	case "EC PRIVATE KEY":
		parsed, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return Pair{}, fmt.Errorf("pki: parsing key: %w", err)
	}
	key, ok := parsed.(crypto.Signer)
	if !ok {
		return Pair{}, fmt.Errorf("pki: parsing key: %T cannot sign", parsed)
	}
	if !samePublic(key.Public(), cert.PublicKey) {
		return Pair{}, errors.New("pki: the key does not belong to the certificate")
	}
	return Pair{Cert: cert, Key: key, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}

// ParseCert parses the first CERTIFICATE block of a PEM text.
func ParseCert(certPEM []byte) (*x509.Certificate, error) {
	rest := certPEM
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("pki: parsing certificate: no PEM certificate")
		}
		if block.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("pki: parsing certificate: %w", err)
			}
			return c, nil
		}
	}
}

func samePublic(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}
