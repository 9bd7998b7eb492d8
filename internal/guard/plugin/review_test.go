package plugin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
)

// reviewEngine is one guarded engine shared by the tests of the security
// review's guard findings: the tool image imported and recorded as
// scanned clean, so each case is refused for its own reason only.
type reviewEngine struct {
	*guarded
	img     string
	enforce string
	suffix  string
}

func startReview(t *testing.T, extra string) *reviewEngine {
	t.Helper()
	hist := t.TempDir()
	enforce := fmt.Sprintf("version: 1\nscan_gate:\n  history_dir: %s\n%s", hist, extra)
	e := startGuarded(t, parsePolicy(t, enforce))
	img := e.importImage(t, toolImage(t), "bulwark-guard-tool:1")
	ins, err := e.api.ImageInspect(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if err := history.RecordEntry(context.Background(), hist, &history.Entry{
		SchemaVersion: history.SchemaVersion, ImageID: ins.ID, LayersVerified: true, Target: "docker:" + img, ScannedAt: time.Now().UTC(),
		Matched: true, Assessed: true, Assessment: "full", Counts: map[string]int{}, Findings: []history.Finding{},
	}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	return &reviewEngine{guarded: e, img: img, enforce: enforce, suffix: hex.EncodeToString(b)}
}

// refused runs docker args and wants a denial naming rule; whatever it
// created by mistake is removed.
func (r *reviewEngine) refused(t *testing.T, rule string, args ...string) {
	t.Helper()
	out, err := r.docker(args...)
	if err == nil {
		if args[0] == "create" {
			r.docker("rm", "-f", strings.TrimSpace(out))
		}
		if args[0] == "volume" {
			r.docker("volume", "rm", "-f", strings.TrimSpace(out))
		}
		t.Errorf("docker %s allowed:\n%s", strings.Join(args, " "), out)
		return
	}
	if !strings.Contains(out, "authorization denied by plugin "+pluginName) || !hasRule(out, rule) {
		t.Errorf("docker %s: error does not name rule %s:\n%s", strings.Join(args, " "), rule, out)
	}
}

// hardenedCreate is `docker create` with every required setting, then
// args, the image and a command.
func (r *reviewEngine) hardenedCreate(args ...string) []string {
	out := append([]string{"create"}, hardenedRun[2:]...)
	return append(append(out, args...), r.img, "true")
}

// TestHostPathResolver: every way the Engine API names a host path is
// judged, against the real engine. The relative device= of the local
// volume driver is resolved by mount(2) from the daemon's working
// directory, so enough ../ reach the host's /etc; it used to pass because
// only values starting with / were treated as host paths.
func TestHostPathResolver(t *testing.T) {
	r := startReview(t, "")
	up := strings.Repeat("../", 12) + "etc"
	v := "bulwark-rel-" + r.suffix
	t.Run("volume create with a relative device", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, "volume", "create", "-d", "local", "-o", "type=none", "-o", "o=bind", "-o", "device="+up, v)
	})
	t.Run("mount with volume options binding a relative device", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("--mount",
			"type=volume,src="+v+"2,dst=/x,volume-driver=local,volume-opt=type=none,volume-opt=o=bind,volume-opt=device="+up)...)
		r.docker("volume", "rm", "-f", v+"2")
	})
	t.Run("anonymous volume binding /etc", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("--mount",
			"type=volume,dst=/x,volume-opt=type=none,volume-opt=o=rbind,volume-opt=device=/etc")...)
	})
	t.Run("named volume made earlier with a relative device", func(t *testing.T) {
		if err := r.srv.Reload(parsePolicy(t, r.enforce+"mode: audit\n")); err != nil {
			t.Fatal(err)
		}
		r.mustDocker(t, "volume", "create", "-d", "local", "-o", "type=none", "-o", "o=bind", "-o", "device="+up, v)
		defer r.docker("volume", "rm", "-f", v)
		if err := r.srv.Reload(parsePolicy(t, r.enforce)); err != nil {
			t.Fatal(err)
		}
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("-v", v+":/x")...)
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("--mount", "type=volume,src="+v+",dst=/x")...)
	})
	t.Run("newly sensitive paths", func(t *testing.T) {
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("-v", "/var/log:/l:ro")...)
		r.refused(t, policy.RuleSensitiveMount, r.hardenedCreate("-v", "/home:/h:ro")...)
	})
	t.Run("harmless volume still allowed", func(t *testing.T) {
		r.mustDocker(t, "volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", v+"-tmp")
		defer r.docker("volume", "rm", "-f", v+"-tmp")
		id := r.mustDocker(t, r.hardenedCreate("-v", v+"-tmp:/x")...)
		r.docker("rm", "-f", id)
	})
}

// idImage is a root filesystem whose one static program prints its uid
// when called as /bin/id and sleeps as /bin/sleep, with an /etc/passwd
// naming root, toor (another name for uid 0) and app (uid 1000).
func idImage(t *testing.T) string {
	t.Helper()
	return programImage(t, `package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	switch filepath.Base(os.Args[0]) {
	case "id":
		fmt.Println(os.Getuid())
	case "sleep":
		time.Sleep(time.Hour) // removed by the test; a loaded machine can take minutes over the table
	}
}
`, []string{"id", "sleep"}, map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/tmp:/bin/sh\n",
		"etc/group":  "root:x:0:\napp:x:1000:\n",
	})
}

// markedRecord is the audit record of the request that passed the
// environment variable named mark (the summary keeps variable names).
func (r *reviewEngine) markedRecord(t *testing.T, mark string) Record {
	t.Helper()
	for _, rec := range r.records(t) {
		if rec.Summary != nil && slices.Contains(rec.Summary.EnvKeys, mark) {
			return rec
		}
	}
	t.Fatalf("no audit record for the request marked %s", mark)
	return Record{}
}

func flagged(rec Record, rule string) bool {
	for _, v := range rec.Violations {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

// TestUserSpellings is a differential test of root detection against the
// real engine: for each spelling of --user, of an image's USER and of
// docker exec -u, the plugin (in audit mode, so the process runs) flags
// root exactly when the process really runs as uid 0, and a spelling the
// runtime cannot resolve is flagged too. The guard used to read the user
// with ParseUint, so "+0", "-0" and "+0:+0" ran as root unflagged, and a
// name other than "root" with uid 0 in /etc/passwd was never looked up.
func TestUserSpellings(t *testing.T) {
	r := startReview(t, "mode: audit\n")
	img := "bulwark-guard-id:" + r.suffix
	r.mustDocker(t, "import", idImage(t), img)
	defer r.docker("rmi", "-f", img)
	hardened := []string{"--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"}

	check := func(t *testing.T, what string, out string, runErr error, rec Record, rule string) {
		t.Helper()
		if runErr != nil {
			// The runtime refused the spelling: the guard must not have allowed it.
			if !flagged(rec, rule) {
				t.Errorf("%s: the engine refused it (%s) but the guard allowed it", what, strings.TrimSpace(out))
			}
			return
		}
		uid, err := strconv.Atoi(strings.TrimSpace(out))
		if err != nil {
			t.Fatalf("%s: output %q", what, out)
		}
		if (uid == 0) != flagged(rec, rule) {
			t.Errorf("%s: runs as uid %d, guard flagged root: %v (%+v)", what, uid, flagged(rec, rule), rec.Violations)
		}
	}
	id := r.mustDocker(t, append(append([]string{"run", "-d", "--user", "1000"}, hardened...), img, "sleep")...)
	defer r.docker("rm", "-f", id)
	type spelling struct{ kind, user string }
	var table []spelling
	for _, u := range []string{"0", "+0", "-0", "00", "+0:+0", "0:1000", "toor", "toor:app", "app", "+1000", "app:0", "nobody", "-1"} {
		table = append(table, spelling{"--user", u})
	}
	for _, u := range []string{"+0", "toor", "app"} {
		table = append(table, spelling{"USER", u})
	}
	for _, u := range []string{"+0", "-0", "toor", "app", "nobody"} {
		table = append(table, spelling{"exec -u", u})
	}
	// In parallel: each request carries a variable whose name finds its
	// audit record.
	t.Run("spellings", func(t *testing.T) {
		for i, sp := range table {
			t.Run(sp.kind+" "+sp.user, func(t *testing.T) {
				t.Parallel()
				mark := fmt.Sprintf("BULWARK_CASE_%d", i)
				var out string
				var err error
				switch sp.kind {
				case "--user":
					out, err = r.docker(append(append([]string{"run", "--rm", "-e", mark, "--user", sp.user}, hardened...), img, "id")...)
				case "USER":
					ui := fmt.Sprintf("%s-user%d", img, i)
					r.mustDocker(t, "import", "-c", "USER "+sp.user, idImage(t), ui)
					defer r.docker("rmi", "-f", ui)
					out, err = r.docker(append(append([]string{"run", "--rm", "-e", mark}, hardened...), ui, "id")...)
				case "exec -u":
					out, err = r.docker("exec", "-e", mark, "-u", sp.user, id, "id")
				}
				rule := policy.RuleRootUser
				if sp.kind == "exec -u" {
					rule = policy.RuleExecRoot
				}
				check(t, sp.kind+" "+sp.user, out, err, r.markedRecord(t, mark), rule)
			})
		}
	})
	// Enforce mode refuses what audit mode flagged.
	if err := r.srv.Reload(parsePolicy(t, strings.Replace(r.enforce, "mode: audit\n", "", 1))); err != nil {
		t.Fatal(err)
	}
	r.refused(t, policy.RuleRootUser, append(append([]string{"create", "--user", "+0"}, hardened...), img, "id")...)
	r.refused(t, policy.RuleExecRoot, "exec", "-u", "toor", id, "id")
}

// TestSeccompProfileContent: a profile sent as JSON by
// `--security-opt seccomp=FILE` is judged by what it allows. A profile
// allowing everything by default used to count as confined.
func TestSeccompProfileContent(t *testing.T) {
	r := startReview(t, "")
	dir := t.TempDir()
	allowAll := filepath.Join(dir, "allow-all.json")
	os.WriteFile(allowAll, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ERRNO"}]}`), 0o644)
	mount := filepath.Join(dir, "mount.json")
	os.WriteFile(mount, []byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write","mount","unshare"],"action":"SCMP_ACT_ALLOW"}]}`), 0o644)
	strict := filepath.Join(dir, "strict.json")
	os.WriteFile(strict, []byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]}`), 0o644)
	r.refused(t, policy.RuleSeccomp, r.hardenedCreate("--security-opt", "seccomp="+allowAll)...)
	r.refused(t, policy.RuleSeccomp, r.hardenedCreate("--security-opt", "seccomp="+mount)...)
	id := r.mustDocker(t, r.hardenedCreate("--security-opt", "seccomp="+strict)...)
	r.docker("rm", "-f", id)
}

// TestEndpointCoverage: bounded work per decision, and endpoints that
// used to be allowed unjudged: docker cp into a container, BuildKit
// builds, and a create naming 30,000 --volumes-from entries, which cost
// 45 s and 30,000 engine calls per decision.
func TestEndpointCoverage(t *testing.T) {
	r := startReview(t, "")
	t.Run("30,000 volumes-from", func(t *testing.T) {
		var refs []string
		for i := range 30000 {
			refs = append(refs, fmt.Sprintf("%q", fmt.Sprintf("c%d", i)))
		}
		body := fmt.Sprintf(`{"Image":%q,"User":"1000","Cmd":["true"],"HostConfig":{"NetworkMode":"none","ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"],"VolumesFrom":[%s]}}`, r.img, strings.Join(refs, ","))
		start := time.Now()
		code, resp := raw(t, fmt.Sprintf("POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body))
		took := time.Since(start)
		if code != 403 || !strings.Contains(resp, "rule request-body") {
			t.Errorf("status %d: %.300s", code, resp)
		}
		if took > 5*time.Second {
			t.Errorf("denial took %v", took)
		}
		t.Logf("30,000 volumes-from denied in %v", took)
	})
	t.Run("100 distinct containers to inspect", func(t *testing.T) {
		var args []string
		for i := range 100 {
			args = append(args, "--volumes-from", fmt.Sprintf("nosuch%d", i))
		}
		r.refused(t, policy.RuleInternalError, r.hardenedCreate(args...)...)
	})
	t.Run("docker cp into a container", func(t *testing.T) {
		id := r.mustDocker(t, r.hardenedCreate()...)
		defer r.docker("rm", "-f", id)
		f := filepath.Join(t.TempDir(), "passwd")
		os.WriteFile(f, []byte("app:x:0:0::/:/bin/sh\n"), 0o644)
		r.refused(t, policy.RuleArchiveUpload, "cp", f, id+":/etc/passwd")
	})
	// BuildKit's own client (buildx) is what reaches these; the requests
	// are sent raw: the control API over an upgraded connection, and a
	// build asking for the BuildKit backend.
	t.Run("BuildKit control API", func(t *testing.T) {
		code, resp := raw(t, "POST /v1.41/grpc HTTP/1.1\r\nHost: docker\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n")
		if code != 403 || !strings.Contains(resp, "rule "+policy.RuleBuildKit) {
			t.Errorf("status %d: %.300s", code, resp)
		}
	})
	t.Run("BuildKit build", func(t *testing.T) {
		code, resp := raw(t, "POST /v1.41/build?version=2&buildid=x&dockerfile=Dockerfile HTTP/1.1\r\nHost: docker\r\nContent-Type: application/x-tar\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		if code != 403 || !strings.Contains(resp, "rule "+policy.RuleBuildKit) {
			t.Errorf("status %d: %.300s", code, resp)
		}
	})
}
