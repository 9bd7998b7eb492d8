package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/jackc/pgx/v5"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/store/storetest"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// bulwarkBinary builds cmd/bulwark once per source (testutil.BulwarkBinary).
func bulwarkBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() { binPath, binErr = testutil.BulwarkBinary() })
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// replica is a `bulwark serve` process.
type replica struct {
	name string
	cmd  *exec.Cmd
	url  string
	log  string
	done chan error
}

// startReplica starts bulwark serve with args and waits for its address.
func startReplica(t *testing.T, name string, env []string, args ...string) *replica {
	t.Helper()
	r := &replica{name: name, log: filepath.Join(t.TempDir(), name+".log"), done: make(chan error, 1)}
	r.cmd = exec.Command(bulwarkBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--replica-id", name}, args...)...)
	r.cmd.Env = append(os.Environ(), env...)
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			logf.Write(append(line, '\n'))
			var m struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(line, &m) == nil && m.Msg == "listening" {
				addr <- m.Addr
			}
		}
		logf.Close()
		r.done <- r.cmd.Wait()
	}()
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	})
	select {
	case a := <-addr:
		r.url = "http://" + a
	case err := <-r.done:
		b, _ := os.ReadFile(r.log)
		t.Fatalf("replica %s exited: %v\n%s", name, err, b)
	case <-time.After(60 * time.Second):
		t.Fatalf("replica %s did not start", name)
	}
	return r
}

// TestReplicasExactlyOnce is acceptance 1 of the serve issue: two replicas
// (real processes) on one PostgreSQL and three agents on loopback; 1,000
// submitted registry-scan jobs are each processed exactly once, and the
// jobs a replica held when it was killed with SIGKILL are finished by the
// other after their lease runs out. Nothing is lost.
func TestReplicasExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs 1,000 scans")
	}
	pgURL := storetest.PostgresSchema(t, testutil.NeedPostgres(t))
	ctx := context.Background()
	const jobs, images, lease = 1000, 10, 3 * time.Second

	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{writeDSAList(t)}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	reg := testutil.Registry(t)
	img, err := tarball.ImageFromPath(filepath.Join(testutil.RepoRoot(t), "testdata/demo/demo-image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range images {
		testutil.Push(t, img, fmt.Sprintf("%s/fleet/app%d:1.0", reg, i))
	}

	admin, _ := store.NewSecret()
	env := []string{"BULWARK_ADMIN_TOKEN=" + admin}
	common := []string{"--advisory-db", dbPath, "--workers", "3", "--job-lease", lease.String(), "--job-poll", "100ms", "--log-requests=false", "--scan-registry", reg}
	// Each replica names its PostgreSQL sessions, so the test can tell
	// when the killed one's last statements are through.
	a := startReplica(t, "A", env, append(common, "--db", withAppName(t, pgURL, "bulwark-replica-A"), "--cache-dir", t.TempDir())...)
	b := startReplica(t, "B", env, append(common, "--db", withAppName(t, pgURL, "bulwark-replica-B"), "--cache-dir", t.TempDir())...)

	// Three agents, each with its own token, spread their requests over
	// both replicas.
	adminClient := map[string]*httpFixture{"A": {url: a.url, token: admin}, "B": {url: b.url, token: admin}}
	var agents []*agent.Client
	for i := range 3 {
		secret := adminClient["A"].mintAgent(t, fmt.Sprintf("agent-host-%d", i))
		for _, r := range []*replica{a, b} {
			c, err := agent.NewClient(r.url, secret, nil)
			if err != nil {
				t.Fatal(err)
			}
			agents = append(agents, c)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, jobs)
	for ag := range 3 {
		wg.Go(func() {
			for i := ag; i < jobs; i += 3 {
				c := agents[ag*2+i%2] // alternate replicas
				ref := fmt.Sprintf("%s/fleet/app%d:1.0", reg, i%images)
				if _, err := c.RequestScan(ctx, ref, fmt.Sprintf("job-%d", i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("submitting: %v", err)
	}
	t.Logf("1,000 scan requests queued in %v", time.Since(start))

	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM jobs WHERE kind = 'scan'`); n != jobs {
		t.Fatalf("%d scan jobs queued, want %d", n, jobs)
	}

	// Kill A while it holds jobs: once some are done, so both replicas work.
	deadline := time.Now().Add(2 * time.Minute)
	for count(`SELECT count(*) FROM jobs WHERE state = 'done'`) < 100 || count(`SELECT count(*) FROM jobs WHERE state = 'running' AND claimed_by LIKE 'A/%'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("replica A never held a job")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.done
	killedAt := time.Now()
	// A COMMIT A sent just before it died may still be in flight; the
	// server ends A's sessions once it has run what they sent. Only then
	// is what A held final.
	for count(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bulwark-replica-A'`) > 0 {
		if time.Since(killedAt) > 30*time.Second {
			t.Fatal("replica A's database sessions outlived it by 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	rows, err := conn.Query(ctx, `SELECT id FROM jobs WHERE state = 'running' AND claimed_by LIKE 'A/%'`)
	if err != nil {
		t.Fatal(err)
	}
	orphans, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(orphans) == 0 {
		t.Fatal("replica A held no job when killed")
	}
	doneByA := count(`SELECT count(*) FROM scans WHERE key LIKE 'job:%'`)
	t.Logf("killed A holding jobs %v; %d jobs done so far", orphans, doneByA)

	deadline = time.Now().Add(5 * time.Minute)
	for count(`SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')`) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("jobs left after 5 minutes: %d", count(`SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')`))
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("all jobs finished %v after the kill, %v in all", time.Since(killedAt), time.Since(start))

	// Exactly once: every job done, one scan per job, results naming it.
	if n := count(`SELECT count(*) FROM jobs WHERE kind = 'scan' AND state = 'done'`); n != jobs {
		t.Errorf("%d scan jobs done, want %d (failed: %d)", n, jobs, count(`SELECT count(*) FROM jobs WHERE state = 'failed'`))
	}
	if n := count(`SELECT count(*) FROM scans WHERE key LIKE 'job:%'`); n != jobs {
		t.Errorf("%d scans stored by jobs, want %d", n, jobs)
	}
	if n := count(`SELECT count(*) FROM jobs j JOIN scans s ON s.key = 'job:' || j.id WHERE j.kind = 'scan' AND j.result = 'scan ' || s.id`); n != jobs {
		t.Errorf("%d jobs name their own scan in their result, want %d", n, jobs)
	}
	if n := count(`SELECT count(*) FROM scans WHERE key LIKE 'job:%' AND (critical + high + medium + low + unknown) <> 7`); n != 0 {
		t.Errorf("%d stored scans lack the image's 7 findings", n)
	}
	// Only the orphans were claimed twice, each by B after its lease.
	if n := count(`SELECT count(*) FROM jobs WHERE attempts <> 1 AND NOT (id = ANY($1))`, orphans); n != 0 {
		t.Errorf("%d jobs other than A's orphans were claimed more than once", n)
	}
	if n := count(`SELECT count(*) FROM jobs WHERE id = ANY($1) AND attempts = 2 AND state = 'done'`, orphans); n != len(orphans) {
		t.Errorf("%d of A's %d orphaned jobs were finished on a second claim", n, len(orphans))
	}
	// The images are all there, each matched against the database.
	if n := count(`SELECT count(*) FROM latest`); n != images {
		t.Errorf("%d images, want %d", n, images)
	}

	// B stops cleanly on SIGTERM.
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-b.done:
		if err != nil {
			t.Errorf("replica B exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("replica B did not stop on SIGTERM")
	}
}

// httpFixture is an admin client of a replica.
type httpFixture struct{ url, token string }

func (h *httpFixture) mintAgent(t *testing.T, host string) string {
	t.Helper()
	req, _ := newJSONRequest("POST", h.url+"/api/v1/tokens", h.token, fmt.Sprintf(`{"role":"agent","host":%q}`, host))
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Secret string `json:"secret"`
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || json.Unmarshal(body, &out) != nil {
		t.Fatalf("minting agent token: %d %s", resp.StatusCode, body)
	}
	return out.Secret
}

// TestServeCLI drives the binary's token commands and checks usage errors
// exit 2 with one line.
func TestServeCLI(t *testing.T) {
	bin := bulwarkBinary(t)
	db := filepath.Join(t.TempDir(), "server.db")
	run := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
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
	out, _, code := run("serve", "token", "create", "--db", db, "--role", "agent", "--host", "web-01")
	secret := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(secret, store.TokenPrefix) || len(secret) != len(store.TokenPrefix)+64 {
		t.Fatalf("token create: %d %q", code, out)
	}
	out, _, code = run("serve", "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "web-01") || !strings.Contains(out, "agent") || strings.Contains(out, secret) {
		t.Errorf("token list: %d %q", code, out)
	}
	st, err := embedded.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.TokenByHash(context.Background(), store.HashSecret(secret))
	st.Close()
	if err != nil || tok.Role != store.Agent || tok.Host != "web-01" {
		t.Errorf("stored token %+v, %v", tok, err)
	}
	for _, args := range [][]string{
		{"serve", "token", "create", "--db", db, "--role", "agent"},
		{"serve", "token", "create", "--db", db, "--role", "root"},
		{"serve", "--db", db, "--tls-cert", "x.pem"},
		{"serve", "--db", db, "--client-ca", "ca.pem"},
		{"agent"},
		{"agent", "--server", "http://127.0.0.1:1", "--token", "bwt_x", "--no-bench", "--no-scan"},
		{"agent", "--server", "127.0.0.1:1", "--token", "bwt_x"},
	} {
		_, stderr, code := run(args...)
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.HasPrefix(stderr, "bulwark: ") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, stderr)
		}
	}
}

// TestAgentCLI runs `bulwark agent --once` from the binary against a
// `bulwark serve` process and a real Docker engine.
func TestAgentCLI(t *testing.T) {
	t.Parallel() // its own replica, store and cache; the agent binary waits on the engine
	sock := testutil.NeedDocker(t)
	name := testutil.DockerImport(t, sock, testutil.DebianRootfs(t, "bullseye"), "bulwark-test/agent-bullseye:1")
	admin, _ := store.NewSecret()
	r := startReplica(t, "agent-cli", []string{"BULWARK_ADMIN_TOKEN=" + admin}, "--db", filepath.Join(t.TempDir(), "s.db"), "--no-cache", "--workers", "0")
	h := &httpFixture{url: r.url, token: admin}
	token := h.mintAgent(t, "cli-host")
	cmd := exec.Command(bulwarkBinary(t), "agent", "--once", "--server", r.url, "--images", name, "--docker-host", "unix://"+sock)
	cmd.Env = append(os.Environ(), "BULWARK_TOKEN="+token, "BULWARK_CACHE_DIR="+t.TempDir())
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("agent: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "1 scans submitted; 0 images failed") || strings.Contains(out.String(), "bench run 0;") {
		t.Errorf("agent output %q", out.String())
	}
	req, _ := newJSONRequest("GET", r.url+"/api/v1/hosts/cli-host", admin, "")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var host struct {
		Host      store.Host       `json:"host"`
		BenchRuns []store.BenchRun `json:"bench_runs"`
		Images    []store.Scan     `json:"images"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&host); err != nil {
		t.Fatal(err)
	}
	if len(host.BenchRuns) != 1 || host.BenchRuns[0].Total < 50 || len(host.Images) != 1 || host.Images[0].Image != name || host.Images[0].Packages < 80 {
		t.Errorf("host after one agent round: %+v", host)
	}
	// A revoked (here: unknown) token fails the round with exit 2.
	bad := exec.Command(bulwarkBinary(t), "agent", "--once", "--no-bench", "--server", r.url, "--token", "bwt_"+strings.Repeat("0", 64), "--docker-host", "unix://"+sock, "--images", name)
	bad.Env = append(os.Environ(), "BULWARK_CACHE_DIR="+t.TempDir())
	msg, err := bad.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(msg), "401") {
		t.Errorf("unknown token: %v\n%s", err, msg)
	}
}

// withAppName sets the application_name of a PostgreSQL URL.
func withAppName(t *testing.T, pgURL, name string) string {
	t.Helper()
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}
