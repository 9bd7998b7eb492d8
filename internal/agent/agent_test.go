package agent_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// TestRunOnceRealEngine runs one agent round against a real Docker engine:
// it audits the host, scans a real Debian bullseye image imported into the
// engine, and the server (which has the advisory database; the agent has
// none) matches the inventory.
func TestRunOnceRealEngine(t *testing.T) {
	sock := testutil.NeedDocker(t)
	ctx := context.Background()
	name := testutil.DockerImport(t, sock, testutil.DebianRootfs(t, "bullseye"), "bulwark-test/agent-bullseye:1")
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	if _, err := importer.Import(ctx, dbPath, []string{testutil.Shared(t, "advisories/debian/DSA/list")}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, AdvisoryDB: dbPath, Workers: 1, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { srv.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()

	secret, hash := store.NewSecret()
	if _, err := st.CreateToken(ctx, store.Token{Name: "node-1", Role: store.Agent, Host: "node-1", Hash: hash}); err != nil {
		t.Fatal(err)
	}
	c, err := agent.NewClient(hs.URL, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := agent.RunOnce(ctx, agent.Options{Client: c, Bench: true, Scan: true, HostRoot: "/",
		Docker: dockerhost.Options{Host: "unix://" + sock}, Images: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.BenchRun == 0 || len(sum.Scans) != 1 || len(sum.Failed) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	h, err := st.Host(ctx, "node-1")
	if err != nil || h.Bench == nil || h.Bench.Total == 0 {
		t.Fatalf("host %+v, %v", h, err)
	}
	sc, err := st.Scan(ctx, sum.Scans[0])
	if err != nil {
		t.Fatal(err)
	}
	if sc.Image != name || sc.Host != "node-1" || sc.Source != store.SourceAgent || sc.Matched || sc.OS != "debian 11" || sc.Packages < 80 {
		t.Errorf("submitted scan %+v", sc)
	}
	// Until the server matches it, the inventory checked nothing, and says so.
	if want := fmt.Sprintf("not checked for %d of %d packages (to be matched by the server)", sc.Packages, sc.Packages); sc.Coverage.Assessed != "none" || sc.Coverage.Summary != want {
		t.Errorf("submitted coverage %+v, want none: %s", sc.Coverage, want)
	}
	// The server matches the inventory against its database.
	deadline := time.Now().Add(60 * time.Second)
	for {
		scans, err := st.Scans(ctx, store.ScanFilter{Image: name, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if scans[0].Matched {
			if scans[0].Source != store.SourceRematch || scans[0].Host != "node-1" || scans[0].Coverage.Assessed != "full" {
				t.Errorf("matched scan %+v", scans[0])
			}
			t.Logf("bench score %d (%d checks); %d packages, %d findings after matching", h.Bench.Score, h.Bench.Total, scans[0].Packages, scans[0].Counts.Total())
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never matched the inventory")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The client retries what may succeed later, with the same idempotency
// key, and gives up at once on what will not.
func TestClientRetries(t *testing.T) {
	var calls atomic.Int32
	keys := make(chan string, 10)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		keys <- r.Header.Get("Idempotency-Key")
		if r.URL.Query().Get("host") != "node-3" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/bench"):
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":"a viewer token may not do this"}`))
		case n < 3:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id":7,"image":"x"}`))
		}
	}))
	defer hs.Close()
	c, err := agent.NewClient(hs.URL, "bwt_x", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Host = "node-3"
	sc, err := c.SubmitScan(context.Background(), []byte(`{}`), "k1")
	if err != nil || sc.ID != 7 || calls.Load() != 3 {
		t.Fatalf("SubmitScan = %+v, %v after %d calls", sc, err, calls.Load())
	}
	for range 3 {
		if k := <-keys; k != "k1" {
			t.Errorf("retry sent key %q", k)
		}
	}
	calls.Store(10)
	_, err = c.SubmitBench(context.Background(), []byte(`{}`), "k2")
	var ae *agent.APIError
	if !errors.As(err, &ae) || ae.Status != 403 || !strings.Contains(ae.Message, "viewer") || calls.Load() != 11 {
		t.Errorf("403: %v after %d calls", err, calls.Load()-10)
	}
	for _, bad := range []struct{ url, token string }{{"ftp://x", "bwt_x"}, {"http://x", "secret"}, {"::", "bwt_x"}} {
		if _, err := agent.NewClient(bad.url, bad.token, nil); err == nil {
			t.Errorf("NewClient(%q, %q) accepted", bad.url, bad.token)
		}
	}
}
