package scan_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/misconfig"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// randomToken is a made-up credential of n characters from the usual
// alphabet, so that no allow-list takes it for an example.
func randomToken(t *testing.T, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

// TestSecretsInLowerLayers is acceptance 1 of the lower-layer secrets
// issue. Built by the real engine: one COPY adds a private key, an AWS
// credentials file and an .env with a token (and a config with a token
// that stays); a RUN rm deletes the key and the credentials, another
// replaces /srv/app, which overlay2 exports as an opaque directory, and a
// chown re-adds the config that stays with the same content. Each deleted
// file's findings name the COPY layer, its history line and the layer that
// removed it; the config that stays is reported once, from the COPY layer.
func TestSecretsInLowerLayers(t *testing.T) {
	t.Parallel() // its own image; DOCKER_HOST is set by TestMain
	sock := testutil.NeedDocker(t)
	base := testutil.DebianImage(t, sock, "bookworm")

	// The build context holds credentials made up at random, so that no
	// allow-list takes them for examples; it is made once per base image
	// and kept, and so is the image built from it (named by its content)
	// and its export: the engine's classic builder runs a container per
	// RUN, and the export is 200 MB.
	ctxDir := testutil.CachedDir(t, "lower-secrets context\x00"+base, func(ctxDir string) error {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return err
		}
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		files := map[string]string{
			"add/root/.ssh/id_rsa":       string(keyPEM),
			"add/root/.aws/credentials":  "[default]\naws_access_key_id = AKIA" + strings.ToUpper(randomToken(t, 16)) + "\naws_secret_access_key = " + randomToken(t, 40) + "\n",
			"add/srv/app/.env":           "LOG_LEVEL=info\nGITHUB_TOKEN=ghp_" + randomToken(t, 36) + "\n",
			"add/opt/kept/.env":          "API_TOKEN=ghp_" + randomToken(t, 36) + "\n",
			"add/srv/app/index.html":     "<p>hello</p>\n",
			"add/opt/kept/settings.conf": "listen 8080\n",
			"Dockerfile": "FROM " + base + `
COPY add/ /
RUN rm /root/.ssh/id_rsa /root/.aws/credentials
RUN rm -rf /srv/app && mkdir /srv/app && echo '<p>new</p>' > /srv/app/index.html
RUN chown -R nobody /opt/kept
`,
		}
		for p, body := range files {
			full := filepath.Join(ctxDir, p)
			os.MkdirAll(filepath.Dir(full), 0o755)
			if err := os.WriteFile(full, []byte(body), 0o600); err != nil {
				return err
			}
		}
		return nil
	})
	name := testutil.DockerBuildCached(t, sock, ctxDir, "bulwark-test/lower-secrets")
	saved := testutil.DockerSaveCached(t, sock, name)
	if !archiveHasOpaqueMarker(t, saved) {
		t.Fatal("the engine exported no opaque-directory marker; the test would not test it")
	}

	for _, target := range []string{"docker-archive:" + saved, "docker:" + name} {
		rep := scanAll(t, target)
		layers := rep.Target.Layers
		if len(layers) != 5 {
			t.Fatalf("%s: %d layers, want 5", target, len(layers))
		}
		copied, rmLayer, opaqueLayer := layers[1], layers[2], layers[3]
		if !strings.Contains(copied.CreatedBy, "COPY") {
			t.Fatalf("%s: layer 2 was made by %q, want the COPY", target, copied.CreatedBy)
		}
		byPath := func(p string) []finding.Finding {
			var out []finding.Finding
			for _, f := range rep.Findings {
				if f.Evidence.Path == p && f.Content {
					out = append(out, f)
				}
			}
			return out
		}
		for _, tc := range []struct {
			path    string
			removed report.Layer
			rules   []string // at least these
		}{
			{"root/.ssh/id_rsa", rmLayer, []string{misconfig.SensitiveFile.ID, "secret-private-key"}},
			{"root/.aws/credentials", rmLayer, []string{misconfig.SensitiveFile.ID, "secret-aws-access-key-id"}},
			{"srv/app/.env", opaqueLayer, []string{misconfig.SensitiveFile.ID, "secret-github-token"}},
		} {
			fs := byPath(tc.path)
			var rules []string
			for _, f := range fs {
				rules = append(rules, f.ID)
				e := f.Evidence
				if e.LayerDigest != copied.DiffID || e.RemovedInLayer != tc.removed.DiffID || e.History != copied.CreatedBy {
					t.Errorf("%s: %s %s: added in %s, removed in %s, history %q; want %s, %s, %q", target, tc.path, f.ID,
						e.LayerDigest, e.RemovedInLayer, e.History, copied.DiffID, tc.removed.DiffID, copied.CreatedBy)
				}
			}
			for _, r := range tc.rules {
				if !slices.Contains(rules, r) {
					t.Errorf("%s: %s: no %s finding (got %v)", target, tc.path, r, rules)
				}
			}
		}
		kept := byPath("opt/kept/.env")
		count := map[string]int{}
		for _, f := range kept {
			count[f.ID]++
			if f.Evidence.LayerDigest != copied.DiffID || f.Evidence.RemovedInLayer != "" {
				t.Errorf("%s: opt/kept/.env %s: layer %s, removed in %q; want %s, not removed", target, f.ID,
					f.Evidence.LayerDigest, f.Evidence.RemovedInLayer, copied.DiffID)
			}
		}
		if count[misconfig.SensitiveFile.ID] != 1 || count["secret-github-token"] != 1 {
			t.Errorf("%s: the .env left in place (and re-added by chown) is reported %v times, want once per rule", target, count)
		}
		if testing.Verbose() {
			for _, f := range rep.Findings {
				if f.Evidence.RemovedInLayer != "" {
					t.Log(fmt.Sprintf("%s %s %s", f.ID, f.Evidence.Path, f.Evidence.History))
				}
			}
		}
	}
}
