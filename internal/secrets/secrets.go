// Package secrets finds credentials left in image files.
//
// # Data flow
//
// The layer walker offers each regular file up to [Scanner.MaxSize]; paths
// on the allow-list (documentation, test fixtures, examples) are declined
// before anything is read. The first 8 KiB decide whether the file is
// binary (a NUL byte): binaries are dropped without reading the rest,
// which is most of an OS image's bytes. Text is searched once for every
// rule's keywords with one Aho-Corasick automaton; only rules whose
// keywords occur run their regular expression. Matches are checked against
// known example credentials, entropy and placeholder words, and reported
// with the line number and the secret redacted.
package secrets

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strings"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

// DefaultMaxSize bounds the files searched: credentials live in config
// files and scripts, not in 100 MB blobs.
const DefaultMaxSize = 4 << 20

// sniffSize is how much of a file decides "binary".
const sniffSize = 8 << 10

// Scanner searches file contents for credentials. Use New.
type Scanner struct {
	rules []rule
	ac    ahocorasick.AhoCorasick
	// kwRule maps an automaton pattern to the rules it enables.
	kwRule [][]int
	// MaxSize bounds searched files (DefaultMaxSize).
	MaxSize int64
	// AllowPaths are path patterns never searched; see DefaultAllowPaths.
	AllowPaths []string
}

// DefaultAllowPaths are never searched: documentation and the test data
// and examples of packages, whose "credentials" are fixtures. Patterns are
// path segments ("/test/" matches any directory named test) or prefixes.
var DefaultAllowPaths = []string{
	"usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/", "usr/share/i18n/",
	"usr/share/common-licenses/", "/test/", "/tests/", "/testdata/", "/fixtures/", "/examples/", "/example/",
	"/__tests__/", "/spec/",
}

// New returns a scanner with the built-in rules and allow-list.
func New() *Scanner {
	s := &Scanner{rules: builtinRules, MaxSize: DefaultMaxSize, AllowPaths: DefaultAllowPaths}
	var kws []string
	index := map[string]int{}
	for i, r := range s.rules {
		for _, kw := range r.keywords {
			kw = strings.ToLower(kw)
			j, ok := index[kw]
			if !ok {
				j = len(kws)
				index[kw] = j
				kws = append(kws, kw)
				s.kwRule = append(s.kwRule, nil)
			}
			s.kwRule[j] = append(s.kwRule[j], i)
		}
	}
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{AsciiCaseInsensitive: true, MatchKind: ahocorasick.StandardMatch, DFA: true})
	s.ac = b.Build(kws)
	return s
}

// Rules lists the rules, for documentation and reports.
func (s *Scanner) Rules() []finding.Rule {
	out := make([]finding.Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.Rule
	}
	return out
}

// Name and Version identify the scanner in the layer cache key.
func (s *Scanner) Name() string    { return "secret" }
func (s *Scanner) Version() string { return "1" }

// allowed reports whether p is on the allow-list.
func (s *Scanner) allowed(p string) bool {
	sp := "/" + p
	for _, a := range s.AllowPaths {
		if strings.HasPrefix(a, "/") {
			if strings.Contains(sp, a) {
				return true
			}
		} else if strings.HasPrefix(p, a) {
			return true
		}
	}
	return false
}

// WantsContent selects files worth reading.
func (s *Scanner) WantsContent(p string, mode fs.FileMode, size int64) bool {
	return mode.IsRegular() && size > 0 && size <= s.MaxSize && !s.allowed(p)
}

// Check implements the layer checker: it reads f, if it is text, and
// returns its secrets.
func (s *Scanner) Check(ctx context.Context, e *layerfs.Entry, f catalog.File) ([]finding.Finding, error) {
	if f == nil {
		return nil, nil
	}
	br := bufio.NewReaderSize(f, sniffSize)
	head, _ := br.Peek(sniffSize)
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, nil // binary
	}
	data, err := io.ReadAll(io.LimitReader(br, s.MaxSize))
	if err != nil {
		return nil, fmt.Errorf("secrets: reading %s: %w", e.Path, err)
	}
	return s.Scan(e.Path, data), nil
}

// Scan returns the secrets in data, located at path.
func (s *Scanner) Scan(path string, data []byte) []finding.Finding {
	active := make([]bool, len(s.rules))
	any := false
	iter := s.ac.IterOverlappingByte(data)
	for m := iter.Next(); m != nil; m = iter.Next() {
		for _, r := range s.kwRule[m.Pattern()] {
			active[r] = true
			any = true
		}
	}
	if !any {
		return nil
	}
	var out []finding.Finding
	for i, r := range s.rules {
		if !active[i] {
			continue
		}
		for _, loc := range r.re.FindAllSubmatchIndex(data, -1) {
			start, end := loc[2*r.group], loc[2*r.group+1]
			if start < 0 {
				continue
			}
			secret := string(data[start:end])
			if !plausible(r, secret) {
				continue
			}
			out = append(out, r.At(finding.Evidence{
				Path:  path,
				Line:  1 + bytes.Count(data[:start], []byte{'\n'}),
				Match: finding.Redact(secret),
			}))
		}
	}
	return out
}

// FindInText reports which rules match a short text (an ENV value, a
// history command), for the image-configuration checks.
func (s *Scanner) FindInText(text string) []finding.Finding {
	return s.Scan("", []byte(text))
}

// placeholders mark values that are not real credentials.
var placeholders = []string{"example", "changeme", "change_me", "xxxxxx", "******", "placeholder", "dummy", "sample",
	"your_", "your-", "yourpassword", "password", "secret", "redacted", "<", ">", "{{", "}}", "%s", "%(", "${", "$(", "0000000000"}

func plausible(r rule, secret string) bool {
	if exampleValues[secret] {
		return false
	}
	if r.generic {
		low := strings.ToLower(secret)
		for _, p := range placeholders {
			if strings.Contains(low, p) {
				return false
			}
		}
		// A credential mixes letters and digits; words and paths do not.
		if !strings.ContainsAny(secret, "0123456789") || strings.Count(secret, "/") > 1 || strings.Count(secret, ".") > 2 {
			return false
		}
	}
	if r.minEntropy > 0 && entropy(secret) < r.minEntropy {
		return false
	}
	return true
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}
