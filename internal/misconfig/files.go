package misconfig

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

// Files is the layer checker for file modes and credential files. The
// zero value is not usable; use NewFiles.
type Files struct{ c *Checker }

// NewFiles returns the file checker.
func NewFiles() *Files { return &Files{c: NewChecker()} }

func (*Files) Name() string    { return "misconfig-files" }
func (*Files) Version() string { return "1" }

// maxCredFile bounds the credential files read to confirm them.
const maxCredFile = 1 << 20

// credFile confirms that a file named like a credential store holds one.
type credFile struct {
	match   func(p string) bool
	confirm *lazyRegexp // content must match; nil: the name is enough
	what    string
}

func base(name string) func(string) bool { return func(p string) bool { return path.Base(p) == name } }
func suffix(s string) func(string) bool {
	return func(p string) bool { return strings.HasSuffix(p, s) }
}

var privateKey = lazyRE(`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY`)

var credFiles = []credFile{
	{func(p string) bool {
		b := path.Base(p)
		return (strings.HasPrefix(b, "id_rsa") || strings.HasPrefix(b, "id_dsa") || strings.HasPrefix(b, "id_ecdsa") ||
			strings.HasPrefix(b, "id_ed25519")) && !strings.HasSuffix(b, ".pub")
	}, privateKey, "SSH private key"},
	{func(p string) bool {
		return strings.HasSuffix(p, ".pem") || strings.HasSuffix(p, ".key")
	}, privateKey, "private key"},
	{suffix(".aws/credentials"), lazyRE(`(?i)aws_secret_access_key\s*=\s*\S`), "AWS credentials"},
	{base(".npmrc"), lazyRE(`(_authToken|_auth|_password)\s*=\s*\S`), "npm registry token"},
	{base(".pypirc"), lazyRE(`(?m)^\s*password\s*[=:]\s*\S`), "PyPI password"},
	{suffix(".docker/config.json"), lazyRE(`"auth"\s*:\s*"[A-Za-z0-9+/=]{4,}"`), "Docker registry credentials"},
	{func(p string) bool { return strings.HasSuffix(p, ".kube/config") || path.Base(p) == "kubeconfig" },
		lazyRE(`(?m)^\s*(token|client-key-data|password)\s*:\s*\S`), "Kubernetes credentials"},
	{base(".git-credentials"), lazyRE(`://[^/\s:@]+:[^/\s@]+@`), "Git credentials"},
	{base(".netrc"), lazyRE(`\bpassword\s+\S`), "netrc password"},
	{func(p string) bool { b := path.Base(p); return b == ".env" || strings.HasPrefix(b, ".env.") }, nil, "environment file"},
}

func credFor(p string) *credFile {
	for i := range credFiles {
		if credFiles[i].match(p) {
			return &credFiles[i]
		}
	}
	return nil
}

// WantsContent asks for credential-named files only.
func (x *Files) WantsContent(p string, mode fs.FileMode, size int64) bool {
	return mode.IsRegular() && size > 0 && size <= maxCredFile && credFor(p) != nil
}

// Check judges one entry: modes always, content when it was asked for.
func (x *Files) Check(_ context.Context, e *layerfs.Entry, f catalog.File) ([]finding.Finding, error) {
	var out []finding.Finding
	ev := finding.Evidence{Path: e.Path, Match: e.Mode.String()}
	switch e.Kind {
	case layerfs.KindFile:
		if e.Mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 {
			out = append(out, Setuid.At(ev))
		}
		if e.Mode.Perm()&0o002 != 0 {
			out = append(out, WorldWritable.At(ev))
		}
	case layerfs.KindDir:
		if e.Mode.Perm()&0o002 != 0 && e.Mode&fs.ModeSticky == 0 {
			out = append(out, WorldWritable.At(ev))
		}
	}
	if f == nil {
		return out, nil
	}
	cf := credFor(e.Path)
	if cf == nil {
		return out, nil
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCredFile))
	if err != nil {
		return out, err
	}
	hit := false
	if cf.confirm != nil {
		hit = cf.confirm.re().Match(b)
	} else {
		hit = envHasSecret(x.c, b)
	}
	if hit {
		out = append(out, SensitiveFile.At(finding.Evidence{Path: e.Path, Match: cf.what}))
	}
	return out, nil
}

// envHasSecret reads KEY=VALUE lines and applies the value rules.
func envHasSecret(c *Checker, b []byte) bool {
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, v, ok := bytes.Cut(bytes.TrimPrefix(line, []byte("export ")), []byte{'='})
		if ok && len(c.CheckValue(string(k), string(v), finding.Evidence{})) > 0 {
			return true
		}
	}
	return false
}
