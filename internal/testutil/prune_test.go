package testutil

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestPruneRepo: a new key's image removes the repository's other tags
// older than the age given, except one a container still uses; younger
// ones stay.
func TestPruneRepo(t *testing.T) {
	sock := NeedDocker(t)
	b := make([]byte, 4)
	rand.Read(b)
	repo := "bulwark-test/prune-" + hex.EncodeToString(b)
	tarball := filepath.Join(t.TempDir(), "tiny.tar")
	if err := os.WriteFile(tarball, LayerTar(t, Entry{Name: "etc/os-release", Body: "ID=test\n"}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"old", "used", "new"} {
		Docker(t, sock, "import", tarball, repo+":"+tag)
	}
	t.Cleanup(func() {
		exec.Command("docker", "-H", "unix://"+sock, "rm", "-f", "bulwark-prune-"+hex.EncodeToString(b)).Run()
		for _, tag := range []string{"old", "used", "new"} {
			exec.Command("docker", "-H", "unix://"+sock, "rmi", "-f", repo+":"+tag).Run()
		}
	})
	Docker(t, sock, "create", "--network", "none", "--name", "bulwark-prune-"+hex.EncodeToString(b), repo+":used", "/x")

	has := func(tag string) bool { return dockerHasImage(sock, repo+":"+tag) }
	pruneRepo(sock, repo+":new", time.Hour)
	if !has("old") || !has("used") || !has("new") {
		t.Fatalf("images younger than the age were removed: old %v, used %v, new %v", has("old"), has("used"), has("new"))
	}
	pruneRepo(sock, repo+":new", 0)
	if has("old") {
		t.Error("another key's image was kept")
	}
	if !has("used") {
		t.Error("an image a container uses was removed")
	}
	if !has("new") {
		t.Error("the new key's image was removed")
	}
}
