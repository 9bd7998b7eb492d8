package plugin

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// TestEngineTrust is the guard's trust rules on the real engine with the
// plugin, deployed as a host would run it: images are pulled from a
// registry (here a loopback one, which the engine reaches over plain HTTP
// as it does any 127.0.0.0/8 registry), so each has a repo digest naming
// where its signatures are; the guard verifies that digest there. An
// unsigned image and one signed by a key the policy does not trust are
// refused at docker run, the trusted one runs.
func TestEngineTrust(t *testing.T) {
	cosign := verifytest.Cosign(t)
	host := verifytest.Registry(t)
	trusted := verifytest.NewKeyPair(t)
	stranger := verifytest.NewKeyPair(t)
	base := testutil.ImageFromTarFile(t, toolImage(t))
	push := func(tag string) string {
		layer := testutil.LayerTar(t, testutil.Entry{Name: "etc/release", Body: tag})
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer)), nil })
		if err != nil {
			t.Fatal(err)
		}
		img, err := mutate.AppendLayers(base, l)
		if err != nil {
			t.Fatal(err)
		}
		return verifytest.Push(t, img, fmt.Sprintf("%s/guard/app:%s", host, tag))
	}
	good, bad, unsigned := push("trusted"), push("stranger"), push("unsigned")
	verifytest.Sign(t, cosign, trusted, good)
	verifytest.Sign(t, cosign, stranger, bad)

	e := startGuarded(t, parsePolicy(t, fmt.Sprintf(`version: 1
scan_gate: {enabled: false}
trust:
  enabled: true
  images:
    - pattern: %s/guard/*
      keys: [%s]
`, host, trusted.Public)))
	for _, ref := range []string{good, bad, unsigned} {
		e.mustDocker(t, "pull", "-q", ref)
		t.Cleanup(func() { e.docker("rmi", "-f", ref) })
	}
	run := func(ref string) (string, error) {
		return e.docker(append(append([]string{}, hardenedRun...), ref, "true")...)
	}
	if out, err := run(good); err != nil {
		t.Fatalf("the trusted image was refused: %v\n%s", err, out)
	}
	for name, ref := range map[string]string{"unsigned": unsigned, "untrusted signer": bad} {
		out, err := run(ref)
		if err == nil {
			t.Errorf("%s image ran", name)
			continue
		}
		if !strings.Contains(out, "authorization denied by plugin "+pluginName) || !hasRule(out, policy.RuleSignature) {
			t.Errorf("%s image: refusal does not name rule %s:\n%s", name, policy.RuleSignature, out)
		}
	}
	// A built (never pulled) image has no repo digest: refused.
	e.importImage(t, toolImage(t), "bulwark-guard-local:trust")
	t.Cleanup(func() { e.docker("rmi", "-f", "bulwark-guard-local:trust") })
	if out, err := run("bulwark-guard-local:trust"); err == nil || !strings.Contains(out, "has no repo digest") {
		t.Errorf("a local image: %v\n%s", err, out)
	}
}
