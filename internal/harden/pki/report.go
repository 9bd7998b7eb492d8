package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/harden"
)

// CertInfo summarises one certificate for people and for json.
type CertInfo struct {
	Role      string    `json:"role"` // ca, server, client
	Subject   string    `json:"subject"`
	KeyType   KeyType   `json:"key_type"`
	DNSNames  []string  `json:"dns_names,omitempty"`
	IPs       []string  `json:"ips,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// SHA256 is the fingerprint of the DER certificate.
	SHA256 string `json:"sha256"`
}

// Info describes a certificate.
func Info(role string, c *x509.Certificate) CertInfo {
	sum := sha256.Sum256(c.Raw)
	ci := CertInfo{Role: role, Subject: c.Subject.CommonName, KeyType: keyTypeOf(c.PublicKey), DNSNames: c.DNSNames,
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), SHA256: hex.EncodeToString(sum[:])}
	for _, ip := range c.IPAddresses {
		ci.IPs = append(ci.IPs, ip.String())
	}
	return ci
}

// Report is what `harden tls` tells: the files, the certificates, the
// settings and the bench checks they move.
type Report struct {
	SchemaVersion string              `json:"schema_version"`
	Action        string              `json:"action"` // create or rotate
	Dir           string              `json:"dir"`
	Files         []harden.Written    `json:"files"`
	Certificates  []CertInfo          `json:"certificates"`
	Settings      Settings            `json:"settings"`
	Checks        []harden.Transition `json:"checks"`
	Fixes         []string            `json:"fixes"`
	Warnings      []string            `json:"warnings,omitempty"`
}

// WriteText renders a report for a person.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	verb := "Created"
	if r.Action == "rotate" {
		verb = "Re-issued from the existing CA"
	}
	fmt.Fprintf(&b, "%s under %s:\n", verb, r.Dir)
	for _, f := range r.Files {
		fmt.Fprintf(&b, "  %04o %d:%d  %s\n", f.Mode.Perm(), f.UID, f.GID, f.Path)
	}
	b.WriteString("\nCertificates:\n")
	for _, c := range r.Certificates {
		fmt.Fprintf(&b, "  %-6s %-28s %-10s valid until %s", c.Role, c.Subject, c.KeyType, c.NotAfter.Format(time.DateOnly))
		if sans := slices.Concat(c.DNSNames, c.IPs); len(sans) > 0 {
			fmt.Fprintf(&b, "  SANs %s", strings.Join(sans, ", "))
		}
		b.WriteByte('\n')
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(&b, "\nWarning: %s\n", warn)
	}
	s := r.Settings
	b.WriteString("\ndockerd (keep the existing -H unix://… so local clients still reach it):\n")
	fmt.Fprintf(&b, "  dockerd %s\n", strings.Join(s.DockerdFlags, " "))
	b.WriteString("or in daemon.json (never both: dockerd refuses an option set in both places):\n")
	for _, k := range []string{"tlsverify", "tlscacert", "tlscert", "tlskey", "hosts"} {
		fmt.Fprintf(&b, "  %q: %s\n", k, jsonText(s.DaemonJSON[k]))
	}
	b.WriteString("\nclients (copy " + s.ClientEnv["DOCKER_CERT_PATH"] + " to each client):\n")
	for _, k := range []string{"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
		fmt.Fprintf(&b, "  export %s=%s\n", k, s.ClientEnv[k])
	}
	harden.WriteTransitions(&b, r.Checks)
	_, err := io.WriteString(w, b.String())
	return err
}

func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(v)
}
