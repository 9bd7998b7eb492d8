package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/cyclonedx"
	"github.com/bulwark-sec/bulwark/internal/report/formats"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
)

// TestFormatFlag: --format help and validation come from the format
// registry: scan offers every format, sbom those that list packages, a
// near miss gets a hint, an alias names its format.
func TestFormatFlag(t *testing.T) {
	t.Parallel()
	for cmd, fs := range map[string][]*report.Format{"scan": formats.All(), "sbom": formats.Inventory()} {
		want := "output format: " + strings.Join(formats.Names(fs), ", ")
		if r := run(t, cmd, "--help"); !strings.Contains(r.stdout, want) {
			t.Errorf("%s --help lacks %q", cmd, want)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--format", "sarf", "x"}, `unknown --format "sarf"; did you mean "sarif"? (want one of table, json, sarif,`},
		{[]string{"sbom", "--format", "spdx", "x"}, `did you mean "spdx-json"?`},
		{[]string{"sbom", "--format", "sarif", "x"}, `unknown --format "sarif" (want one of table, json, cyclonedx, spdx-json)`},
		{[]string{"diff", "--format", "cyclonedx", "x", "y"}, `unknown --format "cyclonedx" (want one of table, json, template)`},
	} {
		r := run(t, tt.args...)
		if r.code != 2 || !oneLine(r.stderr) || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	// An alias: cyclonedx-json is cyclonedx.
	in := filepath.Join(t.TempDir(), "in.cdx.json")
	var buf bytes.Buffer
	if err := cyclonedx.Write(&buf, reporttest.Sample(), cyclonedx.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "sbom", "--format", "cyclonedx-json", "sbom:"+in)
	if r.code != 0 || !strings.Contains(r.stdout, `"bomFormat": "CycloneDX"`) {
		t.Errorf("sbom --format cyclonedx-json: exit %d, stderr %q, stdout %.200q", r.code, r.stderr, r.stdout)
	}
}
