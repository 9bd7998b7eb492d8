package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
	"github.com/bulwark-sec/bulwark/internal/store/embedded"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// fixture is a running server on an embedded store with tokens of each role.
type fixture struct {
	t      *testing.T
	srv    *server.Server
	url    string
	st     store.Store
	admin  string
	viewer string
	agent1 string // host h1
	agent2 string // host h2
	cancel context.CancelFunc
}

func newFixture(t *testing.T, cfg server.Config) *fixture {
	t.Helper()
	if cfg.Store == nil {
		st, err := embedded.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Store = st
	}
	t.Cleanup(func() { cfg.Store.Close() })
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cfg.Poll = max(cfg.Poll, 50*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	done := make(chan struct{})
	go func() { srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; hs.Close() })
	f := &fixture{t: t, srv: srv, url: hs.URL, st: cfg.Store, cancel: cancel}
	f.admin = f.mint(store.Admin, "")
	f.viewer = f.mint(store.Viewer, "")
	f.agent1 = f.mint(store.Agent, "h1")
	f.agent2 = f.mint(store.Agent, "h2")
	return f
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(b)))
	return len(b), nil
}

func (f *fixture) mint(role store.Role, host string) string {
	f.t.Helper()
	secret, hash := store.NewSecret()
	if _, err := f.st.CreateToken(context.Background(), store.Token{Name: string(role) + host, Role: role, Host: host, Hash: hash}); err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// do sends a request and returns status and body.
func (f *fixture) do(method, path, token string, body []byte, hdr ...string) (int, []byte) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (f *fixture) getJSON(path, token string, out any) {
	f.t.Helper()
	code, b := f.do("GET", path, token, nil)
	if code != 200 {
		f.t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		f.t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// demoReport is the json scan report of the bundled demo image, matched
// against the bundled advisory subset.
func demoReport(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "internal/server/testdata/demo-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var httpClient = &http.Client{Timeout: time.Minute}

func newJSONRequest(method, url, token, body string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
