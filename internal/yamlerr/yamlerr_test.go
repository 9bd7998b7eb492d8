package yamlerr_test

import (
	"bytes"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/yamlerr"
)

type entry struct {
	ID      string   `yaml:"id"`
	Reason  string   `yaml:"reason"`
	Expires int      `yaml:"expires"`
	Paths   []string `yaml:"paths"`
	Enabled bool     `yaml:"enabled"`
}

type doc struct {
	Ignores []entry `yaml:"ignores"`
}

func decode(src string) error {
	var d doc
	dec := yaml.NewDecoder(bytes.NewReader([]byte(src)))
	dec.KnownFields(true)
	return yamlerr.Explain(dec.Decode(&d), ".bulwarkignore.yaml", &d)
}

func TestExplain(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"ignores:\n  - id: CVE-1\n    reson: x\n", "unknown key 'reson' in .bulwarkignore.yaml line 3; did you mean 'reason'?"},
		{"ignores:\n  - id: CVE-1\n    zzzzzzzz: x\n", "unknown key 'zzzzzzzz' in .bulwarkignore.yaml line 3"},
		{"ignores:\n  - id: CVE-1\n    enabled: perhaps\n", ".bulwarkignore.yaml line 3: 'perhaps' is not true or false"},
		{"ignores:\n  - id: CVE-1\n    paths: one\n", ".bulwarkignore.yaml line 3: 'one' is not a list"},
		{"ignores: [\n", ".bulwarkignore.yaml line 1: did not find expected node content"},
	} {
		err := decode(tt.src)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "yamlerr_test.")) {
			t.Errorf("%q: %q has a newline or a Go type name", tt.src, err)
		}
	}
	if err := decode("ignores:\n  - id: CVE-1\n    reason: ok\n"); err != nil {
		t.Errorf("valid document: %v", err)
	}
}

func FuzzExplain(f *testing.F) {
	for _, s := range []string{"ignores:\n  - id: a\n    reson: b\n", "ignores: [", "x: 1\n", "ignores:\n  - paths: {a: b}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if err := decode(src); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("two lines: %q", err)
		}
	})
}
