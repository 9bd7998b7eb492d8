package verify

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/notaryproject/notation-go/dir"
	"github.com/notaryproject/notation-go/verifier/trustpolicy"
	"github.com/notaryproject/notation-go/verifier/truststore"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Trust is what a verification trusts. The zero value trusts nothing:
// signatures are still found and read, and none verifies.
type Trust struct {
	// Keys verify cosign signatures made with a key pair.
	Keys []Key
	// Root holds Fulcio certificate authorities and Rekor log keys for
	// keyless cosign signatures (sigstore's trusted_root.json).
	Root *root.TrustedRoot
	// RootName names where Root came from.
	RootName string
	// Identities restrict keyless signers: a keyless signature counts as
	// verified only when its certificate matches one (none: any
	// certificate that chains to Root, with its identity reported).
	Identities []Identity
	// Notation verifies Notation signatures.
	Notation *Notation
}

// Empty reports whether nothing is trusted.
func (t *Trust) Empty() bool {
	return t == nil || len(t.Keys) == 0 && t.Root == nil && t.Notation == nil
}

// Names lists what is trusted, for the report.
func (t *Trust) Names() []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, k := range t.Keys {
		out = append(out, "key "+k.Name)
	}
	if t.Root != nil {
		out = append(out, "trusted root "+t.RootName)
	}
	for _, id := range t.Identities {
		out = append(out, "identity "+id.String())
	}
	if t.Notation != nil {
		out = append(out, "notation "+t.Notation.Dir)
	}
	return out
}

// Key is a named public key.
type Key struct {
	Name     string
	verifier signature.Verifier
}

// maxKeySize bounds a key or certificate file.
const maxKeySize = 1 << 20

// kmsSchemes are the key references cosign resolves through a key
// management service. Each needs that service on the network to hand out
// the public key, which a verifier must not depend on: export the public
// key once (`cosign public-key --key awskms://…`) and name the PEM file.
var kmsSchemes = []string{"awskms://", "gcpkms://", "azurekms://", "hashivault://", "k8s://", "gitlab://", "pkcs11:"}

// LoadKey reads a public key reference: a PEM file (a public key or a
// certificate whose key is used), or env://NAME for PEM text in an
// environment variable, as cosign reads them. KMS references are refused
// with the reason: they need the network.
func LoadKey(ref string) (Key, error) {
	var pemBytes []byte
	switch {
	case strings.HasPrefix(ref, "env://"):
		name := strings.TrimPrefix(ref, "env://")
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			return Key{}, fmt.Errorf("verify: key %s: environment variable %s is not set", ref, name)
		}
		pemBytes = []byte(v)
	case slices.ContainsFunc(kmsSchemes, func(s string) bool { return strings.HasPrefix(ref, s) }):
		return Key{}, fmt.Errorf("verify: key %s: KMS key references need the network; export the public key with `cosign public-key --key %s > key.pub` and name that file", ref, ref)
	case strings.Contains(ref, "://"):
		return Key{}, fmt.Errorf("verify: key %s: unsupported key reference (want a PEM file or env://NAME)", ref)
	default:
		b, err := readCapped(ref, maxKeySize)
		if err != nil {
			return Key{}, fmt.Errorf("verify: key: %w", err)
		}
		pemBytes = b
	}
	return parseKey(ref, pemBytes)
}

// parseKey reads a PEM public key, or the key of a PEM certificate.
func parseKey(ref string, pemBytes []byte) (Key, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		certs, cerr := cryptoutils.UnmarshalCertificatesFromPEM(pemBytes)
		if cerr != nil || len(certs) == 0 {
			return Key{}, fmt.Errorf("verify: key %s: not a PEM public key or certificate: %w", ref, err)
		}
		pub = certs[0].PublicKey
	}
	v, err := signature.LoadVerifier(pub, hashFor(pub))
	if err != nil {
		return Key{}, fmt.Errorf("verify: key %s: %w", ref, err)
	}
	return Key{Name: ref, verifier: v}, nil
}

// hashFor is the digest cosign signs with for a key type: SHA-256 for
// all but ed25519, which signs the message itself.
func hashFor(pub crypto.PublicKey) crypto.Hash {
	if _, ok := pub.(ed25519.PublicKey); ok {
		return crypto.Hash(0)
	}
	return crypto.SHA256
}

// LoadTrustedRoot reads sigstore's trusted_root.json (Fulcio CAs, Rekor
// and CT log keys, timestamp authorities), given offline.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	b, err := readCapped(path, 16<<20)
	if err != nil {
		return nil, fmt.Errorf("verify: trusted root: %w", err)
	}
	tr, err := root.NewTrustedRootFromJSON(b)
	if err != nil {
		return nil, fmt.Errorf("verify: trusted root %s: %w", path, err)
	}
	return tr, nil
}

// Identity is a keyless signer: the certificate's OIDC issuer and subject
// alternative name (an e-mail address, a workflow URI), each exact or a
// regular expression.
type Identity struct {
	Issuer        string `yaml:"issuer" json:"issuer,omitempty"`
	IssuerRegexp  string `yaml:"issuer_regexp" json:"issuer_regexp,omitempty"`
	Subject       string `yaml:"subject" json:"subject,omitempty"`
	SubjectRegexp string `yaml:"subject_regexp" json:"subject_regexp,omitempty"`
}

// Validate checks that the identity names a subject and that its
// expressions compile.
func (id Identity) Validate() error {
	if id.Subject == "" && id.SubjectRegexp == "" {
		return errors.New("an identity needs subject or subject_regexp")
	}
	for _, re := range []string{id.IssuerRegexp, id.SubjectRegexp} {
		if re == "" {
			continue
		}
		if _, err := regexp.Compile(re); err != nil {
			return fmt.Errorf("regular expression %q: %w", re, err)
		}
	}
	return nil
}

// Matches reports whether a signer (subject, issuer) is this identity.
// Regular expressions must match the whole value.
func (id Identity) Matches(subject, issuer string) bool {
	return match(id.Subject, id.SubjectRegexp, subject) && match(id.Issuer, id.IssuerRegexp, issuer)
}

func match(exact, re, v string) bool {
	if exact != "" && exact != v {
		return false
	}
	if re != "" {
		r, err := regexp.Compile("^(?:" + re + ")$")
		if err != nil || !r.MatchString(v) {
			return false
		}
	}
	return true
}

func (id Identity) String() string {
	s := id.Subject
	if s == "" {
		s = "/" + id.SubjectRegexp + "/"
	}
	switch {
	case id.Issuer != "":
		s += " from " + id.Issuer
	case id.IssuerRegexp != "":
		s += " from /" + id.IssuerRegexp + "/"
	}
	return s
}

// Notation is a Notation trust policy and trust store, laid out as
// notation keeps them: DIR/trustpolicy.json and
// DIR/truststore/x509/{ca,signingAuthority,tsa}/NAME/*.pem.
type Notation struct {
	Dir    string
	policy *trustpolicy.Document
	store  truststore.X509TrustStore
}

// LoadNotation reads a Notation configuration directory.
func LoadNotation(configDir string) (*Notation, error) {
	b, err := readCapped(filepath.Join(configDir, "trustpolicy.json"), maxKeySize)
	if err != nil {
		return nil, fmt.Errorf("verify: notation trust policy: %w", err)
	}
	doc, err := parseTrustPolicy(b)
	if err != nil {
		return nil, fmt.Errorf("verify: notation trust policy %s: %w", filepath.Join(configDir, "trustpolicy.json"), err)
	}
	return &Notation{Dir: configDir, policy: doc, store: truststore.NewX509TrustStore(dir.NewSysFS(configDir))}, nil
}

// parseTrustPolicy reads and validates a Notation trustpolicy.json.
func parseTrustPolicy(b []byte) (*trustpolicy.Document, error) {
	var doc trustpolicy.Document
	if err := strictJSON(b, &doc); err != nil {
		return nil, err
	}
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	return &doc, nil
}

// readCapped reads a regular file of at most max bytes.
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return b, nil
}
