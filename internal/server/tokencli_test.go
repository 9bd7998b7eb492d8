package server_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// TestTokenCreateWhileServing is acceptance 3 of the first-hour fixes: the
// README's flow, `bulwark serve token create --role agent --host X` while
// `bulwark serve` runs on the default embedded store, works through the
// binary (the command asks the server over the socket beside the store),
// and the new token is accepted by the running server at once.
func TestTokenCreateWhileServing(t *testing.T) {
	home := t.TempDir()
	data := filepath.Join(home, "data")
	env := []string{"HOME=" + home, "XDG_DATA_HOME=" + data, "BULWARK_SERVER_DB=", "BULWARK_CACHE_DIR=" + filepath.Join(home, "cache")}
	r := startReplica(t, "token-cli", append(env, "BULWARK_ADMIN_TOKEN="), "--workers", "0", "--no-cache")
	sock := filepath.Join(data, "bulwark", "server.db.sock")
	if st, err := os.Stat(sock); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("local socket: %v %v", st, err)
	}
	tokenCmd := func(args ...string) (string, string, int) {
		cmd := exec.Command(bulwarkBinary(t), append([]string{"serve", "token"}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Dir = t.TempDir()
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	out, stderr, code := tokenCmd("create", "--role", "agent", "--host", "X")
	secret := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(secret, store.TokenPrefix) {
		t.Fatalf("token create while serving: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// The running server knows the token: the agent may read its host.
	req, _ := newJSONRequest("GET", r.url+"/api/v1/hosts/X", secret, "")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 401 || resp.StatusCode == 403 {
		t.Errorf("the new agent token is refused: %d", resp.StatusCode)
	}
	out, _, code = tokenCmd("list")
	if code != 0 || !strings.Contains(out, "agent") || !strings.Contains(out, "bootstrap") || strings.Contains(out, secret) {
		t.Errorf("token list while serving: exit %d\n%s", code, out)
	}
	// Bad requests through the socket are still one line and exit 2.
	if _, stderr, code := tokenCmd("create", "--role", "agent", "--host", strings.Repeat("h", 600)); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("over-long host: exit %d %q", code, stderr)
	}
}
