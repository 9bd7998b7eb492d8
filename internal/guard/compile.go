package guard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/ignore"
)

// compiled is a policy prepared for fast decisions: lookup sets, host
// paths resolved through symlinks, the scan source and ignore file.
type compiled struct {
	p          *policy.Policy
	caps       map[string]bool
	namespaces map[string]bool
	sensitive  []hostPath
	allowPaths []hostPath
	devices    []hostPath
	registries map[string]bool
	scans      Scans
	ignore     *ignoreFile
	trust      *trustState
}

// hostPath is a host path as written and as resolved through symlinks
// now; rules compare both forms.
type hostPath struct{ literal, resolved string }

func newHostPath(p string) hostPath {
	p = filepath.Clean(p)
	return hostPath{literal: p, resolved: resolve(p)}
}

func (h hostPath) forms() []string {
	if h.resolved == h.literal {
		return []string{h.literal}
	}
	return []string{h.literal, h.resolved}
}

// resolve follows symlinks through the longest existing prefix of p, so
// a path the daemon would create under a symlinked directory resolves
// too.
func resolve(p string) string {
	rest := ""
	for cur := p; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

func compile(p *policy.Policy, opts Options) (*compiled, error) {
	if p == nil {
		return nil, errors.New("no policy")
	}
	c := &compiled{p: p, caps: map[string]bool{}, namespaces: map[string]bool{}, registries: map[string]bool{}}
	for _, x := range p.Containers.AllowCapabilities {
		c.caps[policy.NormalizeCapability(x)] = true
	}
	for _, x := range p.Containers.AllowHostNamespaces {
		c.namespaces[x] = true
	}
	for _, x := range p.Containers.SensitiveHostPaths {
		c.sensitive = append(c.sensitive, newHostPath(x))
	}
	for _, x := range p.Containers.AllowHostPaths {
		c.allowPaths = append(c.allowPaths, newHostPath(x))
	}
	for _, x := range p.Containers.AllowDevices {
		c.devices = append(c.devices, newHostPath(x))
	}
	for _, x := range p.Images.AllowedRegistries {
		c.registries[x] = true
	}
	c.scans = opts.Scans
	if c.scans == nil && p.ScanGate.Enabled {
		dir := p.ScanGate.HistoryDir
		if dir == "" {
			d, err := history.DefaultDir()
			if err != nil {
				return nil, fmt.Errorf("scan gate: %w", err)
			}
			dir = d
		}
		c.scans = history.Dir(dir)
	}
	if c.scans != nil {
		now := opts.Now
		if now == nil {
			now = time.Now
		}
		c.scans = &cachedScans{src: c.scans, now: now, m: map[string]cachedScan{}}
	}
	if p.ScanGate.IgnoreFile != "" {
		c.ignore = &ignoreFile{path: p.ScanGate.IgnoreFile}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	t, err := compileTrust(&p.Trust, now)
	if err != nil {
		return nil, err
	}
	c.trust = t
	return c, nil
}

// ignoreFile is the scan gate's ignore file, re-read when it changes so
// that a new suppression applies to the next request without a reload.
type ignoreFile struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	size int64
	list *ignore.List
}

func (f *ignoreFile) load() (*ignore.List, error) {
	if f == nil {
		return nil, nil
	}
	st, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		// No file means nothing is suppressed: stricter, never looser.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ignore file: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.list != nil && st.ModTime().Equal(f.mod) && st.Size() == f.size {
		return f.list, nil
	}
	l, err := ignore.Load(f.path)
	if err != nil {
		return nil, err
	}
	f.list, f.mod, f.size = l, st.ModTime(), st.Size()
	return l, nil
}

// maxBody is the daemon's limit for bodies it forwards to plugins.
const maxBody = 1 << 20

// requireBody returns the request body when it can be judged, or the
// request-body violation. The daemon forwards a body only when its
// Content-Type is JSON and it is under 1 MiB, and forwarded nothing at all
// for a request that declared Content-Length 0 but carried a body
// (CVE-2024-41110): when the body decides, no body means deny.
func (c *compiled) requireBody(in Input, what string) ([]byte, *Violation) {
	body := bytes.TrimSpace(in.Body)
	var why string
	switch {
	case len(in.Body) == 0:
		why = fmt.Sprintf("%s request without a body: the daemon forwards only JSON bodies under 1 MiB (Content-Type %q, Content-Length %q)",
			what, header(in.Headers, "Content-Type"), header(in.Headers, "Content-Length"))
	case len(in.Body) > maxBody:
		why = fmt.Sprintf("%s body of %d bytes is over 1 MiB", what, len(in.Body))
	case len(body) == 0 || body[0] != '{':
		why = fmt.Sprintf("%s body is not a JSON object", what)
	case !json.Valid(body):
		why = fmt.Sprintf("%s body is not valid JSON", what)
	}
	if why == "" {
		return body, nil
	}
	if !c.p.Requests.RequireBody && len(in.Body) == 0 {
		return []byte("{}"), nil
	}
	return nil, &Violation{policy.RuleRequestBody, why}
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// decodeJSON decodes one JSON object the way the daemon does
// (encoding/json: case-insensitive keys, last duplicate wins) and refuses
// trailing content.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected content after the JSON object")
	}
	return nil
}
