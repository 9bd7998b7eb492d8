package cli

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// TestBenchTrustPolicyOnRealEngine: images pulled by the engine from a
// loopback registry, one signed with SLSA provenance by the trusted key,
// one signed by another key, one unsigned, and one built here; bench
// --trust-policy verifies each and 4.5, 4.11 and 4.12 name the ones that
// fail, with the reason, and never the trusted one. --facts-out records
// the verdicts and --facts replays them.
func TestBenchTrustPolicyOnRealEngine(t *testing.T) {
	t.Parallel()
	sock := testutil.NeedDocker(t)
	reg := verifytest.NewHostileRegistry(t)
	trusted, stranger := verifytest.NewKeySigner(t), verifytest.NewKeySigner(t)
	id := strings.ToLower(rand.Text()[:10])
	dockerCmd := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("docker", append([]string{"-H", "unix://" + sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	var tags []string
	t.Cleanup(func() {
		if len(tags) > 0 {
			exec.Command("docker", append([]string{"-H", "unix://" + sock, "rmi", "-f"}, tags...)...).Run()
		}
	})
	pull := func(name string, sign *verifytest.KeySigner) string {
		img := testutil.Image(t, testutil.LayerTar(t, testutil.Entry{Name: "etc/motd", Body: name + " " + id}))
		ref := verifytest.Push(t, img, fmt.Sprintf("%s/bench/%s:%s", reg.Host, name, id))
		if sign != nil {
			sign.Attach(t, ref)
		}
		dockerCmd("pull", "-q", ref)
		tag := fmt.Sprintf("%s/bench/%s:%s", reg.Host, name, id)
		dockerCmd("tag", ref, tag)
		tags = append(tags, tag)
		return tag
	}
	good := pull("trusted", trusted)
	strange := pull("stranger", stranger)
	unsigned := pull("unsigned", nil)
	local := "bulwark-bench-local-" + id + ":1"
	dockerCmd("tag", good, local) // same image ID: its repo digest still leads to the signatures
	tags = append(tags, local)
	built := testutil.Image(t, testutil.LayerTar(t, testutil.Entry{Name: "etc/motd", Body: "built " + id}))
	builtRef := verifytest.Push(t, built, fmt.Sprintf("%s/bench/built:%s", reg.Host, id))
	dockerCmd("pull", "-q", builtRef)
	// Loaded here (never pulled): docker save | docker load drops the repo digest.
	builtTag := "bulwark-bench-built-" + id + ":1"
	dockerCmd("tag", builtRef, builtTag)
	tags = append(tags, builtTag)
	archive := filepath.Join(t.TempDir(), "built.tar")
	dockerCmd("save", "-o", archive, builtTag)
	dockerCmd("rmi", "-f", builtTag, builtRef)
	dockerCmd("load", "-q", "-i", archive)

	policyFile := filepath.Join(t.TempDir(), "guard.yaml")
	os.WriteFile(policyFile, fmt.Appendf(nil, `version: 1
trust:
  images:
    - pattern: "%s/bench/**"
      keys: [%s]
      builders: ["https://builder.example/*"]
`, reg.Host, trusted.Public), 0o600)

	factsFile := filepath.Join(t.TempDir(), "facts.json")
	out, errOut, code := runCLI("bench", "--docker-host", "unix://"+sock, "--check", "4.5,4.11,4.12", "--trust-policy", policyFile,
		"--no-processes", "--format", "json", "--facts-out", factsFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	check := func(out string) {
		t.Helper()
		var rep bench.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		byID := map[string]bench.Result{}
		for _, r := range rep.Results {
			byID[r.ID] = r
		}
		want := map[string]map[string]string{ // check → image → part of its reason ("" must not be listed)
			"4.5":  {good: "", local: "", strange: "not signed by a signer trusted", unsigned: "it has no signature", builtTag: "has no repo digest"},
			"4.11": {good: "", local: "", strange: "no SLSA provenance signed by a trusted signer", unsigned: "no SLSA provenance", builtTag: "has no repo digest"},
			"4.12": {good: "", local: "", strange: "signature: ", unsigned: "provenance: ", builtTag: "signature: "},
		}
		for cid, imgs := range want {
			r := byID[cid]
			if r.Status != bench.Warn || !strings.Contains(r.Details, policyFile) {
				t.Errorf("%s: %s %q", cid, r.Status, r.Details)
			}
			for img, why := range imgs {
				var item string
				for _, it := range r.Items {
					if strings.HasPrefix(it, img+": ") {
						item = it
					}
				}
				switch {
				case why == "" && item != "":
					t.Errorf("%s lists the trusted image: %s", cid, item)
				case why != "" && !strings.Contains(item, why):
					t.Errorf("%s: item for %s is %q, want …%s…", cid, img, item, why)
				}
			}
		}
	}
	check(out)
	replayed, errOut, code := runCLI("bench", "--facts", factsFile, "--check", "4.5,4.11,4.12", "--format", "json")
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, errOut)
	}
	check(replayed)
	if _, errOut, code := runCLI("bench", "--facts", factsFile, "--trust-policy", policyFile); code != ExitInput || !strings.Contains(errOut, "--trust-policy") {
		t.Errorf("--facts with --trust-policy: exit %d %q", code, errOut)
	}
	if _, errOut, code := runCLI("bench", "--facts", factsFile, "--trust-policy", filepath.Join(t.TempDir(), "none.yaml")); code != ExitInput {
		t.Errorf("missing policy file: exit %d %q", code, errOut)
	}
	var snap facts.Snapshot
	b, _ := os.ReadFile(factsFile)
	if err := json.Unmarshal(b, &snap); err != nil || snap.Trust == nil {
		t.Fatalf("facts without trust verdicts: %v", err)
	}
	found := false
	for _, ti := range snap.Trust.Images {
		if ti.Image == good || ti.Image == local {
			found = true
			if ti.Reference == "" || len(ti.Signers) != 1 || ti.Signers[0] != trusted.Public || ti.Unsigned != "" || ti.NoProvenance != "" || len(ti.Violations) != 0 {
				t.Errorf("trusted image judged %+v", ti)
			}
		}
	}
	if !found {
		t.Errorf("the trusted image was not judged: %+v", snap.Trust.Images)
	}
}
