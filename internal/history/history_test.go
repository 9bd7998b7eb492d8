package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/report"
)

const id = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

func sampleReport(at time.Time) *report.Report {
	r := &report.Report{
		Tool:      report.Tool{Name: "bulwark", Version: "v1.0.0"},
		CreatedAt: at,
		Target: report.Target{
			Name: "docker:web:1", Kind: "docker", ID: id, LayersVerified: true,
			RepoTags:    []string{"web:1", "registry.example:5000/team/web:1"},
			RepoDigests: []string{"registry.example:5000/team/web@sha256:2222222222222222222222222222222222222222222222222222222222222222"},
		},
		Coverage: report.Coverage{Matching: report.Matched, PackageStatus: report.PackageCounts{Checked: 2}},
		Database: &report.Database{BuiltAt: at.Add(-time.Hour)},
		Vulnerabilities: []report.Vulnerability{
			{ID: "DSA-5000-1", Aliases: []string{"CVE-2021-0001"}, Package: report.PackageRef{Name: "libssl1.1", Version: "1.1.1n-0+deb11u3", PURL: "pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3"},
				Severity: advisory.Critical, Status: advisory.Fixed, FixedVersion: "1.1.1n-0+deb11u4"},
			{ID: "DSA-5001-1", Package: report.PackageRef{Name: "zlib1g", Version: "1:1.2.11.dfsg-2"}, Severity: advisory.UnknownSeverity, Status: advisory.Fixed},
		},
	}
	r.Normalize()
	return r
}

func TestRecordAndLatest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := Record(ctx, dir, sampleReport(at)); err != nil {
		t.Fatal(err)
	}
	want := &Entry{
		SchemaVersion: 1, ImageID: id, LayersVerified: true, Target: "docker:web:1",
		Names:       []string{"web:1", "registry.example:5000/team/web:1"},
		RepoDigests: []string{"registry.example:5000/team/web@sha256:2222222222222222222222222222222222222222222222222222222222222222"},
		ScannedAt:   at, Tool: report.Tool{Name: "bulwark", Version: "v1.0.0"}, Matched: true, Assessed: true,
		Assessment: report.AssessedFull, DatabaseBuiltAt: at.Add(-time.Hour),
		Counts: map[string]int{"critical": 1, "unknown": 1},
		Findings: []Finding{
			{ID: "DSA-5000-1", Aliases: []string{"CVE-2021-0001"}, Package: "libssl1.1", Version: "1.1.1n-0+deb11u3", PURL: "pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3", Severity: "critical", Status: "fixed", FixedVersion: "1.1.1n-0+deb11u4"},
			{ID: "DSA-5001-1", Package: "zlib1g", Version: "1:1.2.11.dfsg-2", Severity: "unknown", Status: "fixed"},
		},
	}
	tests := []struct{ key, stored string }{
		{id, id},
		{"1111111111111111111111111111111111111111111111111111111111111111", id},
		{"web:1", "docker.io/library/web:1"},
		{"docker.io/library/web:1", "docker.io/library/web:1"},
		{"docker:web:1", "docker.io/library/web:1"},
		{"registry.example:5000/team/web:1", "registry.example:5000/team/web:1"},
		{"registry.example:5000/team/web@sha256:2222222222222222222222222222222222222222222222222222222222222222", "registry.example:5000/team/web@sha256:2222222222222222222222222222222222222222222222222222222222222222"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, err := Latest(ctx, dir, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			w := *want
			w.Key = tt.stored
			if d := cmp.Diff(&w, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if _, err := Latest(ctx, dir, "web:2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unscanned name: %v, want ErrNotFound", err)
	}
	if _, err := Dir(dir).Latest(ctx, "web"); !errors.Is(err, ErrNotFound) {
		t.Errorf("web (= web:latest): %v, want ErrNotFound", err)
	}
}

func TestNewerScanWins(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	newer := sampleReport(t0.Add(time.Hour))
	newer.Vulnerabilities = nil
	newer.Normalize()
	if err := Record(ctx, dir, newer); err != nil {
		t.Fatal(err)
	}
	// An older scan recorded afterwards (a slow scan finishing late)
	// does not replace the newer one.
	if err := Record(ctx, dir, sampleReport(t0)); err != nil {
		t.Fatal(err)
	}
	got, err := Latest(ctx, dir, id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.ScannedAt.Equal(t0.Add(time.Hour)) || len(got.Findings) != 0 {
		t.Errorf("got the scan of %v with %d findings, want the newer, clean one", got.ScannedAt, len(got.Findings))
	}
	// A rescan that is newer replaces it.
	if err := Record(ctx, dir, sampleReport(t0.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if got, _ := Latest(ctx, dir, "web:1"); got == nil || len(got.Findings) != 2 {
		t.Errorf("newest scan not stored: %+v", got)
	}
}

func TestConcurrentWritersAndReaders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := Record(ctx, dir, sampleReport(t0)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 10 {
				if err := Record(ctx, dir, sampleReport(t0.Add(time.Duration(i*10+j)*time.Second))); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 20 {
				e, err := Latest(ctx, dir, id)
				if err != nil {
					errs <- err
				} else if e.ImageID != id || len(e.Findings) != 2 {
					errs <- fmt.Errorf("torn read: %+v", e)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := Latest(ctx, dir, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(79 * time.Second); !got.ScannedAt.Equal(want) {
		t.Errorf("latest is %v, want %v", got.ScannedAt, want)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "v1", ".tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestDamagedAndInvalid(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := Record(ctx, dir, &report.Report{}); err == nil {
		t.Error("a report without any key was recorded")
	}
	if err := Record(ctx, dir, nil); err == nil {
		t.Error("nil report recorded")
	}
	if err := Record(ctx, dir, sampleReport(time.Now())); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"truncated":     `{"schema_version":1,"key":"`,
		"other schema":  `{"schema_version":9,"key":"` + id + `"}`,
		"key mismatch":  `{"schema_version":1,"key":"sha256:0000"}`,
		"not an object": `[]`,
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(fileFor(dir, id), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Latest(ctx, dir, id)
			if err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("got %v, want a damage error", err)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Latest(cctx, dir, id); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                  "docker.io/library/nginx:latest",
		"docker:nginx:1.25":      "docker.io/library/nginx:1.25",
		"registry:ghcr.io/a/b:1": "ghcr.io/a/b:1",
		"SHA256:" + id[7:]:       id,
		"/tmp/image.tar":         "/tmp/image.tar",
		"dir:/rootfs":            "dir:/rootfs",
		"  web:1 ":               "docker.io/library/web:1",
	} {
		if got := NormalizeKey(in); got != want {
			t.Errorf("NormalizeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"schema_version":1,"key":"x","findings":[{"id":"a","severity":"critical"}]}`))
	f.Add([]byte(`{"schema_version":1,"counts":{"high":-1}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "r.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := read(p)
		if err == nil && e.SchemaVersion != SchemaVersion {
			t.Errorf("accepted schema %d", e.SchemaVersion)
		}
		NormalizeKey(string(b))
	})
}

// TestUnverifiedScanNamesNoImage: a scan whose layers were not checked
// against the configuration is kept under its names only, never under the
// image ID the configuration claims.
func TestUnverifiedScanNamesNoImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rep := sampleReport(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	rep.Target.LayersVerified = false
	if err := Record(ctx, dir, rep); err != nil {
		t.Fatal(err)
	}
	if e, err := Latest(ctx, dir, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unverified scan recorded under the image ID: %+v, %v", e, err)
	}
	e, err := Latest(ctx, dir, "web:1")
	if err != nil {
		t.Fatal(err)
	}
	if e.ImageID != "" || e.LayersVerified {
		t.Errorf("unverified entry claims image %q (verified %v)", e.ImageID, e.LayersVerified)
	}
}
