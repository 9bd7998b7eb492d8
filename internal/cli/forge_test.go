package cli_test

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestGateForgery: pairing a vulnerable image's configuration with clean
// layers in an archive must not record the real image as clean. The real
// image lives in the engine; its configuration comes from `docker save`;
// the forged archive scans clean. Through the binary: the forged scan
// vouches for nothing (it is refused: its layers do not match the
// configuration's diff IDs), so `guard test --engine` still refuses the
// real image; a scan of the genuine archive is verified and recorded, and
// the gate then refuses the image for its finding.
func TestGateForgery(t *testing.T) {
	t.Parallel()
	sock := testutil.NeedDocker(t)
	dir := t.TempDir()
	suffix := randomSuffix(t)
	status := func(ver string) string {
		return "Package: a\nStatus: install ok installed\nVersion: " + ver + "\nArchitecture: all\n\n"
	}
	rootfs := func(ver string) []byte {
		return testutil.LayerTar(t,
			testutil.Entry{Name: "etc/os-release", Body: "ID=debian\nVERSION_ID=12\n"},
			testutil.Entry{Name: "var/lib/dpkg/status", Body: status(ver)})
	}
	vulnTar := filepath.Join(dir, "vuln-rootfs.tar")
	os.WriteFile(vulnTar, rootfs("1.0-1"), 0o644)
	name := "bulwark-forge-" + suffix + ":1"
	testutil.Docker(t, sock, "import", vulnTar, name)
	t.Cleanup(func() { exec.Command("docker", "-H", "unix://"+sock, "rmi", "-f", name).Run() })
	id := testutil.Docker(t, sock, "image", "inspect", "--format", "{{.Id}}", name)
	genuine := filepath.Join(dir, "genuine.tar")
	testutil.Docker(t, sock, "save", "-o", genuine, name)

	// The forged archive: the engine's configuration, a clean layer.
	cfg := savedConfig(t, genuine)
	forged := filepath.Join(dir, "forged.tar")
	cfgName := strings.TrimPrefix(id, "sha256:") + ".json"
	manifest := fmt.Sprintf(`[{"Config":%q,"RepoTags":[%q],"Layers":["clean/layer.tar"]}]`, cfgName, name)
	os.WriteFile(forged, testutil.LayerTar(t,
		testutil.Entry{Name: cfgName, Body: string(cfg)},
		testutil.Entry{Name: "clean/layer.tar", Body: string(rootfs("1.0-2"))},
		testutil.Entry{Name: "manifest.json", Body: manifest}), 0o644)

	osvDir := t.TempDir()
	os.WriteFile(filepath.Join(osvDir, "x.json"), []byte(`{"id":"DEBIAN-FORGE-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2"}]}]}]}`), 0o644)
	db := filepath.Join(dir, "db")
	if r := run(t, "db", "import", "--db", db, osvDir); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cache := filepath.Join(dir, "cache")
	pol := filepath.Join(dir, "policy.yaml")
	os.WriteFile(pol, []byte("version: 1\nscan_gate:\n  severity: unknown\n  history_dir: "+filepath.Join(cache, "history")+"\n"), 0o644)
	req := filepath.Join(dir, "create.json")
	os.WriteFile(req, []byte(`{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":{"Image":"`+name+
		`","User":"1000","HostConfig":{"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}}`), 0o644)
	gate := func() string {
		t.Helper()
		r := run(t, "guard", "test", "--engine", "--docker-host", "unix://"+sock, "--policy", pol, "--format", "json", req)
		var d struct {
			Violations []struct{ Rule, Detail string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
			t.Fatalf("guard test: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
		}
		for _, v := range d.Violations {
			if v.Rule == "scan-gate" {
				return v.Detail
			}
		}
		return ""
	}

	r := run(t, "scan", "--db", db, "--cache-dir", cache, "--format", "json", "docker-archive:"+forged)
	if r.code == 0 && !strings.Contains(r.stdout, `"layers_verified": true`) {
		t.Logf("forged archive scanned without verification (exit 0)")
	}
	if r.code != 2 || !strings.Contains(r.stderr, "does not match") {
		t.Errorf("forged archive: exit %d, want 2 naming the mismatch; stderr: %s", r.code, r.stderr)
	}
	if d := gate(); d == "" {
		t.Fatal("the gate allows the real, vulnerable image after a scan of a forged archive")
	}

	r = run(t, "scan", "--db", db, "--cache-dir", cache, "--format", "json", "docker-archive:"+genuine)
	if r.code != 0 || !strings.Contains(r.stdout, `"layers_verified": true`) {
		t.Fatalf("genuine archive: exit %d, %s", r.code, r.stderr)
	}
	if d := gate(); !strings.Contains(d, "FORGE-1") {
		t.Errorf("after a verified scan the gate says %q, want the finding", d)
	}
}

// savedConfig returns the image configuration of a `docker save` archive.
func savedConfig(t *testing.T, archive string) []byte {
	t.Helper()
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		members[h.Name] = body
	}
	var ms []struct{ Config string }
	if err := json.Unmarshal(members["manifest.json"], &ms); err != nil || len(ms) == 0 {
		t.Fatalf("manifest.json: %v", err)
	}
	return members[ms[0].Config]
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
