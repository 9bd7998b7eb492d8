package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func findingKeys(fs []finding.Finding, keep func(finding.Finding) bool) []string {
	var out []string
	for _, f := range fs {
		if keep == nil || keep(f) {
			out = append(out, f.ID+" path="+f.Evidence.Path+" key="+f.Evidence.Key)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func scanAll(t *testing.T, target string) *report.Report {
	t.Helper()
	rep, err := scan.Inventory(context.Background(), target, scan.Options{Misconfig: true, Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestMisconfiguredImageOnRealEngine is acceptance 1 of the
// misconfiguration issue: an image built by the real engine from a
// Dockerfile with several violations reports exactly those (plus the
// file findings its Debian base already had).
func TestMisconfiguredImageOnRealEngine(t *testing.T) {
	t.Parallel() // its own image; DOCKER_HOST is set by TestMain
	sock := testutil.NeedDocker(t)
	base := testutil.DebianImage(t, sock, "bookworm")

	ctxDir := t.TempDir()
	// Credentials made up for the test, in the real formats.
	awsKey := "AKIA" + "Q3RT7ZX2MNB4VC8L"
	os.WriteFile(filepath.Join(ctxDir, "credentials"), []byte("[default]\naws_access_key_id = "+awsKey+
		"\naws_secret_access_key = Xz8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2Vb4N\n"), 0o600)
	os.WriteFile(filepath.Join(ctxDir, "app.env"), []byte("LOG_LEVEL=info\nDB_PASSWORD=Zk38fjQ9xLw2\n"), 0o644)
	dockerfile := "FROM " + base + `
ARG BUILD_TOKEN=glpat-x9Kq2Lm7Nv4Bp8Rt3Wz6
ENV DB_PASSWORD=Zk38fjQ9xLw2
RUN apt-get update || true
RUN chmod 0666 /etc/issue.net
COPY credentials /root/.aws/credentials
COPY app.env /srv/app/.env
EXPOSE 22
`
	os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(dockerfile), 0o644)
	// Kept by content for later runs: the same Dockerfile on the same base.
	name := testutil.DockerBuildCached(t, sock, ctxDir, "bulwark-test/misconfig")

	baseRep := scanAll(t, "docker:"+base)
	got := scanAll(t, "docker:"+name)
	// The Debian base's own file findings (setuid binaries) stay.
	want := findingKeys(baseRep.Findings, func(f finding.Finding) bool { return f.Evidence.Path != "" })
	want = append(want,
		"BW-IMG-001 path= key=User",
		"BW-IMG-002 path= key=Healthcheck",
		"BW-IMG-005 path= key=",
		"BW-IMG-007 path= key=BUILD_TOKEN",
		"BW-IMG-007 path= key=DB_PASSWORD",
		"BW-IMG-008 path= key=ExposedPorts",
		"BW-FILE-002 path=etc/issue.net key=",
		"BW-FILE-003 path=root/.aws/credentials key=",
		"BW-FILE-003 path=srv/app/.env key=",
		"secret-aws-access-key-id path=root/.aws/credentials key=",
		"secret-aws-secret-access-key path=root/.aws/credentials key=",
	)
	slices.Sort(want)
	if d := cmp.Diff(want, findingKeys(got.Findings, nil)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	for _, f := range got.Findings {
		if strings.Contains(f.Evidence.Match, "Q3RT7ZX2") || strings.Contains(f.Evidence.Match, "x9Kq2Lm7") {
			t.Errorf("secret not redacted: %+v", f)
		}
		if f.Evidence.Path != "" && f.Evidence.LayerDigest == "" {
			t.Errorf("file finding without its layer: %+v", f)
		}
	}
	// The base image alone: only file modes and the image-level rules.
	for _, f := range baseRep.Findings {
		if f.Class == finding.Secret || f.ID == "BW-FILE-003" {
			t.Errorf("clean Debian base reports %+v", f)
		}
	}
}
