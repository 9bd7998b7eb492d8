package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

const feedTestdata = "../advisory/feed"

func TestDBImportAndStatus(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x", "bulwark.db")
	out, errOut, code := runCLI("db", "import", "--db", db,
		filepath.Join(feedTestdata, "osv", "testdata"),
		filepath.Join(feedTestdata, "debian", "testdata", "list"),
		filepath.Join(feedTestdata, "debian", "testdata", "tracker.json"),
		filepath.Join(feedTestdata, "alpine", "testdata", "v3.19", "main.json"))
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "built "+db+": 24 advisories") {
		t.Errorf("import output %q", out)
	}

	out, errOut, code = runCLI("db", "status", "--db", db, "--format", "json", "--verify")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errOut)
	}
	var st struct {
		Path          string         `json:"path"`
		SchemaVersion int            `json:"schema_version"`
		Stale         bool           `json:"stale"`
		Advisories    int            `json:"advisories"`
		Ecosystems    map[string]int `json:"ecosystems"`
		Verified      bool           `json:"verified"`
		Sources       []struct {
			Name        string `json:"name"`
			Count       int    `json:"count"`
			Fingerprint string `json:"fingerprint"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status json: %v\n%s", err, out)
	}
	var names []string
	for _, s := range st.Sources {
		names = append(names, s.Name)
		if !strings.HasPrefix(s.Fingerprint, "sha256:") || s.Count == 0 {
			t.Errorf("source %+v", s)
		}
	}
	if diff := cmp.Diff([]string{"osv/testdata", "debian/DSA", "debian/tracker", "alpine/v3.19/main"}, names); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if st.Path != db || st.SchemaVersion != vulndb.SchemaVersion || st.Stale || !st.Verified || st.Advisories != 24 || st.Ecosystems["Alpine:v3.19"] != 6 {
		t.Errorf("status %+v", st)
	}

	out, _, code = runCLI("db", "status", "--db", db)
	for _, want := range []string{"schema version:   " + strconv.Itoa(vulndb.SchemaVersion), "alpine/v3.19/main", "Debian:12", "DSA"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("text status (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	if strings.Contains(out, "warning") {
		t.Errorf("fresh database reported stale:\n%s", out)
	}
}

func TestDBStatusStaleAndEnv(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bulwark.db")
	_, err := vulndb.Build(context.Background(), db, vulndb.Advisories([]*advisory.Advisory{{ID: "X-1", Source: "osv-go",
		Affected: []advisory.Affected{{Ecosystem: "Go", Package: "m", Versions: []string{"1.0.0"}}}}}),
		vulndb.BuildOptions{BuiltAt: time.Now().Add(-10 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BULWARK_DB", db) // no --db: the environment decides
	out, errOut, code := runCLI("db", "status", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var st struct {
		Stale    bool     `json:"stale"`
		Warnings []string `json:"warnings"`
	}
	json.Unmarshal([]byte(out), &st)
	if !st.Stale || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "10 days old") {
		t.Errorf("stale status %+v", st)
	}
	out, _, _ = runCLI("db", "status")
	if !strings.Contains(out, "warning: the database is 10 days old") {
		t.Errorf("text status lacks the age warning:\n%s", out)
	}
}

func TestDBErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "feed.json")
	os.WriteFile(garbage, []byte(`{"distroversion": "v3.1", "packages": [{"pkg": {"name": 5}}]}`), 0o644)
	notDB := filepath.Join(dir, "not.db")
	os.WriteFile(notDB, bytes.Repeat([]byte("x"), 10000), 0o644)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"status of no database", []string{"db", "status", "--db", filepath.Join(dir, "none.db")}, "no database"},
		{"status of a damaged file", []string{"db", "status", "--db", notDB}, "not a usable database file"},
		{"bad format", []string{"db", "status", "--db", notDB, "--format", "xml"}, "--format must be text or json"},
		{"import of a bad feed", []string{"db", "import", "--db", filepath.Join(dir, "a.db"), garbage}, garbage},
		{"import of nothing", []string{"db", "import", "--db", filepath.Join(dir, "a.db")}, "requires at least 1 arg"},
		{"import of a missing file", []string{"db", "import", "--db", filepath.Join(dir, "a.db"), filepath.Join(dir, "missing")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(tt.args...)
			if code != ExitInput || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit 2 mentioning %q", code, errOut, tt.wantErr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "a.db")); err == nil {
		t.Error("a failed import left a database")
	}
}
